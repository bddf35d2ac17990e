// readDicomFileHead: the header and where the Pixel Data lies, without reading the pixel data.
import assert from "node:assert/strict";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type CorpusOptions, corpusFrame, corpusHeader, pixelDataLength, writeCorpusFile } from "../../bench/corpus.js";
import {
  type Dataset,
  type EncapsulatedPixelData,
  PIXEL_DATA,
  readDicomFile,
  readDicomFileHead,
  ts,
  writeDicomFile,
} from "../../src/dataset/index.js";

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "netdicom-file-head-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function readAt(path: string, offset: number, length: number): Promise<Uint8Array> {
  const fh = await open(path, "r");
  try {
    const out = new Uint8Array(length);
    const { bytesRead } = await fh.read(out, 0, length, offset);
    return out.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The largest ArrayBuffer behind any value of the data set (recursing into items). */
function largestBacking(ds: Dataset): number {
  let max = 0;
  for (const el of ds) {
    if (el.raw) max = Math.max(max, el.raw.buffer.byteLength);
    if (el.vr === "SQ") for (const item of el.value([]) as Dataset[]) max = Math.max(max, largestBacking(item));
  }
  return max;
}

test("a 64 MiB multi-frame file: header, pixel data location, and little memory", async (t) => {
  const dir = await tempDir(t);
  const shape: CorpusOptions = { sop: "sc", rows: 512, cols: 512, frames: 128 };
  const path = join(dir, "big.dcm");
  const size = await writeCorpusFile(path, shape, 7);
  assert.equal(pixelDataLength(shape), 64 * 2 ** 20);

  const before = process.memoryUsage().arrayBuffers;
  const head = await readDicomFileHead(path);
  const grewBy = process.memoryUsage().arrayBuffers - before;

  assert.equal(head.fileSize, size);
  assert.equal(head.transferSyntaxUid, ts.ExplicitVRLittleEndian);
  const expected = corpusHeader(shape, 7);
  assert.equal(head.dataset.string("SOPInstanceUID"), expected.string("SOPInstanceUID"));
  assert.equal(head.dataset.string("SOPClassUID"), "1.2.840.10008.5.1.4.1.1.7.3");
  assert.equal(head.dataset.number("NumberOfFrames"), 128);
  assert.equal(head.dataset.number("Rows"), 512);
  assert.deepEqual([...head.dataset.tags()], [...expected.tags()]);
  assert.equal(head.dataset.has(PIXEL_DATA), false);

  const px = head.pixelData;
  assert.ok(px);
  assert.equal(px.vr, "OW");
  assert.equal(px.length, 64 * 2 ** 20);
  assert.equal(px.valueOffset, px.headerOffset + 12);
  assert.equal(px.valueOffset + (px.length ?? 0), size);
  assert.equal(head.stoppedAtOffset, px.headerOffset);
  // The bytes at the location are the pixel data: first and last frame.
  const frameBytes = 512 * 512 * 2;
  assert.deepEqual(await readAt(path, px.valueOffset, frameBytes), corpusFrame(shape, 7, 0));
  assert.deepEqual(await readAt(path, px.valueOffset + 127 * frameBytes, frameBytes), corpusFrame(shape, 7, 127));

  // Only a small part of the file was held: no value is backed by a buffer near the file size.
  assert.ok(largestBacking(head.dataset) <= 1024 * 1024, `largest backing ${largestBacking(head.dataset)}`);
  assert.ok(grewBy < 8 * 2 ** 20, `arrayBuffers grew by ${grewBy}`);
});

for (const syntax of ["implicit-le", "explicit-le", "explicit-be"] as const) {
  test(`${syntax}: the head matches a full read, and the location points at the pixel data`, async (t) => {
    const dir = await tempDir(t);
    const shape: CorpusOptions = { syntax, sop: "ct", rows: 64, cols: 64, frames: 3 };
    const path = join(dir, `${syntax}.dcm`);
    const size = await writeCorpusFile(path, shape, 1);
    // A small chunk size, so the head spans several reads.
    const head = await readDicomFileHead(path, { chunkSize: 256 });
    const full = await readDicomFile(path);
    assert.deepEqual([...head.dataset.tags(), PIXEL_DATA], [...full.dataset.tags()]);
    assert.equal(head.dataset.string("PatientName"), full.dataset.string("PatientName"));
    assert.deepEqual(
      head.dataset.sequence("ReferencedImageSequence").map((i) => i.string("ReferencedSOPInstanceUID")),
      full.dataset.sequence("ReferencedImageSequence").map((i) => i.string("ReferencedSOPInstanceUID")),
    );
    const px = head.pixelData;
    assert.ok(px);
    assert.equal(px.valueOffset - px.headerOffset, syntax === "implicit-le" ? 8 : 12);
    assert.equal(px.length, pixelDataLength(shape));
    assert.equal(px.valueOffset + (px.length ?? 0), size);
    const onDisk = await readAt(path, px.valueOffset, px.length ?? 0);
    // The full read gives pixel data little endian; the file holds it in the syntax's order.
    const le = full.dataset.bytes("PixelData") as Uint8Array;
    assert.equal(le.byteLength, onDisk.byteLength);
    if (syntax === "explicit-be") assert.deepEqual([onDisk[0], onDisk[1]], [le[1], le[0]]);
    else assert.ok(Buffer.from(onDisk).equals(le));
  });
}

test("encapsulated pixel data: undefined length, the location points at the first item", async (t) => {
  const dir = await tempDir(t);
  const ds = corpusHeader({ rows: 16, cols: 16 }, 0);
  const value: EncapsulatedPixelData = {
    basicOffsetTable: new Uint8Array(0),
    fragments: [new Uint8Array(100).fill(1), new Uint8Array(50).fill(2)],
  };
  ds.set("PixelData", value, "OB");
  const path = join(dir, "rle.dcm");
  await writeDicomFile(path, ds, { transferSyntaxUid: ts.RLELossless });
  const head = await readDicomFileHead(path);
  const px = head.pixelData;
  assert.ok(px);
  assert.equal(px.vr, "OB");
  assert.equal(px.length, undefined);
  assert.equal(px.valueOffset, px.headerOffset + 12);
  // An item tag (FFFE,E000) little endian, with the empty offset table's length
  assert.deepEqual([...(await readAt(path, px.valueOffset, 8))], [0xfe, 0xff, 0x00, 0xe0, 0, 0, 0, 0]);
  assert.equal(head.dataset.has(PIXEL_DATA), false);
  assert.equal(head.dataset.string("SOPInstanceUID"), ds.string("SOPInstanceUID"));
});

test("a file without pixel data: the whole data set, no location", async (t) => {
  const dir = await tempDir(t);
  const ds = corpusHeader({}, 4);
  ds.delete("Rows");
  const path = join(dir, "no-pixels.dcm");
  await writeDicomFile(path, ds);
  const head = await readDicomFileHead(path, { chunkSize: 100 });
  assert.equal(head.pixelData, undefined);
  assert.deepEqual([...head.dataset.tags()], [...ds.tags()]);
  assert.equal(head.stoppedAtOffset, undefined);
});

test("a deflated file falls back to a full read (no location in the file to point at)", async (t) => {
  const dir = await tempDir(t);
  const shape: CorpusOptions = { rows: 32, cols: 32 };
  const ds = corpusHeader(shape, 2);
  ds.set("PixelData", corpusFrame(shape, 2, 0), "OW");
  const path = join(dir, "deflated.dcm");
  await writeDicomFile(path, ds, { transferSyntaxUid: ts.DeflatedExplicitVRLittleEndian });
  const head = await readDicomFileHead(path);
  assert.equal(head.transferSyntaxUid, ts.DeflatedExplicitVRLittleEndian);
  assert.equal(head.pixelData, undefined);
  assert.equal(head.dataset.string("PatientID"), ds.string("PatientID"));
  assert.equal(head.dataset.has(PIXEL_DATA), false);
  assert.equal(head.dataset.size, ds.size - 1);
});
