// Classes: constructors, inheritance, super, accessors, static, private names, fields.

test("basic class and methods", function () {
  class A {
    constructor(x) { this.x = x; }
    get double() { return this.x * 2; }
    inc() { this.x++; return this; }
    static make() { return new A(1); }
  }
  var a = A.make().inc();
  assertEquals(a.x, 2);
  assertEquals(a.double, 4);
  assertEquals(typeof A, "function");
  assertThrows(TypeError, function () { A(); });
  assertEquals(Object.keys(A.prototype).length, 0, "methods are non-enumerable");
});

test("inheritance and super", function () {
  class Base {
    constructor(n) { this.n = n; }
    who() { return "base" + this.n; }
    static s() { return "S"; }
  }
  class Derived extends Base {
    constructor(n) { super(n + 1); }
    who() { return "derived/" + super.who(); }
    static s() { return super.s() + "!"; }
  }
  var d = new Derived(1);
  assertEquals(d.who(), "derived/base2");
  assertEquals(Derived.s(), "S!");
  assert(d instanceof Base);
  assertEquals(Object.getPrototypeOf(Derived), Base);
});

test("derived constructor must call super before this", function () {
  class B {}
  class D extends B { constructor() { this.x = 1; super(); } }
  assertThrows(ReferenceError, function () { new D(); });
  class E extends B { constructor() { } }
  assertThrows(ReferenceError, function () { new E(); });
});

test("extending builtins", function () {
  class MyArray extends Array {
    sum() { return this.reduce(function (a, b) { return a + b; }, 0); }
  }
  var m = MyArray.from([1, 2, 3]);
  assertEquals(m.sum(), 6);
  assertEquals(m.length, 3);
  assert(m instanceof MyArray);
  class MyError extends Error {
    constructor(msg) { super(msg); this.name = "MyError"; }
  }
  var e = new MyError("bad");
  assert(e instanceof Error);
  assertEquals(String(e), "MyError: bad");
});

test("public and private fields, private methods, #x in o", function () {
  class C {
    pub = 1;
    #priv = 2;
    static count = 0;
    static #secret = "s";
    #m() { return this.#priv * 10; }
    get p() { return this.#m(); }
    static has(o) { return #priv in o; }
    static secret() { return C.#secret; }
    constructor() { C.count++; }
  }
  var c = new C();
  assertEquals(c.pub, 1);
  assertEquals(c.p, 20);
  assert(C.has(c));
  assert(!C.has({}));
  assertEquals(C.count, 1);
  assertEquals(C.secret(), "s");
  assertThrows(TypeError, function () { C.prototype.__lookupGetter__("p").call({}); });
});

test("static blocks and class expressions", function () {
  var log = [];
  class S {
    static x = 1;
    static { log.push("block " + this.x); }
  }
  assertEquals(log[0], "block 1");
  var K = class Named { who() { return Named.name; } };
  assertEquals(new K().who(), "Named");
  assertEquals(typeof Named, "undefined");
});

test("computed and symbol method names, generators and async methods", function () {
  var key = "dyn";
  class M {
    [key + "amic"]() { return 1; }
    *[Symbol.iterator]() { yield 1; yield 2; }
    async am() { return 3; }
  }
  var m = new M();
  assertEquals(m.dynamic(), 1);
  assertDeepEquals([...m], [1, 2]);
  assert(m.am() instanceof Promise);
});

test("accessors on classes and setters", function () {
  class T {
    #v = 0;
    get v() { return this.#v; }
    set v(x) { this.#v = x * 2; }
    static get sv() { return "static"; }
  }
  var t = new T();
  t.v = 4;
  assertEquals(t.v, 8);
  assertEquals(T.sv, "static");
});

test("class bodies are strict", function () {
  class Q { m() { return (function () { return this; })(); } }
  assertEquals(new Q().m(), undefined);
});

report();
