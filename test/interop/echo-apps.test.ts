// The echo apps against DCMTK: DCMTK's echoscu against `netdicom echoscp`, and `netdicom echoscu`
// against DCMTK's storescp (which answers C-ECHO). Skipped, visibly, without DCMTK.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { cliPath, type RunningServer, repoRoot, startCliServer } from "../helpers/cli.js";
import { findTool, runTool } from "../helpers/dcmtk.js";
import { freePort, waitForListener } from "../helpers/net.js";

const netdicom = (...args: string[]) => runTool(process.execPath, [cliPath, ...args], { cwd: repoRoot });

/** Starts `netdicom echoscp -v … 0` on 127.0.0.1; resolves once it printed its port. */
function startEchoscp(t: { after(fn: () => unknown): void }, ...args: string[]): Promise<RunningServer> {
  return startCliServer(t, "echoscp", ["-v", "-ba", "127.0.0.1", ...args, "0"]);
}

test("DCMTK echoscu against netdicom echoscp: success, --repeat 3, -pts 3", async (t) => {
  if (!findTool("echoscu")) return t.skip("dcmtk not installed");
  const scp = await startEchoscp(t);
  const port = String(scp.port);
  const r = await runTool("echoscu", ["-v", "-aec", "ECHOSCP", "127.0.0.1", port]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /Received Echo Response \(Success\)/);
  const repeated = await runTool("echoscu", ["--repeat", "3", "127.0.0.1", port]);
  assert.equal(repeated.code, 0, repeated.stdout + repeated.stderr);
  // DCMTK's echoscu proposes one context per transfer syntax with -pts; all must work
  const pts = await runTool("echoscu", ["-v", "-pts", "3", "127.0.0.1", port]);
  assert.equal(pts.code, 0, pts.stdout + pts.stderr);
  assert.equal((await scp.stop()).code, 0);
  const log = scp.stderr();
  // three associations; DCMTK's --repeat 3 sends its three echoes on one of them
  assert.equal(log.match(/^I: Accepting Association$/gm)?.length, 3, log);
  assert.equal(log.match(/^I: Received Echo Request/gm)?.length, 5, log);
  assert.equal(log.match(/^I: Received Echo Request \(MsgID 3\)$/gm)?.length, 1, log);
  assert.equal(log.match(/^I: Association Released$/gm)?.length, 3, log);
});

test("DCMTK echoscu --abort against netdicom echoscp: echoscp sees the abort and keeps serving", async (t) => {
  if (!findTool("echoscu")) return t.skip("dcmtk not installed");
  const scp = await startEchoscp(t);
  const aborted = await runTool("echoscu", ["--abort", "127.0.0.1", String(scp.port)]);
  assert.equal(aborted.code, 0, aborted.stdout + aborted.stderr);
  const after = await runTool("echoscu", ["127.0.0.1", String(scp.port)]);
  assert.equal(after.code, 0, after.stdout + after.stderr);
  assert.equal((await scp.stop()).code, 0);
  assert.match(scp.stderr(), /^I: Association Aborted/m);
});

test("netdicom echoscu against DCMTK storescp: repeat, each -x flag, --abort: exit 0", async (t) => {
  if (!findTool("storescp")) return t.skip("dcmtk not installed");
  const port = await freePort();
  const child = spawn("storescp", ["-aet", "DCMTK_SCP", String(port)], { stdio: "ignore" });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  t.after(async () => {
    child.kill();
    await exited;
  });
  await waitForListener(port);
  const r = await netdicom("echoscu", "-v", "-aec", "DCMTK_SCP", "--repeat", "2", "127.0.0.1", String(port));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr.match(/^I: Received Echo Response \(Status: Success\)$/gm)?.length, 2, r.stderr);
  for (const flag of ["-xe", "-xi", "-xb"]) {
    const one = await netdicom("echoscu", flag, "127.0.0.1", String(port));
    assert.equal(one.code, 0, `${flag}: ${one.stderr}`);
  }
  const aborted = await netdicom("echoscu", "--abort", "127.0.0.1", String(port));
  assert.equal(aborted.code, 0, aborted.stderr);
});
