// The storage apps against DCMTK: DCMTK storescu → netdicom storescp, and netdicom storescu →
// DCMTK storescp, each over several transfer syntaxes (an encapsulated one included), with the
// received files readable by dcmdump and their data sets equal to the sent ones. Skipped,
// visibly, without DCMTK.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { type Dataset, datasetToJson, readDicomFile, sop, ts, writeDicomFile } from "../../src/index.js";
import { findTool, runTool } from "../helpers/dcmtk.js";
import { smallImage } from "../helpers/images.js";
import { freePort, waitForListener } from "../helpers/net.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const cli = join(root, "build/netdicom.cjs");

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "netdicom-store-interop-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Kills `child` after the test unless it has already ended. */
function killAfter(t: { after(fn: () => void): void }, child: ChildProcess): void {
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
}

/** A small image data set of `sopClassUid`, with 16-bit native pixel data. */
function image(sopClassUid: string): Dataset {
  return smallImage(sopClassUid, {
    patientName: "INTEROP^TEST",
    studyInstanceUid: "2.25.2000",
    seriesInstanceUid: "2.25.2001",
    pixelByte: (i) => i * 3,
  });
}

/** Files in ILE, ELE, EBE, deflated and RLE (encapsulated, 8-bit), written by netdicom. */
async function corpus(dir: string): Promise<{ path: string; uid: string; syntax: string }[]> {
  const rle = image(sop.SecondaryCaptureImageStorage);
  rle.set("BitsAllocated", 8);
  rle.set("BitsStored", 8);
  rle.set("HighBit", 7);
  // One RLE segment header per frame (PS3.5 G.3.1: 64 bytes), then the data; opaque to both sides.
  const fragment = new Uint8Array(64 + 18);
  new DataView(fragment.buffer).setUint32(0, 1, true);
  new DataView(fragment.buffer).setUint32(4, 64, true);
  fragment.set([15, ...new Array(16).fill(9), 0], 64);
  rle.set("PixelData", { basicOffsetTable: new Uint8Array(0), fragments: [fragment] }, "OB");
  const files = [
    { ds: image(sop.CTImageStorage), syntax: ts.ImplicitVRLittleEndian },
    { ds: image(sop.CTImageStorage), syntax: ts.ExplicitVRLittleEndian },
    { ds: image(sop.MRImageStorage), syntax: ts.ExplicitVRBigEndian },
    { ds: image(sop.SecondaryCaptureImageStorage), syntax: ts.DeflatedExplicitVRLittleEndian },
    { ds: rle, syntax: ts.RLELossless },
  ];
  const out: { path: string; uid: string; syntax: string }[] = [];
  for (const [i, f] of files.entries()) {
    const path = join(dir, `in${i}.dcm`);
    await writeDicomFile(path, f.ds, { transferSyntaxUid: f.syntax });
    out.push({ path, uid: f.ds.string("SOPInstanceUID") as string, syntax: f.syntax });
  }
  return out;
}

/** The received files of `dir` by SOP Instance UID, each checked readable by dcmdump. */
async function receivedByUid(dir: string): Promise<Map<string, string>> {
  const byUid = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const dump = await runTool("dcmdump", ["-q", path]);
    assert.equal(dump.code, 0, `dcmdump reads ${name}: ${dump.stderr}`);
    const uid = (await readDicomFile(path)).dataset.string("SOPInstanceUID");
    if (uid) byUid.set(uid, path);
  }
  return byUid;
}

async function datasetOf(path: string): Promise<unknown> {
  return datasetToJson((await readDicomFile(path)).dataset);
}

test("DCMTK storescu → netdicom storescp -od: every file received, readable and equal", async (t) => {
  if (!findTool("storescu") || !findTool("dcmdump")) {
    t.skip("dcmtk not installed");
    return;
  }
  const dir = tempDir(t);
  const out = join(dir, "out");
  const files = await corpus(dir);
  const scp = spawn(process.execPath, [cli, "storescp", "-od", out, "-aet", "NETDICOM_SCP", "0"], { cwd: root });
  killAfter(t, scp);
  let printed = "";
  scp.stdout.on("data", (b: Buffer) => {
    printed += b.toString("utf8");
  });
  const exited = new Promise<number | null>((done) => scp.on("close", (code) => done(code)));
  const port = await new Promise<number>((ok, fail) => {
    let err = "";
    scp.stderr.on("data", (b: Buffer) => {
      err += b.toString("utf8");
      const m = /listening on .*:(\d+)\n/.exec(err);
      if (m) ok(Number(m[1]));
    });
    scp.on("close", () => fail(new Error(`storescp ended before listening: ${err}`)));
  });
  // One DCMTK storescu run per file, with the flag that makes it propose that file's syntax
  // first (-R: only the contexts the file needs).
  const flag: Record<string, string> = {
    [ts.ImplicitVRLittleEndian]: "-xi",
    [ts.ExplicitVRLittleEndian]: "-xe",
    [ts.ExplicitVRBigEndian]: "-xb",
    [ts.DeflatedExplicitVRLittleEndian]: "-xd",
    [ts.RLELossless]: "-xr",
  };
  for (const f of files) {
    const args = [
      "-R",
      flag[f.syntax] ?? "",
      "-aet",
      "DCMTK_SCU",
      "-aec",
      "NETDICOM_SCP",
      "127.0.0.1",
      String(port),
      f.path,
    ];
    const r = await runTool("storescu", args);
    assert.equal(r.code, 0, `${f.syntax}: ${r.stderr}${r.stdout}`);
  }
  const received = await receivedByUid(out);
  assert.equal(received.size, files.length);
  for (const f of files) {
    const path = received.get(f.uid);
    assert.ok(path, `${f.syntax} file received`);
    assert.deepEqual(await datasetOf(path), await datasetOf(f.path), `${f.syntax}: data set equal`);
    assert.equal((await readDicomFile(path)).meta.string("TransferSyntaxUID"), f.syntax);
  }
  assert.equal(printed.split("\n").filter((l) => / from DCMTK_SCU \(\d+ bytes\)$/.test(l)).length, files.length);
  scp.kill("SIGTERM");
  assert.equal(await exited, 0);
});

test("netdicom storescu → DCMTK storescp -od: every file received, readable and equal", async (t) => {
  if (!findTool("storescp") || !findTool("dcmdump")) {
    t.skip("dcmtk not installed");
    return;
  }
  const dir = tempDir(t);
  const out = join(dir, "out");
  mkdirSync(out);
  const files = await corpus(dir);
  const port = await freePort();
  // +xa: accept every transfer syntax DCMTK knows, RLE included.
  const scp = spawn("storescp", ["+xa", "-aet", "DCMTK_SCP", "-od", out, String(port)], { stdio: "ignore" });
  killAfter(t, scp);
  const exited = new Promise<void>((done) => scp.on("close", () => done()));
  await waitForListener(port);
  const r = await runTool(
    process.execPath,
    [cli, "storescu", "-aec", "DCMTK_SCP", "127.0.0.1", String(port), ...files.map((f) => f.path)],
    { cwd: root, timeoutMs: 60_000 },
  );
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, new RegExp(`^sent ${files.length} of ${files.length}, warnings 0, failures 0`, "m"));
  const received = await receivedByUid(out);
  assert.equal(received.size, files.length);
  for (const f of files) {
    const path = received.get(f.uid);
    assert.ok(path, `${f.syntax} file received`);
    assert.deepEqual(await datasetOf(path), await datasetOf(f.path), `${f.syntax}: data set equal`);
  }
  scp.kill("SIGTERM");
  await exited;
});
