// Language semantics: mapped arguments, reference resolution order, destructuring order and
// iterator closing, async yield*, completion values, Error stacks.

test("mapped arguments alias the parameters both ways", function () {
  function f(a, b) {
    arguments[0] = 9;
    var r = [a];
    b = 5;
    r.push(arguments[1]);
    delete arguments[0];
    a = 3;
    r.push(arguments[0]);
    return r;
  }
  assertDeepEquals(f(1, 2), [9, 5, undefined]);
  // Only indices below the number of actual arguments are mapped.
  function g(a, b) { b = 7; return arguments[1]; }
  assertEquals(g(1), undefined);
  // A non-writable redefinition unmaps (keeping the current value).
  function h(a) {
    Object.defineProperty(arguments, "0", { writable: false });
    a = 2;
    return [arguments[0], a];
  }
  assertDeepEquals(h(1), [1, 2]);
  // Non-enumerable keeps the mapping; keys and descriptors see the live value.
  function k(a) {
    Object.defineProperty(arguments, "0", { enumerable: false });
    a = 4;
    var d = Object.getOwnPropertyDescriptor(arguments, "0");
    return [d.value, d.enumerable, Object.keys(arguments).join()];
  }
  assertDeepEquals(k(1, 2), [4, false, "1"]);
  // Duplicate names: only the last occurrence is mapped.
  function dup(a, a) { arguments[0] = 7; arguments[1] = 8; return a; }
  assertEquals(dup(1, 2), 8);
  function strict(a) { "use strict"; arguments[0] = 5; return a; }
  assertEquals(strict(1), 1);
  function tag() { return Object.prototype.toString.call(arguments); }
  assertEquals(tag(), "[object Arguments]");
});

test("assignment resolves the binding before evaluating the value", function () {
  var scope = { x: 1 };
  var x = 0;
  with (scope) {
    x = (delete scope.x, 2);
  }
  assertEquals(scope.x, 2);
  assertEquals(x, 0);
  var s2 = { get x() { delete this.x; return 2; } };
  with (s2) {
    x *= 3;
  }
  assertEquals(s2.x, 6);
  assertEquals(x, 0);
  function inner() {
    var y = 0;
    var got = (function () { y = (eval("var y;"), 1); return y; })();
    return [got, y];
  }
  assertDeepEquals(inner(), [undefined, 1]);
});

test("destructuring evaluates targets before reading values", function () {
  var log = [];
  var src = { get a() { log.push("get a"); return 1; } };
  var tgt = {};
  function key() { log.push("key"); return "k"; }
  ({ a: tgt[key()] } = src);
  assertDeepEquals(log, ["key", "get a"]);
  assertEquals(tgt.k, 1);
  var returned = 0;
  var iter = {
    [Symbol.iterator]() { return this; },
    next() { return { done: false, value: 1 }; },
    return() { returned++; return {}; }
  };
  assertThrows(TypeError, function () { [null[0]] = iter; });
  assertEquals(returned, 1);
});

test("a generator return inside a pattern closes the iterator", function () {
  var returned = 0;
  var iter = {
    [Symbol.iterator]() { return this; },
    next() { return { done: false, value: undefined }; },
    return() { returned++; return {}; }
  };
  function* g() { var a; [a = yield] = iter; }
  var it = g();
  it.next();
  assertDeepEquals(it.return(5), { value: 5, done: true });
  assertEquals(returned, 1);
});

test("async yield* over a sync iterable yields the values", function () {
  async function* g() { yield* [[1, 2], 3]; }
  var out = [];
  return (async function () {
    for await (var v of g()) out.push(v);
    assertDeepEquals(out, [[1, 2], 3]);
  })();
});

test("try/finally completion values", function () {
  assertEquals(eval("4; try { } finally { 5; }"), undefined);
  assertEquals(eval("6; try { 7; } finally { 8; }"), 7);
  assertEquals(eval("do { try { 1 } finally { 2; break; } } while (false)"), 2);
});

test("errors have a stack at construction", function () {
  function make() { return new Error("x"); }
  var e = make();
  assertEquals(typeof e.stack, "string");
  assert(e.stack.indexOf("at make (") >= 0, "stack names the function: " + e.stack);
  assert(!Object.getOwnPropertyDescriptor(e, "stack").enumerable, "stack is not enumerable");
});

report();
