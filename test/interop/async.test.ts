// The asynchronous operations window against DCMTK, which has no asynchronous mode: our proposal
// must not break an association with DCMTK's storescp (it answers without the item, so the
// window falls back to (1, 1) and nothing is pipelined), and DCMTK's storescu (no item) gets a
// synchronous association from an SCP that would accept more. Skipped, visibly, without DCMTK.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { writeCorpusFile } from "../../bench/corpus.js";
import { AE } from "../../src/ae.js";
import type { Association } from "../../src/association.js";
import { sop } from "../../src/dataset/uids.js";
import { Event } from "../../src/events.js";
import { findTool, runTool } from "../helpers/dcmtk.js";
import { freePort, waitForListener } from "../helpers/net.js";
import { tempDir } from "../services/storage/helpers.js";

const CT = sop.CTImageStorage;

async function files(dir: string, count: number): Promise<string[]> {
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const path = join(dir, `ct${i}.dcm`);
    await writeCorpusFile(path, { rows: 16, cols: 16 }, 40 + i);
    paths.push(path);
  }
  return paths;
}

test("our SCU proposing a window of 8 → DCMTK storescp: established, window (1,1), every file stored", async (t) => {
  if (!findTool("storescp")) return t.skip("dcmtk not installed");
  const src = await tempDir(t);
  const out = await tempDir(t);
  const port = await freePort();
  const child = spawn("storescp", ["-aet", "DCMTK_SCP", "-od", out, String(port)], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  t.after(async () => {
    child.kill();
    await exited;
  });
  await waitForListener(port);
  const ae = new AE({ aeTitle: "NETDICOM_SCU", maxAsyncOperations: { invoked: 8, performed: 1 } });
  ae.addRequestedContext(CT);
  const assoc = await ae.associate("127.0.0.1", port, { aeTitle: "DCMTK_SCP" });
  t.after(() => assoc.abort());
  assert.equal(assoc.isEstablished, true, assoc.reason);
  assert.deepEqual(assoc.requestor.asynchronousOperations, [8, 1]);
  assert.deepEqual(assoc.asyncOperationsWindow, { invoked: 1, performed: 1 });
  const paths = await files(src, 5);
  const results = await Promise.all(paths.map((p) => assoc.sendCStore(p)));
  assert.deepEqual(
    results.map((r) => r.status),
    [0, 0, 0, 0, 0],
  );
  await assoc.release();
  assert.equal((await readdir(out)).length, 5);
});

test("DCMTK storescu → our SCP accepting a window of 8: no item proposed, served one at a time", async (t) => {
  if (!findTool("storescu")) return t.skip("dcmtk not installed");
  const src = await tempDir(t);
  const ae = new AE({ aeTitle: "NETDICOM_SCP", maxAsyncOperations: { invoked: 8, performed: 8 }, storageFsync: false });
  ae.addSupportedContext(CT);
  const seen: Association[] = [];
  let stored = 0;
  const server = await ae.startServer({
    host: "127.0.0.1",
    handlers: {
      [Event.ESTABLISHED]: (e) => void seen.push(e.assoc),
      [Event.C_STORE]: () => {
        stored++;
        return 0;
      },
    },
  });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  const paths = await files(src, 3);
  const r = await runTool("storescu", ["-aec", "NETDICOM_SCP", "127.0.0.1", String(server.port), ...paths]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(stored, 3);
  assert.equal(seen.length, 1);
  assert.deepEqual(seen[0]?.asyncOperationsWindow, { invoked: 1, performed: 1 });
});
