// Module suite: static imports (named, default, namespace), live bindings, import.meta,
// dynamic import(), top-level await.
import Greeter, { answer, double, counter, bump } from "./lib.mjs";
import * as ns from "./lib.mjs";

test("named and default imports", function () {
  assertEquals(answer, 42);
  assertEquals(double(4), 8);
  assertEquals(new Greeter().hello(), "hello");
});

test("live bindings", function () {
  assertEquals(counter, 0);
  bump();
  assertEquals(counter, 1);
  assertEquals(ns.counter, 1);
});

test("namespace object", function () {
  assertEquals(ns[Symbol.toStringTag], "Module");
  assertEquals(Object.getPrototypeOf(ns), null);
  assertThrows(TypeError, function () { ns.answer = 1; });
});

const topLevelThis = this;
test("module code is strict and this is undefined", function () {
  assertEquals(topLevelThis, undefined);
  assertThrows(ReferenceError, function () { undeclared = 1; });
});

test("import.meta", function () {
  assertEquals(typeof import.meta, "object");
});

const dyn = await import("./lib.mjs");
test("top-level await and dynamic import", function () {
  assertEquals(dyn.answer, 42);
  assertEquals(dyn, ns);
});

report();
