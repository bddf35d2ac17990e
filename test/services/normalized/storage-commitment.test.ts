// Storage Commitment Push Model (PS3.4 J) on loopback: the N-ACTION request, and its result as
// an N-EVENT-REPORT from the SCP, on the same association and on a new one the SCP opens
// towards the SCU with SCP/SCU role selection (PS3.4 J.3.3).
import assert from "node:assert/strict";
import { test } from "node:test";
import { AE } from "../../../src/ae.js";
import { Dataset } from "../../../src/dataset/dataset.js";
import { sop, wellKnown } from "../../../src/dataset/uids.js";
import { Event, type EventOf } from "../../../src/events.js";
import {
  readStorageCommitment,
  STORAGE_COMMITMENT_REQUEST,
  storageCommitmentRequest,
  storageCommitmentResult,
} from "../../../src/services/normalized/index.js";
import { sendStorageCommitmentResult } from "../../../src/storage-commitment.js";
import { nClient, nServer } from "./helpers.js";

const SC = sop.StorageCommitmentPushModel;
// PS3.4 J.3.5: requests and results name the well-known instance.
const SC_INSTANCE = wellKnown.StorageCommitmentPushModelInstance;

function commitRequest(transactionUid: string, instances: [string, string][]): Dataset {
  return new Dataset({
    TransactionUID: transactionUid,
    ReferencedSOPSequence: instances.map(([c, i]) => ({ ReferencedSOPClassUID: c, ReferencedSOPInstanceUID: i })),
  });
}

/** PS3.4 J.3.3.1: event type 1 (all committed) or 2 (some failed, with Failed SOP Sequence and reasons). */
function commitResult(info: Dataset, held: Set<string>): { eventTypeId: number; result: Dataset } {
  const ok: Dataset[] = [];
  const failed: Dataset[] = [];
  for (const item of info.sequence("ReferencedSOPSequence")) {
    const uid = item.string("ReferencedSOPInstanceUID") ?? "";
    if (held.has(uid)) ok.push(item);
    else {
      const f = new Dataset({
        ReferencedSOPClassUID: item.string("ReferencedSOPClassUID"),
        ReferencedSOPInstanceUID: uid,
        FailureReason: 0x0112, // PS3.4 J.3.3.1.1: no such object instance
      });
      failed.push(f);
    }
  }
  const result = new Dataset({ TransactionUID: info.string("TransactionUID") });
  if (ok.length > 0) result.set("ReferencedSOPSequence", ok);
  if (failed.length > 0) result.set("FailedSOPSequence", failed);
  return { eventTypeId: failed.length > 0 ? 2 : 1, result };
}

test("Storage Commitment: N-ACTION, then the N-EVENT-REPORT back on the same association (type 1 and type 2)", async (t) => {
  const held = new Set(["1.2.3.1", "1.2.3.2"]);
  const server = await nServer(t, [SC], {
    [Event.N_ACTION]: (e) => {
      if (e.actionTypeId !== 1) return 0x0123; // PS3.4 J.3.2.1.1: only action type 1
      const info = e.actionInformation();
      if (!info?.string("TransactionUID")) return { status: 0x0120, offendingElement: ["TransactionUID"] };
      const { eventTypeId, result } = commitResult(info, held);
      // The result goes after the N-ACTION-RSP: the acceptor becomes the requestor of an N-EVENT-REPORT.
      setImmediate(() => {
        e.assoc.sendNEventReport(result, eventTypeId, SC, SC_INSTANCE).catch(() => {});
      });
      return 0x0000;
    },
  });
  const reports: EventOf<"N_EVENT_REPORT">[] = [];
  let arrived: (() => void) | undefined;
  const assoc = await nClient(t, server.port, [SC], {
    handlers: {
      [Event.N_EVENT_REPORT]: (e) => {
        reports.push(e);
        arrived?.();
        return { status: 0x0000 };
      },
    },
  });
  const next = () => new Promise<void>((resolve) => (arrived = resolve));

  let wait = next();
  const rsp = await assoc.sendNAction(commitRequest("1.2.9.1", [[sop.CTImageStorage, "1.2.3.1"]]), 1, SC, SC_INSTANCE);
  assert.equal(rsp.status, 0x0000);
  assert.equal(rsp.response.actionTypeId, 1);
  await wait;
  assert.equal(reports[0]?.eventTypeId, 1);
  assert.equal(reports[0]?.sopClassUid, SC);
  assert.equal(reports[0]?.sopInstanceUid, SC_INSTANCE);
  assert.equal(reports[0]?.eventInformation()?.string("TransactionUID"), "1.2.9.1");
  assert.equal(reports[0]?.eventInformation()?.sequence("ReferencedSOPSequence").length, 1);

  wait = next();
  const partial = commitRequest("1.2.9.2", [
    [sop.CTImageStorage, "1.2.3.2"],
    [sop.CTImageStorage, "1.2.3.404"],
  ]);
  assert.equal((await assoc.sendNAction(partial, 1, SC, SC_INSTANCE)).status, 0x0000);
  await wait;
  const second = reports[1]?.eventInformation();
  assert.equal(reports[1]?.eventTypeId, 2);
  assert.equal(second?.string("TransactionUID"), "1.2.9.2");
  assert.equal(second?.sequence("FailedSOPSequence")[0]?.string("ReferencedSOPInstanceUID"), "1.2.3.404");
  assert.equal(second?.sequence("FailedSOPSequence")[0]?.number("FailureReason"), 0x0112);

  // Missing Transaction UID: 0x0120 Missing attribute; a wrong action type 0x0123.
  const missing = await assoc.sendNAction(new Dataset({ ReferencedSOPSequence: [] }), 1, SC, SC_INSTANCE);
  assert.equal(missing.status, 0x0120);
  assert.deepEqual(missing.response.offendingElement, [0x00081195]);
  assert.equal((await assoc.sendNAction(undefined, 9, SC, SC_INSTANCE)).status, 0x0123);
  assert.equal(reports.length, 2);
  await assoc.release();
});

test("Storage Commitment: the SCP sends the result on a new association, as requestor in the SCP role", async (t) => {
  // The SCU's AE listens for the result: it accepts Storage Commitment with the requestor as SCP.
  let resolveReport: ((e: EventOf<"N_EVENT_REPORT">) => void) | undefined;
  const reported = new Promise<EventOf<"N_EVENT_REPORT">>((resolve) => (resolveReport = resolve));
  const scuAe = new AE({ aeTitle: "COMMIT_SCU" });
  // PS3.7 D.3.3.4: answer the proposal (SCU role 0, SCP role 1) with the same roles.
  scuAe.addSupportedContext(SC, undefined, false, true);
  const listener = await scuAe.startServer({
    host: "127.0.0.1",
    handlers: {
      [Event.N_EVENT_REPORT]: (e) => {
        resolveReport?.(e);
        return 0x0000;
      },
    },
  });
  t.after(() => listener.shutdown({ deadlineMs: 1000 }));

  const scpAe = new AE({ aeTitle: "COMMIT_SCP" });
  let sent: Promise<number> | undefined;
  const server = await nServer(t, [SC], {
    [Event.N_ACTION]: (e) => {
      const request = readStorageCommitment(e.actionInformation() ?? new Dataset());
      const held = request.committed.filter((r) => r.sopInstanceUid === "1.2.3.1");
      const missing = request.committed
        .filter((r) => r.sopInstanceUid !== "1.2.3.1")
        .map((r) => ({ ...r, failureReason: 0x0112 }));
      const { eventTypeId, eventInformation } = storageCommitmentResult(request.transactionUid ?? "", held, missing);
      // After the answer, and independent of the requesting association (PS3.4 J.3.3).
      sent = sendStorageCommitmentResult(scpAe, "127.0.0.1", listener.port, {
        aeTitle: e.assoc.requestor.aeTitle,
        eventTypeId,
        eventInformation,
      }).then((r) => r.status);
      return 0x0000;
    },
  });
  const assoc = await nClient(t, server.port, [SC]);
  const request = storageCommitmentRequest("1.2.9.3", [
    { sopClassUid: sop.CTImageStorage, sopInstanceUid: "1.2.3.1" },
    { sopClassUid: sop.CTImageStorage, sopInstanceUid: "1.2.3.9" },
  ]);
  const rsp = await assoc.sendNAction(request, STORAGE_COMMITMENT_REQUEST, SC, SC_INSTANCE);
  assert.equal(rsp.status, 0x0000);
  await assoc.release();
  const report = await reported;
  assert.equal(await sent, 0x0000);
  assert.equal(report.eventTypeId, 2);
  const result = readStorageCommitment(report.eventInformation() ?? new Dataset());
  assert.equal(result.transactionUid, "1.2.9.3");
  assert.deepEqual(result.committed, [{ sopClassUid: sop.CTImageStorage, sopInstanceUid: "1.2.3.1" }]);
  assert.deepEqual(result.failed, [
    { sopClassUid: sop.CTImageStorage, sopInstanceUid: "1.2.3.9", failureReason: 0x0112 },
  ]);
  assert.equal(report.assoc.requestor.aeTitle, "COMMIT_SCP");
  // The negotiated roles: the acceptor of the new association is the SCU only.
  assert.equal(report.context.asScu, true);
  assert.equal(report.context.asScp, false);
  assert.equal(report.sopInstanceUid, SC_INSTANCE);
});

test("sendStorageCommitmentResult rejects when the SCU does not grant the SCP role", async (t) => {
  const scuAe = new AE({ aeTitle: "COMMIT_SCU" });
  // No role selection answer: the default roles hold and the requestor may not act as SCP.
  scuAe.addSupportedContext(SC);
  const listener = await scuAe.startServer({ host: "127.0.0.1" });
  t.after(() => listener.shutdown({ deadlineMs: 1000 }));
  const { eventTypeId, eventInformation } = storageCommitmentResult("1.2.9.4", []);
  await assert.rejects(
    sendStorageCommitmentResult(new AE({ aeTitle: "COMMIT_SCP" }), "127.0.0.1", listener.port, {
      aeTitle: "COMMIT_SCU",
      eventTypeId,
      eventInformation,
    }),
    { name: "NoPresentationContextError" },
  );
});

test("N-EVENT-REPORT: the acceptor may send it only in the SCP role; a requestor without a handler answers 0x0110", async (t) => {
  let resolveStatus: ((status: number) => void) | undefined;
  const reportStatus = new Promise<number>((resolve) => (resolveStatus = resolve));
  const server = await nServer(t, [SC], {
    [Event.N_ACTION]: (e) => {
      setImmediate(() => {
        e.assoc.sendNEventReport(undefined, 1, SC, SC_INSTANCE).then(
          (r) => resolveStatus?.(r.status),
          () => resolveStatus?.(-1),
        );
      });
      return 0;
    },
  });
  const assoc = await nClient(t, server.port, [SC]);
  // The requestor is SCU of Storage Commitment: it has no context to send a report on.
  await assert.rejects(assoc.sendNEventReport(undefined, 1, SC, SC_INSTANCE), { name: "NoPresentationContextError" });
  assert.equal((await assoc.sendNAction(undefined, 1, SC, SC_INSTANCE)).status, 0);
  assert.equal(await reportStatus, 0x0110);
});

test("release() right after an N-EVENT-REPORT arrives still answers it first", async (t) => {
  let resolveStatus: ((status: number) => void) | undefined;
  const reportStatus = new Promise<number>((resolve) => (resolveStatus = resolve));
  const server = await nServer(t, [SC], {
    [Event.N_ACTION]: (e) => {
      setImmediate(() => {
        e.assoc.sendNEventReport(undefined, 1, SC, SC_INSTANCE).then(
          (r) => resolveStatus?.(r.status),
          () => resolveStatus?.(-1),
        );
      });
      return 0;
    },
  });
  let resolveArrived: (() => void) | undefined;
  const arrived = new Promise<void>((resolve) => (resolveArrived = resolve));
  const assoc = await nClient(t, server.port, [SC], {
    handlers: {
      [Event.N_EVENT_REPORT]: async () => {
        resolveArrived?.();
        // The answer is still being decided when the release starts.
        await new Promise((resolve) => setImmediate(resolve));
        return 0x0000;
      },
    },
  });
  assert.equal((await assoc.sendNAction(undefined, 1, SC, SC_INSTANCE)).status, 0);
  await arrived;
  await assoc.release();
  assert.equal(assoc.isReleased, true);
  assert.equal(await reportStatus, 0x0000);
});

test("storage commitment data sets: request and result round-trip (PS3.4 J.3.2.1.1, J.3.3.1)", () => {
  const refs = [{ sopClassUid: sop.CTImageStorage, sopInstanceUid: "1.2.3.1" }];
  const request = readStorageCommitment(storageCommitmentRequest("1.2.9", refs));
  assert.deepEqual(request, { transactionUid: "1.2.9", committed: refs, failed: [] });
  const ok = storageCommitmentResult("1.2.9", refs);
  assert.equal(ok.eventTypeId, 1);
  assert.equal(ok.eventInformation.has("FailedSOPSequence"), false);
  const bad = storageCommitmentResult("1.2.9", [], [{ ...refs[0]!, failureReason: 0x0110 }]);
  assert.equal(bad.eventTypeId, 2);
  assert.equal(bad.eventInformation.has("ReferencedSOPSequence"), false);
  assert.deepEqual(readStorageCommitment(bad.eventInformation).failed, [{ ...refs[0]!, failureReason: 0x0110 }]);
});
