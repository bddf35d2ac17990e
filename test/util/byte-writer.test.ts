// ByteWriter stores integers byte by byte: every write must give exactly the bytes DataView's
// setters give, in both byte orders, for any number (negative, fractional, too large, NaN), and
// growing must keep what was written.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { ByteWriter } from "../../src/util/byte-writer.js";

type Op = readonly ["u8" | "u16" | "u32" | "i16" | "i32" | "f32" | "f64", number] | readonly ["ascii", string];

/** Each integer or float write: its DataView setter and width in bytes. */
const setters = {
  u8: [(d: DataView, at: number, v: number) => d.setUint8(at, v), 1],
  u16: [(d: DataView, at: number, v: number, le: boolean) => d.setUint16(at, v, le), 2],
  u32: [(d: DataView, at: number, v: number, le: boolean) => d.setUint32(at, v, le), 4],
  i16: [(d: DataView, at: number, v: number, le: boolean) => d.setInt16(at, v, le), 2],
  i32: [(d: DataView, at: number, v: number, le: boolean) => d.setInt32(at, v, le), 4],
  f32: [(d: DataView, at: number, v: number, le: boolean) => d.setFloat32(at, v, le), 4],
  f64: [(d: DataView, at: number, v: number, le: boolean) => d.setFloat64(at, v, le), 8],
} as const;

/** The bytes DataView writes for `ops`. */
function expected(ops: readonly Op[], le: boolean): Uint8Array {
  const d = new DataView(new ArrayBuffer(8 * ops.length + ops.reduce((n, o) => n + String(o[1]).length, 0)));
  let at = 0;
  for (const op of ops) {
    if (op[0] === "ascii") {
      // One byte per UTF-16 code unit; above 255 becomes '?'.
      for (let i = 0; i < op[1].length; i++) {
        const c = op[1].charCodeAt(i);
        d.setUint8(at++, c > 255 ? 0x3f : c);
      }
    } else {
      const [set, width] = setters[op[0]];
      set(d, at, op[1], le);
      at += width;
    }
  }
  return new Uint8Array(d.buffer, 0, at);
}

const number = fc.oneof(
  fc.integer({ min: -0x8000_0000, max: 0xffff_ffff }),
  fc.double(),
  fc.constantFrom(0, -1, 255, 256, 65_535, 65_536, 2 ** 32, 2 ** 32 + 5, 2 ** 53, -(2 ** 31), Number.NaN, 0.5, -0.5),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.tuple(fc.constantFrom("u8", "u16", "u32", "i16", "i32", "f32", "f64" as const), number),
  fc.tuple(fc.constant("ascii" as const), fc.string({ maxLength: 9, unit: "binary" })),
);

test("ByteWriter: integer, float and text writes give DataView's bytes in both byte orders, across growth", () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), fc.boolean(), fc.integer({ min: 1, max: 16 }), (ops, le, size) => {
      const w = new ByteWriter({ initialSize: size, littleEndian: le });
      for (const o of ops) {
        if (o[0] === "ascii") w.ascii(o[1]);
        else w[o[0]](o[1]);
      }
      assert.deepEqual(w.toUint8Array(), expected(ops, le));
      assert.equal(w.length, expected(ops, le).byteLength);
    }),
    { numRuns: 500 },
  );
});

test("ByteWriter: setU16/setU32 patch in place in the writer's byte order; outside the buffer is a RangeError", () => {
  for (const le of [false, true]) {
    const w = new ByteWriter({ initialSize: 8, littleEndian: le });
    w.u32(0).u16(0).u16(7);
    w.setU32(0, 0x01020304).setU16(4, 0x0506);
    assert.deepEqual([...w.written()], le ? [4, 3, 2, 1, 6, 5, 7, 0] : [1, 2, 3, 4, 5, 6, 0, 7]);
    assert.throws(() => w.setU32(6, 1), RangeError);
    assert.throws(() => w.setU16(-1, 1), RangeError);
  }
});
