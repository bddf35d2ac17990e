// storescu: the pieces in-process (progress line, transfer syntax proposals, association
// planning, file collection, usage errors), then the built CLI against a library Storage SCP.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { formatBytes, formatProgress, formatRate, ProgressBar } from "../../src/apps/progress.js";
import {
  collectFiles,
  type FileToSend,
  planAssociations,
  proposedSyntaxes,
  runStorescu,
} from "../../src/apps/storescu.js";
import {
  AE,
  type AssociationServer,
  Dataset,
  datasetToJson,
  Event,
  readDicomFile,
  sop,
  storageSopClasses,
  ts,
  writeDicomFile,
} from "../../src/index.js";
import { runTool } from "../helpers/dcmtk.js";
import { smallImage } from "../helpers/images.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const cli = join(root, "build/netdicom.cjs");
const netdicom = (...args: string[]) => runTool(process.execPath, [cli, ...args], { cwd: root, timeoutMs: 60_000 });

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "netdicom-storescu-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function bufferIo(): { io: { stdout(s: string): void; stderr(s: string): void }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s) => out.push(s), stderr: (s) => err.push(s) }, out, err };
}

// ---- progress ----

test("progress: bytes, rates and the bar line", () => {
  assert.equal(formatBytes(512), "512 B");
  assert.equal(formatBytes(1500), "1.5 kB");
  assert.equal(formatBytes(12_345_678), "12.3 MB");
  assert.equal(formatBytes(250_000_000), "250 MB");
  assert.equal(formatRate(5_000_000, 2000), "2.50 MB/s");
  assert.equal(formatRate(5_000_000, 0), "0.00 MB/s");
  assert.equal(
    formatProgress({ done: 1, total: 4, bytes: 2_000_000, elapsedMs: 1000 }, 8),
    "[##------] 1/4 instances, 2.0 MB, 2.00 MB/s",
  );
  assert.equal(
    formatProgress({ done: 4, total: 4, bytes: 0, elapsedMs: 0 }, 4),
    "[####] 4/4 instances, 0 B, 0.00 MB/s",
  );
});

test("progress bar: redraws in place at most every interval, always at the end, and clears", () => {
  const writes: string[] = [];
  let now = 0;
  const bar = new ProgressBar({ total: 3, write: (s) => writes.push(s), now: () => now, minIntervalMs: 100 });
  now = 10;
  bar.tick(1000); // first draw
  now = 50;
  bar.tick(1000); // too soon: no draw
  assert.equal(writes.length, 1);
  assert.match(writes[0] ?? "", /^\r\[#+-+\] 1\/3 instances, 1\.0 kB/);
  now = 60;
  bar.tick(1000); // the last one is always drawn
  assert.equal(writes.length, 2);
  assert.match(writes[1] ?? "", /^\r\[#+\] 3\/3 instances, 3\.0 kB, 0\.05 MB\/s/);
  bar.log("I: a line\n");
  assert.match(writes[2] ?? "", /^\r +\r$/, "log clears the bar first");
  assert.equal(writes[3], "I: a line\n");
  assert.match(writes[4] ?? "", /^\r\[/, "then redraws it");
  bar.clear();
  assert.match(writes.at(-1) ?? "", /^\r +\r$/);
  const length = writes.length;
  bar.clear();
  assert.equal(writes.length, length, "clearing twice writes nothing");
});

// ---- transfer syntax proposals and association planning ----

test("proposals: uncompressed files get their own syntax then explicit and implicit LE; compressed alone", () => {
  assert.deepEqual(proposedSyntaxes(ts.ExplicitVRBigEndian), [
    ts.ExplicitVRBigEndian,
    ts.ExplicitVRLittleEndian,
    ts.ImplicitVRLittleEndian,
  ]);
  assert.deepEqual(proposedSyntaxes(ts.ImplicitVRLittleEndian), [ts.ImplicitVRLittleEndian, ts.ExplicitVRLittleEndian]);
  assert.deepEqual(proposedSyntaxes(ts.JPEGBaseline8Bit), [ts.JPEGBaseline8Bit]);
  assert.deepEqual(proposedSyntaxes(ts.ExplicitVRLittleEndian, { forced: ts.ImplicitVRLittleEndian }), [
    ts.ImplicitVRLittleEndian,
  ]);
  // a compressed file cannot be converted, so -xi does not change its proposal
  assert.deepEqual(proposedSyntaxes(ts.JPEG2000, { forced: ts.ImplicitVRLittleEndian }), [ts.JPEG2000]);
  assert.deepEqual(proposedSyntaxes(ts.ExplicitVRBigEndian, { requiredOnly: true }), [ts.ExplicitVRBigEndian]);
  assert.deepEqual(proposedSyntaxes("1.2.3.4.5"), ["1.2.3.4.5"], "an unknown syntax is proposed as is");
});

const file = (n: number, sopClassUid: string, transferSyntax: string): FileToSend => ({
  path: `f${n}.dcm`,
  sopClassUid,
  sopInstanceUid: `2.25.${n}`,
  transferSyntax,
  size: 100,
});

test("plan: one context per SOP class and proposal, shared by files; one association", () => {
  const files = [
    file(1, sop.CTImageStorage, ts.ExplicitVRLittleEndian),
    file(2, sop.MRImageStorage, ts.ExplicitVRLittleEndian),
    file(3, sop.CTImageStorage, ts.ExplicitVRLittleEndian),
    file(4, sop.CTImageStorage, ts.JPEGBaseline8Bit),
  ];
  const plans = planAssociations(files);
  assert.equal(plans.length, 1);
  const [plan] = plans;
  assert.deepEqual(
    plan?.contexts.map((cx) => [cx.abstractSyntax, [...cx.transferSyntaxes]]),
    [
      [sop.CTImageStorage, [ts.ExplicitVRLittleEndian, ts.ImplicitVRLittleEndian]],
      [sop.MRImageStorage, [ts.ExplicitVRLittleEndian, ts.ImplicitVRLittleEndian]],
      [sop.CTImageStorage, [ts.JPEGBaseline8Bit]],
    ],
  );
  assert.deepEqual(
    plan?.files.map((f) => f.path),
    ["f1.dcm", "f2.dcm", "f3.dcm", "f4.dcm"],
  );
  // -xi folds the uncompressed files of a class into one implicit-only context
  const forced = planAssociations(files, { forced: ts.ImplicitVRLittleEndian });
  assert.deepEqual(
    forced[0]?.contexts.map((cx) => [...cx.transferSyntaxes]),
    [[ts.ImplicitVRLittleEndian], [ts.ImplicitVRLittleEndian], [ts.JPEGBaseline8Bit]],
  );
  assert.deepEqual(planAssociations([]), []);
});

test("plan: more than 128 contexts are spread over as few associations as needed, each file with its context", () => {
  const classes = storageSopClasses().slice(0, 150);
  const files = classes.flatMap((uid, i) => [
    file(2 * i, uid, ts.ExplicitVRLittleEndian),
    file(2 * i + 1, uid, ts.ExplicitVRLittleEndian),
  ]);
  const plans = planAssociations(files);
  assert.deepEqual(
    plans.map((p) => p.contexts.length),
    [128, 22],
  );
  assert.equal(plans[0]?.files.length, 256);
  assert.equal(plans[1]?.files.length, 44);
  for (const p of plans) {
    const offered = new Set(p.contexts.map((cx) => cx.abstractSyntax));
    for (const f of p.files) assert.ok(offered.has(f.sopClassUid), `${f.path} travels with its context`);
  }
  assert.deepEqual(
    planAssociations(files, {}, 100).map((p) => p.contexts.length),
    [100, 50],
  );
});

// ---- file collection ----

test("collect: files as given, folders' files in name order, subfolders only with -r, loops end", async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, "a/sub"), { recursive: true });
  writeFileSync(join(dir, "a/2.dcm"), "x");
  writeFileSync(join(dir, "a/1.dcm"), "x");
  writeFileSync(join(dir, "a/sub/3.dcm"), "x");
  writeFileSync(join(dir, "top.dcm"), "x");
  symlinkSync(join(dir, "a"), join(dir, "a/sub/loop"));
  const flat = await collectFiles([join(dir, "top.dcm"), join(dir, "a"), join(dir, "missing")], false);
  assert.deepEqual(flat.files, [
    { path: join(dir, "top.dcm"), named: true },
    { path: join(dir, "a/1.dcm"), named: false },
    { path: join(dir, "a/2.dcm"), named: false },
  ]);
  assert.equal(flat.missing.length, 1);
  assert.equal(flat.missing[0]?.path, join(dir, "missing"));
  assert.match(flat.missing[0]?.reason ?? "", /ENOENT/);
  const deep = await collectFiles([join(dir, "a")], true);
  assert.deepEqual(
    deep.files.map((f) => f.path),
    [join(dir, "a/1.dcm"), join(dir, "a/2.dcm"), join(dir, "a/sub/3.dcm")],
    "the symbolic link back to a/ is not followed twice",
  );
});

// ---- usage ----

test("usage errors exit 2 with the usage; --help exits 0", async () => {
  for (const args of [
    [],
    ["127.0.0.1", "104"],
    ["127.0.0.1", "http", "x.dcm"],
    ["127.0.0.1", "70000", "x.dcm"],
    ["-xe", "-xi", "127.0.0.1", "104", "x.dcm"],
    ["-xd", "-cx", "127.0.0.1", "104", "x.dcm"],
    ["--bogus", "127.0.0.1", "104", "x.dcm"],
    ["-ta", "soon", "127.0.0.1", "104", "x.dcm"],
    ["-ll", "loud", "127.0.0.1", "104", "x.dcm"],
  ]) {
    const { io, out, err } = bufferIo();
    assert.equal(await runStorescu(args, io), 2, args.join(" "));
    assert.match(err.join(""), /^netdicom storescu: .+\n\nusage: netdicom storescu/, args.join(" "));
    assert.equal(out.join(""), "");
  }
  const { io, out } = bufferIo();
  assert.equal(await runStorescu(["--help"], io), 0);
  assert.match(out.join(""), /-xi, --request-implicit/);
  assert.match(out.join(""), /-aet, --calling-aet AETITLE/);
});

test("nothing to send: a missing file is listed as failed and the exit code is 1", async () => {
  const { io, out } = bufferIo();
  assert.equal(await runStorescu(["127.0.0.1", "1", "/nonexistent/x.dcm"], io), 1);
  assert.match(out.join(""), /^failed\t\/nonexistent\/x\.dcm\t-\tcannot access: .*ENOENT/m);
  assert.match(out.join(""), /sent 0 of 1, warnings 0, failures 1, skipped 0/);
});

// ---- the built CLI against a library Storage SCP ----

/** A small image data set of `sopClassUid`, with 16-bit pixel data. */
function image(sopClassUid: string): Dataset {
  return smallImage(sopClassUid, { patientName: "DOE^JOHN", pixelByte: (i) => 255 - i });
}

/** What the library SCP saw of one C-STORE. */
interface Received {
  readonly sopInstanceUid: string;
  readonly transferSyntax: string;
  readonly callingAet: string;
  readonly path: string;
}

const allUncompressed = [
  ts.ExplicitVRLittleEndian,
  ts.ImplicitVRLittleEndian,
  ts.ExplicitVRBigEndian,
  ts.DeflatedExplicitVRLittleEndian,
];

/** A library Storage SCP on 127.0.0.1:0 that saves into `dir` and answers `status(uid)`. */
async function librarySCP(
  t: { after(fn: () => Promise<unknown>): void },
  dir: string,
  options: {
    syntaxes?: readonly string[];
    status?: (sopInstanceUid: string) => number;
    requireCalledAet?: boolean;
  } = {},
): Promise<{ server: AssociationServer; received: Received[] }> {
  const ae = new AE({ aeTitle: "LIB_SCP", requireCalledAet: options.requireCalledAet ?? false });
  for (const uid of [sop.CTImageStorage, sop.MRImageStorage, sop.SecondaryCaptureImageStorage]) {
    ae.addSupportedContext(uid, options.syntaxes ?? [...allUncompressed, ts.RLELossless]);
  }
  const received: Received[] = [];
  const server = await ae.startServer({
    port: 0,
    host: "127.0.0.1",
    handlers: {
      [Event.C_STORE]: async (event) => {
        const path = await event.saveTo(dir);
        received.push({
          sopInstanceUid: event.sopInstanceUid,
          transferSyntax: event.transferSyntax,
          callingAet: event.assoc.requestor.aeTitle,
          path,
        });
        return options.status?.(event.sopInstanceUid) ?? 0x0000;
      },
    },
  });
  t.after(() => server.shutdown());
  return { server, received };
}

/** The data set of a Part 10 file as DICOM JSON, to compare files across transfer syntaxes. */
async function datasetOf(path: string): Promise<unknown> {
  return datasetToJson((await readDicomFile(path)).dataset);
}

test("storescu → library SCP: files and a folder (-r) in several SOP classes and syntaxes, all equal on arrival", async (t) => {
  const dir = tempDir(t);
  const src = join(dir, "src");
  const inbox = join(dir, "inbox");
  mkdirSync(join(src, "deep"), { recursive: true });
  mkdirSync(inbox);
  const rle = image(sop.SecondaryCaptureImageStorage);
  rle.set("PixelData", { basicOffsetTable: new Uint8Array(0), fragments: [new Uint8Array(64).fill(3)] }, "OB");
  const files = [
    { path: join(dir, "ct.dcm"), ds: image(sop.CTImageStorage), syntax: ts.ExplicitVRLittleEndian },
    { path: join(src, "mr.dcm"), ds: image(sop.MRImageStorage), syntax: ts.ImplicitVRLittleEndian },
    { path: join(src, "deep/sc.dcm"), ds: image(sop.SecondaryCaptureImageStorage), syntax: ts.ExplicitVRBigEndian },
    { path: join(src, "deep/ct2.dcm"), ds: image(sop.CTImageStorage), syntax: ts.DeflatedExplicitVRLittleEndian },
    { path: join(src, "deep/rle.dcm"), ds: rle, syntax: ts.RLELossless },
  ];
  for (const f of files) await writeDicomFile(f.path, f.ds, { transferSyntaxUid: f.syntax });
  writeFileSync(join(src, "deep/notes.txt"), "not DICOM");
  const { server, received } = await librarySCP(t, inbox);
  const r = await netdicom(
    "storescu",
    "-r",
    "-aet",
    "MY_SCU",
    "-aec",
    "LIB_SCP",
    "127.0.0.1",
    String(server.port),
    files[0]?.path ?? "",
    src,
  );
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^sent 5 of 5, warnings 0, failures 0, skipped 1; \d+ bytes in [\d.]+ s \([\d.]+ MB\/s\)\n$/);
  assert.match(r.stderr, /^W: skipping .*notes\.txt: not a DICOM file/m);
  assert.equal(received.length, 5);
  for (const f of files) {
    const uid = f.ds.string("SOPInstanceUID");
    const got = received.find((x) => x.sopInstanceUid === uid);
    assert.ok(got, `${f.path} arrived`);
    assert.equal(got.callingAet, "MY_SCU");
    assert.equal(got.transferSyntax, f.syntax, "sent in its own syntax when the peer accepts it");
    assert.deepEqual(await datasetOf(got.path), await datasetOf(f.path), `${f.path} arrived equal`);
  }
});

test("storescu -xi: an explicit LE file is converted to implicit LE, which is all it proposes", async (t) => {
  const dir = tempDir(t);
  const path = join(dir, "ct.dcm");
  const ds = image(sop.CTImageStorage);
  await writeDicomFile(path, ds, { transferSyntaxUid: ts.ExplicitVRLittleEndian });
  const { server, received } = await librarySCP(t, dir);
  const r = await netdicom("storescu", "-xi", "-v", "127.0.0.1", String(server.port), path);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(received.length, 1);
  assert.equal(received[0]?.transferSyntax, ts.ImplicitVRLittleEndian);
  assert.deepEqual(await datasetOf(received[0]?.path ?? ""), await datasetOf(path));
  // -v on a pipe: one line per file
  assert.match(
    r.stderr,
    new RegExp(`^I: sent ${path.replaceAll(".", "\\.")} \\(CT Image Storage, .+\\): 0x0000 `, "m"),
  );
  // without -xi the file goes as it is
  const r2 = await netdicom("storescu", "127.0.0.1", String(server.port), path);
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(received[1]?.transferSyntax, ts.ExplicitVRLittleEndian);
});

test("storescu: a failure status lists the file and exits 1; a warning counts as sent unless --strict", async (t) => {
  const dir = tempDir(t);
  const inbox = join(dir, "inbox");
  mkdirSync(inbox);
  const good = image(sop.CTImageStorage);
  const refused = image(sop.CTImageStorage);
  const coerced = image(sop.MRImageStorage);
  const paths = [join(dir, "good.dcm"), join(dir, "refused.dcm"), join(dir, "coerced.dcm")];
  await writeDicomFile(paths[0] as string, good);
  await writeDicomFile(paths[1] as string, refused);
  await writeDicomFile(paths[2] as string, coerced);
  const { server } = await librarySCP(t, inbox, {
    status: (uid) =>
      uid === refused.string("SOPInstanceUID") ? 0xa700 : uid === coerced.string("SOPInstanceUID") ? 0xb000 : 0,
  });
  const r = await netdicom("storescu", "127.0.0.1", String(server.port), ...paths);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.length, 2, r.stdout);
  assert.match(
    lines[0] ?? "",
    new RegExp(`^failed\\t${(paths[1] as string).replaceAll(".", "\\.")}\\t0xA700\\tRefused: out of resources$`, "i"),
  );
  assert.match(lines[1] ?? "", /^sent 2 of 3, warnings 1, failures 1, skipped 0;/);
  // the warning alone: exit 0, or 1 with --strict
  const w = await netdicom("storescu", "127.0.0.1", String(server.port), paths[2] as string);
  assert.equal(w.code, 0, w.stderr);
  assert.match(w.stdout, /^sent 1 of 1, warnings 1, failures 0/);
  const strict = await netdicom("storescu", "--strict", "127.0.0.1", String(server.port), paths[2] as string);
  assert.equal(strict.code, 1);
});

test("storescu: a rejected association or a refused connection fails every file, exit 1", async (t) => {
  const dir = tempDir(t);
  const path = join(dir, "ct.dcm");
  await writeDicomFile(path, image(sop.CTImageStorage));
  const named = join(dir, "notdicom.dcm");
  writeFileSync(named, "plain text");
  const { server, received } = await librarySCP(t, dir, { requireCalledAet: true });
  const r = await netdicom("storescu", "-aec", "SOMEONE_ELSE", "127.0.0.1", String(server.port), path, named);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^failed\t.*notdicom\.dcm\t-\tnot a DICOM file/m, "a named non-DICOM file is a failure");
  assert.match(r.stdout, /^failed\t.*ct\.dcm\t-\tassociation rejected: /m);
  assert.match(r.stdout, /failures 2/);
  assert.equal(received.length, 0);
  const port = server.port;
  await server.shutdown();
  const refused = await netdicom("storescu", "127.0.0.1", String(port), path);
  assert.equal(refused.code, 1);
  assert.match(refused.stdout, /^failed\t.*ct\.dcm\t-\tcannot associate with 127\.0\.0\.1:\d+: .*ECONNREFUSED/m);
});

test("storescu on a terminal: the progress bar is drawn in place on stderr and cleared before the summary", async (t) => {
  const dir = tempDir(t);
  const inbox = join(dir, "inbox");
  mkdirSync(inbox);
  const paths: string[] = [];
  for (let i = 0; i < 3; i++) {
    const p = join(dir, `f${i}.dcm`);
    await writeDicomFile(p, image(sop.CTImageStorage));
    paths.push(p);
  }
  const { server, received } = await librarySCP(t, inbox);
  const { io, out, err } = bufferIo();
  assert.equal(await runStorescu(["127.0.0.1", String(server.port), ...paths], io, true), 0);
  assert.equal(received.length, 3);
  const stderr = err.join("");
  assert.match(stderr, /\r\[#+\] 3\/3 instances, [\d.]+ [kM]?B, [\d.]+ MB\/s/, "the last state is drawn");
  assert.match(stderr, /\r +\r$/, "and cleared at the end");
  assert.match(out.join(""), /^sent 3 of 3, warnings 0, failures 0, skipped 0;/);
  // not on a pipe: no redraws at all
  const piped = bufferIo();
  assert.equal(await runStorescu(["127.0.0.1", String(server.port), ...paths], piped.io, false), 0);
  assert.doesNotMatch(piped.err.join(""), /\r/);
});

test("storescu: files needing more than 128 contexts go over two associations, all stored", async (t) => {
  const dir = tempDir(t);
  const classes = storageSopClasses().slice(0, 130);
  const paths: string[] = [];
  for (const [i, uid] of classes.entries()) {
    const p = join(dir, `f${String(i).padStart(3, "0")}.dcm`);
    await writeDicomFile(p, new Dataset({ SOPClassUID: uid, SOPInstanceUID: `2.25.77${i}`, PatientID: `P${i}` }));
    paths.push(p);
  }
  const ae = new AE({ aeTitle: "LIB_SCP" });
  for (const uid of classes) ae.addSupportedContext(uid, allUncompressed);
  let associations = 0;
  const stored = new Set<string>();
  const server = await ae.startServer({
    port: 0,
    host: "127.0.0.1",
    handlers: {
      [Event.ESTABLISHED]: () => {
        associations++;
      },
      [Event.C_STORE]: (event) => {
        stored.add(event.sopClassUid);
        return 0x0000;
      },
    },
  });
  t.after(() => server.shutdown());
  const r = await netdicom("storescu", "127.0.0.1", String(server.port), dir);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^sent 130 of 130, warnings 0, failures 0/);
  assert.equal(associations, 2);
  assert.equal(stored.size, 130);
});
