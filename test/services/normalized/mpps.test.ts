// Modality Performed Procedure Step (PS3.4 F) on loopback: N-CREATE IN PROGRESS, N-SET to
// COMPLETED, N-GET through the Retrieve SOP class, and the failure statuses of F.7.2.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Dataset } from "../../../src/dataset/dataset.js";
import { sop } from "../../../src/dataset/uids.js";
import { Event, type Handlers } from "../../../src/events.js";
import { nClient, nServer } from "./helpers.js";

/** A small MPPS SCP: instances by UID; the rules of PS3.4 F.7.2.1 and F.7.2.2. */
function mppsHandlers(store: Map<string, Dataset>): Handlers {
  return {
    [Event.N_CREATE]: (e) => {
      const attrs = e.attributeList() ?? new Dataset();
      // PS3.4 F.7.2.1.1: an MPPS is created IN PROGRESS.
      if (attrs.string("PerformedProcedureStepStatus") !== "IN PROGRESS") {
        return {
          status: 0x0106,
          offendingElement: ["PerformedProcedureStepStatus"],
          errorComment: "must be IN PROGRESS",
        };
      }
      const uid = e.sopInstanceUid ?? `1.2.826.0.1.3680043.10.${store.size + 1}`;
      if (store.has(uid)) return 0x0111;
      store.set(uid, attrs);
      return { status: 0x0000, sopInstanceUid: uid };
    },
    [Event.N_SET]: (e) => {
      const current = store.get(e.sopInstanceUid ?? "");
      if (!current) return 0x0112;
      // PS3.4 F.7.2.2.2: once COMPLETED or DISCONTINUED, 0x0110 with Error ID 0xA710.
      const state = current.string("PerformedProcedureStepStatus");
      if (state !== "IN PROGRESS") {
        return { status: 0x0110, errorId: 0xa710, errorComment: "Performed Procedure Step may no longer be updated" };
      }
      const mods = e.modificationList();
      const next = mods.string("PerformedProcedureStepStatus");
      if (next !== undefined && !["IN PROGRESS", "COMPLETED", "DISCONTINUED"].includes(next)) {
        return { status: 0x0106, offendingElement: [0x00400252] };
      }
      for (const tag of mods.tags()) current.setElement(mods.getElement(tag)!);
      return { status: 0x0000, attributeList: mods };
    },
    [Event.N_GET]: (e) => {
      const current = store.get(e.sopInstanceUid ?? "");
      if (!current) return 0x0112;
      const out = new Dataset();
      const wanted = e.attributeIdentifierList.length > 0 ? e.attributeIdentifierList : current.tags();
      for (const tag of wanted) {
        const el = current.getElement(tag);
        if (el) out.setElement(el);
      }
      return { status: 0x0000, attributeList: out };
    },
  };
}

const MPPS = sop.ModalityPerformedProcedureStep;

test("MPPS: N-CREATE IN PROGRESS, N-SET COMPLETED, N-GET; a completed step may no longer be updated", async (t) => {
  const store = new Map<string, Dataset>();
  const server = await nServer(t, [MPPS, sop.ModalityPerformedProcedureStepRetrieve], mppsHandlers(store));
  const assoc = await nClient(t, server.port, [MPPS, sop.ModalityPerformedProcedureStepRetrieve]);

  // No instance UID: the SCP assigns one and the response names it (PS3.7 10.1.5.1.4).
  const created = await assoc.sendNCreate(
    new Dataset({ PerformedProcedureStepStatus: "IN PROGRESS", PerformedProcedureStepID: "PPS1", Modality: "CT" }),
    MPPS,
  );
  assert.equal(created.status, 0x0000);
  const uid = created.sopInstanceUid;
  assert.equal(uid, "1.2.826.0.1.3680043.10.1");
  assert.equal(created.response.affectedSopClassUid, MPPS);
  assert.equal(store.get(uid!)?.string("PerformedProcedureStepID"), "PPS1");

  const set = await assoc.sendNSet(new Dataset({ PerformedProcedureStepStatus: "COMPLETED" }), MPPS, uid!);
  assert.equal(set.status, 0x0000);
  assert.equal(set.response.affectedSopInstanceUid, uid);
  assert.equal(set.attributeList?.string("PerformedProcedureStepStatus"), "COMPLETED");
  assert.equal(store.get(uid!)?.string("PerformedProcedureStepStatus"), "COMPLETED");

  const again = await assoc.sendNSet(new Dataset({ PerformedProcedureStepStatus: "DISCONTINUED" }), MPPS, uid!);
  assert.equal(again.status, 0x0110);
  assert.equal(again.response.errorId, 0xa710);
  assert.equal(again.statusInfo.meaning, "Failed: Performed Procedure Step object may no longer be updated");
  assert.equal(again.attributeList, undefined);

  const got = await assoc.sendNGet(
    ["PerformedProcedureStepStatus", 0x00080060],
    sop.ModalityPerformedProcedureStepRetrieve,
    uid!,
  );
  assert.equal(got.status, 0x0000);
  assert.equal(got.attributeList?.string("PerformedProcedureStepStatus"), "COMPLETED");
  assert.equal(got.attributeList?.string("Modality"), "CT");
  assert.equal(got.attributeList?.has("PerformedProcedureStepID"), false);
  await assoc.release();
});

test("MPPS: invalid attribute value 0x0106, no such SOP instance 0x0112, duplicate 0x0111", async (t) => {
  const store = new Map<string, Dataset>();
  const server = await nServer(t, [MPPS], mppsHandlers(store));
  const assoc = await nClient(t, server.port, [MPPS]);
  const bad = await assoc.sendNCreate(new Dataset({ PerformedProcedureStepStatus: "COMPLETED" }), MPPS, "1.2.3.4");
  assert.equal(bad.status, 0x0106);
  assert.deepEqual(bad.response.offendingElement, [0x00400252]);
  assert.equal(bad.response.errorComment, "must be IN PROGRESS");
  // A failed N-CREATE still echoes the instance the request named.
  assert.equal(bad.response.affectedSopInstanceUid, "1.2.3.4");
  assert.equal(store.size, 0);

  const ok = await assoc.sendNCreate(new Dataset({ PerformedProcedureStepStatus: "IN PROGRESS" }), MPPS, "1.2.3.4");
  assert.equal(ok.status, 0x0000);
  assert.equal(ok.sopInstanceUid, "1.2.3.4");
  assert.equal(
    (await assoc.sendNCreate(new Dataset({ PerformedProcedureStepStatus: "IN PROGRESS" }), MPPS, "1.2.3.4")).status,
    0x0111,
  );
  const missing = await assoc.sendNSet(new Dataset({ PerformedProcedureStepStatus: "COMPLETED" }), MPPS, "9.9.9");
  assert.equal(missing.status, 0x0112);
  assert.equal(missing.statusInfo.meaning, "No such SOP Instance");
  const wrong = await assoc.sendNSet(new Dataset({ PerformedProcedureStepStatus: "DONE" }), MPPS, "1.2.3.4");
  assert.equal(wrong.status, 0x0106);
});

test("MPPS: operations its SOP class does not have are refused with 0x0211 (PS3.4 F.7)", async (t) => {
  let called = 0;
  const server = await nServer(t, [MPPS], {
    [Event.N_DELETE]: () => {
      called++;
      return 0;
    },
    [Event.N_ACTION]: () => {
      called++;
      return 0;
    },
  });
  const assoc = await nClient(t, server.port, [MPPS]);
  assert.equal((await assoc.sendNDelete(MPPS, "1.2.3")).status, 0x0211);
  assert.equal((await assoc.sendNAction(undefined, 1, MPPS, "1.2.3")).status, 0x0211);
  assert.equal(called, 0);
});

test("N- services: no handler, a throwing handler, or a bad answer → 0x0110; the association survives", async (t) => {
  const server = await nServer(t, [MPPS, sop.ModalityPerformedProcedureStepRetrieve], {
    [Event.N_SET]: () => {
      throw new Error("database down");
    },
    [Event.N_GET]: () => "yes" as unknown as number,
  });
  const assoc = await nClient(t, server.port, [MPPS, sop.ModalityPerformedProcedureStepRetrieve]);
  const noHandler = await assoc.sendNCreate(new Dataset({ PerformedProcedureStepStatus: "IN PROGRESS" }), MPPS);
  assert.equal(noHandler.status, 0x0110);
  assert.equal(noHandler.response.errorComment, "no N_CREATE handler");
  // A failed N-CREATE without a UID names no instance.
  assert.equal(noHandler.response.affectedSopInstanceUid, undefined);
  const thrown = await assoc.sendNSet(new Dataset({ Modality: "MR" }), MPPS, "1.2.3");
  assert.equal(thrown.status, 0x0110);
  assert.equal(thrown.response.errorComment, "the N_SET handler failed");
  assert.equal((await assoc.sendNGet([], sop.ModalityPerformedProcedureStepRetrieve, "1.2.3")).status, 0x0110);
  assert.equal(assoc.isEstablished, true);
});

test("N-CREATE: with no UID from the request nor the handler, the SCP generates a 2.25 UID", async (t) => {
  const server = await nServer(t, [MPPS], { [Event.N_CREATE]: () => 0x0000 });
  const assoc = await nClient(t, server.port, [MPPS]);
  const a = await assoc.sendNCreate(undefined, MPPS);
  const b = await assoc.sendNCreate(undefined, MPPS);
  assert.equal(a.status, 0);
  assert.match(a.sopInstanceUid ?? "", /^2\.25\.[1-9][0-9]{0,38}$/);
  assert.notEqual(a.sopInstanceUid, b.sopInstanceUid);
});
