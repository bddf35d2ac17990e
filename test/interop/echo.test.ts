// C-ECHO against DCMTK: its echoscu against our SCP, our SCU against its storescp, and a
// rejection by called AE title as echoscu reports it. Skipped, visibly, without DCMTK.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { AE } from "../../src/ae.js";
import { sop } from "../../src/dataset/uids.js";
import { Event } from "../../src/events.js";
import { findTool, runTool } from "../helpers/dcmtk.js";
import { freePort, waitForListener } from "../helpers/net.js";

test("DCMTK echoscu against a library SCP succeeds", async (t) => {
  if (!findTool("echoscu")) return t.skip("dcmtk not installed");
  const ae = new AE({ aeTitle: "NETDICOM_SCP" });
  ae.addSupportedContext(sop.Verification);
  let echoes = 0;
  const server = await ae.startServer({ host: "127.0.0.1", handlers: { [Event.C_ECHO]: () => void echoes++ } });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  const r = await runTool("echoscu", ["-v", "-aec", "NETDICOM_SCP", "127.0.0.1", String(server.port)]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /Received Echo Response \(Success\)/);
  assert.equal(echoes, 1);
});

test("DCMTK echoscu with a wrong called AE title is rejected", async (t) => {
  if (!findTool("echoscu")) return t.skip("dcmtk not installed");
  const ae = new AE({ aeTitle: "NETDICOM_SCP", requireCalledAet: true });
  ae.addSupportedContext(sop.Verification);
  const server = await ae.startServer({ host: "127.0.0.1" });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  const r = await runTool("echoscu", ["-aec", "SOMEONE_ELSE", "127.0.0.1", String(server.port)]);
  assert.notEqual(r.code, 0);
  const out = r.stdout + r.stderr;
  assert.match(out, /Association Rejected/i);
  assert.match(out, /Called AE Title Not Recognized/i);
});

test("our C-ECHO against DCMTK storescp succeeds", async (t) => {
  if (!findTool("storescp")) return t.skip("dcmtk not installed");
  const port = await freePort();
  const child = spawn("storescp", ["-aet", "DCMTK_SCP", String(port)], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  t.after(async () => {
    child.kill();
    await exited;
  });
  await waitForListener(port);
  const ae = new AE({ aeTitle: "NETDICOM_SCU" });
  ae.addRequestedContext(sop.Verification);
  const assoc = await ae.associate("127.0.0.1", port, { aeTitle: "DCMTK_SCP" });
  t.after(() => assoc.abort());
  assert.equal(assoc.isEstablished, true, assoc.reason);
  const rsp = await assoc.sendCEcho();
  assert.equal(rsp.status, 0x0000);
  await assoc.release();
  assert.equal(assoc.isReleased, true);
});
