// The library the language leans on: strings, arrays, JSON, Math, Number, errors, Date.now.

test("template literals and tagged templates", function () {
  var n = 3;
  assertEquals(`a${n}b${n * 2}`, "a3b6");
  assertEquals(`line1
line2`, "line1\nline2");
  function tag(strings, ...vals) { return strings.raw.join("|") + ":" + vals.join(","); }
  assertEquals(tag`x${1}\n${2}`, "x|\\n|:1,2");
  function same(s) { return s; }
  function twice() { return same`t`; }
  assertEquals(twice(), twice(), "template objects are cached per site");
});

test("string basics", function () {
  var s = "Hello, World";
  assertEquals(s.length, 12);
  assertEquals(s[0], "H");
  assertEquals(s.charAt(7), "W");
  assertEquals(s.charCodeAt(0), 72);
  assertEquals(s.indexOf("o"), 4);
  assertEquals(s.lastIndexOf("o"), 8);
  assertEquals(s.slice(-5), "World");
  // substring swaps reversed bounds: (7, 5) is units 5..7 of "Hello, World".
  assertEquals(s.substring(7, 5), ", ");
  assertEquals(s.substring(4, 2), "ll");
  assertEquals(s.substring(-3, 2), "He");
  assertEquals(s.substring(NaN, Infinity), s);
  assertEquals(s.toUpperCase(), "HELLO, WORLD");
  assertEquals("  x ".trim(), "x");
  assertEquals("ab".repeat(3), "ababab");
  assertEquals("5".padStart(3, "0"), "005");
  assert("abc".includes("b") && "abc".startsWith("a") && "abc".endsWith("c"));
  assertDeepEquals("a,b,,c".split(","), ["a", "b", "", "c"]);
  assertEquals("\u{1F600}".length, 2);
  assertEquals("\u{1F600}".codePointAt(0), 0x1F600);
  assertEquals(String.fromCharCode(72, 105), "Hi");
  assertEquals("abc".at(-1), "c");
});

test("array basics", function () {
  var a = [3, 1, 2];
  assertEquals(a.push(4), 4);
  assertEquals(a.pop(), 4);
  assertEquals(a.shift(), 3);
  a.unshift(0);
  assertDeepEquals(a, [0, 1, 2]);
  assertDeepEquals(a.map(function (x) { return x * 2; }), [0, 2, 4]);
  assertDeepEquals(a.filter(function (x) { return x > 0; }), [1, 2]);
  assertEquals(a.reduce(function (s, x) { return s + x; }, 10), 13);
  assertEquals(a.indexOf(2), 2);
  assertEquals(a.join("-"), "0-1-2");
  assertDeepEquals([5, 1, 10].sort(), [1, 10, 5]);
  assertDeepEquals([5, 1, 10].sort(function (x, y) { return x - y; }), [1, 5, 10]);
  assertDeepEquals([1, 2, 3, 4].slice(1, 3), [2, 3]);
  var sp = [1, 2, 3, 4];
  assertDeepEquals(sp.splice(1, 2, "a"), [2, 3]);
  assertDeepEquals(sp, [1, "a", 4]);
  assertDeepEquals([1, [2, [3]]].flat(Infinity), [1, 2, 3]);
  assertEquals([1, 2, 3].find(function (x) { return x > 1; }), 2);
  assert([1, NaN].includes(NaN));
  assertDeepEquals(Array.from({ length: 3 }, function (_, i) { return i * i; }), [0, 1, 4]);
  assertDeepEquals(Array.of(7), [7]);
  assertDeepEquals([1, 2, 3].reverse(), [3, 2, 1]);
});

test("array length semantics and holes", function () {
  var a = [1, 2, 3];
  a.length = 1;
  assertDeepEquals(a, [1]);
  a[4] = 5;
  assertEquals(a.length, 5);
  assert(!(2 in a));
  assertThrows(RangeError, function () { new Array(-1); });
  assertEquals([, 1].length, 2);
});

test("JSON", function () {
  assertEquals(JSON.stringify({ a: [1, "x", null, true], b: undefined }), '{"a":[1,"x",null,true]}');
  assertEquals(JSON.stringify("\u2028\n"), '"\u2028\\n"');
  assertEquals(JSON.stringify({ a: 1, b: [2] }, null, 2), '{\n  "a": 1,\n  "b": [\n    2\n  ]\n}');
  assertDeepEquals(JSON.parse('{"x":[1,{"y":"z"}]}'), { x: [1, { y: "z" }] });
  assertEquals(JSON.parse("1", function (k, v) { return v + 1; }), 2);
  assertThrows(SyntaxError, function () { JSON.parse("{bad}"); });
  var cyclic = {};
  cyclic.self = cyclic;
  assertThrows(TypeError, function () { JSON.stringify(cyclic); });
  assertEquals(JSON.stringify({ toJSON: function () { return 5; } }), "5");
});

test("Math", function () {
  assertEquals(Math.max(1, 5, 3), 5);
  assertEquals(Math.min(), Infinity);
  assertEquals(Math.floor(-1.5), -2);
  assertEquals(Math.round(2.5), 3);
  assertEquals(Math.round(-2.5), -2);
  assertEquals(Math.abs(-3), 3);
  assertEquals(Math.sqrt(16), 4);
  assertEquals(Math.pow(2, 10), 1024);
  assertEquals(Math.sign(-3), -1);
  assertEquals(Math.trunc(-4.7), -4);
  assertEquals(Math.hypot(3, 4), 5);
  assertEquals(Math.clz32(1), 31);
  var r = Math.random();
  assert(r >= 0 && r < 1);
});

test("Number", function () {
  assertEquals((255).toString(16), "ff");
  assertEquals((0.5).toString(2), "0.1");
  assertEquals((1.005).toFixed(2), "1.00");
  assertEquals((123.456).toPrecision(4), "123.5");
  assertEquals((1e21).toFixed(2), "1e+21");
  assertEquals(Number.parseInt("42px"), 42);
  assertEquals(parseFloat("3.5e2x"), 350);
  assertEquals(parseInt("ff", 16), 255);
  assert(Number.isInteger(5));
  assert(!Number.isSafeInteger(2 ** 53));
  assertEquals(Number.MAX_SAFE_INTEGER, 9007199254740991);
  assertEquals(Number("1_000"), NaN);
  assertEquals(Number.EPSILON, 2 ** -52);
});

test("Error hierarchy", function () {
  var e = new TypeError("m", { cause: "c" });
  assertEquals(e.name, "TypeError");
  assertEquals(e.message, "m");
  assertEquals(e.cause, "c");
  assert(e instanceof Error);
  assertEquals(String(e), "TypeError: m");
  assertEquals(typeof e.stack, "string");
  var kinds = [EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError];
  kinds.forEach(function (K) { assertEquals(Object.getPrototypeOf(K), Error); });
  var ag = new AggregateError([1], "agg");
  assertDeepEquals(ag.errors, [1]);
  try { null.x; } catch (err) { assert(err instanceof TypeError); }
});

test("globalThis and Date.now", function () {
  assertEquals(typeof globalThis, "object");
  assertEquals(globalThis.Math, Math);
  var t = Date.now();
  assert(typeof t === "number" && t > 1.5e12, "Date.now is a plausible time");
});

test("print and console.log exist", function () {
  assertEquals(typeof print, "function");
  assertEquals(typeof console.log, "function");
});

report();
