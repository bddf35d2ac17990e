// storescu and compressed files: with a codec for the file's syntax it proposes an uncompressed
// context beside the compressed one, and a peer that accepts only the former gets the instance
// decompressed (netdicom storescu → netdicom storescp --implicit).
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { planAssociations } from "../../src/apps/storescu.js";
import { readPart10, sop, transcodeDataset, ts, writePart10 } from "../../src/index.js";
import { cliPath, startCliServer } from "../helpers/cli.js";
import { runTool } from "../helpers/dcmtk.js";

const fixture = fileURLToPath(new URL("../../../fixtures/sample-ct.dcm", import.meta.url));

test("planAssociations: a compressed file with a codec gets an uncompressed context of its own", () => {
  const file = {
    path: "a",
    sopClassUid: sop.CTImageStorage,
    sopInstanceUid: "1",
    transferSyntax: ts.RLELossless,
    size: 1,
  };
  const syntaxes = (o: Parameters<typeof planAssociations>[1]) =>
    planAssociations([file], o)[0]?.contexts.map((cx) => cx.transferSyntaxes);
  assert.deepEqual(syntaxes({ canDecode: () => true }), [
    [ts.RLELossless],
    [ts.ExplicitVRLittleEndian, ts.ImplicitVRLittleEndian],
  ]);
  assert.deepEqual(syntaxes({ canDecode: () => false }), [[ts.RLELossless]]);
  assert.deepEqual(syntaxes({ canDecode: () => true, requiredOnly: true }), [[ts.RLELossless]]);
  assert.deepEqual(syntaxes({}), [[ts.RLELossless]]);
});

test("storescu sends an RLE file to storescp --implicit decompressed; the stored pixels equal the original", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "netdicom-storescu-rle-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const original = readPart10(readFileSync(fixture)).dataset;
  const rle = join(dir, "ct-rle.dcm");
  const compressed = await transcodeDataset(original, ts.ExplicitVRLittleEndian, ts.RLELossless);
  writeFileSync(rle, writePart10(compressed, { transferSyntaxUid: ts.RLELossless }));
  const out = join(dir, "out");
  const scp = await startCliServer(t, "storescp", ["-od", out, "-ba", "127.0.0.1", "--implicit", "0"]);
  const r = await runTool(process.execPath, [cliPath, "storescu", "127.0.0.1", String(scp.port), rle]);
  assert.equal(r.code, 0, r.stderr);
  const stored = readdirSync(out);
  assert.equal(stored.length, 1);
  const part = readPart10(readFileSync(join(out, stored[0] as string)));
  assert.equal(part.transferSyntaxUid, ts.ImplicitVRLittleEndian);
  assert.deepEqual(
    new Uint8Array(part.dataset.get("PixelData") as Uint8Array),
    new Uint8Array(original.get("PixelData") as Uint8Array),
  );
  assert.equal((await scp.stop()).code, 0);
});
