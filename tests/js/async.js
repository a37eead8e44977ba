// Promises, async functions, async generators and job ordering.

test("promise jobs run after the current script, in order", function () {
  var log = [];
  Promise.resolve().then(function () { log.push("a"); });
  Promise.resolve().then(function () { log.push("b"); });
  log.push("sync");
  return Promise.resolve().then(function () {}).then(function () {
    assertEquals(log.join(","), "sync,a,b");
  });
});

test("async/await", function () {
  async function f(x) { var y = await x; return y + 1; }
  return f(Promise.resolve(1)).then(function (v) { assertEquals(v, 2); });
});

test("await of rejections throws", function () {
  async function f() {
    try { await Promise.reject(new TypeError("no")); }
    catch (e) { return "caught " + e.message; }
  }
  return f().then(function (v) { assertEquals(v, "caught no"); });
});

test("async function rejections", function () {
  async function bad() { throw new RangeError("r"); }
  return assertRejects(RangeError, bad());
});

test("Promise.all, allSettled, race, any", function () {
  return Promise.all([1, Promise.resolve(2)]).then(function (v) {
    assertDeepEquals(v, [1, 2]);
    return Promise.allSettled([Promise.reject(1), 2]);
  }).then(function (r) {
    assertEquals(r[0].status, "rejected");
    assertEquals(r[1].value, 2);
    return Promise.race([new Promise(function () {}), Promise.resolve("fast")]);
  }).then(function (v) {
    assertEquals(v, "fast");
    return Promise.any([Promise.reject(1), Promise.reject(2)]).catch(function (e) { return e; });
  }).then(function (e) {
    assert(e instanceof AggregateError);
    assertDeepEquals(e.errors, [1, 2]);
  });
});

test("async generators and for await", function () {
  async function* gen() { yield 1; yield await Promise.resolve(2); }
  async function collect() {
    var out = [];
    for await (var v of gen()) out.push(v);
    for await (var w of [Promise.resolve(3), 4]) out.push(w);
    return out;
  }
  return collect().then(function (out) { assertDeepEquals(out, [1, 2, 3, 4]); });
});

test("then ordering between async functions and promises", function () {
  var log = [];
  async function a() { log.push(1); await null; log.push(3); }
  a();
  Promise.resolve().then(function () { log.push(4); });
  log.push(2);
  return new Promise(function (r) { r(); }).then(function () {}).then(function () {
    assertEquals(log.join(""), "1234");
  });
});

test("thenables are adopted", function () {
  var thenable = { then: function (res) { res(42); } };
  return Promise.resolve(thenable).then(function (v) { assertEquals(v, 42); });
});

report();
