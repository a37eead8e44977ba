// Iterator helpers of ES2025/2026 and the stage-3 proposals test262 runs: Iterator.concat,
// Iterator.zip / zipKeyed, Iterator.prototype.chunks / windows / includes, Array.fromAsync.

function* gen(n) { for (var i = 0; i < n; i++) yield i; }

test("Iterator.concat chains iterables and closes the open one", function () {
  assertEquals(Iterator.concat([1, 2], new Set([3]), "ab".split("")).toArray().join(), "1,2,3,a,b");
  var closed = 0;
  var inner = { next: function () { return { value: 1, done: false }; },
                return: function () { closed++; return {}; } };
  var it = Iterator.concat({ [Symbol.iterator]: function () { return inner; } });
  it.next();
  it.return();
  assertEquals(closed, 1);
  assertThrows(TypeError, function () { Iterator.concat(1); });
});

test("Iterator.zip modes", function () {
  var r = Iterator.zip([[1, 2, 3], ["a", "b"]]).toArray();
  assertEquals(JSON.stringify(r), '[[1,"a"],[2,"b"]]');
  r = Iterator.zip([[1, 2, 3], ["a"]], { mode: "longest", padding: [0, "z"] }).toArray();
  assertEquals(JSON.stringify(r), '[[1,"a"],[2,"z"],[3,"z"]]');
  assertThrows(TypeError, function () {
    Iterator.zip([[1, 2], [1]], { mode: "strict" }).toArray();
  });
  assertThrows(TypeError, function () { Iterator.zip([], { mode: "bad" }); });
});

test("Iterator.zipKeyed builds null-prototype records", function () {
  var r = Iterator.zipKeyed({ x: [1, 2], y: gen(5) }).toArray();
  assertEquals(r.length, 2);
  assertEquals(Object.getPrototypeOf(r[1]), null);
  assertEquals(r[1].x + ":" + r[1].y, "2:1");
});

test("chunks and windows", function () {
  assertEquals(JSON.stringify(gen(5).chunks(2).toArray()), "[[0,1],[2,3],[4]]");
  assertEquals(JSON.stringify(gen(4).windows(3).toArray()), "[[0,1,2],[1,2,3]]");
  assertEquals(JSON.stringify(gen(2).windows(3).toArray()), "[]");
  assertEquals(JSON.stringify(gen(2).windows(3, "allow-partial").toArray()), "[[0,1]]");
  assertThrows(RangeError, function () { gen(1).chunks(0); });
  assertThrows(TypeError, function () { gen(1).chunks("2"); });
});

test("includes uses SameValueZero and skips", function () {
  assertEquals(gen(5).includes(3), true);
  assertEquals(gen(5).includes(3, 4), false);
  assertEquals([NaN].values().includes(NaN), true);
  assertThrows(RangeError, function () { gen(1).includes(0, -1); });
});

test("Array.fromAsync", function () {
  async function* ag() { yield 1; yield Promise.resolve(2); }
  return Array.fromAsync(ag()).then(function (a) {
    assertEquals(a.join(), "1,2");
    return Array.fromAsync([Promise.resolve(3), 4], function (x) { return x * 2; });
  }).then(function (a) {
    assertEquals(a.join(), "6,8");
    return Array.fromAsync({ length: 2, 0: "a", 1: Promise.resolve("b") });
  }).then(function (a) {
    assertEquals(a.join(), "a,b");
    return assertRejects(TypeError, Array.fromAsync([1], 5));
  });
});
report();
