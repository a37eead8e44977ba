// Literals, operators, conversions, equality and typeof.

test("number literals", function () {
  assertEquals(0x1f, 31);
  assertEquals(0o17, 15);
  assertEquals(0b101, 5);
  assertEquals(1_000_000, 1000000);
  assertEquals(1e3, 1000);
  assertEquals(.5 + .25, 0.75);
  assertEquals(0.1 + 0.2 === 0.3, false);
});

test("arithmetic and precedence", function () {
  assertEquals(2 + 3 * 4, 14);
  assertEquals((2 + 3) * 4, 20);
  assertEquals(2 ** 3 ** 2, 512);
  assertEquals((-2) ** 2, 4);
  assertEquals(7 % 3, 1);
  assertEquals(-7 % 3, -1);
  assertEquals(1 / 0, Infinity);
  assertEquals(-1 / 0, -Infinity);
  assert(Number.isNaN(0 / 0));
  assertEquals(-0 * 1, -0);
  assertEquals(5 / 2, 2.5);
});

test("bitwise and shifts", function () {
  assertEquals(5 & 3, 1);
  assertEquals(5 | 3, 7);
  assertEquals(5 ^ 3, 6);
  assertEquals(~5, -6);
  assertEquals(1 << 31, -2147483648);
  assertEquals(-1 >>> 0, 4294967295);
  assertEquals(-16 >> 2, -4);
  assertEquals(2 ** 32 | 0, 0);
});

test("string concatenation and conversion", function () {
  assertEquals("a" + 1, "a1");
  assertEquals(1 + "2", "12");
  assertEquals("3" * "4", 12);
  assertEquals("5" - 2, 3);
  assertEquals(+"  42  ", 42);
  assertEquals(+"0x10", 16);
  assert(Number.isNaN(+"abc"));
  assertEquals(+"", 0);
  assertEquals(String(123), "123");
  assertEquals(String(-0), "0");
  assertEquals(String(1e21), "1e+21");
  assertEquals(String(0.000001), "0.000001");
  assertEquals(String(1e-7), "1e-7");
  assertEquals(String(123.456), "123.456");
  assertEquals(String(null), "null");
  assertEquals(String(undefined), "undefined");
  assertEquals(String(true), "true");
  assertEquals([1, 2] + "", "1,2");
  assertEquals({} + "", "[object Object]");
});

test("typeof", function () {
  assertEquals(typeof 1, "number");
  assertEquals(typeof "s", "string");
  assertEquals(typeof true, "boolean");
  assertEquals(typeof undefined, "undefined");
  assertEquals(typeof null, "object");
  assertEquals(typeof {}, "object");
  assertEquals(typeof [], "object");
  assertEquals(typeof function () {}, "function");
  assertEquals(typeof Symbol(), "symbol");
  assertEquals(typeof 1n, "bigint");
  assertEquals(typeof notDeclaredAnywhere, "undefined");
});

test("equality", function () {
  assert(1 == "1");
  assert(null == undefined);
  assert(!(null == 0));
  assert(!(NaN == NaN));
  assert(0 == -0);
  assert(!(0 === "0"));
  assert("" == 0);
  assert(true == 1);
  var o = {};
  assert(o === o);
  assert({} !== {});
  assert(Object.is(NaN, NaN));
  assert(!Object.is(0, -0));
  assert({ valueOf: function () { return 7; } } == 7);
});

test("relational", function () {
  assert("a" < "b");
  assert("B" < "a");
  assert("10" < "9");
  assert(10 > 9);
  assert("10" > 9);
  assert(!(NaN < 1) && !(NaN >= 1));
  assert(null >= 0);
  assert(!(undefined >= 0));
});

test("logical operators and nullish", function () {
  assertEquals(0 || "x", "x");
  assertEquals(1 && "y", "y");
  assertEquals(0 ?? "z", 0);
  assertEquals(null ?? "z", "z");
  assertEquals(undefined ?? null ?? 3, 3);
  var a = null;
  a ??= 5;
  assertEquals(a, 5);
  var b = 0;
  b ||= 6;
  assertEquals(b, 6);
  var c = 1;
  c &&= 7;
  assertEquals(c, 7);
  var calls = 0;
  var d = 1;
  d ||= (calls++, 2);
  assertEquals(calls, 0, "short circuit");
});

test("increment, compound assignment, comma, void, conditional", function () {
  var i = 1;
  assertEquals(i++, 1);
  assertEquals(i, 2);
  assertEquals(++i, 3);
  assertEquals(i--, 3);
  assertEquals(--i, 1);
  var x = 10;
  x += 5; x -= 3; x *= 2; x /= 4; x %= 4; x **= 3;
  assertEquals(x, 8);
  var y = 6;
  y <<= 2; y >>= 1; y >>>= 1; y &= 7; y |= 8; y ^= 1;
  assertEquals(y, 15);
  assertEquals((1, 2, 3), 3);
  assertEquals(void 0, undefined);
  assertEquals(true ? "a" : "b", "a");
  assertEquals(false ? "a" : 0 ? "b" : "c", "c");
});

test("bigint arithmetic", function () {
  assertEquals(2n ** 64n, 18446744073709551616n);
  assertEquals(7n / 2n, 3n);
  assertEquals(-7n % 2n, -1n);
  assertEquals(1n << 70n, 1180591620717411303424n);
  assertEquals(String(-(2n ** 100n)), "-1267650600228229401496703205376");
  assert(1n == 1);
  assert(2n > 1);
  assertThrows(TypeError, function () { return 1n + 1; });
  assertThrows(RangeError, function () { return 1n / 0n; });
  assertEquals(BigInt(2 ** 53), 9007199254740992n);
  assertEquals(BigInt.asUintN(8, 257n), 1n);
  assertEquals(BigInt.asIntN(8, 255n), -1n);
});

test("in, instanceof, delete", function () {
  var o = { a: 1 };
  assert("a" in o);
  assert(!("b" in o));
  assert("toString" in o);
  assert([] instanceof Array);
  assert([] instanceof Object);
  assert(!(o instanceof Array));
  assertEquals(delete o.a, true);
  assert(!("a" in o));
  assertThrows(TypeError, function () { return 1 in 1; });
});

report();
