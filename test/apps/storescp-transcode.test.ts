// storescp --store-transfer-syntax: instances stored in the syntax asked for (RLE Lossless here,
// checked with our decoder and with DCMTK's dcmdrle), kept as received when no codec can do it.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { runStorescp } from "../../src/apps/storescp.js";
import { AE, readPart10, sop, transcodeDataset, ts } from "../../src/index.js";
import { startCliServer } from "../helpers/cli.js";
import { findTool, runTool } from "../helpers/dcmtk.js";

const fixture = fileURLToPath(new URL("../../../fixtures/sample-ct.dcm", import.meta.url));
const originalPixels = () => new Uint8Array(readPart10(readFileSync(fixture)).dataset.get("PixelData") as Uint8Array);

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "netdicom-storescp-ts-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function sendFixture(port: number): Promise<number> {
  const ae = new AE({ aeTitle: "SENDER" });
  ae.addRequestedContext(sop.CTImageStorage, [ts.ExplicitVRLittleEndian]);
  const assoc = await ae.associate("127.0.0.1", port, { aeTitle: "STORESCP" });
  const rsp = await assoc.sendCStore(fixture);
  await assoc.release();
  return rsp.status;
}

test("storescp --store-transfer-syntax RLELossless stores an uncompressed instance RLE-compressed", async (t) => {
  const out = join(tempDir(t), "out");
  const scp = await startCliServer(t, "storescp", [
    "-od",
    out,
    "-ba",
    "127.0.0.1",
    "--store-transfer-syntax",
    "RLELossless",
    "0",
  ]);
  assert.equal(await sendFixture(scp.port), 0);
  const [name] = readdirSync(out);
  const part = readPart10(readFileSync(join(out, name as string)));
  assert.equal(part.transferSyntaxUid, ts.RLELossless);
  const native = await transcodeDataset(part.dataset, ts.RLELossless, ts.ExplicitVRLittleEndian);
  assert.deepEqual(new Uint8Array(native.get("PixelData") as Uint8Array), originalPixels());
  assert.equal((await scp.stop()).code, 0);
});

test("DCMTK storescu → storescp --store-transfer-syntax 1.2.840.10008.1.2.5: dcmdrle reads the stored file", async (t) => {
  if (!findTool("storescu") || !findTool("dcmdrle")) return t.skip("storescu/dcmdrle (DCMTK) not installed");
  const dir = tempDir(t);
  const out = join(dir, "out");
  const scp = await startCliServer(t, "storescp", [
    "-od",
    out,
    "-ba",
    "127.0.0.1",
    "--store-transfer-syntax",
    ts.RLELossless,
    "0",
  ]);
  const r = await runTool("storescu", ["-aec", "STORESCP", "127.0.0.1", String(scp.port), fixture]);
  assert.equal(r.code, 0, r.stderr);
  const [name] = readdirSync(out);
  const back = join(dir, "back.dcm");
  const d = await runTool("dcmdrle", ["+te", join(out, name as string), back]);
  assert.equal(d.code, 0, d.stderr);
  assert.deepEqual(
    new Uint8Array(readPart10(readFileSync(back)).dataset.get("PixelData") as Uint8Array),
    originalPixels(),
  );
  await scp.stop();
});

test("storescp --store-transfer-syntax with no codec for it: stored as received, with a warning", async (t) => {
  const out = join(tempDir(t), "out");
  const scp = await startCliServer(t, "storescp", [
    "-od",
    out,
    "-ba",
    "127.0.0.1",
    "--store-transfer-syntax",
    "MPEG2MPML",
    "0",
  ]);
  assert.equal(await sendFixture(scp.port), 0);
  const [name] = readdirSync(out);
  assert.equal(readPart10(readFileSync(join(out, name as string))).transferSyntaxUid, ts.ExplicitVRLittleEndian);
  await scp.stop();
  assert.match(scp.stderr(), /stored as received: no codec is registered to encode MPEG2/);
});

test("storescp: an unknown --store-transfer-syntax is a usage error", async () => {
  const err: string[] = [];
  const io = { stdout: () => {}, stderr: (s: string) => err.push(s) };
  assert.equal(await runStorescp(["--store-transfer-syntax", "NotASyntax", "0"], io), 2);
  assert.match(err.join(""), /--store-transfer-syntax: "NotASyntax" is not a transfer syntax/);
});
