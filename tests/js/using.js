// Explicit resource management: `using`, `await using`, DisposableStack,
// AsyncDisposableStack, SuppressedError.

function resource(log, name, fail) {
  return {
    [Symbol.dispose]() {
      log.push(name);
      if (fail) throw new Error(name);
    }
  };
}

function asyncResource(log, name, fail) {
  return {
    async [Symbol.asyncDispose]() {
      await null;
      log.push(name);
      if (fail) throw new Error(name);
    }
  };
}

test("using disposes in reverse order at block end", function () {
  var log = [];
  {
    using a = resource(log, "a"), b = resource(log, "b");
    using n = null;
    log.push("body");
  }
  assertEquals(log.join(","), "body,b,a");
});

test("using disposes on break, continue and return", function () {
  var log = [];
  function f() {
    for (var i = 0; i < 3; i++) {
      using r = resource(log, "r" + i);
      if (i == 0) continue;
      if (i == 1) break;
    }
    {
      using s = resource(log, "s");
      return "ret";
    }
  }
  assertEquals(f(), "ret");
  assertEquals(log.join(","), "r0,r1,s");
});

test("errors during disposal are chained with SuppressedError", function () {
  var log = [];
  var caught;
  try {
    using a = resource(log, "a", true);
    using b = resource(log, "b", true);
    throw new Error("body");
  } catch (e) {
    caught = e;
  }
  assertEquals(log.join(","), "b,a");
  assert(caught instanceof SuppressedError, "outer SuppressedError");
  assertEquals(caught.error.message, "a");
  assertEquals(caught.suppressed.error.message, "b");
  assertEquals(caught.suppressed.suppressed.message, "body");
});

test("using needs an object with a Symbol.dispose method", function () {
  assertThrows(TypeError, function () { using x = 1; });
  assertThrows(TypeError, function () { using x = {}; });
  var using = 3;
  assertEquals(using, 3);
});

test("for-of with using disposes each value before the next step", function () {
  var log = [];
  var values = [resource(log, "v1"), resource(log, "v2")];
  for (using v of values) log.push("body");
  assertEquals(log.join(","), "body,v1,body,v2");
});

test("DisposableStack", function () {
  var log = [];
  var stack = new DisposableStack();
  stack.defer(function () { log.push("deferred"); });
  assertEquals(stack.adopt(7, function (v) { log.push("adopted " + v); }), 7);
  stack.use(resource(log, "used"));
  var moved = stack.move();
  assertEquals(stack.disposed, true);
  assertThrows(ReferenceError, function () { stack.use(null); });
  moved[Symbol.dispose]();
  assertEquals(moved.disposed, true);
  assertEquals(log.join(","), "used,adopted 7,deferred");
});

test("await using awaits disposal, also for null", function () {
  var log = [];
  async function f() {
    {
      await using a = asyncResource(log, "a");
      await using n = null;
      using s = resource(log, "s");
      log.push("body");
    }
    log.push("after");
  }
  return f().then(function () {
    assertEquals(log.join(","), "body,s,a,after");
  });
});

test("AsyncDisposableStack rejects with the disposal error", function () {
  var log = [];
  var stack = new AsyncDisposableStack();
  stack.use(asyncResource(log, "x", true));
  stack.defer(function () { log.push("deferred"); });
  return assertRejects(Error, stack.disposeAsync()).then(function () {
    assertEquals(log.join(","), "deferred,x");
    assertEquals(stack.disposed, true);
  });
});
report();
