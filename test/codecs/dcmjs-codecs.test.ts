// The dcmjs-codecs adapter (optional dependency): a clear error when the package is absent; when
// present, files compressed by DCMTK (JPEG lossless, JPEG baseline colour, JPEG-LS) decode to
// DCMTK's own decompression, and JPEG 2000 / HTJ2K lossless round-trip.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  AE,
  type Codec,
  CodecError,
  Dataset,
  type EncapsulatedPixelData,
  Event,
  findDecoder,
  loadDcmjsCodecs,
  readPart10,
  registerCodec,
  sop,
  transcodeDataset,
  ts,
  writePart10,
} from "../../src/index.js";
import { findTool, runTool } from "../helpers/dcmtk.js";

const fixture = fileURLToPath(new URL("../../../fixtures/sample-ct.dcm", import.meta.url));

async function loadOrSkip(t: { skip: (m: string) => void }): Promise<Codec | undefined> {
  try {
    return await loadDcmjsCodecs();
  } catch (err) {
    if (err instanceof CodecError) {
      t.skip("dcmjs-codecs not installed (optional dependency)");
      return undefined;
    }
    throw err;
  }
}

function px(ds: Dataset): Uint8Array {
  return new Uint8Array(ds.get("PixelData") as Uint8Array);
}

test("loadDcmjsCodecs: a missing package is a CodecError that says what to install", async () => {
  await assert.rejects(
    loadDcmjsCodecs({ moduleName: "dcmjs-codecs-that-is-not-installed" }),
    (e: unknown) => e instanceof CodecError && /npm install dcmjs-codecs/.test(e.message),
  );
});

/** DCMTK compressions of the CT fixture the adapter must decode, with the tool that undoes them. */
const dcmtkCases = [
  {
    name: "JPEG Lossless SV1 (dcmcjpeg +e1)",
    tool: "dcmcjpeg",
    args: ["+e1"],
    uid: ts.JPEGLosslessSV1,
    undo: "dcmdjpeg",
  },
  { name: "JPEG Lossless (dcmcjpeg +el)", tool: "dcmcjpeg", args: ["+el"], uid: ts.JPEGLossless, undo: "dcmdjpeg" },
  {
    name: "JPEG Extended 12-bit (dcmcjpeg +ee)",
    tool: "dcmcjpeg",
    args: ["+ee"],
    uid: ts.JPEGExtended12Bit,
    undo: "dcmdjpeg",
  },
  { name: "JPEG-LS Lossless (dcmcjpls)", tool: "dcmcjpls", args: [], uid: ts.JPEGLSLossless, undo: "dcmdjpls" },
  {
    name: "JPEG-LS Near-Lossless (dcmcjpls +en)",
    tool: "dcmcjpls",
    args: ["+en"],
    uid: ts.JPEGLSNearLossless,
    undo: "dcmdjpls",
  },
];

for (const c of dcmtkCases) {
  test(`dcmjs-codecs decodes ${c.name} as DCMTK does`, async (t) => {
    if (!findTool(c.tool) || !findTool(c.undo)) return t.skip(`${c.tool}/${c.undo} (DCMTK) not installed`);
    const codec = await loadOrSkip(t);
    if (!codec) return;
    const unregister = registerCodec(codec);
    t.after(unregister);
    const dir = mkdtempSync(join(tmpdir(), "netdicom-dcmjs-codecs-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const compressed = join(dir, "c.dcm");
    const r = await runTool(c.tool, [...c.args, fixture, compressed]);
    assert.equal(r.code, 0, r.stderr);
    const back = join(dir, "d.dcm");
    const u = await runTool(c.undo, ["+te", compressed, back]);
    assert.equal(u.code, 0, u.stderr);
    const part = readPart10(readFileSync(compressed));
    assert.equal(part.transferSyntaxUid, c.uid);
    assert.equal(findDecoder(c.uid), codec);
    const ours = await transcodeDataset(part.dataset, c.uid, ts.ExplicitVRLittleEndian);
    assert.deepEqual(px(ours), px(readPart10(readFileSync(back)).dataset));
  });
}

test("dcmjs-codecs decodes a DCMTK JPEG baseline colour image to RGB and says so (PS3.5 8.2.1)", async (t) => {
  if (!findTool("dcmcjpeg")) return t.skip("dcmcjpeg (DCMTK) not installed");
  const codec = await loadOrSkip(t);
  if (!codec) return;
  t.after(registerCodec(codec));
  const dir = mkdtempSync(join(tmpdir(), "netdicom-dcmjs-rgb-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ds = new Dataset({
    SOPClassUID: "1.2.840.10008.5.1.4.1.1.7",
    SOPInstanceUID: "2.25.99",
    Rows: 16,
    Columns: 16,
    SamplesPerPixel: 3,
    PlanarConfiguration: 0,
    BitsAllocated: 8,
    BitsStored: 8,
    HighBit: 7,
    PixelRepresentation: 0,
    PhotometricInterpretation: "RGB",
  });
  // smooth colour gradients, which lossy JPEG keeps close
  ds.set(
    "PixelData",
    new Uint8Array(16 * 16 * 3).map((_, i) => (i % 3 === 0 ? 200 : i % 3 === 1 ? 100 : 50)),
    "OB",
  );
  const src = join(dir, "rgb.dcm");
  writeFileSync(src, writePart10(ds));
  const jpeg = join(dir, "rgb-jpeg.dcm");
  const r = await runTool("dcmcjpeg", ["+eb", src, jpeg]);
  assert.equal(r.code, 0, r.stderr);
  const part = readPart10(readFileSync(jpeg));
  assert.match(part.dataset.string("PhotometricInterpretation") ?? "", /^YBR_FULL/);
  const out = await transcodeDataset(part.dataset, ts.JPEGBaseline8Bit, ts.ExplicitVRLittleEndian);
  assert.equal(out.string("PhotometricInterpretation"), "RGB");
  assert.equal(out.number("PlanarConfiguration"), 0);
  assert.equal(out.string("LossyImageCompression"), "01", "kept from the lossy source");
  const pixels = px(out);
  assert.equal(pixels.byteLength, 16 * 16 * 3);
  for (let i = 0; i < pixels.byteLength; i++) {
    const want = i % 3 === 0 ? 200 : i % 3 === 1 ? 100 : 50;
    assert.ok(Math.abs((pixels[i] as number) - want) <= 4, `sample ${i}: ${pixels[i]} vs ${want}`);
  }
});

for (const uid of [ts.JPEG2000Lossless, ts.HTJ2KLossless, ts.HTJ2KLosslessRPCL, ts.JPEGLSLossless, ts.JPEGXLLossless]) {
  test(`dcmjs-codecs: ${uid} lossless encodes and decodes back to the same pixels`, async (t) => {
    const codec = await loadOrSkip(t);
    if (!codec) return;
    t.after(registerCodec(codec));
    const original = readPart10(readFileSync(fixture)).dataset;
    const compressed = await transcodeDataset(original, ts.ExplicitVRLittleEndian, uid);
    const enc = compressed.get("PixelData") as EncapsulatedPixelData;
    assert.equal(enc.fragments.length, 1);
    assert.ok((enc.fragments[0] as Uint8Array).byteLength < px(original).byteLength, "compressed");
    const back = readPart10(writePart10(compressed, { transferSyntaxUid: uid })).dataset;
    assert.deepEqual(px(await transcodeDataset(back, uid, ts.ExplicitVRLittleEndian)), px(original));
  });
}

test("storage SCU: a JPEG-LS file goes out decompressed, dcmjs-codecs loaded on first need without registering it", async (t) => {
  if (!findTool("dcmcjpls")) return t.skip("dcmcjpls (DCMTK) not installed");
  if (!(await loadOrSkip(t))) return;
  const dir = mkdtempSync(join(tmpdir(), "netdicom-dcmjs-scu-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const jls = join(dir, "ct-jls.dcm");
  const r = await runTool("dcmcjpls", [fixture, jls]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(findDecoder(ts.JPEGLSLossless), undefined, "nothing registered yet");
  let received: Uint8Array | undefined;
  const scp = new AE({ aeTitle: "SCP", storageDirectory: dir });
  scp.addSupportedContext(sop.CTImageStorage, [ts.ExplicitVRLittleEndian]);
  const server = await scp.startServer({
    host: "127.0.0.1",
    handlers: {
      [Event.C_STORE]: async (e) => {
        received = px(readPart10(readFileSync(e.path)).dataset);
        return 0;
      },
    },
  });
  t.after(() => server.shutdown({ deadlineMs: 2000 }));
  const scu = new AE({ aeTitle: "SCU" });
  scu.addRequestedContext(sop.CTImageStorage, [ts.JPEGLSLossless, ts.ExplicitVRLittleEndian]);
  const assoc = await scu.associate("127.0.0.1", server.port);
  t.after(() => assoc.abort());
  const rsp = await assoc.sendCStore(jls);
  assert.equal(rsp.status, 0);
  assert.equal(rsp.transferSyntax, ts.ExplicitVRLittleEndian);
  assert.deepEqual(received, px(readPart10(readFileSync(fixture)).dataset));
  await assoc.release();
});

test("dcmjs-codecs: a JPEG baseline encoded through the adapter is marked lossy and decodes with DCMTK's dcmdjpeg", async (t) => {
  if (!findTool("dcmdjpeg")) return t.skip("dcmdjpeg (DCMTK) not installed");
  const codec = await loadOrSkip(t);
  if (!codec) return;
  t.after(registerCodec(codec));
  const dir = mkdtempSync(join(tmpdir(), "netdicom-dcmjs-enc-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ds = new Dataset({
    SOPClassUID: "1.2.840.10008.5.1.4.1.1.7",
    SOPInstanceUID: "2.25.98",
    Rows: 16,
    Columns: 16,
    SamplesPerPixel: 1,
    BitsAllocated: 8,
    BitsStored: 8,
    HighBit: 7,
    PixelRepresentation: 0,
    PhotometricInterpretation: "MONOCHROME2",
  });
  ds.set(
    "PixelData",
    new Uint8Array(256).map((_, i) => (i % 16) * 8),
    "OB",
  );
  const jpeg = await transcodeDataset(ds, ts.ExplicitVRLittleEndian, ts.JPEGBaseline8Bit);
  assert.equal(jpeg.string("LossyImageCompression"), "01");
  const path = join(dir, "ours.dcm");
  writeFileSync(path, writePart10(jpeg, { transferSyntaxUid: ts.JPEGBaseline8Bit }));
  const back = join(dir, "back.dcm");
  const r = await runTool("dcmdjpeg", [path, back]);
  assert.equal(r.code, 0, r.stderr);
  const pixels = px(readPart10(readFileSync(back)).dataset);
  assert.equal(pixels.byteLength, 256);
  for (let i = 0; i < 256; i++) assert.ok(Math.abs((pixels[i] as number) - (i % 16) * 8) <= 6, `pixel ${i}`);
});
