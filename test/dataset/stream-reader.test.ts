// DatasetStreamReader: the same elements and values as readDataset on the whole, however the
// bytes are cut into chunks; stopping at a tag across chunks; the buffering limit; linear cost.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { type CorpusSyntax, corpusFile } from "../../bench/corpus.js";
import {
  Dataset,
  DatasetStreamReader,
  DicomParseError,
  PersonName,
  PIXEL_DATA,
  readDataset,
  readPart10,
  writeDataset,
} from "../../src/dataset/index.js";

const ENCODING: Record<CorpusSyntax, { explicitVr: boolean; littleEndian: boolean }> = {
  "explicit-le": { explicitVr: true, littleEndian: true },
  "implicit-le": { explicitVr: false, littleEndian: true },
  "explicit-be": { explicitVr: true, littleEndian: false },
};

/** Every element as [tag, vr, decoded value in comparable form], recursing into items. */
function snapshot(ds: Dataset): unknown[] {
  const charsets = ds.charsets;
  return [...ds].map((el) => {
    const v = el.value(el.vr === "SQ" ? [] : charsets);
    if (el.vr === "SQ") return [el.tag, el.vr, (v as Dataset[]).map(snapshot)];
    if (v instanceof Uint8Array) return [el.tag, el.vr, Buffer.from(v).toString("hex")];
    if (Array.isArray(v)) return [el.tag, el.vr, v.map((x) => (x instanceof PersonName ? x.toString() : x))];
    return [el.tag, el.vr, v];
  });
}

/** The data set bytes (after the meta) of a small corpus file, and its encoding. */
function dataSetOf(syntax: CorpusSyntax, rows = 8): { bytes: Uint8Array; enc: (typeof ENCODING)[CorpusSyntax] } {
  const file = corpusFile({ rows, cols: rows, syntax }, 2);
  return { bytes: file.subarray(readPart10(file).datasetOffset), enc: ENCODING[syntax] };
}

/** Feeds `bytes` cut at `cuts` (ascending offsets) and returns the data set. */
function streamed(bytes: Uint8Array, enc: object, cuts: readonly number[]): Dataset {
  const sr = new DatasetStreamReader(enc as { explicitVr: boolean; littleEndian: boolean });
  let from = 0;
  for (const cut of [...cuts, bytes.byteLength]) {
    sr.push(bytes.subarray(from, cut));
    from = cut;
  }
  return sr.end();
}

for (const syntax of ["explicit-le", "implicit-le", "explicit-be"] as const) {
  const { bytes, enc } = dataSetOf(syntax);
  const expected = snapshot(readDataset(bytes, enc).dataset);

  test(`${syntax}: one chunk gives what readDataset gives`, () => {
    assert.ok(expected.length > 60);
    assert.deepEqual(snapshot(streamed(bytes, enc, [])), expected);
  });

  test(`${syntax}: one byte at a time gives what readDataset gives`, () => {
    const cuts = Array.from({ length: bytes.byteLength - 1 }, (_, i) => i + 1);
    assert.deepEqual(snapshot(streamed(bytes, enc, cuts)), expected);
  });

  test(`${syntax}: two chunks, split at every offset`, () => {
    for (let at = 0; at <= bytes.byteLength; at++) {
      assert.deepEqual(snapshot(streamed(bytes, enc, [at])), expected, `split at ${at}`);
    }
  });

  test(`${syntax}: random splits (fast-check)`, () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: bytes.byteLength }), { maxLength: 40 }), (cuts) => {
        assert.deepEqual(
          snapshot(
            streamed(
              bytes,
              enc,
              cuts.sort((a, b) => a - b),
            ),
          ),
          expected,
        );
      }),
      { numRuns: 200 },
    );
  });

  test(`${syntax}: stopAtTag stops before Pixel Data across chunks`, () => {
    const whole = readDataset(bytes, { ...enc, stopAtTag: PIXEL_DATA });
    assert.equal(whole.stoppedAt, PIXEL_DATA);
    for (const chunk of [1, 7, 64, 1000]) {
      const sr = new DatasetStreamReader({ ...enc, stopAtTag: PIXEL_DATA, baseOffset: 500 });
      let stopped = false;
      let o = 0;
      while (!stopped && o < bytes.byteLength) {
        stopped = sr.push(bytes.subarray(o, o + chunk));
        o += chunk;
      }
      assert.ok(stopped, `chunk ${chunk}`);
      assert.equal(sr.stoppedAt, PIXEL_DATA);
      assert.equal(sr.offset, 500 + whole.offset);
      assert.equal(sr.dataset?.has(PIXEL_DATA), false);
      assert.deepEqual(snapshot(sr.dataset as Dataset), snapshot(whole.dataset));
      // The remainder starts with the Pixel Data element's header and holds what was pushed after it.
      const rest = sr.remainder();
      assert.deepEqual(rest, bytes.subarray(whole.offset, Math.min(o, bytes.byteLength)));
      assert.ok(rest.byteLength >= 1);
      // Pushing more after the stop keeps it (for a caller that streams the rest elsewhere).
      assert.equal(sr.push(new Uint8Array(2)), true);
    }
  });
}

test("maxBufferedBytes refuses an element larger than the limit as soon as its header arrives", () => {
  const big = new Dataset();
  big.set("PatientID", "P1");
  big.set(0x00091010, new Uint8Array(100_000), "OB");
  const bytes = writeDataset(big, { explicitVr: true, littleEndian: true });
  const sr = new DatasetStreamReader({ explicitVr: true, littleEndian: true, maxBufferedBytes: 64 * 1024 });
  // (0009,1010) sorts first: its 12-byte header alone is refused, before any of the value is buffered.
  assert.throws(
    () => sr.push(bytes.subarray(0, 12)),
    (e: unknown) =>
      e instanceof DicomParseError && e.tag === 0x00091010 && e.offset === 0 && /100000 bytes/.test(e.message),
  );
  // An element under the limit passes.
  const ok = new DatasetStreamReader({ explicitVr: true, littleEndian: true, maxBufferedBytes: 200_000 });
  ok.push(bytes);
  assert.equal(ok.end().bytes(0x00091010)?.byteLength, 100_000);
  // Undefined length (no size to check up front) is bounded by what is buffered.
  const seq = new Dataset({ ReferencedImageSequence: [{ ReferencedSOPInstanceUID: "1.2.3" }] });
  seq.getElement("ReferencedImageSequence")!.undefinedLength = true;
  const sqBytes = writeDataset(seq, { explicitVr: true, littleEndian: true });
  const bounded = new DatasetStreamReader({ explicitVr: true, littleEndian: true, maxBufferedBytes: 20 });
  assert.throws(() => bounded.push(sqBytes), DicomParseError);
});

test("a 20 MB element in 16 KB chunks completes in linear time", () => {
  const size = 20 * 2 ** 20;
  const value = new Uint8Array(size);
  for (let i = 0; i < size; i += 4096) value[i] = (i >>> 12) & 0xff;
  const ds = new Dataset({ PatientID: "BIG" });
  ds.set("PixelData", value, "OW");
  const bytes = writeDataset(ds, { explicitVr: true, littleEndian: true });
  const start = performance.now();
  const sr = new DatasetStreamReader({ explicitVr: true, littleEndian: true });
  const chunk = 16 * 1024;
  for (let o = 0; o < bytes.byteLength; o += chunk) sr.push(bytes.subarray(o, o + chunk));
  const got = sr.end();
  const ms = performance.now() - start;
  assert.equal(got.string("PatientID"), "BIG");
  assert.ok(Buffer.from(got.bytes("PixelData") as Uint8Array).equals(value));
  // ~1300 chunks: a reparse per chunk would copy and scan ~13 GB; doubling keeps it to ~40 MB.
  assert.ok(ms < 5000, `${ms} ms`);
});
