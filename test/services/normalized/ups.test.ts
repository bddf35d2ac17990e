// Unified Procedure Step (PS3.4 CC) on loopback: N-CREATE (Push), N-ACTION Change State with the
// Transaction UID (Pull), N-GET, a subscription (Watch) and the state reports it brings (Event),
// with the UPS failure statuses of CC.2, and C-FIND queries of the worklist (CC.2.8).
import assert from "node:assert/strict";
import { test } from "node:test";
import { Dataset } from "../../../src/dataset/dataset.js";
import { sop, wellKnown } from "../../../src/dataset/uids.js";
import { Event, type EventOf, type Handlers } from "../../../src/events.js";
import { nClient, nServer } from "./helpers.js";

const PUSH = sop.UnifiedProcedureStepPush;
const PULL = sop.UnifiedProcedureStepPull;
const WATCH = sop.UnifiedProcedureStepWatch;
const EVENT = sop.UnifiedProcedureStepEvent;
const QUERY = sop.UnifiedProcedureStepQuery;
const UPS_CLASSES = [PUSH, PULL, WATCH, EVENT, QUERY];

interface Ups {
  attrs: Dataset;
  state: string;
  transactionUid?: string;
}

/** A small UPS SCP following PS3.4 CC.2.1 (N-CREATE), CC.2.4 (Change State) and CC.2.3 (N-GET). */
function upsHandlers(store: Map<string, Ups>): Handlers {
  const subscribers = new Set<EventOf<"N_ACTION">["assoc"]>();
  const report = (uid: string, state: string) => {
    for (const assoc of subscribers) {
      // PS3.4 CC.2.4.3: event type 1, UPS State Report.
      assoc.sendNEventReport(new Dataset({ ProcedureStepState: state }), 1, EVENT, uid).catch(() => {});
    }
  };
  return {
    [Event.N_CREATE]: (e) => {
      const attrs = e.attributeList() ?? new Dataset();
      if (attrs.string("ProcedureStepState") !== "SCHEDULED") return 0xc309;
      const uid = e.sopInstanceUid ?? `1.2.826.0.1.3680043.10.9.${store.size + 1}`;
      if (store.has(uid)) return 0x0111;
      store.set(uid, { attrs, state: "SCHEDULED" });
      return { status: 0, sopInstanceUid: uid };
    },
    [Event.N_ACTION]: (e) => {
      if (e.actionTypeId === 3) {
        // PS3.4 CC.2.3.2: subscribe to receive UPS event reports.
        subscribers.add(e.assoc);
        return 0;
      }
      if (e.actionTypeId !== 1) return 0x0123;
      const ups = store.get(e.sopInstanceUid ?? "");
      if (!ups) return 0xc307;
      const info = e.actionInformation() ?? new Dataset();
      const wanted = info.string("ProcedureStepState");
      const txn = info.string("TransactionUID");
      if (wanted === "SCHEDULED") return 0xc303;
      if (ups.state === "COMPLETED") return wanted === "COMPLETED" ? 0xb306 : 0xc311;
      if (wanted === "IN PROGRESS") {
        if (ups.state === "IN PROGRESS") return 0xc302;
        if (!txn) return { status: 0x0120, offendingElement: ["TransactionUID"] };
        ups.state = "IN PROGRESS";
        ups.transactionUid = txn;
      } else if (wanted === "COMPLETED" || wanted === "CANCELED") {
        if (ups.state !== "IN PROGRESS") return 0xc310;
        if (txn !== ups.transactionUid) return 0xc301;
        ups.state = wanted;
      } else return { status: 0x0106, offendingElement: ["ProcedureStepState"] };
      ups.attrs.set("ProcedureStepState", ups.state);
      setImmediate(() => report(e.sopInstanceUid ?? "", ups.state));
      return 0;
    },
    // PS3.4 CC.2.8: the worklist, matched here on Procedure Step State only.
    [Event.C_FIND]: async function* (e) {
      const wanted = e.identifier().string("ProcedureStepState");
      for (const [uid, ups] of store) {
        if (wanted !== undefined && wanted !== "" && ups.state !== wanted) continue;
        yield new Dataset({
          SOPInstanceUID: uid,
          ProcedureStepState: ups.state,
          ProcedureStepLabel: ups.attrs.string("ProcedureStepLabel") ?? "",
        });
      }
    },
    [Event.N_GET]: (e) => {
      const ups = store.get(e.sopInstanceUid ?? "");
      if (!ups) return 0xc307;
      const out = new Dataset();
      for (const tag of e.attributeIdentifierList) {
        const el = ups.attrs.getElement(tag);
        if (el) out.setElement(el);
      }
      return { status: 0, attributeList: out };
    },
  };
}

test("UPS: create SCHEDULED, claim IN PROGRESS with a Transaction UID, complete it, read its state", async (t) => {
  const store = new Map<string, Ups>();
  const server = await nServer(t, UPS_CLASSES, upsHandlers(store));
  const states: string[] = [];
  let wake: (() => void) | undefined;
  const assoc = await nClient(t, server.port, UPS_CLASSES, {
    handlers: {
      [Event.N_EVENT_REPORT]: (e) => {
        states.push(`${e.eventTypeId}:${e.sopInstanceUid}:${e.eventInformation()?.string("ProcedureStepState")}`);
        wake?.();
        return 0;
      },
    },
  });
  const nextReport = () => new Promise<void>((resolve) => (wake = resolve));

  // Subscribe globally (PS3.4 CC.2.3.2: the well-known UPS Global Subscription instance).
  assert.equal((await assoc.sendNAction(undefined, 3, WATCH, wellKnown.UPSGlobalSubscriptionInstance)).status, 0);

  const bad = await assoc.sendNCreate(new Dataset({ ProcedureStepState: "IN PROGRESS" }), PUSH);
  assert.equal(bad.status, 0xc309);
  assert.equal(bad.statusInfo.meaning, "Failed: the provided value of UPS State was not SCHEDULED");
  const created = await assoc.sendNCreate(
    new Dataset({ ProcedureStepState: "SCHEDULED", ProcedureStepLabel: "Plan review" }),
    PUSH,
  );
  assert.equal(created.status, 0);
  const uid = created.sopInstanceUid!;

  let report = nextReport();
  const claim = new Dataset({ ProcedureStepState: "IN PROGRESS", TransactionUID: "1.2.3.777" });
  assert.equal((await assoc.sendNAction(claim, 1, PULL, uid)).status, 0);
  await report;
  assert.equal((await assoc.sendNAction(claim, 1, PULL, uid)).status, 0xc302);
  const wrongTxn = new Dataset({ ProcedureStepState: "COMPLETED", TransactionUID: "1.2.3.666" });
  assert.equal((await assoc.sendNAction(wrongTxn, 1, PULL, uid)).status, 0xc301);
  report = nextReport();
  const done = new Dataset({ ProcedureStepState: "COMPLETED", TransactionUID: "1.2.3.777" });
  assert.equal((await assoc.sendNAction(done, 1, PULL, uid)).status, 0);
  await report;
  // Already completed: a warning (B306), which is not a failure.
  const again = await assoc.sendNAction(done, 1, PULL, uid);
  assert.equal(again.status, 0xb306);
  assert.equal(again.statusInfo.category, "warning");
  assert.deepEqual(states, [`1:${uid}:IN PROGRESS`, `1:${uid}:COMPLETED`]);

  const got = await assoc.sendNGet(["ProcedureStepState", "ProcedureStepLabel"], PULL, uid);
  assert.equal(got.status, 0);
  assert.equal(got.attributeList?.string("ProcedureStepState"), "COMPLETED");
  assert.equal(got.attributeList?.string("ProcedureStepLabel"), "Plan review");
});

test("UPS: unknown instance 0xC307, SCHEDULED only by N-CREATE 0xC303, not yet in progress 0xC310", async (t) => {
  const store = new Map<string, Ups>();
  const server = await nServer(t, UPS_CLASSES, upsHandlers(store));
  const assoc = await nClient(t, server.port, UPS_CLASSES);
  assert.equal((await assoc.sendNGet(["ProcedureStepState"], PUSH, "9.9.9")).status, 0xc307);
  const uid = (await assoc.sendNCreate(new Dataset({ ProcedureStepState: "SCHEDULED" }), PUSH, "1.2.3.5"))
    .sopInstanceUid!;
  assert.equal(uid, "1.2.3.5");
  const sched = new Dataset({ ProcedureStepState: "SCHEDULED", TransactionUID: "1.2" });
  assert.equal((await assoc.sendNAction(sched, 1, PULL, uid)).status, 0xc303);
  const complete = new Dataset({ ProcedureStepState: "COMPLETED", TransactionUID: "1.2" });
  assert.equal((await assoc.sendNAction(complete, 1, PULL, uid)).status, 0xc310);
  // N-SET is a Pull operation, not a Push one (PS3.4 CC.2): refused before any handler.
  assert.equal((await assoc.sendNSet(new Dataset({ ProcedureStepLabel: "x" }), PUSH, uid)).status, 0x0211);
  // N-CREATE belongs to Push only.
  assert.equal((await assoc.sendNCreate(new Dataset({ ProcedureStepState: "SCHEDULED" }), PULL)).status, 0x0211);
});

test("UPS: C-FIND on the worklist finds the SCHEDULED workitems (UPS Query and UPS Pull)", async (t) => {
  const store = new Map<string, Ups>();
  const server = await nServer(t, UPS_CLASSES, upsHandlers(store));
  const assoc = await nClient(t, server.port, UPS_CLASSES);
  for (const label of ["a", "b", "c"]) {
    const r = await assoc.sendNCreate(
      new Dataset({ ProcedureStepState: "SCHEDULED", ProcedureStepLabel: label }),
      PUSH,
    );
    assert.equal(r.status, 0);
  }
  const first = [...store.keys()][0]!;
  const claim = new Dataset({ ProcedureStepState: "IN PROGRESS", TransactionUID: "1.2.3.9" });
  assert.equal((await assoc.sendNAction(claim, 1, PULL, first)).status, 0);
  for (const model of [QUERY, PULL]) {
    const labels: string[] = [];
    let final: number | undefined;
    for await (const rsp of assoc.sendCFind(
      { ProcedureStepState: "SCHEDULED", SOPInstanceUID: "", ProcedureStepLabel: "" },
      model,
    )) {
      if (rsp.identifier) labels.push(rsp.identifier.string("ProcedureStepLabel") ?? "");
      else final = rsp.status;
    }
    assert.deepEqual(labels, ["b", "c"], model);
    assert.equal(final, 0x0000);
  }
});
