// ArrayBuffer, SharedArrayBuffer, typed arrays, DataView and Atomics.

test("typed arrays convert on write and read back", function () {
  var u8 = new Uint8Array([1, 256, -1, 1.9]);
  assertEquals(u8.join(), "1,0,255,1");
  var c = new Uint8ClampedArray([300, -5, 1.5, 2.5]);
  assertEquals(c.join(), "255,0,2,2");
  var f = new Float32Array([0.1]);
  assertEquals(f[0], Math.fround(0.1));
  var h = new Float16Array([1.337]);
  assertEquals(h[0], Math.f16round(1.337));
  var b = new BigInt64Array([2n ** 63n]);
  assertEquals(b[0], -(2n ** 63n));
  assertThrows(TypeError, function () { b[0] = 1; });
});

test("views share one buffer, little-endian", function () {
  var buf = new ArrayBuffer(8);
  var u32 = new Uint32Array(buf);
  var u8 = new Uint8Array(buf, 4, 2);
  u32[1] = 0x01020304;
  assertEquals(u8[0], 4);
  assertEquals(u8[1], 3);
  assertEquals(u8.length, 2);
  assertEquals(u8.byteOffset, 4);
});

test("integer-indexed exotic keys", function () {
  var a = new Int8Array(2);
  a["1.5"] = 7;
  a["-0"] = 7;
  a[5] = 7;
  assertEquals(Object.keys(a).join(), "0,1");
  assertEquals(a["1.5"], undefined);
  assertEquals("5" in a, false);
  a.foo = 1;
  assertEquals(Object.keys(a).join(), "0,1,foo");
  assertEquals(Reflect.defineProperty(a, "0", { value: 3, writable: false }), false);
  assertEquals(Object.isFrozen(Object.freeze(new Int8Array(0))), true);
});

test("resizable buffers and length-tracking views", function () {
  var buf = new ArrayBuffer(4, { maxByteLength: 16 });
  var all = new Uint8Array(buf);
  var fixed = new Uint8Array(buf, 0, 4);
  buf.resize(8);
  assertEquals(all.length, 8);
  assertEquals(fixed.length, 4);
  buf.resize(2);
  assertEquals(all.length, 2);
  assertEquals(fixed.length, 0);
  assertThrows(TypeError, function () { fixed.fill(1); });
  assertThrows(RangeError, function () { buf.resize(17); });
});

test("transfer detaches", function () {
  var buf = new ArrayBuffer(4);
  var v = new Uint8Array(buf);
  v[0] = 9;
  var moved = buf.transfer(8);
  assertEquals(buf.detached, true);
  assertEquals(buf.byteLength, 0);
  assertEquals(v.length, 0);
  assertEquals(new Uint8Array(moved)[0], 9);
  assertEquals(moved.byteLength, 8);
  assertThrows(TypeError, function () { buf.slice(0); });
});

test("over-large buffers are RangeErrors", function () {
  assertThrows(RangeError, function () { new ArrayBuffer(1e10); });
  assertThrows(RangeError, function () { new Float64Array(2 ** 40); });
});

test("prototype methods", function () {
  var a = new Int16Array([5, -1, 3, 0]);
  assertEquals(a.toSorted().join(), "-1,0,3,5");
  assertEquals(a.slice(1, 3).join(), "-1,3");
  assertEquals(a.subarray(2).join(), "3,0");
  assertEquals(a.map(function (x) { return x * 2; }).join(), "10,-2,6,0");
  assertEquals(a.filter(function (x) { return x > 0; }).join(), "5,3");
  assertEquals(a.indexOf(3), 2);
  assertEquals(a.with(0, 9).join(), "9,-1,3,0");
  a.copyWithin(0, 2);
  assertEquals(a.join(), "3,0,3,0");
  assertEquals([...new Uint8Array([1, 2]).entries()].join(";"), "0,1;1,2");
  assertEquals(Object.prototype.toString.call(a), "[object Int16Array]");
});

test("DataView reads both endiannesses", function () {
  var d = new DataView(new ArrayBuffer(16), 0);
  d.setFloat64(0, Math.PI);
  assertEquals(d.getFloat64(0), Math.PI);
  d.setUint32(8, 0xdeadbeef, true);
  assertEquals(d.getUint8(8), 0xef);
  assertEquals(d.getUint32(8), 0xefbeadde);
  d.setBigUint64(0, 2n ** 64n - 1n);
  assertEquals(d.getBigInt64(0), -1n);
  assertThrows(RangeError, function () { d.getUint32(13); });
});

test("Atomics on integer arrays", function () {
  var a = new Int32Array(new SharedArrayBuffer(8));
  assertEquals(Atomics.add(a, 0, 5), 0);
  assertEquals(Atomics.sub(a, 0, 2), 5);
  assertEquals(Atomics.compareExchange(a, 0, 3, 10), 3);
  assertEquals(Atomics.load(a, 0), 10);
  assertEquals(Atomics.wait(a, 0, 1), "not-equal");
  assertEquals(Atomics.wait(a, 0, 10, 0), "timed-out");
  assertEquals(Atomics.notify(a, 0), 0);
  assertThrows(TypeError, function () { Atomics.add(new Float64Array(1), 0, 1); });
});

report();
