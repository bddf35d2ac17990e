#!/usr/bin/env node
// npm run soak: 50 concurrent associations storing CT instances into `netdicom storescp` (a child
// process) for a bounded time, about 10% of the sends being raw associations that abort after
// part of the data set. At the end every acknowledged instance (status 0x0000) must be on disk,
// with the data set bytes sent (SHA-256 after the file meta), and no aborted send may have left a
// file under a final name, nor any temporary file in storescp's storage directory (both count as
// partial files). Ends with exactly
//   soak: acknowledged N, on disk N, intact N, partial files 0, peak RSS M MB
// (peak RSS of the storescp child, /proc VmHWM) and exits 1 if anything is missing or corrupt.
// Usage: node scripts/soak.mjs [--seconds S] [--concurrency C] [--abort-share F]
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const root = new URL("../", import.meta.url);
const lib = await import(new URL("build/src/index.js", root).href);
const raw = await import(new URL("build/test/robustness/hostile-helpers.js", root).href);
const { AE, Dataset, sop, ts, writeDataset, readFileMeta } = lib;

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    concurrency: { type: "string", default: "50" },
    "abort-share": { type: "string", default: "0.1" },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const abortShare = Number(values["abort-share"]);
const ILE = { explicitVr: false, littleEndian: true };

const outDir = mkdtempSync(join(tmpdir(), "netdicom-soak-"));
// storescp's temporary area, ours to inspect: whatever is left there after the shutdown is partial.
const tempDir = mkdtempSync(join(tmpdir(), "netdicom-soak-partial-"));
const scp = await startStorescp(outDir, tempDir, concurrency + 10);
console.log(`soaking: storescp pid ${scp.child.pid} on port ${scp.port}, ${concurrency} associations, ${seconds} s`);

/** SOP Instance UID -> SHA-256 (hex) of the data set bytes, for every acknowledged instance. */
const acknowledged = new Map();
/** UIDs of the sends aborted on purpose. */
const aborted = new Set();
const counts = { sends: 0, failed: 0, errors: 0 };
let serial = 0;
const deadline = performance.now() + seconds * 1000;

await Promise.all(Array.from({ length: concurrency }, (_, slot) => runSlot(slot)));

const peakRssMb = Math.round(vmHwmKb(scp.child.pid) / 1024);
await stopStorescp(scp.child);

// ---- verification ----
let onDisk = 0;
let intact = 0;
let partial = 0;
const problems = [];
for (const name of readdirSync(outDir)) {
  const path = join(outDir, name);
  let uid;
  let digest;
  try {
    const bytes = readFileSync(path);
    const meta = readFileMeta(bytes);
    uid = meta.meta.string(0x00020003);
    digest = sha256(bytes.subarray(meta.datasetOffset));
  } catch (e) {
    partial++;
    problems.push(`${name}: unreadable (${e.message})`);
    continue;
  }
  const expected = acknowledged.get(uid);
  if (expected === undefined) {
    // An aborted (or unacknowledged) send left a file under a final name.
    partial++;
    problems.push(`${name}: ${aborted.has(uid) ? "from an aborted send" : "never acknowledged"}`);
    continue;
  }
  onDisk++;
  if (digest === expected) intact++;
  else problems.push(`${name}: data set differs from what was sent`);
}
for (const name of readdirSync(tempDir)) {
  partial++;
  problems.push(`${name}: left in storescp's temporary area`);
}
rmSync(outDir, { recursive: true, force: true });
rmSync(tempDir, { recursive: true, force: true });

console.log(
  `sends ${counts.sends} (aborted on purpose ${aborted.size}, failure statuses ${counts.failed}, errors ${counts.errors})`,
);
if (scp.shutdownLine) console.log(scp.shutdownLine);
for (const p of problems.slice(0, 10)) console.log(`  ${p}`);
const n = acknowledged.size;
console.log(
  `soak: acknowledged ${n}, on disk ${onDisk}, intact ${intact}, partial files ${partial}, peak RSS ${peakRssMb} MB`,
);
process.exitCode = onDisk === n && intact === n && partial === 0 && n > 0 ? 0 : 1;

// ---- senders ----

async function runSlot(slot) {
  // Bounded: every turn is one association, and the loop stops at the deadline.
  while (performance.now() < deadline) {
    try {
      if (Math.random() < abortShare) await abortedSend();
      else await storeSome(1 + Math.floor(Math.random() * 5), slot);
    } catch (e) {
      counts.errors++;
      if (counts.errors <= 5) console.error(`  slot ${slot}: ${e?.message ?? e}`);
    }
  }
}

function instance() {
  const uid = `2.25.${process.pid}${Date.now()}${++serial}`;
  const ds = new Dataset({
    SOPClassUID: sop.CTImageStorage,
    SOPInstanceUID: uid,
    PatientName: "Soak^Test",
    PatientID: `P${serial % 97}`,
    Rows: 16,
    Columns: 16,
  });
  // 1 KiB to 256 KiB of pixel bytes, even length: several PDVs at the default 16 KiB PDU.
  const size = 2 * (512 + Math.floor(Math.random() * 128 * 1024));
  ds.set("PixelData", randomBytes(size), "OW");
  return { uid, ds, bytes: writeDataset(ds, ILE) };
}

async function storeSome(count, slot) {
  const ae = new AE({ aeTitle: `SOAK${slot}`, acseTimeoutMs: 30_000, dimseTimeoutMs: 60_000 });
  ae.addRequestedContext(sop.CTImageStorage, ts.ImplicitVRLittleEndian);
  const assoc = await ae.associate("127.0.0.1", scp.port, { aeTitle: "STORESCP" });
  if (!assoc.isEstablished) throw new Error(`association not established: ${assoc.reason}`);
  try {
    for (let i = 0; i < count && performance.now() < deadline; i++) {
      const { uid, ds, bytes } = instance();
      counts.sends++;
      const rsp = await assoc.sendCStore(ds);
      if (rsp.status === 0x0000) acknowledged.set(uid, sha256(bytes));
      else counts.failed++;
    }
    await assoc.release();
  } finally {
    await assoc.abort();
  }
}

/** A raw association: C-STORE-RQ, part of the data set, then A-ABORT and close. */
async function abortedSend() {
  const { uid, bytes } = instance();
  aborted.add(uid);
  counts.sends++;
  const socket = connect({ host: "127.0.0.1", port: scp.port });
  socket.on("error", () => {});
  try {
    await new Promise((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    socket.write(raw.associateRq({ called: "STORESCP", calling: "SOAK_ABORT" }));
    const first = await firstByte(socket);
    if (first !== 0x02) return; // not accepted: nothing to abort
    socket.write(raw.pData(3, 0x03, raw.storeCommand(uid)));
    const cut = Math.floor(bytes.byteLength * (0.2 + 0.6 * Math.random()));
    for (let at = 0; at < cut; at += 16376)
      socket.write(raw.pData(3, 0x00, bytes.subarray(at, Math.min(cut, at + 16376))));
    socket.write(new Uint8Array([0x07, 0, 0, 0, 0, 4, 0, 0, 0, 0]));
    await new Promise((resolve) => socket.end(resolve));
  } finally {
    socket.destroy();
  }
}

/** The first byte the server sends (the PDU type of its answer), or -1 if it closes first. */
function firstByte(socket) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(-1), 30_000);
    socket.once("data", (chunk) => {
      clearTimeout(timer);
      resolve(chunk[0]);
    });
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(-1);
    });
  });
}

// ---- the storescp child ----

function startStorescp(dir, storageDir, maxAssociations) {
  const cli = new URL("build/netdicom.cjs", root).pathname;
  const child = spawn(
    process.execPath,
    [
      cli,
      "storescp",
      "0",
      "-od",
      dir,
      "--storage-directory",
      storageDir,
      "--max-associations",
      String(maxAssociations),
      "-xi",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    // The "listening on HOST:PORT" line may come on either stream; the rest is drained unread.
    const onData = (chunk) => {
      out += chunk;
      const m = /listening on \S+:(\d+)/.exec(out);
      if (m) {
        for (const s of [child.stdout, child.stderr]) s.off("data", onData);
        const running = { child, port: Number(m[1]), shutdownLine: undefined };
        // The rest is drained, keeping only storescp's shutdown report.
        let tail = "";
        child.stderr.on("data", (c) => {
          tail = (tail + c).slice(-4096);
          const line = /storescp: shut down[^\n]*/.exec(tail);
          if (line) running.shutdownLine = line[0];
        });
        child.stdout.resume();
        resolve(running);
      }
    };
    for (const s of [child.stdout, child.stderr]) {
      s.setEncoding("utf8");
      s.on("data", onData);
    }
    child.once("exit", (code) => reject(new Error(`storescp exited (${code}) before listening: ${out}`)));
  });
}

function stopStorescp(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

function vmHwmKb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function sha256(bytes) {
  return createHash("sha256").update(bytes).digest("hex");
}
