// collectMetrics and per-association statistics over loopback: associations by outcome and the
// active gauge, operations by type and status, durations, bytes; both sides agree on bytes.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  AE,
  type Association,
  collectMetrics,
  collectStatistics,
  Dataset,
  Event,
  getStatistics,
  type PrometheusRegistry,
  sop,
  ts,
} from "../src/index.js";

function image(i: number): Dataset {
  const ds = new Dataset({
    SOPClassUID: sop.SecondaryCaptureImageStorage,
    SOPInstanceUID: `2.25.${process.pid}${i}`,
    Rows: 2,
    Columns: 2,
    SamplesPerPixel: 1,
    BitsAllocated: 8,
    BitsStored: 8,
    HighBit: 7,
    PixelRepresentation: 0,
    PhotometricInterpretation: "MONOCHROME2",
  });
  ds.set("PixelData", new Uint8Array([1, 2, 3, 4]), "OB");
  return ds;
}

test("collectMetrics counts associations, operations by status, durations and bytes on both sides", async (t) => {
  const scp = new AE({ aeTitle: "METRICS_SCP", requireCalledAet: true });
  scp.addSupportedContext(sop.Verification);
  scp.addSupportedContext(sop.SecondaryCaptureImageStorage, [ts.ExplicitVRLittleEndian]);
  const server = await scp.startServer({
    host: "127.0.0.1",
    handlers: {
      // the third instance is refused: a failure status counts as a failure, not an error
      [Event.C_STORE]: (e) => (e.sopInstanceUid.endsWith("3") ? 0xa700 : 0x0000),
    },
  });
  t.after(() => server.shutdown({ deadlineMs: 2000 }));
  const scpMetrics = collectMetrics<PrometheusRegistry>(scp);
  const scu = new AE({ aeTitle: "METRICS_SCU" });
  scu.addRequestedContext(sop.Verification);
  scu.addRequestedContext(sop.SecondaryCaptureImageStorage, [ts.ExplicitVRLittleEndian]);
  const scuMetrics = collectMetrics<PrometheusRegistry>(scu);
  const serverSide: Association[] = [];
  scp.onAssociation((a) => serverSide.push(a));

  const assoc = await scu.associate("127.0.0.1", server.port, { aeTitle: "METRICS_SCP" });
  assert.ok(assoc.isEstablished);
  assert.equal(scuMetrics.registry.value("netdicom_associations_active", { mode: "requestor" }), 1);
  await assoc.sendCEcho();
  await assoc.sendCEcho();
  for (let i = 1; i <= 3; i++) await assoc.sendCStore(image(i));
  await assoc.release();
  // a rejected one (wrong called AE title) and an aborted one
  const rejected = await scu.associate("127.0.0.1", server.port, { aeTitle: "SOMEONE_ELSE" });
  assert.ok(rejected.isRejected);
  await rejected.closed;
  const aborted = await scu.associate("127.0.0.1", server.port, { aeTitle: "METRICS_SCP" });
  await aborted.abort();
  await aborted.closed;
  // the server's side of each association has closed too
  await Promise.all(serverSide.map((a) => a.closed));

  const c = scuMetrics.registry;
  const s = scpMetrics.registry;
  for (const [r, mode] of [
    [c, "requestor"],
    [s, "acceptor"],
  ] as const) {
    assert.equal(r.value("netdicom_associations_total", { mode, event: "requested" }), 3, `${mode} requested`);
    assert.equal(r.value("netdicom_associations_total", { mode, event: "accepted" }), 2, `${mode} accepted`);
    assert.equal(r.value("netdicom_associations_total", { mode, event: "rejected" }), 1, `${mode} rejected`);
    assert.equal(r.value("netdicom_associations_total", { mode, event: "released" }), 1, `${mode} released`);
    assert.equal(r.value("netdicom_associations_total", { mode, event: "aborted" }), 1, `${mode} aborted`);
    assert.equal(r.value("netdicom_associations_active", { mode }), 0, `${mode} active`);
  }
  for (const [r, role] of [
    [c, "scu"],
    [s, "scp"],
  ] as const) {
    assert.equal(r.value("netdicom_operations_total", { role, operation: "C-ECHO", status: "success" }), 2);
    assert.equal(r.value("netdicom_operations_total", { role, operation: "C-STORE", status: "success" }), 2);
    assert.equal(r.value("netdicom_operations_total", { role, operation: "C-STORE", status: "failure" }), 1);
    const d = r.histogramValue("netdicom_operation_duration_seconds", { role, operation: "C-STORE" });
    assert.equal(d?.count, 3);
    assert.ok((d?.sum ?? -1) >= 0);
  }
  // What one side sent, the other received.
  const sent = c.value("netdicom_sent_bytes_total", { mode: "requestor" }) ?? 0;
  assert.ok(sent > 0);
  assert.equal(s.value("netdicom_received_bytes_total", { mode: "acceptor" }), sent);
  assert.equal(
    c.value("netdicom_received_bytes_total", { mode: "requestor" }),
    s.value("netdicom_sent_bytes_total", { mode: "acceptor" }),
  );
  const text = c.metrics();
  assert.match(text, /# TYPE netdicom_operation_duration_seconds histogram/);
  assert.match(text, /netdicom_operation_duration_seconds_bucket\{role="scu",operation="C-STORE",le="\+Inf"\} 3/);
  scpMetrics.stop();
  scuMetrics.stop();
});

test("getStatistics: bytes, PDUs and DIMSE messages each way, the same seen from both ends", async (t) => {
  const scp = new AE({ aeTitle: "STATS_SCP" });
  scp.addSupportedContext(sop.Verification);
  const server = await scp.startServer({ host: "127.0.0.1" });
  t.after(() => server.shutdown({ deadlineMs: 2000 }));
  const accepted: Association[] = [];
  scp.onAssociation((a) => accepted.push(a));
  collectStatistics(scp);
  const scu = new AE({ aeTitle: "STATS_SCU" });
  scu.addRequestedContext(sop.Verification);
  const stop = collectStatistics(scu);
  const assoc = await scu.associate("127.0.0.1", server.port);
  for (let i = 0; i < 3; i++) await assoc.sendCEcho();
  await assoc.release();
  stop();
  const mine = getStatistics(assoc);
  const theirs = getStatistics(accepted[0]!);
  assert.ok(mine && theirs);
  // RQ, 3 x P-DATA (C-ECHO-RQ), RELEASE-RQ; AC, 3 x P-DATA (C-ECHO-RSP), RELEASE-RP
  assert.equal(mine.pdusSent, 5);
  assert.equal(mine.pdusReceived, 5);
  assert.equal(mine.dimseSent, 3);
  assert.equal(mine.dimseReceived, 3);
  assert.equal(theirs.pdusReceived, mine.pdusSent);
  assert.equal(theirs.bytesReceived, mine.bytesSent);
  assert.equal(theirs.bytesSent, mine.bytesReceived);
  assert.ok(mine.endedAt instanceof Date);
  assert.ok(mine.durationMs >= 0);
  // A release of 10 bytes and an A-ASSOCIATE-RQ of at least 68: the count includes every PDU header.
  assert.ok(mine.bytesSent > 68 + 10 + 3 * 12);
  // Nothing tracks an association created before collecting.
  const late = new AE({ aeTitle: "LATE" });
  late.addRequestedContext(sop.Verification);
  const untracked = await late.associate("127.0.0.1", server.port);
  assert.equal(getStatistics(untracked), undefined);
  await untracked.release();
});

test("collectMetrics(server) counts the server's associations; collectMetrics(assoc) counts one from the call", async (t) => {
  const scp = new AE({ aeTitle: "SRV" });
  scp.addSupportedContext(sop.Verification);
  const server = await scp.startServer({ host: "127.0.0.1" });
  t.after(() => server.shutdown({ deadlineMs: 2000 }));
  const bySrv = collectMetrics<PrometheusRegistry>(server);
  const scu = new AE({ aeTitle: "CLIENT" });
  scu.addRequestedContext(sop.Verification);
  const assoc = await scu.associate("127.0.0.1", server.port);
  // Observed once established: counted as active from now, its echo counted.
  const one = collectMetrics<PrometheusRegistry>(assoc);
  assert.equal(one.registry.value("netdicom_associations_active", { mode: "requestor" }), 1);
  await assoc.sendCEcho();
  const serverAssoc = server.activeAssociations[0];
  await assoc.release();
  await serverAssoc?.closed;
  assert.equal(
    one.registry.value("netdicom_operations_total", { role: "scu", operation: "C-ECHO", status: "success" }),
    1,
  );
  assert.equal(one.registry.value("netdicom_associations_total", { mode: "requestor", event: "released" }), 1);
  assert.equal(one.registry.value("netdicom_associations_active", { mode: "requestor" }), 0);
  assert.equal(bySrv.registry.value("netdicom_associations_total", { mode: "acceptor", event: "requested" }), 1);
  assert.equal(
    bySrv.registry.value("netdicom_operations_total", { role: "scp", operation: "C-ECHO", status: "success" }),
    1,
  );
  // stop(): associations accepted afterwards are not counted.
  bySrv.stop();
  const again = await scu.associate("127.0.0.1", server.port);
  await again.release();
  assert.equal(bySrv.registry.value("netdicom_associations_total", { mode: "acceptor", event: "requested" }), 1);
});

test("an operation cut by an abort counts with status aborted", async (t) => {
  const scp = new AE({ aeTitle: "SLOW" });
  scp.addSupportedContext(sop.Verification);
  let entered!: () => void;
  const handlerEntered = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const server = await scp.startServer({
    host: "127.0.0.1",
    handlers: {
      // never answers: the SCU aborts while it waits
      [Event.C_ECHO]: () => {
        entered();
        return new Promise<number>(() => {});
      },
    },
  });
  t.after(() => server.shutdown({ deadlineMs: 500 }));
  const scu = new AE({ aeTitle: "IMPATIENT" });
  scu.addRequestedContext(sop.Verification);
  const { registry } = collectMetrics<PrometheusRegistry>(scu);
  const assoc = await scu.associate("127.0.0.1", server.port);
  const echo = assoc.sendCEcho();
  echo.catch(() => {});
  await handlerEntered;
  await assoc.abort();
  await assert.rejects(echo);
  assert.equal(registry.value("netdicom_operations_total", { role: "scu", operation: "C-ECHO", status: "aborted" }), 1);
  assert.equal(registry.value("netdicom_associations_total", { mode: "requestor", event: "aborted" }), 1);
});

test("collecting an AE and its server into one registry counts each association once", async (t) => {
  const scp = new AE({ aeTitle: "TWICE" });
  scp.addSupportedContext(sop.Verification);
  const server = await scp.startServer({ host: "127.0.0.1" });
  t.after(() => server.shutdown({ deadlineMs: 2000 }));
  const { registry } = collectMetrics<PrometheusRegistry>(scp);
  collectMetrics(server, { registry });
  const scu = new AE({ aeTitle: "ONCE" });
  scu.addRequestedContext(sop.Verification);
  const assoc = await scu.associate("127.0.0.1", server.port);
  const serverAssoc = server.activeAssociations[0];
  await assoc.sendCEcho();
  await assoc.release();
  await serverAssoc?.closed;
  assert.equal(registry.value("netdicom_associations_total", { mode: "acceptor", event: "requested" }), 1);
  assert.equal(registry.value("netdicom_operations_total", { role: "scp", operation: "C-ECHO", status: "success" }), 1);
});
