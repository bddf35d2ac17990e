// storescp: usage in-process, then the built CLI as a child process receiving from the library's
// SCU and from netdicom storescu: printed lines, stored files equal to the sent data sets, C-ECHO,
// --ignore, and a clean exit on SIGTERM/SIGINT.
import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { receivedFileName, runStorescp } from "../../src/apps/storescp.js";
import { AE, type Dataset, datasetToJson, readDicomFile, sop, ts, writeDicomFile } from "../../src/index.js";
import { runTool } from "../helpers/dcmtk.js";
import { smallImage } from "../helpers/images.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const cli = join(root, "build/netdicom.cjs");

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "netdicom-storescp-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function bufferIo(): { io: { stdout(s: string): void; stderr(s: string): void }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s) => out.push(s), stderr: (s) => err.push(s) }, out, err };
}

/** A running `netdicom storescp`: its port, what it printed so far, and its exit. */
interface RunningScp {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once stdout holds `count` lines matching `re`. */
  readonly waitFor: (re: RegExp, count?: number) => Promise<void>;
}

/** Starts storescp on port 0 and resolves once it prints where it listens; killed after the test. */
function startStorescp(t: { after(fn: () => void): void }, ...args: string[]): Promise<RunningScp> {
  const child = spawn(process.execPath, [cli, "storescp", ...args, "0"], { cwd: root });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  let out = "";
  let err = "";
  const waiters: (() => void)[] = [];
  const poke = () => {
    for (const w of [...waiters]) w();
  };
  child.stdout.on("data", (b: Buffer) => {
    out += b.toString("utf8");
    poke();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on("close", (code, signal) => {
      done({ code, signal });
      poke();
    }),
  );
  const waitFor = (re: RegExp, count = 1) =>
    new Promise<void>((ok, fail) => {
      const check = () => {
        const n = out.split("\n").filter((l) => re.test(l)).length;
        if (n >= count) {
          waiters.splice(waiters.indexOf(check), 1);
          ok();
        } else if (child.exitCode !== null || child.signalCode !== null) {
          waiters.splice(waiters.indexOf(check), 1);
          fail(new Error(`storescp exited before printing ${re}: ${err}`));
        }
      };
      waiters.push(check);
      check();
    });
  return new Promise((ok, fail) => {
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString("utf8");
      const m = /listening on .*:(\d+)\n/.exec(err);
      if (m) ok({ child, port: Number(m[1]), stdout: () => out, stderr: () => err, exited, waitFor });
    });
    child.on("close", (code) => fail(new Error(`storescp exited with ${code} before listening: ${err}`)));
  });
}

/** A small image data set of `sopClassUid`, with 16-bit pixel data. */
function image(sopClassUid: string, patient = "DOE^JANE"): Dataset {
  return smallImage(sopClassUid, {
    patientName: patient,
    studyInstanceUid: "2.25.1000",
    seriesInstanceUid: "2.25.1001",
    bitsStored: 12,
    pixelByte: (i) => i * 7,
  });
}

/** The data set of a Part 10 file as DICOM JSON, to compare files across transfer syntaxes. */
async function datasetOf(path: string): Promise<unknown> {
  return datasetToJson((await readDicomFile(path)).dataset);
}

test("file names: the pynetdicom modality prefix and the SOP Instance UID, UN when unknown", () => {
  assert.equal(receivedFileName(sop.CTImageStorage, "1.2.3"), "CT.1.2.3");
  assert.equal(receivedFileName(sop.SecondaryCaptureImageStorage, "1.2.3"), "SC.1.2.3");
  assert.equal(receivedFileName("1.2.3.4", "5.6"), "UN.5.6");
});

test("usage errors exit 2 with the usage; --help exits 0", async () => {
  for (const args of [
    [],
    ["1", "2"],
    ["port"],
    ["70000"],
    ["--bogus", "0"],
    ["-aet", "", "0"],
    ["--max-associations", "0", "0"],
  ]) {
    const { io, err } = bufferIo();
    assert.equal(await runStorescp(args, io), 2, args.join(" "));
    assert.match(err.join(""), /^netdicom storescp: .+\n\nusage: netdicom storescp/, args.join(" "));
  }
  const { io, out } = bufferIo();
  assert.equal(await runStorescp(["--help"], io), 0);
  assert.match(out.join(""), /-od, --output-directory DIRECTORY/);
});

test("an output directory that cannot be made exits 1 without listening", async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, "file"), "x");
  const { io, err } = bufferIo();
  assert.equal(await runStorescp(["-od", join(dir, "file/sub"), "0"], io), 1);
  assert.match(err.join(""), /cannot create the output directory/);
  assert.doesNotMatch(err.join(""), /listening/);
});

test("in-process: listens, says where, and stops when its signal aborts", async () => {
  const { io, err } = bufferIo();
  const stop = new AbortController();
  let port = -1;
  let exit: Promise<number> | undefined;
  await new Promise<void>((ok) => {
    exit = runStorescp(["--ignore", "-ba", "127.0.0.1", "0"], io, {
      signal: stop.signal,
      onListening: (p) => {
        port = p;
        ok();
      },
    });
    // Resolves too when it ends without listening, so the test fails instead of hanging.
    exit.then(
      () => ok(),
      () => ok(),
    );
  });
  assert.ok(port > 0);
  assert.equal(err.join(""), `storescp: listening on 127.0.0.1:${port}\n`);
  stop.abort();
  assert.equal(await exit, 0);
});

test("library SCU → storescp: each instance printed, stored as <prefix>.<UID>, equal to what was sent; C-ECHO; SIGTERM exits 0", async (t) => {
  const dir = tempDir(t);
  const out = join(dir, "out");
  const scp = await startStorescp(t, "-od", out, "-aet", "STORE_HERE");
  const sent = [
    { ds: image(sop.CTImageStorage), syntax: ts.ExplicitVRLittleEndian },
    { ds: image(sop.MRImageStorage), syntax: ts.ImplicitVRLittleEndian },
    { ds: image(sop.SecondaryCaptureImageStorage), syntax: ts.ExplicitVRBigEndian },
    { ds: image(sop.CTImageStorage), syntax: ts.DeflatedExplicitVRLittleEndian },
  ];
  const paths: string[] = [];
  for (const [i, s] of sent.entries()) {
    const p = join(dir, `in${i}.dcm`);
    await writeDicomFile(p, s.ds, { transferSyntaxUid: s.syntax });
    paths.push(p);
  }
  const ae = new AE({ aeTitle: "LIB_SCU" });
  ae.addRequestedContext(sop.Verification);
  for (const s of sent) ae.addRequestedContext(s.ds.string("SOPClassUID") as string, [s.syntax]);
  const assoc = await ae.associate("127.0.0.1", scp.port, { aeTitle: "STORE_HERE" });
  t.after(() => assoc.abort());
  assert.ok(assoc.isEstablished, assoc.reason);
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
  for (const p of paths) {
    const r = await assoc.sendCStore(p);
    assert.equal(r.status, 0x0000);
  }
  await assoc.release();
  await scp.waitFor(/^Received /, sent.length);
  const lines = scp.stdout().trim().split("\n");
  assert.equal(lines.length, sent.length);
  for (const [i, s] of sent.entries()) {
    const uid = s.ds.string("SOPInstanceUID") as string;
    const name = receivedFileName(s.ds.string("SOPClassUID") as string, uid);
    const stored = join(out, name);
    assert.ok(existsSync(stored), `${name} stored`);
    assert.match(
      lines[i] ?? "",
      new RegExp(`^Received .+ ${uid.replaceAll(".", "\\.")} from LIB_SCU \\(\\d+ bytes\\)$`),
    );
    assert.deepEqual(await datasetOf(stored), await datasetOf(paths[i] as string), `${name} equals what was sent`);
    const meta = (await readDicomFile(stored)).meta;
    assert.equal(meta.string("TransferSyntaxUID"), s.syntax, "stored in the syntax it travelled in");
  }
  assert.match(lines[0] ?? "", /^Received CT Image Storage /);
  assert.deepEqual(
    readdirSync(out).sort(),
    sent
      .map((s) => receivedFileName(s.ds.string("SOPClassUID") as string, s.ds.string("SOPInstanceUID") as string))
      .sort(),
    "no temporary files left behind",
  );
  scp.child.kill("SIGTERM");
  const exit = await scp.exited;
  assert.equal(exit.code, 0);
});

test("--ignore answers success and stores nothing; SIGINT exits 0", async (t) => {
  const dir = tempDir(t);
  const scp = await startStorescp(t, "--ignore", "-od", dir);
  const p = join(dir, "in.dcm");
  const ds = image(sop.CTImageStorage);
  await writeDicomFile(p, ds);
  const ae = new AE({ aeTitle: "LIB_SCU" });
  ae.addRequestedContext(sop.CTImageStorage);
  const assoc = await ae.associate("127.0.0.1", scp.port);
  t.after(() => assoc.abort());
  assert.equal((await assoc.sendCStore(p)).status, 0x0000);
  await assoc.release();
  await scp.waitFor(/^Received CT Image Storage/);
  assert.deepEqual(readdirSync(dir), ["in.dcm"]);
  scp.child.kill("SIGINT");
  assert.equal((await scp.exited).code, 0);
});

test("netdicom storescu → netdicom storescp: a folder with -r, every file received equal, summary and exit 0", async (t) => {
  const dir = tempDir(t);
  const src = join(dir, "src");
  const out = join(dir, "out");
  mkdirSync(join(src, "series/2"), { recursive: true });
  const files = [
    { path: join(src, "a.dcm"), ds: image(sop.CTImageStorage), syntax: ts.ExplicitVRLittleEndian },
    { path: join(src, "series/b.dcm"), ds: image(sop.MRImageStorage), syntax: ts.ImplicitVRLittleEndian },
    { path: join(src, "series/2/c.dcm"), ds: image(sop.CTImageStorage), syntax: ts.ExplicitVRBigEndian },
  ];
  for (const f of files) await writeDicomFile(f.path, f.ds, { transferSyntaxUid: f.syntax });
  writeFileSync(join(src, "series/README.txt"), "not DICOM\n");
  const scp = await startStorescp(t, "-od", out);
  const r = await runTool(process.execPath, [cli, "storescu", "-r", "127.0.0.1", String(scp.port), src], {
    cwd: root,
    timeoutMs: 60_000,
  });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^sent 3 of 3, warnings 0, failures 0, skipped 1; \d+ bytes in [\d.]+ s \([\d.]+ MB\/s\)$/m);
  assert.match(r.stderr, /skipping .*README\.txt: not a DICOM file/);
  await scp.waitFor(/^Received /, files.length);
  for (const f of files) {
    const stored = join(
      out,
      receivedFileName(f.ds.string("SOPClassUID") as string, f.ds.string("SOPInstanceUID") as string),
    );
    assert.deepEqual(await datasetOf(stored), await datasetOf(f.path));
  }
  scp.child.kill("SIGTERM");
  assert.equal((await scp.exited).code, 0);
});

test("default settings: 40 associations at once are all accepted (pynetdicom's limit of 10 turned modalities away)", async (t) => {
  const scp = await startStorescp(t, "-od", join(tempDir(t), "out"));
  const ae = new AE({ aeTitle: "MANY_SCU" });
  ae.addRequestedContext(sop.Verification);
  const assocs = await Promise.all(
    Array.from({ length: 40 }, () => ae.associate("127.0.0.1", scp.port, { aeTitle: "ANY-SCP" })),
  );
  t.after(() => {
    for (const a of assocs) a.abort();
  });
  const refused = assocs.filter((a) => !a.isEstablished).map((a) => a.reason);
  assert.deepEqual(refused, [], "every association established while all 40 are open");
  for (const a of assocs) assert.equal((await a.sendCEcho()).status, 0x0000);
  await Promise.all(assocs.map((a) => a.release()));
});
