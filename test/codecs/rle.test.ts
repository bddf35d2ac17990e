// RLE Lossless (PS3.5 Annex G): our encoder and decoder against each other, against hand-made
// PackBits segments, against malformed frames, and against DCMTK's dcmcrle/dcmdrle.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  type Codec,
  CodecError,
  Dataset,
  decodeRleFrame,
  type EncapsulatedPixelData,
  encodeRleFrame,
  type ImagePixelInfo,
  readPart10,
  registerCodec,
  setCodecAutoload,
  transcodeDataset,
  ts,
  writePart10,
} from "../../src/index.js";
import { findTool, runTool } from "../helpers/dcmtk.js";

const fixture = fileURLToPath(new URL("../../../fixtures/sample-ct.dcm", import.meta.url));

function info(over: Partial<ImagePixelInfo>): ImagePixelInfo {
  return {
    rows: 5,
    columns: 7,
    samplesPerPixel: 1,
    bitsAllocated: 8,
    bitsStored: 8,
    highBit: 7,
    pixelRepresentation: 0,
    planarConfiguration: 0,
    photometricInterpretation: "MONOCHROME2",
    numberOfFrames: 1,
    ...over,
  };
}

/** Pixels mixing runs (long and short) and noise, so both PackBits run kinds occur. */
function pixels(n: number, seed: number): Uint8Array {
  let x = seed;
  return new Uint8Array(n).map((_, i) => {
    x = (x * 1103515245 + 12345) >>> 0;
    return i % 300 < 150 ? 7 : (x >>> 16) & 0xff;
  });
}

const layouts: [string, Partial<ImagePixelInfo>][] = [
  ["8-bit grey", {}],
  ["16-bit grey, wide rows (runs over 128)", { rows: 3, columns: 300, bitsAllocated: 16, bitsStored: 12, highBit: 11 }],
  ["32-bit grey", { bitsAllocated: 32, bitsStored: 32, highBit: 31 }],
  ["8-bit RGB interleaved", { samplesPerPixel: 3, photometricInterpretation: "RGB" }],
  ["8-bit RGB by plane", { samplesPerPixel: 3, planarConfiguration: 1, photometricInterpretation: "RGB" }],
  [
    "16-bit RGB",
    { samplesPerPixel: 3, bitsAllocated: 16, bitsStored: 16, highBit: 15, photometricInterpretation: "RGB" },
  ],
];

for (const [name, over] of layouts) {
  test(`RLE: ${name} encodes and decodes back to the same pixels`, () => {
    const i = info(over);
    const n = i.rows * i.columns * i.samplesPerPixel * (i.bitsAllocated / 8);
    const px = pixels(n, n);
    const frame = encodeRleFrame(px, i);
    const view = new DataView(frame.buffer, frame.byteOffset);
    assert.equal(view.getUint32(0, true), i.samplesPerPixel * (i.bitsAllocated / 8), "segment count");
    assert.equal(view.getUint32(4, true), 64, "first segment right after the header");
    assert.deepEqual(decodeRleFrame(frame, i), px);
  });
}

test("RLE: a uniform image compresses to replicate runs of at most 128 per row", () => {
  const i = info({ rows: 2, columns: 200 });
  const frame = encodeRleFrame(new Uint8Array(400).fill(9), i);
  // per row: 128 + 72 → two 2-byte runs; two rows → 8 bytes, plus the 64-byte header
  assert.equal(frame.byteLength, 64 + 8);
  assert.deepEqual([...frame.subarray(64)], [257 - 128, 9, 257 - 72, 9, 257 - 128, 9, 257 - 72, 9]);
});

test("RLE: decodes hand-made segments with literal, replicate and no-op (-128) headers", () => {
  const i = info({ rows: 1, columns: 8 });
  const seg = [2, 1, 2, 3, 128, 256 - 4, 5]; // literal 1 2 3, no-op, replicate 5 x5
  const frame = new Uint8Array(64 + seg.length + 1);
  const v = new DataView(frame.buffer);
  v.setUint32(0, 1, true);
  v.setUint32(4, 64, true);
  frame.set(seg, 64);
  assert.deepEqual([...decodeRleFrame(frame, i)], [1, 2, 3, 5, 5, 5, 5, 5]);
});

test("RLE: malformed frames are CodecErrors, never crashes", () => {
  const i = info({ rows: 2, columns: 2 });
  const good = encodeRleFrame(new Uint8Array([1, 2, 3, 4]), i);
  const cases: [string, Uint8Array, RegExp][] = [
    ["no header", good.subarray(0, 10), /no header/],
    [
      "segment count",
      (() => {
        const f = good.slice();
        new DataView(f.buffer).setUint32(0, 2, true);
        return f;
      })(),
      /2 segments, 1 expected/,
    ],
    [
      "offset outside",
      (() => {
        const f = good.slice();
        new DataView(f.buffer).setUint32(4, 9999, true);
        return f;
      })(),
      /outside the frame/,
    ],
    ["short segment", good.subarray(0, 66), /decodes to \d+ bytes, 4 expected/],
  ];
  for (const [name, frame, message] of cases) {
    assert.throws(
      () => decodeRleFrame(frame, i),
      (e: unknown) => e instanceof CodecError && message.test(e.message),
      name,
    );
  }
  assert.throws(() => decodeRleFrame(good, info({ bitsAllocated: 12 })), CodecError);
  assert.throws(() => encodeRleFrame(new Uint8Array(1), i), CodecError);
});

test("transcodeDataset: native → RLE → native keeps pixels and attributes, one fragment per frame with offsets", async () => {
  const ds = new Dataset({
    SOPClassUID: "1.2.840.10008.5.1.4.1.1.7",
    SOPInstanceUID: "2.25.1",
    Rows: 4,
    Columns: 6,
    SamplesPerPixel: 1,
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 0,
    PhotometricInterpretation: "MONOCHROME2",
    NumberOfFrames: 3,
    LossyImageCompression: "01",
  });
  const px = pixels(4 * 6 * 2 * 3, 3);
  ds.set("PixelData", px, "OW");
  const rle = await transcodeDataset(ds, ts.ExplicitVRLittleEndian, ts.RLELossless);
  const enc = rle.get("PixelData") as EncapsulatedPixelData;
  assert.equal(enc.fragments.length, 3);
  assert.equal(enc.basicOffsetTable.byteLength, 12);
  assert.equal(ds.get("PixelData"), px, "the input data set is left as it was");
  // Through bytes, as a peer would see it.
  const back = readPart10(writePart10(rle, { transferSyntaxUid: ts.RLELossless })).dataset;
  const native = await transcodeDataset(back, ts.RLELossless, ts.ExplicitVRLittleEndian);
  assert.deepEqual(native.get("PixelData"), px);
  assert.equal(native.vr("PixelData"), "OW");
  assert.equal(native.string("LossyImageCompression"), "01", "kept");
  assert.equal(native.string("PhotometricInterpretation"), "MONOCHROME2");
});

test("transcodeDataset: a syntax without a codec names it and says how to add one", async (t) => {
  // Without the optional package being loaded, whether or not it is installed here.
  setCodecAutoload(false);
  t.after(() => setCodecAutoload(true));
  const ds = new Dataset({ Rows: 1, Columns: 1, BitsAllocated: 8 });
  ds.set("PixelData", { basicOffsetTable: new Uint8Array(0), fragments: [new Uint8Array(2)] }, "OB");
  await assert.rejects(
    transcodeDataset(ds, ts.JPEGLSLossless, ts.ExplicitVRLittleEndian),
    (e: unknown) =>
      e instanceof CodecError &&
      e.message.includes("JPEG-LS Lossless Image Compression (1.2.840.10008.1.2.4.80)") &&
      e.message.includes("no codec is registered to decode") &&
      e.message.includes('install the optional package dcmjs-codecs ("npm install dcmjs-codecs")') &&
      e.message.includes("registerCodec"),
  );
});

test("transcodeDataset: image sizes beyond the limit are refused before any allocation", async () => {
  const ds = new Dataset({ Rows: 65535, Columns: 65535, BitsAllocated: 16, SamplesPerPixel: 3, NumberOfFrames: 1000 });
  ds.set("PixelData", { basicOffsetTable: new Uint8Array(0), fragments: [new Uint8Array(2)] }, "OB");
  await assert.rejects(transcodeDataset(ds, ts.RLELossless, ts.ExplicitVRLittleEndian), /above the limit/);
});

test("RLE against DCMTK: dcmcrle's output decodes to the original pixels; ours decodes with dcmdrle", async (t) => {
  if (!findTool("dcmcrle") || !findTool("dcmdrle")) return t.skip("dcmcrle/dcmdrle (DCMTK) not installed");
  const dir = mkdtempSync(join(tmpdir(), "netdicom-rle-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const original = readPart10(readFileSync(fixture)).dataset;
  const originalPx = new Uint8Array(original.get("PixelData") as Uint8Array);

  // DCMTK compresses, we decompress.
  const theirs = join(dir, "dcmtk-rle.dcm");
  const c = await runTool("dcmcrle", [fixture, theirs]);
  assert.equal(c.code, 0, c.stderr);
  const part = readPart10(readFileSync(theirs));
  assert.equal(part.transferSyntaxUid, ts.RLELossless);
  const decoded = await transcodeDataset(part.dataset, ts.RLELossless, ts.ExplicitVRLittleEndian);
  assert.deepEqual(new Uint8Array(decoded.get("PixelData") as Uint8Array), originalPx);

  // We compress, DCMTK decompresses.
  const ours = join(dir, "ours-rle.dcm");
  const rle = await transcodeDataset(original, ts.ExplicitVRLittleEndian, ts.RLELossless);
  writeFileSync(ours, writePart10(rle, { transferSyntaxUid: ts.RLELossless }));
  const back = join(dir, "back.dcm");
  const d = await runTool("dcmdrle", ["+te", ours, back]);
  assert.equal(d.code, 0, d.stderr);
  assert.deepEqual(new Uint8Array(readPart10(readFileSync(back)).dataset.get("PixelData") as Uint8Array), originalPx);
});

test("RLE against DCMTK: an RGB image round-trips through dcmcrle and our decoder", async (t) => {
  if (!findTool("dcmcrle")) return t.skip("dcmcrle (DCMTK) not installed");
  const dir = mkdtempSync(join(tmpdir(), "netdicom-rle-rgb-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ds = new Dataset({
    SOPClassUID: "1.2.840.10008.5.1.4.1.1.7",
    SOPInstanceUID: "2.25.77",
    Rows: 16,
    Columns: 10,
    SamplesPerPixel: 3,
    PlanarConfiguration: 0,
    BitsAllocated: 8,
    BitsStored: 8,
    HighBit: 7,
    PixelRepresentation: 0,
    PhotometricInterpretation: "RGB",
  });
  const px = pixels(16 * 10 * 3, 5);
  ds.set("PixelData", px, "OB");
  const src = join(dir, "rgb.dcm");
  writeFileSync(src, writePart10(ds));
  const out = join(dir, "rgb-rle.dcm");
  const c = await runTool("dcmcrle", [src, out]);
  assert.equal(c.code, 0, c.stderr);
  const part = readPart10(readFileSync(out));
  const decoded = await transcodeDataset(part.dataset, ts.RLELossless, ts.ExplicitVRLittleEndian);
  assert.deepEqual(decoded.get("PixelData"), px);
});

test("transcodeDataset: a decoder's colour conversion is written back; YBR_FULL_422 left unconverted becomes YBR_FULL", async (t) => {
  const uid = ts.JPEGBaseline8Bit;
  let convert = true;
  const fake: Codec = {
    name: "fake-jpeg",
    transferSyntaxes: [uid],
    decode: (frame) => ({
      pixels: new Uint8Array(frame.byteLength * 2),
      ...(convert ? { photometricInterpretation: "RGB", planarConfiguration: 0 } : {}),
    }),
  };
  t.after(registerCodec(fake));
  const make = () => {
    const ds = new Dataset({ Rows: 2, Columns: 2, SamplesPerPixel: 3, BitsAllocated: 8, PlanarConfiguration: 1 });
    ds.set("PhotometricInterpretation", "YBR_FULL_422");
    ds.set("LossyImageCompression", "01");
    ds.set("PixelData", { basicOffsetTable: new Uint8Array(0), fragments: [new Uint8Array(6)] }, "OB");
    return ds;
  };
  const rgb = await transcodeDataset(make(), uid, ts.ExplicitVRLittleEndian);
  assert.equal(rgb.string("PhotometricInterpretation"), "RGB");
  assert.equal(rgb.number("PlanarConfiguration"), 0);
  assert.equal(rgb.string("LossyImageCompression"), "01");
  assert.equal((rgb.get("PixelData") as Uint8Array).byteLength, 12);
  assert.equal(rgb.vr("PixelData"), "OB");
  convert = false;
  const ybr = await transcodeDataset(make(), uid, ts.ExplicitVRLittleEndian);
  assert.equal(ybr.string("PhotometricInterpretation"), "YBR_FULL");
  assert.equal(ybr.number("PlanarConfiguration"), 1, "kept when the decoder does not say");
});

test("RLE against DCMTK: a 3-frame image from dcmcrle decodes frame by frame; ours with 3 frames decodes with dcmdrle", async (t) => {
  if (!findTool("dcmcrle") || !findTool("dcmdrle")) return t.skip("dcmcrle/dcmdrle (DCMTK) not installed");
  const dir = mkdtempSync(join(tmpdir(), "netdicom-rle-mf-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ds = new Dataset({
    SOPClassUID: "1.2.840.10008.5.1.4.1.1.7.3",
    SOPInstanceUID: "2.25.78",
    Rows: 9,
    Columns: 11,
    SamplesPerPixel: 1,
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 0,
    PhotometricInterpretation: "MONOCHROME2",
    NumberOfFrames: 3,
  });
  const px = pixels(9 * 11 * 2 * 3, 11);
  ds.set("PixelData", px, "OW");
  const src = join(dir, "mf.dcm");
  writeFileSync(src, writePart10(ds));
  const theirs = join(dir, "mf-rle.dcm");
  const c = await runTool("dcmcrle", [src, theirs]);
  assert.equal(c.code, 0, c.stderr);
  const part = readPart10(readFileSync(theirs));
  assert.equal((part.dataset.get("PixelData") as EncapsulatedPixelData).fragments.length >= 3, true);
  const decoded = await transcodeDataset(part.dataset, ts.RLELossless, ts.ExplicitVRLittleEndian);
  assert.deepEqual(new Uint8Array(decoded.get("PixelData") as Uint8Array), px);

  const ours = join(dir, "ours-mf-rle.dcm");
  writeFileSync(
    ours,
    writePart10(await transcodeDataset(ds, ts.ExplicitVRLittleEndian, ts.RLELossless), {
      transferSyntaxUid: ts.RLELossless,
    }),
  );
  const back = join(dir, "back.dcm");
  const d = await runTool("dcmdrle", ["+te", ours, back]);
  assert.equal(d.code, 0, d.stderr);
  assert.deepEqual(new Uint8Array(readPart10(readFileSync(back)).dataset.get("PixelData") as Uint8Array), px);
});

test("RLE: a tiny frame claiming a huge image is refused before the image is allocated", () => {
  const i = info({ rows: 60000, columns: 60000, bitsAllocated: 16 });
  const frame = new Uint8Array(64 + 4);
  const v = new DataView(frame.buffer);
  v.setUint32(0, 2, true);
  v.setUint32(4, 64, true);
  v.setUint32(8, 66, true);
  assert.throws(
    () => decodeRleFrame(frame, i),
    (e: unknown) => e instanceof CodecError && /cannot hold/.test(e.message),
  );
});
