// `netdicom storescp` on SIGTERM: a graceful shutdown that releases the association in progress
// and prints its report at the default verbosity; instances go through --storage-directory.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { writeCorpusFile } from "../../bench/corpus.js";
import { AE } from "../../src/ae.js";
import { sop, ts } from "../../src/dataset/uids.js";
import { tempDir } from "../services/storage/helpers.js";

// The compiled test lives at build/test/robustness/, three levels below the repo root.
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const cli = join(root, "build/netdicom.cjs");

test("storescp: SIGTERM releases the open association and prints the shutdown report", async (t) => {
  const out = await tempDir(t);
  const temp = await tempDir(t);
  const src = await tempDir(t);
  const file = join(src, "ct.dcm");
  await writeCorpusFile(file, { rows: 32, cols: 32, syntax: "implicit-le" }, 1);
  const child = spawn(process.execPath, [cli, "storescp", "-od", out, "--storage-directory", temp, "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  t.after(() => child.kill("SIGKILL"));
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stdout.resume();
  const port = await new Promise<number>((resolvePort, reject) => {
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
      const m = /listening on \S+:(\d+)/.exec(stderr);
      if (m) resolvePort(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`storescp exited (${code}): ${stderr}`)));
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));

  const ae = new AE({ aeTitle: "SIGTERM_SCU" });
  ae.addRequestedContext(sop.CTImageStorage, ts.ImplicitVRLittleEndian);
  const assoc = await ae.associate("127.0.0.1", port, { aeTitle: "STORESCP" });
  t.after(() => assoc.abort());
  assert.equal(assoc.isEstablished, true, assoc.reason);
  const r = await assoc.sendCStore(file);
  assert.equal(r.status, 0x0000);

  child.kill("SIGTERM");
  await assoc.closed;
  assert.equal(assoc.isReleased, true, "the server released the idle association");
  assert.equal(await exited, 0);
  assert.match(
    stderr,
    /storescp: shut down in \d+ ms: associations released 1, aborted 0; requests completed 0, failed 0, aborted in flight 0/,
  );
  assert.equal((await readdir(out)).length, 1);
  assert.deepEqual(await readdir(temp), [], "nothing left in the storage directory");
});
