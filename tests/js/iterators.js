// Iteration: protocols, generators, spread, yield*, iterator closing.

test("generators", function () {
  function* g() {
    var x = yield 1;
    yield x * 2;
    return "done";
  }
  var it = g();
  assertDeepEquals(it.next(), { value: 1, done: false });
  assertDeepEquals(it.next(5), { value: 10, done: false });
  assertDeepEquals(it.next(), { value: "done", done: true });
  assertDeepEquals(it.next(), { value: undefined, done: true });
});

test("generator return and throw", function () {
  var log = [];
  function* g() {
    try { yield 1; yield 2; } finally { log.push("cleanup"); }
  }
  var it = g();
  it.next();
  assertDeepEquals(it.return(9), { value: 9, done: true });
  assertEquals(log[0], "cleanup");
  var it2 = g();
  it2.next();
  assertThrows(RangeError, function () { it2.throw(new RangeError("x")); });
});

test("yield* delegation", function () {
  function* inner() { yield "a"; yield "b"; return "r"; }
  function* outer() { var r = yield* inner(); yield r; }
  assertDeepEquals([...outer()], ["a", "b", "r"]);
  function* fromArray() { yield* [1, 2]; }
  assertDeepEquals(Array.from(fromArray()), [1, 2]);
});

test("infinite generators are lazy", function () {
  function* nat() { var i = 0; while (true) yield i++; }
  var out = [];
  for (var n of nat()) { if (n > 4) break; out.push(n); }
  assertDeepEquals(out, [0, 1, 2, 3, 4]);
});

test("custom iterables and closing on break", function () {
  var closed = false;
  var iterable = {
    [Symbol.iterator]() {
      var i = 0;
      return {
        next() { return { value: i++, done: i > 10 }; },
        return() { closed = true; return {}; },
      };
    },
  };
  for (var v of iterable) { if (v === 2) break; }
  assert(closed, "return() called on break");
  var [first] = iterable;
  assertEquals(first, 0);
});

test("spread in calls, arrays and new", function () {
  function sum(a, b, c) { return a + b + c; }
  assertEquals(sum(...[1, 2, 3]), 6);
  assertDeepEquals([0, ...[1, 2], ...new Set([3])], [0, 1, 2, 3]);
  var d = new Date(...[2020, 0, 1]);
  assertEquals(d.getFullYear(), 2020);
  assertDeepEquals([..."hi"], ["h", "i"]);
});

test("array iterators: keys, values, entries", function () {
  var a = ["x", "y"];
  assertDeepEquals([...a.keys()], [0, 1]);
  assertDeepEquals([...a.values()], ["x", "y"]);
  assertDeepEquals([...a.entries()], [[0, "x"], [1, "y"]]);
  var it = a[Symbol.iterator]();
  assertEquals(it[Symbol.iterator](), it);
});

test("Map and Set iteration order", function () {
  var m = new Map([["b", 1], ["a", 2]]);
  m.set("c", 3);
  m.delete("b");
  assertDeepEquals([...m.keys()], ["a", "c"]);
  var s = new Set([3, 1, 3, 2]);
  assertDeepEquals([...s], [3, 1, 2]);
});

report();
