// Functions: closures, hoisting, parameters, arguments, this, arrows, recursion, TDZ.

test("closures capture variables, not values", function () {
  function counter() {
    var n = 0;
    return { inc: function () { return ++n; }, get: function () { return n; } };
  }
  var c = counter();
  c.inc(); c.inc();
  assertEquals(c.get(), 2);
  var d = counter();
  assertEquals(d.get(), 0);
});

test("hoisting of functions and vars", function () {
  assertEquals(hoisted(), "yes");
  function hoisted() { return "yes"; }
  assertEquals(v, undefined);
  var v = 1;
});

test("TDZ for let/const/class", function () {
  assertThrows(ReferenceError, function () { x; let x = 1; });
  assertThrows(ReferenceError, function () { C; class C {} });
  assertThrows(TypeError, function () { const k = 1; k = 2; });
  assertThrows(ReferenceError, function () { undeclaredVariable; });
});

test("default, rest and destructured parameters", function () {
  function f(a, b = a + 1, ...rest) { return [a, b, rest.length]; }
  assertDeepEquals(f(1), [1, 2, 0]);
  assertDeepEquals(f(1, 5, 6, 7), [1, 5, 2]);
  function g({ x, y = 2 } = {}, [z] = [3]) { return x + y + z; }
  assert(Number.isNaN(g()));
  assertEquals(g({ x: 1 }), 6);
  assertEquals(f.length, 1);
  assertEquals(g.length, 0);
  assertEquals((function (a, b) {}).length, 2);
});

test("arguments object: mapped in sloppy, unmapped in strict", function () {
  function sloppy(a) { arguments[0] = 9; return a; }
  assertEquals(sloppy(1), 9);
  function strict(a) { "use strict"; arguments[0] = 9; return a; }
  assertEquals(strict(1), 1);
  function count() { return arguments.length; }
  assertEquals(count(1, 2, 3), 3);
  assertThrows(TypeError, function () { "use strict"; return arguments.callee; });
});

test("this binding: method, plain call, call/apply/bind", function () {
  var o = { v: 1, m: function () { return this.v; } };
  assertEquals(o.m(), 1);
  function strictThis() { "use strict"; return this; }
  assertEquals(strictThis(), undefined);
  assertEquals(strictThis.call(5), 5);
  function add(a, b) { return this.base + a + b; }
  assertEquals(add.call({ base: 1 }, 2, 3), 6);
  assertEquals(add.apply({ base: 10 }, [1, 1]), 12);
  var bound = add.bind({ base: 100 }, 1);
  assertEquals(bound(1), 102);
  assertEquals(bound.name, "bound add");
  assertEquals(bound.length, 1);
});

test("arrow functions capture this and arguments lexically", function () {
  var o = {
    v: 3,
    m: function () {
      var f = () => this.v + arguments[0];
      return f(100);
    },
  };
  assertEquals(o.m(4), 7);
  var arrow = () => 1;
  assertThrows(TypeError, function () { new arrow(); });
  assertEquals(arrow.prototype, undefined);
});

test("recursion and mutual recursion", function () {
  function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
  assertEquals(fib(20), 6765);
  function isEven(n) { return n === 0 ? true : isOdd(n - 1); }
  function isOdd(n) { return n === 0 ? false : isEven(n - 1); }
  assert(isEven(1000));
});

test("deep JS recursion does not overflow the native stack", function () {
  function depth(n) { return n === 0 ? 0 : 1 + depth(n - 1); }
  assertEquals(depth(5000), 5000);
});

test("function names", function () {
  function named() {}
  var anon = function () {};
  var arrow = () => {};
  var o = { method() {}, ["comp" + "uted"]: function () {} };
  assertEquals(named.name, "named");
  assertEquals(anon.name, "anon");
  assertEquals(arrow.name, "arrow");
  assertEquals(o.method.name, "method");
  assertEquals(o.computed.name, "computed");
  var fe = function inner() { return typeof inner; };
  assertEquals(fe(), "function");
});

test("new and constructors", function () {
  function P(x) { this.x = x; }
  P.prototype.get = function () { return this.x; };
  var p = new P(4);
  assertEquals(p.get(), 4);
  assert(p instanceof P);
  function R() { return { other: true }; }
  assert(new R().other);
  function T() { return new.target; }
  assertEquals(new T(), T);
  assertEquals(T(), undefined);
});

test("Function.prototype.toString returns source text", function () {
  function  spaced ( a ) { return a ; }
  assertEquals(spaced.toString(), "function  spaced ( a ) { return a ; }");
  assert(/native code/.test(Math.max.toString()));
});

test("eval: direct sees locals, indirect is global", function () {
  var local = 5;
  assertEquals(eval("local + 1"), 6);
  var geval = eval;
  assertEquals(geval("typeof local"), "undefined");
  eval("var introduced = 3");
  assertEquals(introduced, 3);
});

test("getter/setter-defined via defineProperty on functions", function () {
  function f() {}
  f.custom = 1;
  assertEquals(f.custom, 1);
  assertThrows(TypeError, function () { "use strict"; f.caller; });
});

report();
