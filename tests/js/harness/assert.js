// tests/js harness: a small assert library and a test registry.
//
// A suite file is a script (or module) run after this file (`qjs -I harness/assert.js
// suite.js`). It declares cases with `test(name, fn)` and ends with `report()`, which prints
// `ok: N tests` as its last line when every case passed, and throws otherwise (exit code 1).
// The Rust runner (tests/tests/js_suites.rs) requires that last line, so a suite that dies
// early cannot pass by accident. Async cases return a promise; `report()` waits for them.

var __cases = [];
var __failures = [];

function __show(v) {
  try {
    if (typeof v === "string") return JSON.stringify(v);
    if (typeof v === "bigint") return String(v) + "n";
    if (typeof v === "symbol") return v.toString();
    if (Object.is(v, -0)) return "-0";
    if (Array.isArray(v)) return "[" + v.map(__show).join(", ") + "]";
    return String(v);
  } catch (e) {
    return "<unprintable>";
  }
}

function AssertionError(message) {
  this.message = message;
}
AssertionError.prototype = Object.create(Error.prototype);
AssertionError.prototype.name = "AssertionError";
AssertionError.prototype.constructor = AssertionError;

function assert(cond, message) {
  if (!cond) throw new AssertionError(message || "assertion failed");
}

function assertEquals(actual, expected, message) {
  if (!Object.is(actual, expected)) {
    throw new AssertionError((message ? message + ": " : "") +
      "expected " + __show(expected) + ", got " + __show(actual));
  }
}

function assertNotEquals(actual, unexpected, message) {
  if (Object.is(actual, unexpected)) {
    throw new AssertionError((message ? message + ": " : "") +
      "did not expect " + __show(unexpected));
  }
}

// Structural equality of arrays and plain objects (own enumerable string keys, in order).
function __deepEquals(a, b, depth) {
  if (Object.is(a, b)) return true;
  if (depth > 50 || typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return false;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  var ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (var i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return false;
    if (!__deepEquals(a[ka[i]], b[kb[i]], depth + 1)) return false;
  }
  return true;
}

function assertDeepEquals(actual, expected, message) {
  if (!__deepEquals(actual, expected, 0)) {
    throw new AssertionError((message ? message + ": " : "") +
      "expected " + JSON.stringify(expected) + ", got " + JSON.stringify(actual));
  }
}

// assertThrows(ErrorConstructor, fn[, message]): fn must throw an instance of it.
function assertThrows(ctor, fn, message) {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ctor)) {
      throw new AssertionError((message ? message + ": " : "") + "expected " + ctor.name +
        ", got " + __show(e && e.name) + ": " + __show(e && e.message));
    }
    return e;
  }
  throw new AssertionError((message ? message + ": " : "") + "expected " + ctor.name +
    " to be thrown, nothing was thrown");
}

// Awaits `promise` and checks it rejects with an instance of ctor.
function assertRejects(ctor, promise, message) {
  return promise.then(function (v) {
    throw new AssertionError((message ? message + ": " : "") + "expected rejection with " +
      ctor.name + ", fulfilled with " + __show(v));
  }, function (e) {
    if (!(e instanceof ctor)) {
      throw new AssertionError((message ? message + ": " : "") + "expected " + ctor.name +
        ", got " + __show(e && e.name));
    }
  });
}

function test(name, fn) {
  __cases.push({ name: name, fn: fn });
}

function report() {
  var pending = [];
  var passed = 0;
  function fail(name, e) {
    var text = e && e.name ? e.name + ": " + e.message : __show(e);
    __failures.push(name);
    print("FAIL " + name + ": " + text);
  }
  for (var i = 0; i < __cases.length; i++) {
    var c = __cases[i];
    try {
      var r = c.fn();
      if (r && typeof r.then === "function") {
        pending.push({ name: c.name, promise: r });
      } else {
        passed++;
      }
    } catch (e) {
      fail(c.name, e);
    }
  }
  function finish() {
    if (__failures.length > 0) {
      throw new Error(__failures.length + " of " + __cases.length + " tests failed: " +
        __failures.join(", "));
    }
    print("ok: " + __cases.length + " tests");
  }
  if (pending.length === 0) {
    finish();
    return;
  }
  var settled = 0;
  pending.forEach(function (p) {
    p.promise.then(function () {
      passed++;
    }, function (e) {
      fail(p.name, e);
    }).then(function () {
      if (++settled === pending.length) finish();
    });
  });
}
