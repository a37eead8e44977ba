// Module suite: static imports (named, default, namespace), live bindings, import.meta,
// dynamic import(), top-level await.
import Greeter, { answer, double, counter, bump } from "./lib.mjs";
import * as ns from "./lib.mjs";
import * as starNs from "./star.mjs";
import { mid } from "./tla_mid.mjs";
import { order } from "./order_log.mjs";
import data from "./data.json" with { type: "json" };

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

test("namespace is an exotic object", function () {
  assertEquals(Object.isExtensible(ns), false);
  assertEquals(Reflect.ownKeys(ns).map(String).join(), "answer,bump,counter,default,double,Symbol(Symbol.toStringTag)");
  var d = Object.getOwnPropertyDescriptor(ns, "answer");
  assertEquals(d.value, 42);
  assertEquals(d.writable, true);
  assertEquals(d.enumerable, true);
  assertEquals(d.configurable, false);
  assertEquals(Reflect.set(ns, "answer", 1), false);
  assertEquals(Reflect.deleteProperty(ns, "answer"), false);
  assertEquals(Reflect.deleteProperty(ns, "nothing"), true);
  assertEquals(Reflect.defineProperty(ns, "answer", { value: 42 }), true);
  assertEquals(Reflect.defineProperty(ns, "answer", { value: 43 }), false);
  assertEquals(Reflect.defineProperty(ns, "answer", { writable: false }), false);
  assertEquals(Reflect.setPrototypeOf(ns, {}), false);
  assertEquals(Reflect.setPrototypeOf(ns, null), true);
  assertEquals("answer" in ns, true);
  assertEquals("nothing" in ns, false);
});

test("export * as, namespace re-export, sorted keys", function () {
  assertEquals(Object.keys(starNs).join(), "a,again,b,libNs,renamed");
  assertEquals(starNs.libNs, ns);
  assertEquals(starNs.again, ns);
  assertEquals(starNs.renamed, 42);
});

test("async dependency finishes before its importer runs", function () {
  assertEquals(mid, "mid");
  assertEquals(order.join(), "leaf start,leaf end,mid sees leaf");
});

test("JSON module", function () {
  assertEquals(data.name, "data");
  assertEquals(data.list.length, 3);
  assertEquals(Object.getPrototypeOf(data), Object.prototype);
  assertEquals(Object.getOwnPropertyNames(data).join(), "name,list,__proto__");
});

test("import.meta", function () {
  assertEquals(typeof import.meta, "object");
  assertEquals(Object.getPrototypeOf(import.meta), null);
  assertEquals(import.meta, import.meta);
  assertEquals(import.meta.main, true);
  assertEquals(import.meta.url.endsWith("main.mjs"), true);
});

const dyn = await import("./lib.mjs");
test("top-level await and dynamic import", function () {
  assertEquals(dyn.answer, 42);
  assertEquals(dyn, ns);
});

test("import() rejects on evaluation, link and load errors", function () {
  var first;
  return import("./throws.mjs").then(function () {
    throw new Error("should reject");
  }, function (e) {
    first = e;
    assertEquals(e instanceof RangeError, true);
    return import("./throws.mjs");
  }).then(function () {
    throw new Error("should reject");
  }, function (e) {
    assertEquals(e, first);
    return import("./bad_export.mjs");
  }).then(function () {
    throw new Error("should reject");
  }, function (e) {
    assertEquals(e instanceof SyntaxError, true);
    return import("./lib.mjs", { with: { type: "css" } });
  }).then(function () {
    throw new Error("should reject");
  }, function (e) {
    assertEquals(e instanceof TypeError, true);
    return import("./lib.mjs", 1);
  }).then(function () {
    throw new Error("should reject");
  }, function (e) {
    assertEquals(e instanceof TypeError, true);
  });
});

test("import() from eval and functions resolves against this file", function () {
  return eval("import('./lib.mjs')").then(function (m) {
    assertEquals(m, ns);
    return new Function("return import('./order_log.mjs')")();
  }).then(function (m) {
    assertEquals(m.order, order);
  });
});

report();
