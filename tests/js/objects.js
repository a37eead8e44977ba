// Objects: literals, accessors, prototypes, property attributes, Object.* and Reflect.

test("literals: shorthand, computed, methods, spread, __proto__", function () {
  var k = "key";
  var a = 1;
  var o = { a, [k + 1]: 2, m() { return this.a; }, ...{ s: 3 }, __proto__: { inherited: 4 } };
  assertEquals(o.a, 1);
  assertEquals(o.key1, 2);
  assertEquals(o.m(), 1);
  assertEquals(o.s, 3);
  assertEquals(o.inherited, 4);
  assert(!Object.prototype.hasOwnProperty.call(o, "inherited"));
});

test("getters and setters", function () {
  var o = {
    _v: 1,
    get v() { return this._v * 10; },
    set v(x) { this._v = x; },
  };
  assertEquals(o.v, 10);
  o.v = 5;
  assertEquals(o.v, 50);
  var d = Object.getOwnPropertyDescriptor(o, "v");
  assertEquals(typeof d.get, "function");
  assertEquals(d.enumerable, true);
});

test("property order: integer keys, then strings, then symbols", function () {
  var s = Symbol("s");
  var o = { b: 1, [s]: 2, 10: 3, a: 4, 2: 5 };
  assertEquals(Object.keys(o).join(","), "2,10,b,a");
  assertEquals(Reflect.ownKeys(o).length, 5);
  assertEquals(Object.getOwnPropertySymbols(o)[0], s);
});

test("defineProperty attributes", function () {
  "use strict";
  var o = {};
  Object.defineProperty(o, "x", { value: 1, writable: false, enumerable: false, configurable: false });
  assertThrows(TypeError, function () { o.x = 2; });
  assertThrows(TypeError, function () { delete o.x; });
  assertEquals(Object.keys(o).length, 0);
  assertThrows(TypeError, function () { Object.defineProperty(o, "x", { value: 2 }); });
  var d = Object.getOwnPropertyDescriptor(o, "x");
  assertDeepEquals(d, { value: 1, writable: false, enumerable: false, configurable: false });
});

test("freeze, seal, preventExtensions", function () {
  "use strict";
  var f = Object.freeze({ a: 1 });
  assert(Object.isFrozen(f));
  assertThrows(TypeError, function () { f.a = 2; });
  assertThrows(TypeError, function () { f.b = 2; });
  var s = Object.seal({ a: 1 });
  s.a = 2;
  assertEquals(s.a, 2);
  assertThrows(TypeError, function () { delete s.a; });
  assert(Object.isSealed(s));
  var p = Object.preventExtensions({});
  assert(!Object.isExtensible(p));
});

test("prototype chains", function () {
  var base = { hello: function () { return "hi " + this.name; } };
  var derived = Object.create(base, { name: { value: "x", enumerable: true } });
  assertEquals(derived.hello(), "hi x");
  assertEquals(Object.getPrototypeOf(derived), base);
  var bare = Object.create(null);
  assertEquals(Object.getPrototypeOf(bare), null);
  assertEquals("toString" in bare, false);
  Object.setPrototypeOf(bare, base);
  assertEquals(typeof bare.hello, "function");
  assert(base.isPrototypeOf(derived));
  assertThrows(TypeError, function () { Object.setPrototypeOf(base, derived); });
});

test("Object.keys/values/entries/assign/fromEntries", function () {
  var o = { a: 1, b: 2 };
  assertDeepEquals(Object.values(o), [1, 2]);
  assertDeepEquals(Object.entries(o), [["a", 1], ["b", 2]]);
  var t = Object.assign({}, o, null, { c: 3 });
  assertDeepEquals(t, { a: 1, b: 2, c: 3 });
  assertDeepEquals(Object.fromEntries([["x", 1]]), { x: 1 });
});

test("destructuring objects and arrays", function () {
  var { a, b: { c = 5 } = {}, ...rest } = { a: 1, d: 4, e: 5 };
  assertEquals(a, 1);
  assertEquals(c, 5);
  assertDeepEquals(rest, { d: 4, e: 5 });
  var [x, , y = 3, ...zs] = [1, 2, undefined, 4, 5];
  assertEquals(x + y, 4);
  assertDeepEquals(zs, [4, 5]);
  var p, q;
  [p, q] = [q, p] = [1, 2];
  assertEquals(p, 1);
  assertThrows(TypeError, function () { var { z } = null; });
});

test("optional chaining", function () {
  var o = { a: { b: function () { return this.c; }, c: 7 } };
  assertEquals(o?.a?.b(), 7);
  assertEquals(o.x?.y.z, undefined);
  assertEquals(o.x?.(), undefined);
  assertEquals(o.a.nope?.(), undefined);
  var n = null;
  assertEquals(n?.[0], undefined);
  assertThrows(TypeError, function () { o.x.y; });
});

test("Reflect", function () {
  var o = { a: 1 };
  assertEquals(Reflect.get(o, "a"), 1);
  assert(Reflect.set(o, "b", 2));
  assert(Reflect.has(o, "b"));
  assert(Reflect.deleteProperty(o, "b"));
  assertDeepEquals(Reflect.ownKeys(o), ["a"]);
  assertEquals(Reflect.apply(Math.max, null, [1, 3, 2]), 3);
  function C(x) { this.x = x; }
  assertEquals(Reflect.construct(C, [9]).x, 9);
  assert(Reflect.defineProperty(o, "c", { value: 3 }));
  assertEquals(Reflect.getPrototypeOf(o), Object.prototype);
});

test("Object.prototype.toString and Symbol.toStringTag", function () {
  var ts = Object.prototype.toString;
  assertEquals(ts.call([]), "[object Array]");
  assertEquals(ts.call(null), "[object Null]");
  assertEquals(ts.call(undefined), "[object Undefined]");
  assertEquals(ts.call(function () {}), "[object Function]");
  assertEquals(ts.call({ [Symbol.toStringTag]: "Custom" }), "[object Custom]");
});

test("Proxy traps", function () {
  var log = [];
  var p = new Proxy({ a: 1 }, {
    get: function (t, k, r) { log.push("get " + String(k)); return Reflect.get(t, k, r); },
    has: function (t, k) { return k === "magic" || k in t; },
  });
  assertEquals(p.a, 1);
  assert("magic" in p);
  assertEquals(log[0], "get a");
  var r = Proxy.revocable({}, {});
  r.revoke();
  assertThrows(TypeError, function () { r.proxy.x; });
});

test("Symbols and well-known symbols", function () {
  var s1 = Symbol("d");
  assertEquals(s1.description, "d");
  assert(Symbol.for("k") === Symbol.for("k"));
  assertEquals(Symbol.keyFor(Symbol.for("k")), "k");
  var o = { [Symbol.toPrimitive](hint) { return hint === "number" ? 42 : "str"; } };
  assertEquals(+o, 42);
  assertEquals(`${o}`, "str");
  assertThrows(TypeError, function () { return s1 + ""; });
});

report();
