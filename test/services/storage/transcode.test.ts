// Transcoding in the Storage service: the SCU decompresses a compressed instance through a
// registered codec when the peer accepted only uncompressed syntaxes (and says exactly what is
// missing when no codec is registered); the SCP stores in a syntax it prefers (saveTo).
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  type EncapsulatedPixelData,
  Event,
  NoPresentationContextError,
  readPart10,
  registerCodec,
  rleCodec,
  sop,
  transcodeDataset,
  ts,
  unregisterCodec,
  writePart10,
} from "../../../src/index.js";
import { storeClient, storeServer, tempDir } from "./helpers.js";

const fixture = fileURLToPath(new URL("../../../../fixtures/sample-ct.dcm", import.meta.url));
const CT = sop.CTImageStorage;
const EXPLICIT = ts.ExplicitVRLittleEndian;
const RLE = ts.RLELossless;

async function original(): Promise<{ px: Uint8Array; ds: ReturnType<typeof readPart10>["dataset"] }> {
  const ds = readPart10(await readFile(fixture)).dataset;
  return { ds, px: new Uint8Array(ds.get("PixelData") as Uint8Array) };
}

/** The fixture compressed with RLE Lossless into a file of `dir`. */
async function rleFile(dir: string): Promise<string> {
  const { ds } = await original();
  const path = join(dir, "ct-rle.dcm");
  await writeFile(path, writePart10(await transcodeDataset(ds, EXPLICIT, RLE), { transferSyntaxUid: RLE }));
  return path;
}

test("SCU: an RLE file goes out decompressed when the peer accepted the SOP class only uncompressed", async (t) => {
  const src = await tempDir(t);
  const out = await tempDir(t);
  const file = await rleFile(src);
  let saved = "";
  const { server } = await storeServer(t, [[CT, [EXPLICIT]]], {
    [Event.C_STORE]: async (e) => {
      saved = await e.saveTo(out);
      return 0;
    },
  });
  const assoc = await storeClient(t, server.port, [[CT, [RLE, EXPLICIT]]]);
  const rsp = await assoc.sendCStore(file);
  assert.equal(rsp.status, 0);
  assert.equal(rsp.transferSyntax, EXPLICIT);
  const stored = readPart10(await readFile(saved));
  assert.equal(stored.transferSyntaxUid, EXPLICIT);
  assert.deepEqual(new Uint8Array(stored.dataset.get("PixelData") as Uint8Array), (await original()).px);
  assert.equal(stored.dataset.vr("PixelData"), "OW");
  assert.equal(stored.dataset.string("PhotometricInterpretation"), "MONOCHROME2");
  await assoc.release();
});

test("SCU: without a codec for the file's syntax, the error names the syntax and the missing codec", async (t) => {
  const src = await tempDir(t);
  const file = await rleFile(src);
  unregisterCodec(rleCodec);
  t.after(() => registerCodec(rleCodec));
  const { server } = await storeServer(t, [[CT, [EXPLICIT]]], { [Event.C_STORE]: () => 0 });
  const assoc = await storeClient(t, server.port, [[CT, [RLE, EXPLICIT]]]);
  await assert.rejects(assoc.sendCStore(file), (e: unknown) => {
    assert.ok(e instanceof NoPresentationContextError);
    assert.match(e.message, /CT Image Storage in RLE Lossless/);
    assert.match(e.message, /only in Explicit VR Little Endian/);
    assert.match(e.message, /no codec is registered to decode RLE Lossless \(1\.2\.840\.10008\.1\.2\.5\)/);
    return true;
  });
  await assoc.release();
});

test("SCU: a Dataset sent with transferSyntax RLE Lossless is compressed by the codec", async (t) => {
  let received: Uint8Array | undefined;
  let receivedTs = "";
  const { server } = await storeServer(t, [[CT, [RLE]]], {
    [Event.C_STORE]: async (e) => {
      receivedTs = e.transferSyntax;
      const part = readPart10(await readFile(e.path));
      const native = await transcodeDataset(part.dataset, RLE, EXPLICIT);
      received = new Uint8Array(native.get("PixelData") as Uint8Array);
      return 0;
    },
  });
  const assoc = await storeClient(t, server.port, [[CT, [RLE]]]);
  const { ds, px } = await original();
  const rsp = await assoc.sendCStore(ds, { transferSyntax: RLE });
  assert.equal(rsp.status, 0);
  assert.equal(receivedTs, RLE);
  assert.deepEqual(received, px);
  await assoc.release();
});

test("SCP: saveTo({ transferSyntax }) stores an uncompressed instance RLE-compressed, and leaves no temporary file", async (t) => {
  const out = await tempDir(t);
  let saved = "";
  let temp = "";
  const { server } = await storeServer(t, [[CT, [EXPLICIT]]], {
    [Event.C_STORE]: async (e) => {
      temp = e.path;
      saved = await e.saveTo(out, { transferSyntax: RLE });
      return 0;
    },
  });
  const assoc = await storeClient(t, server.port, [[CT, [EXPLICIT]]]);
  const rsp = await assoc.sendCStore(fixture);
  assert.equal(rsp.status, 0);
  const stored = readPart10(await readFile(saved));
  assert.equal(stored.transferSyntaxUid, RLE);
  assert.equal(stored.meta.string("MediaStorageSOPInstanceUID"), (await original()).ds.string("SOPInstanceUID"));
  const px = stored.dataset.get("PixelData") as EncapsulatedPixelData;
  assert.equal(px.fragments.length, 1);
  const native = await transcodeDataset(stored.dataset, RLE, EXPLICIT);
  assert.deepEqual(new Uint8Array(native.get("PixelData") as Uint8Array), (await original()).px);
  await assert.rejects(readFile(temp), { code: "ENOENT" });
  await assoc.release();
});
