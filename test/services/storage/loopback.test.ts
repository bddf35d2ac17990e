// C-STORE end to end on 127.0.0.1: our SCU streams files to our SCP, which writes them to disk
// as they arrive; every uncompressed transfer syntax, conversions, encapsulated files, statuses.
import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { corpusFile, corpusFrame, writeCorpusFile } from "../../../bench/corpus.js";
import { setCodecAutoload } from "../../../src/codecs/index.js";
import type { Dataset } from "../../../src/dataset/dataset.js";
import { DicomParseError } from "../../../src/dataset/errors.js";
import { readPart10, writePart10 } from "../../../src/dataset/part10.js";
import { sop, ts } from "../../../src/dataset/uids.js";
import { Event } from "../../../src/events.js";
import { NoPresentationContextError } from "../../../src/services/errors.js";
import { datasetBytes, storeClient, storeServer, tempDir } from "./helpers.js";

const CT = sop.CTImageStorage;
const small = { rows: 16, cols: 16 } as const;

/** A small CT file in `syntax`. */
async function ctFile(dir: string, syntax: "explicit-le" | "implicit-le" | "explicit-be", index = 0): Promise<string> {
  const path = join(dir, `ct-${syntax}-${index}.dcm`);
  await writeCorpusFile(path, { ...small, syntax }, index);
  return path;
}

/** A handler that saves every instance into `dir` and answers success. */
function saveInto(dir: string, saved: string[] = []) {
  return {
    [Event.C_STORE]: async (e: { saveTo(d: string): Promise<string> }) => {
      saved.push(await e.saveTo(dir));
      return 0x0000;
    },
  };
}

for (const [syntax, uid] of [
  ["explicit-le", ts.ExplicitVRLittleEndian],
  ["implicit-le", ts.ImplicitVRLittleEndian],
  ["explicit-be", ts.ExplicitVRBigEndian],
] as const) {
  test(`C-STORE in ${syntax}: the file's data set arrives byte for byte, with a file meta naming the sender`, async (t) => {
    const src = await tempDir(t);
    const out = await tempDir(t);
    const path = await ctFile(src, syntax);
    const saved: string[] = [];
    const { server } = await storeServer(t, [[CT, [uid]]], saveInto(out, saved));
    const assoc = await storeClient(t, server.port, [[CT, [uid]]]);
    const r = await assoc.sendCStore(path);
    assert.equal(r.status, 0x0000);
    assert.equal(r.transferSyntax, uid);
    assert.equal(r.sopClassUid, CT);
    const sent = await datasetBytes(path);
    assert.equal(r.bytes, sent.bytes.byteLength);
    assert.equal(saved.length, 1);
    assert.equal(saved[0], join(out, `${r.sopInstanceUid}.dcm`));
    const got = await datasetBytes(saved[0]!);
    assert.equal(got.transferSyntax, uid);
    assert.deepEqual(got.bytes, sent.bytes);
    const meta = readPart10(await readFile(saved[0]!)).meta;
    assert.equal(meta.string("SourceApplicationEntityTitle"), "STORE_SCU");
    assert.equal(meta.string("MediaStorageSOPInstanceUID"), r.sopInstanceUid);
    await assoc.release();
  });
}

/** The Pixel Data bytes of a received file, as stored (in its own byte order). */
async function pixelBytes(path: string): Promise<{ bytes: Uint8Array; transferSyntax: string; ds: Dataset }> {
  const p = readPart10(await readFile(path));
  const el = p.dataset.getElement("PixelData");
  assert.ok(el?.raw, "pixel data present");
  return { bytes: el.raw, transferSyntax: p.transferSyntaxUid, ds: p.dataset };
}

for (const [from, to, big] of [
  ["explicit-le", ts.ImplicitVRLittleEndian, false],
  ["implicit-le", ts.ExplicitVRLittleEndian, false],
  ["explicit-be", ts.ExplicitVRLittleEndian, false],
  ["explicit-le", ts.ExplicitVRBigEndian, false],
  ["explicit-le", ts.DeflatedExplicitVRLittleEndian, false],
  ["explicit-be", ts.ExplicitVRLittleEndian, true],
  ["implicit-le", ts.ExplicitVRBigEndian, true],
  ["explicit-le", ts.DeflatedExplicitVRLittleEndian, true],
] as const) {
  test(`conversion ${from} → ${to}${big ? " (streamed: larger than the in-memory limit)" : ""}: same attributes, pixel values intact`, async (t) => {
    const src = await tempDir(t);
    const out = await tempDir(t);
    const shape = big ? { rows: 512, cols: 512, frames: 40, syntax: from } : { ...small, syntax: from };
    const path = join(src, "in.dcm");
    await writeCorpusFile(path, shape, 3);
    const saved: string[] = [];
    const { server } = await storeServer(t, [[CT, [to]]], saveInto(out, saved));
    const assoc = await storeClient(t, server.port, [[CT, [to]]]);
    const r = await assoc.sendCStore(path);
    assert.equal(r.status, 0x0000);
    assert.equal(r.transferSyntax, to);
    const got = await pixelBytes(saved[0]!);
    assert.equal(got.transferSyntax, to);
    const le = to !== ts.ExplicitVRBigEndian;
    const frames = big ? 40 : 1;
    const frameBytes = (big ? 512 * 512 : 16 * 16) * 2;
    assert.equal(got.bytes.byteLength, frames * frameBytes);
    for (const f of [0, frames - 1]) {
      const expect = corpusFrame(shape, 3, f, le);
      assert.ok(Buffer.from(got.bytes.subarray(f * frameBytes, (f + 1) * frameBytes)).equals(expect), `frame ${f}`);
    }
    const original = readPart10(await readFile(path)).dataset;
    for (const k of ["SOPInstanceUID", "PatientName", "Rows", "Columns", "BitsAllocated", "StudyInstanceUID"]) {
      assert.deepEqual(got.ds.get(k), original.get(k), k);
    }
    assert.equal(got.ds.vr("PixelData"), "OW");
  });
}

test("an in-memory Dataset is encoded in the accepted syntax", async (t) => {
  const out = await tempDir(t);
  const saved: string[] = [];
  const { server } = await storeServer(t, [[CT, [ts.ImplicitVRLittleEndian]]], saveInto(out, saved));
  const assoc = await storeClient(t, server.port, [[CT, [ts.ImplicitVRLittleEndian]]]);
  const ds = readPart10(corpusFile(small, 5)).dataset;
  const r = await assoc.sendCStore(ds);
  assert.equal(r.status, 0x0000);
  assert.equal(r.transferSyntax, ts.ImplicitVRLittleEndian);
  const got = await pixelBytes(saved[0]!);
  assert.ok(Buffer.from(got.bytes).equals(corpusFrame(small, 5, 0)));
  assert.equal(got.ds.string("SOPInstanceUID"), ds.string("SOPInstanceUID"));
});

/** A small CT file whose pixel data is encapsulated, in `syntax`. */
async function encapsulatedFile(dir: string, syntax: string): Promise<{ path: string; fragments: Uint8Array[] }> {
  const ds = readPart10(corpusFile(small, 9)).dataset;
  const fragments = [new Uint8Array(100).fill(7), new Uint8Array(51).fill(8)];
  ds.set("PixelData", { basicOffsetTable: new Uint8Array(0), fragments }, "OB");
  const path = join(dir, "enc.dcm");
  await writeFile(path, writePart10(ds, { transferSyntaxUid: syntax }));
  return { path, fragments };
}

test("an encapsulated (RLE) file is sent unchanged when its syntax was accepted", async (t) => {
  const src = await tempDir(t);
  const out = await tempDir(t);
  const { path } = await encapsulatedFile(src, ts.RLELossless);
  const saved: string[] = [];
  const tss = [ts.ExplicitVRLittleEndian, ts.RLELossless];
  const { server } = await storeServer(t, [[CT, tss]], saveInto(out, saved));
  // Two contexts for CT: the RLE one must be chosen.
  const assoc = await storeClient(t, server.port, [
    [CT, [ts.ExplicitVRLittleEndian]],
    [CT, [ts.RLELossless]],
  ]);
  const r = await assoc.sendCStore(path);
  assert.equal(r.status, 0x0000);
  assert.equal(r.transferSyntax, ts.RLELossless);
  const sent = await datasetBytes(path);
  const got = await datasetBytes(saved[0]!);
  assert.equal(got.transferSyntax, ts.RLELossless);
  assert.deepEqual(got.bytes, sent.bytes);
});

test("an encapsulated file whose syntax was not accepted is refused, naming the SOP class and the syntax", async (t) => {
  // No codec for JPEG here: an installed dcmjs-codecs would otherwise be loaded to decompress it.
  setCodecAutoload(false);
  t.after(() => setCodecAutoload(true));
  const src = await tempDir(t);
  const { path } = await encapsulatedFile(src, ts.JPEGBaseline8Bit);
  const { server } = await storeServer(t, [[CT, [ts.ExplicitVRLittleEndian]]], saveInto(src));
  const assoc = await storeClient(t, server.port, [[CT, [ts.ExplicitVRLittleEndian]]]);
  await assert.rejects(assoc.sendCStore(path), (err: Error) => {
    assert.ok(err instanceof NoPresentationContextError);
    assert.match(err.message, /CT Image Storage/);
    assert.match(err.message, /JPEG Baseline/);
    assert.match(err.message, /Explicit VR Little Endian/);
    assert.match(err.message, /no codec is registered to decode JPEG Baseline/);
    return true;
  });
  // The association is still usable.
  const ok = await assoc.sendCStore(await ctFile(src, "explicit-le"));
  assert.equal(ok.status, 0x0000);
});

test("no context for the SOP class at all: NoPresentationContextError; an unreadable file: DicomParseError", async (t) => {
  const src = await tempDir(t);
  const { server } = await storeServer(t, [[CT, [ts.ExplicitVRLittleEndian]]], saveInto(src));
  const assoc = await storeClient(t, server.port, [
    [sop.MRImageStorage, [ts.ExplicitVRLittleEndian]],
    [CT, [ts.ExplicitVRLittleEndian]],
  ]);
  const mr = join(src, "mr.dcm");
  await writeCorpusFile(mr, { ...small, sop: "mr" }, 0);
  await assert.rejects(assoc.sendCStore(mr), (err: Error) => {
    assert.ok(err instanceof NoPresentationContextError);
    assert.match(err.message, /MR Image Storage/);
    assert.match(err.message, /Explicit VR Little Endian/);
    return true;
  });
  await assert.rejects(assoc.sendCStore(join(src, "missing.dcm")), DicomParseError);
  const junk = join(src, "junk.dcm");
  await writeFile(junk, Buffer.alloc(300, 0x41));
  await assert.rejects(
    assoc.sendCStore(junk),
    (err: Error) => err instanceof DicomParseError || err.name === "NetdicomError",
  );
  assert.equal(assoc.isEstablished, true);
});

for (const [label, answer, expected] of [
  ["success", 0x0000, 0x0000],
  ["warning 0xB000", 0xb000, 0xb000],
  ["failure 0xA700 with a comment", { status: 0xa700, errorComment: "disk full" }, 0xa700],
  ["a throw (0xC211)", "throw", 0xc211],
  ["a non-status answer (0xC211)", "nonsense", 0xc211],
] as const) {
  test(`handler answering ${label}: that status goes back, with the instance's UIDs; the temp file is removed`, async (t) => {
    const src = await tempDir(t);
    const paths: string[] = [];
    const { server, temp } = await storeServer(
      t,
      [[CT, [ts.ExplicitVRLittleEndian]]],
      {
        [Event.C_STORE]: async (e) => {
          paths.push(e.path);
          assert.equal((await e.dataset()).string("SOPInstanceUID"), e.sopInstanceUid);
          if (answer === "throw") throw new Error("handler bug");
          if (answer === "nonsense") return "yes" as unknown as number;
          return answer;
        },
      },
      { ae: { logger: {} } },
    );
    const assoc = await storeClient(t, server.port, [[CT, [ts.ExplicitVRLittleEndian]]]);
    const r = await assoc.sendCStore(await ctFile(src, "explicit-le"));
    assert.equal(r.status, expected);
    assert.equal(r.response.affectedSopInstanceUid, r.sopInstanceUid);
    assert.equal(r.response.affectedSopClassUid, CT);
    if (typeof answer === "object") assert.equal(r.response.errorComment, "disk full");
    assert.equal(paths.length, 1);
    assert.ok(paths[0]!.startsWith(temp));
    assert.deepEqual(await readdir(temp), []);
  });
}

test("no C_STORE handler bound: 0xC211, nothing kept", async (t) => {
  const src = await tempDir(t);
  const { server, temp } = await storeServer(t, [[CT, [ts.ExplicitVRLittleEndian]]], {}, { ae: { logger: {} } });
  const assoc = await storeClient(t, server.port, [[CT, [ts.ExplicitVRLittleEndian]]]);
  const r = await assoc.sendCStore(await ctFile(src, "explicit-le"));
  assert.equal(r.status, 0xc211);
  assert.equal(r.statusInfo.category, "failure");
  assert.deepEqual(await readdir(temp), []);
});

test("files read whole are sent byte for byte one after the other, larger and smaller (the read buffer is reused)", async (t) => {
  const src = await tempDir(t);
  const out = await tempDir(t);
  // 64x64 (8 KiB), 256x256 (128 KiB), 16x16, 128x128: a reused buffer longer than the next file
  // must send only that file's bytes, and a shorter one must be replaced.
  const shapes = [64, 256, 16, 128].map((n) => ({ rows: n, cols: n, syntax: "explicit-le" as const }));
  const paths: string[] = [];
  for (const [i, shape] of shapes.entries()) {
    const p = join(src, `f${i}.dcm`);
    await writeCorpusFile(p, shape, i);
    paths.push(p);
  }
  const sizes: { fileSize: number; datasetBytes: number; path: string }[] = [];
  const saved: string[] = [];
  const { server } = await storeServer(t, [[CT, [ts.ExplicitVRLittleEndian]]], {
    [Event.C_STORE]: async (e) => {
      sizes.push({ fileSize: e.fileSize, datasetBytes: e.datasetBytes, path: e.path });
      saved.push(await e.saveTo(out));
      return 0x0000;
    },
  });
  const assoc = await storeClient(t, server.port, [[CT, [ts.ExplicitVRLittleEndian]]]);
  for (const p of paths) assert.equal((await assoc.sendCStore(p)).status, 0x0000);
  assert.equal(saved.length, paths.length);
  for (const [i, p] of paths.entries()) {
    const sent = await datasetBytes(p);
    const got = await datasetBytes(saved[i]!);
    assert.deepEqual(got.bytes, sent.bytes, `file ${i}`);
    assert.equal(sizes[i]!.datasetBytes, sent.bytes.byteLength, `datasetBytes of file ${i}`);
    assert.equal(sizes[i]!.fileSize, (await readFile(saved[i]!)).byteLength, `fileSize of file ${i}`);
  }
  await assoc.release();
});
