// Statements and control flow: loops, labels, switch, exceptions, finally.

test("for, while, do-while", function () {
  var s = 0;
  for (var i = 0; i < 10; i++) s += i;
  assertEquals(s, 45);
  var n = 0;
  while (n < 5) n++;
  assertEquals(n, 5);
  var m = 10;
  do { m++; } while (m < 5);
  assertEquals(m, 11);
});

test("break and continue with labels", function () {
  var out = [];
  outer: for (var i = 0; i < 3; i++) {
    for (var j = 0; j < 3; j++) {
      if (j === 1) continue outer;
      if (i === 2) break outer;
      out.push(i + "" + j);
    }
  }
  assertEquals(out.join(","), "00,10");
  var k = 0;
  block: {
    k = 1;
    break block;
  }
  assertEquals(k, 1);
});

test("switch with fallthrough and default", function () {
  function f(x) {
    var r = "";
    switch (x) {
      case 1: r += "one";
      case 2: r += "two"; break;
      default: r += "default";
      case 3: r += "three";
    }
    return r;
  }
  assertEquals(f(1), "onetwo");
  assertEquals(f(2), "two");
  assertEquals(f(3), "three");
  assertEquals(f(9), "defaultthree");
  switch ("1") { case 1: assert(false, "strict comparison"); }
});

test("for-in enumerates own and inherited enumerable keys in order", function () {
  var proto = { p: 1 };
  var o = Object.create(proto);
  o.b = 1; o.a = 2; o[2] = 3; o[1] = 4;
  var keys = [];
  for (var k in o) keys.push(k);
  assertEquals(keys.join(","), "1,2,b,a,p");
});

test("for-of over arrays and strings", function () {
  var s = 0;
  for (var v of [1, 2, 3]) s += v;
  assertEquals(s, 6);
  var chars = [];
  for (var c of "a\u{1F600}b") chars.push(c);
  assertEquals(chars.length, 3);
});

test("let in loops gets a fresh binding per iteration", function () {
  var fs = [];
  for (let i = 0; i < 3; i++) fs.push(function () { return i; });
  assertEquals(fs.map(function (f) { return f(); }).join(","), "0,1,2");
  var gs = [];
  for (const x of ["a", "b"]) gs.push(() => x);
  assertEquals(gs[0]() + gs[1](), "ab");
});

test("try/catch/finally ordering", function () {
  var log = [];
  try {
    log.push("try");
    throw new Error("boom");
  } catch (e) {
    log.push("catch " + e.message);
  } finally {
    log.push("finally");
  }
  assertEquals(log.join("|"), "try|catch boom|finally");
});

test("finally overrides return and runs on break", function () {
  function f() {
    try { return 1; } finally { return 2; }
  }
  assertEquals(f(), 2);
  var log = [];
  for (var i = 0; i < 3; i++) {
    try {
      if (i === 1) break;
    } finally {
      log.push(i);
    }
  }
  assertEquals(log.join(","), "0,1");
  function g() {
    var x = 0;
    try { return x; } finally { x = 5; }
  }
  assertEquals(g(), 0);
});

test("catch binding patterns and optional binding", function () {
  try { throw { a: 1, b: [2] }; } catch ({ a, b: [c] }) { assertEquals(a + c, 3); }
  var reached = false;
  try { throw 1; } catch { reached = true; }
  assert(reached);
});

test("nested exceptions and rethrow", function () {
  function f() {
    try {
      throw new TypeError("inner");
    } catch (e) {
      throw new RangeError("outer: " + e.message);
    }
  }
  var e = assertThrows(RangeError, f);
  assertEquals(e.message, "outer: inner");
});

test("throwing non-errors", function () {
  try { throw 42; } catch (e) { assertEquals(e, 42); }
  try { throw null; } catch (e) { assertEquals(e, null); }
});

test("comma in for and complex conditions", function () {
  var r = [];
  for (var i = 0, j = 10; i < j; i += 3, j -= 3) r.push(i + ":" + j);
  assertEquals(r.join(" "), "0:10 3:7");
});

test("automatic semicolon insertion", function () {
  var a = 1
  var b = 2
  var c = a
  + b
  assertEquals(c, 3)
  function f() {
    return
    42
  }
  assertEquals(f(), undefined)
});

report();
