// Property tests: random and mutated RLE frames and encapsulated pixel data into the decoders.
// Only CodecErrors come out, and a result is always the size the image pixel module says.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  CodecError,
  decodeRleFrame,
  encodeRleFrame,
  framesOf,
  type ImagePixelInfo,
  NetdicomError,
} from "../../src/index.js";

const NUM_RUNS = 1500;

const infoArb = fc.record({
  rows: fc.integer({ min: 1, max: 12 }),
  columns: fc.integer({ min: 1, max: 12 }),
  samplesPerPixel: fc.constantFrom(1, 3),
  bitsAllocated: fc.constantFrom(8, 16),
  planarConfiguration: fc.constantFrom(0, 1),
});

function info(i: {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  planarConfiguration: number;
}): ImagePixelInfo {
  return {
    ...i,
    bitsStored: i.bitsAllocated,
    highBit: i.bitsAllocated - 1,
    pixelRepresentation: 0,
    photometricInterpretation: i.samplesPerPixel === 3 ? "RGB" : "MONOCHROME2",
    numberOfFrames: 1,
  };
}

test("RLE: any pixels round-trip through encode and decode", () => {
  fc.assert(
    fc.property(infoArb, fc.integer(), (raw, seed) => {
      const i = info(raw);
      const n = i.rows * i.columns * i.samplesPerPixel * (i.bitsAllocated / 8);
      let x = seed >>> 0;
      // runs are likely: a value repeats until the generator says otherwise
      let v = 0;
      const px = new Uint8Array(n).map(() => {
        x = (x * 1664525 + 1013904223) >>> 0;
        if (x % 4 === 0) v = x >>> 24;
        return v;
      });
      assert.deepEqual(decodeRleFrame(encodeRleFrame(px, i), i), px);
    }),
    { numRuns: NUM_RUNS },
  );
});

test("RLE: random and mutated frames decode to the right size or throw a CodecError", () => {
  fc.assert(
    fc.property(
      infoArb,
      fc.uint8Array({ maxLength: 600 }),
      fc.array(fc.nat(), { maxLength: 8 }),
      (raw, noise, flips) => {
        const i = info(raw);
        const n = i.rows * i.columns * i.samplesPerPixel * (i.bitsAllocated / 8);
        const valid = encodeRleFrame(new Uint8Array(n).fill(3), i);
        const mutated = valid.slice();
        for (const f of flips) mutated[f % mutated.byteLength] = (f >>> 8) & 0xff;
        for (const frame of [noise, mutated, valid.subarray(0, noise.byteLength % valid.byteLength)]) {
          try {
            assert.equal(decodeRleFrame(frame, i).byteLength, n);
          } catch (e) {
            assert.ok(e instanceof CodecError, String(e));
          }
        }
      },
    ),
    { numRuns: NUM_RUNS },
  );
});

test("framesOf: random offset tables and fragments give frames or a CodecError", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 40 }),
      fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 6 }),
      fc.integer({ min: 1, max: 6 }),
      (bot, fragments, frames) => {
        try {
          const out = framesOf({ basicOffsetTable: bot, fragments }, frames);
          assert.equal(out.length, frames === 1 ? 1 : frames);
        } catch (e) {
          assert.ok(e instanceof NetdicomError && e.code === "ERR_CODEC", String(e));
        }
      },
    ),
    { numRuns: NUM_RUNS },
  );
});
