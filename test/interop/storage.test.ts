// C-STORE against DCMTK, both ways: DCMTK storescu (implicit LE, explicit LE, explicit BE,
// deflated, JPEG lossless) → our SCP saving files; our SCU → DCMTK storescp -od. The received
// data sets must equal the sent ones. Skipped, visibly, without DCMTK.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { writeCorpusFile } from "../../bench/corpus.js";
import { AE } from "../../src/ae.js";
import { Dataset } from "../../src/dataset/dataset.js";
import { readPart10 } from "../../src/dataset/part10.js";
import { sop, ts } from "../../src/dataset/uids.js";
import { writeDataset } from "../../src/dataset/writer.js";
import { Event } from "../../src/events.js";
import { findTool, runTool } from "../helpers/dcmtk.js";
import { freePort, waitForListener } from "../helpers/net.js";
import { tempDir } from "../services/storage/helpers.js";

const CT = sop.CTImageStorage;

/**
 * A data set re-encoded in implicit VR little endian (values only, in one byte order) without
 * group lengths or trailing padding: equal data sets give equal bytes, whichever syntax carried
 * them. Implicit VR, because a receiver of implicit VR reads private elements as UN (PS3.5 A.1).
 */
function canonical(ds: Dataset): Buffer {
  const copy = new Dataset();
  for (const el of ds) if ((el.tag & 0xffff) !== 0 && el.tag !== 0xfffcfffc) copy.setElement(el);
  return Buffer.from(writeDataset(copy, { explicitVr: false, littleEndian: true }));
}

async function datasetOf(path: string): Promise<{ ds: Dataset; transferSyntax: string; meta: Dataset }> {
  const p = readPart10(await readFile(path));
  return { ds: p.dataset, transferSyntax: p.transferSyntaxUid, meta: p.meta };
}

for (const [flag, uid, label] of [
  ["-xi", ts.ImplicitVRLittleEndian, "implicit VR little endian"],
  ["-xe", ts.ExplicitVRLittleEndian, "explicit VR little endian"],
  ["-xb", ts.ExplicitVRBigEndian, "explicit VR big endian"],
  ["-xd", ts.DeflatedExplicitVRLittleEndian, "deflated explicit VR little endian"],
] as const) {
  test(`DCMTK storescu ${flag} (${label}) → our SCP: the saved file holds the sent data set`, async (t) => {
    if (!findTool("storescu") || !findTool("dcmdump")) return t.skip("dcmtk not installed");
    const src = await tempDir(t);
    const out = await tempDir(t);
    const path = join(src, "ct.dcm");
    await writeCorpusFile(path, { rows: 64, cols: 64 }, 21);
    const ae = new AE({ aeTitle: "NETDICOM_SCP", storageDirectory: await tempDir(t) });
    ae.addSupportedContext(CT, [uid]);
    const saved: string[] = [];
    const server = await ae.startServer({
      host: "127.0.0.1",
      handlers: {
        [Event.C_STORE]: async (e) => {
          saved.push(await e.saveTo(out));
          return 0;
        },
      },
    });
    t.after(() => server.shutdown({ deadlineMs: 1000 }));
    const r = await runTool("storescu", [
      flag,
      "-aet",
      "DCMTK_SCU",
      "-aec",
      "NETDICOM_SCP",
      "127.0.0.1",
      String(server.port),
      path,
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(saved.length, 1);
    const got = await datasetOf(saved[0]!);
    assert.equal(got.transferSyntax, uid);
    assert.equal(got.meta.string("SourceApplicationEntityTitle"), "DCMTK_SCU");
    const sent = await datasetOf(path);
    assert.ok(canonical(got.ds).equals(canonical(sent.ds)), "same data set");
    const dump = await runTool("dcmdump", [saved[0]!]);
    assert.equal(dump.code, 0, dump.stderr);
  });
}

test("DCMTK storescu with a JPEG lossless file (dcmcjpeg) → our SCP: stored unchanged", async (t) => {
  if (!findTool("storescu") || !findTool("dcmcjpeg")) return t.skip("dcmtk not installed");
  const src = await tempDir(t);
  const out = await tempDir(t);
  const raw = join(src, "ct.dcm");
  const jpeg = join(src, "ct-jpeg.dcm");
  await writeCorpusFile(raw, { rows: 64, cols: 64 }, 22);
  const c = await runTool("dcmcjpeg", [raw, jpeg]);
  assert.equal(c.code, 0, c.stderr);
  const sent = await datasetOf(jpeg);
  assert.equal(sent.transferSyntax, ts.JPEGLosslessSV1);
  const ae = new AE({ aeTitle: "NETDICOM_SCP", acceptAnyStorage: true, storageDirectory: await tempDir(t) });
  const saved: string[] = [];
  const server = await ae.startServer({
    host: "127.0.0.1",
    handlers: {
      [Event.C_STORE]: async (e) => {
        saved.push(await e.saveTo(out));
        return 0;
      },
    },
  });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  const r = await runTool("storescu", ["-xs", "-aec", "NETDICOM_SCP", "127.0.0.1", String(server.port), jpeg]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const got = await datasetOf(saved[0]!);
  assert.equal(got.transferSyntax, ts.JPEGLosslessSV1);
  assert.ok(canonical(got.ds).equals(canonical(sent.ds)));
  const dump = await runTool("dcmdump", [saved[0]!]);
  assert.equal(dump.code, 0, dump.stderr);
});

for (const [syntax, proposed] of [
  ["explicit-le", ts.ExplicitVRLittleEndian],
  ["implicit-le", ts.ImplicitVRLittleEndian],
  ["explicit-le", ts.ImplicitVRLittleEndian],
] as const) {
  test(`our SCU (${syntax} file, proposing ${proposed}) → DCMTK storescp -od: the stored data set equals the file's`, async (t) => {
    if (!findTool("storescp")) return t.skip("dcmtk not installed");
    const src = await tempDir(t);
    const out = await tempDir(t);
    const path = join(src, "ct.dcm");
    await writeCorpusFile(path, { rows: 64, cols: 64, frames: 3, syntax }, 23);
    const port = await freePort();
    const child = spawn("storescp", ["-aet", "DCMTK_SCP", "-od", out, String(port)], { stdio: "ignore" });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    t.after(async () => {
      child.kill();
      await exited;
    });
    await waitForListener(port);
    const ae = new AE({ aeTitle: "NETDICOM_SCU" });
    ae.addRequestedContext(CT, [proposed]);
    const assoc = await ae.associate("127.0.0.1", port, { aeTitle: "DCMTK_SCP" });
    t.after(() => assoc.abort());
    assert.equal(assoc.isEstablished, true, assoc.reason);
    const r = await assoc.sendCStore(path);
    assert.equal(r.status, 0x0000);
    assert.equal(r.transferSyntax, proposed);
    await assoc.release();
    const files = await readdir(out);
    assert.equal(files.length, 1);
    const got = await datasetOf(join(out, files[0]!));
    assert.equal(got.transferSyntax, proposed);
    assert.ok(canonical(got.ds).equals(canonical((await datasetOf(path)).ds)));
  });
}
