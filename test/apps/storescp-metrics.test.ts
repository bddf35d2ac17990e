// storescp --metrics-port: the built CLI serves GET /metrics in the Prometheus text format, and
// its counts follow what the library's SCU and DCMTK's storescu sent.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { runStorescp } from "../../src/apps/storescp.js";
import { AE, sop, ts } from "../../src/index.js";
import { startCliServer } from "../helpers/cli.js";
import { findTool, runTool } from "../helpers/dcmtk.js";
import { smallImage } from "../helpers/images.js";

const fixture = fileURLToPath(new URL("../../../fixtures/sample-ct.dcm", import.meta.url));

async function startWithMetrics(t: { after(fn: () => unknown): void }) {
  const scp = await startCliServer(t, "storescp", ["--ignore", "-ba", "127.0.0.1", "--metrics-port", "0", "0"]);
  const m = /storescp: metrics on (http:\/\/127\.0\.0\.1:\d+\/metrics)\n/.exec(scp.stderr());
  assert.ok(m, `no metrics line in: ${scp.stderr()}`);
  return { scp, url: m[1] as string };
}

/** The value of one sample line (`name{labels}`) of a scrape, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Scrapes until `series` reaches `want` (the server counts a release just after answering it); bounded tries. */
async function scrapeUntil(url: string, series: string, want: number): Promise<string> {
  let text = "";
  for (let i = 0; i < 200; i++) {
    text = await (await fetch(url)).text();
    if (sample(text, series) === want) return text;
  }
  return text;
}

test("storescp --metrics-port 0: /metrics counts the associations and C-STOREs of the library's SCU", async (t) => {
  const { scp, url } = await startWithMetrics(t);
  const ae = new AE({ aeTitle: "METRICS_SCU" });
  ae.addRequestedContext(sop.Verification);
  ae.addRequestedContext(sop.SecondaryCaptureImageStorage, [ts.ExplicitVRLittleEndian]);
  const assoc = await ae.associate("127.0.0.1", scp.port, { aeTitle: "STORESCP" });
  assert.ok(assoc.isEstablished, assoc.reason);
  await assoc.sendCEcho();
  for (let i = 0; i < 3; i++) {
    const rsp = await assoc.sendCStore(
      smallImage(sop.SecondaryCaptureImageStorage, { patientName: "M^X", pixelByte: (b) => b + i }),
    );
    assert.equal(rsp.status, 0);
  }
  await assoc.release();

  const text = await scrapeUntil(url, 'netdicom_associations_total{mode="acceptor",event="released"}', 1);
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  assert.match(text, /^# HELP netdicom_associations_total /m);
  assert.match(text, /^# TYPE netdicom_operations_total counter$/m);
  assert.equal(sample(text, 'netdicom_associations_total{mode="acceptor",event="accepted"}'), 1);
  assert.equal(sample(text, 'netdicom_associations_active{mode="acceptor"}'), 0);
  assert.equal(sample(text, 'netdicom_operations_total{role="scp",operation="C-STORE",status="success"}'), 3);
  assert.equal(sample(text, 'netdicom_operations_total{role="scp",operation="C-ECHO",status="success"}'), 1);
  assert.equal(sample(text, 'netdicom_operation_duration_seconds_count{role="scp",operation="C-STORE"}'), 3);
  assert.equal(sample(text, 'netdicom_operation_duration_seconds_bucket{role="scp",operation="C-STORE",le="+Inf"}'), 3);
  assert.ok((sample(text, 'netdicom_received_bytes_total{mode="acceptor"}') ?? 0) > 3 * 32);

  assert.equal((await fetch(url.replace("/metrics", "/other"))).status, 404);
  assert.equal((await fetch(url, { method: "POST" })).status, 405);
  const exit = await scp.stop();
  assert.equal(exit.code, 0);
});

test("storescp --metrics-port: DCMTK storescu's instances are counted", async (t) => {
  if (!findTool("storescu")) return t.skip("storescu (DCMTK) not installed");
  const { scp, url } = await startWithMetrics(t);
  const r = await runTool("storescu", ["-aec", "STORESCP", "127.0.0.1", String(scp.port), fixture, fixture]);
  assert.equal(r.code, 0, r.stderr);
  const text = await scrapeUntil(url, 'netdicom_associations_total{mode="acceptor",event="released"}', 1);
  assert.equal(sample(text, 'netdicom_operations_total{role="scp",operation="C-STORE",status="success"}'), 2);
  assert.equal(sample(text, 'netdicom_associations_total{mode="acceptor",event="requested"}'), 1);
  await scp.stop();
});

test("storescp: a bad --metrics-port is a usage error", async () => {
  const err: string[] = [];
  const code = await runStorescp(["--metrics-port", "99999", "0"], { stdout: () => {}, stderr: (s) => err.push(s) });
  assert.equal(code, 2);
  assert.match(err.join(""), /--metrics-port: port must be a whole number/);
});
