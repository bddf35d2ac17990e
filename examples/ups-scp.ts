// Unified Procedure Step SCP (PS3.4 CC): workitems created SCHEDULED (UPS Push), claimed and
// completed with N-ACTION Change State and a Transaction UID (UPS Pull), read with N-GET, and
// state reports (UPS Event, N-EVENT-REPORT type 1) to the associations that subscribed (UPS
// Watch, N-ACTION type 3), and C-FIND on the worklist (UPS Query, Pull, Watch), matched on
// Procedure Step State only.
//   npx tsx examples/ups-scp.ts PORT
import {
  AE,
  type Association,
  Dataset,
  Event,
  generateUid,
  sop,
  unifiedProcedureStepPresentationContexts,
} from "netdicom";

const port = Number(process.argv[2] ?? 11112);
interface Workitem {
  readonly attrs: Dataset;
  transactionUid?: string;
}
const workitems = new Map<string, Workitem>();
const subscribers = new Set<Association>();

const ae = new AE({ aeTitle: "UPS_SCP" });
for (const cx of unifiedProcedureStepPresentationContexts()) ae.addSupportedContext(cx.abstractSyntax ?? "");

function stateReport(uid: string, state: string): void {
  for (const assoc of subscribers) {
    if (!assoc.isEstablished) {
      subscribers.delete(assoc);
      continue;
    }
    // PS3.4 CC.2.4.3 (Table CC.2.4-1): event type 1, UPS State Report, on the UPS Event SOP class.
    const info = new Dataset({ ProcedureStepState: state, InputReadinessState: "READY" });
    assoc.sendNEventReport(info, 1, sop.UnifiedProcedureStepEvent, uid).catch(() => subscribers.delete(assoc));
  }
}

/** PS3.4 CC.2.1.3 (Table CC.2.1-2) and CC.2.4: the state machine, as statuses. */
function changeState(uid: string, item: Workitem, wanted: string | undefined, txn: string | undefined) {
  const state = item.attrs.string("ProcedureStepState");
  if (wanted === "SCHEDULED") return 0xc303;
  if (state === "COMPLETED") return wanted === "COMPLETED" ? 0xb306 : 0xc311;
  if (state === "CANCELED") return wanted === "CANCELED" ? 0xb304 : 0xc311;
  if (wanted === "IN PROGRESS") {
    if (state === "IN PROGRESS") return 0xc302;
    if (txn === undefined) return { status: 0x0120, offendingElement: ["TransactionUID"] };
    item.transactionUid = txn;
  } else if (wanted === "COMPLETED" || wanted === "CANCELED") {
    if (state !== "IN PROGRESS") return 0xc310;
    if (txn !== item.transactionUid) return 0xc301;
  } else return { status: 0x0106, offendingElement: ["ProcedureStepState"] };
  item.attrs.set("ProcedureStepState", wanted);
  console.log(`${uid}: ${wanted}`);
  setImmediate(() => stateReport(uid, wanted));
  return 0x0000;
}

const server = await ae.startServer({
  port,
  handlers: {
    [Event.N_CREATE]: (event) => {
      const attrs = event.attributeList() ?? new Dataset();
      if (attrs.string("ProcedureStepState") !== "SCHEDULED") return 0xc309;
      const uid = event.sopInstanceUid ?? generateUid();
      if (workitems.has(uid)) return 0x0111;
      workitems.set(uid, { attrs });
      console.log(`${uid}: SCHEDULED (${attrs.string("ProcedureStepLabel") ?? ""})`);
      return { status: 0x0000, sopInstanceUid: uid };
    },
    [Event.N_ACTION]: (event) => {
      if (event.actionTypeId === 3) {
        subscribers.add(event.assoc); // subscribe to receive UPS event reports
        return 0x0000;
      }
      if (event.actionTypeId !== 1) return 0x0123;
      const item = workitems.get(event.sopInstanceUid ?? "");
      if (!item) return 0xc307;
      const info = event.actionInformation() ?? new Dataset();
      return changeState(
        event.sopInstanceUid ?? "",
        item,
        info.string("ProcedureStepState"),
        info.string("TransactionUID"),
      );
    },
    [Event.N_SET]: (event) => {
      const item = workitems.get(event.sopInstanceUid ?? "");
      if (!item) return 0xc307;
      const mods = event.modificationList();
      // PS3.4 CC.2.2: an IN PROGRESS workitem is updated only by its performer.
      if (mods.string("TransactionUID") !== item.transactionUid) return 0xc301;
      for (const tag of mods.tags()) if (tag !== 0x00081195) item.attrs.setElement(mods.getElement(tag)!);
      return 0x0000;
    },
    [Event.C_FIND]: async function* (event) {
      const wanted = event.identifier().string("ProcedureStepState") ?? "";
      for (const [uid, item] of workitems) {
        const state = item.attrs.string("ProcedureStepState") ?? "";
        if (wanted !== "" && wanted !== state) continue;
        yield new Dataset({
          SOPInstanceUID: uid,
          ProcedureStepState: state,
          ProcedureStepLabel: item.attrs.string("ProcedureStepLabel") ?? "",
        });
      }
    },
    [Event.N_GET]: (event) => {
      const item = workitems.get(event.sopInstanceUid ?? "");
      if (!item) return 0xc307;
      const out = new Dataset();
      for (const tag of event.attributeIdentifierList.length > 0 ? event.attributeIdentifierList : item.attrs.tags()) {
        const el = item.attrs.getElement(tag);
        if (el) out.setElement(el);
      }
      return { status: 0x0000, attributeList: out };
    },
  },
});
console.log(`listening on ${server.port}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.shutdown({ deadlineMs: 2000 }).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
