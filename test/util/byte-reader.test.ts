import assert from "node:assert/strict";
import { test } from "node:test";
import { ByteReader } from "../../src/util/byte-reader.js";
import { ByteWriter } from "../../src/util/byte-writer.js";
import { OutOfBoundsError } from "../../src/util/errors.js";

test("ByteWriter and ByteReader agree in both byte orders", () => {
  for (const littleEndian of [false, true]) {
    const w = new ByteWriter({ initialSize: 1, littleEndian });
    w.u8(0xab)
      .u16(0x1234)
      .u32(0xdeadbeef)
      .i16(-2)
      .i32(-3)
      .f32(1.5)
      .f64(-2.25)
      .u64(2n ** 63n)
      .i64(-5n);
    w.ascii("DICM").padded("AE", 4).zeros(2);
    const r = new ByteReader(w.toUint8Array(), { littleEndian });
    assert.equal(r.u8(), 0xab);
    assert.equal(r.u16(), 0x1234);
    assert.equal(r.u32(), 0xdeadbeef);
    assert.equal(r.i16(), -2);
    assert.equal(r.i32(), -3);
    assert.equal(r.f32(), 1.5);
    assert.equal(r.f64(), -2.25);
    assert.equal(r.u64(), 2n ** 63n);
    assert.equal(r.i64(), -5n);
    assert.equal(r.ascii(4), "DICM");
    assert.equal(r.ascii(4), "AE  ");
    assert.deepEqual([...r.bytesView(2)], [0, 0]);
    assert.equal(r.remaining, 0);
  }
});

test("ByteWriter writes big endian by default (the upper layer's order)", () => {
  assert.deepEqual([...new ByteWriter().u16(0x0102).u32(0x03040506).toUint8Array()], [1, 2, 3, 4, 5, 6]);
});

test("ByteReader refuses to read past its end and names the offset", () => {
  const r = new ByteReader(new Uint8Array([1, 2, 3]), { base: 100 });
  r.u16();
  assert.throws(
    () => r.u16(),
    (e: unknown) => e instanceof OutOfBoundsError && e.code === "ERR_OUT_OF_BOUNDS" && e.offset === 102,
  );
  assert.throws(() => r.bytesView(0xfffffff0), OutOfBoundsError);
});

test("ByteReader.sub limits a nested reader to its own bytes", () => {
  const r = new ByteReader(new Uint8Array([0, 1, 2, 3, 4]));
  r.u8();
  const s = r.sub(2);
  assert.equal(s.u16(), 0x0102);
  assert.throws(() => s.u8(), OutOfBoundsError);
  assert.equal(r.u8(), 3);
});

test("ascii: the same text as the latin1 decoder for short and long runs, ASCII or not; the cursor moves by n", () => {
  const decoder = new TextDecoder("latin1");
  const runs = [
    "",
    "ANY-SCP         ",
    "1.2.840.10008.1.1",
    "1.2.840.10008.5.1.4.1.1.2.1234567890.1234567890.1234567890.12345",
    "x".repeat(200),
  ].map((s) => Uint8Array.from(s, (c) => c.charCodeAt(0)));
  runs.push(
    Uint8Array.from([0x41, 0x80, 0x9f, 0xe9, 0xff, 0x42]),
    Uint8Array.from({ length: 100 }, (_, i) => 0x60 + i),
  );
  for (const run of runs) {
    const bytes = new Uint8Array([0xaa, ...run, 0xbb]);
    const r = new ByteReader(bytes, { offset: 1 });
    assert.equal(r.ascii(run.byteLength), decoder.decode(run));
    assert.equal(r.offset, 1 + run.byteLength);
    assert.equal(r.u8(), 0xbb);
  }
  assert.throws(() => new ByteReader(new Uint8Array(3)).ascii(4), OutOfBoundsError);
});
