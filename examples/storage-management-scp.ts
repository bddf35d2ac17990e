// Storage Management SCP, Inventory Creation SOP class (PS3.4 KK.2): answers an N-ACTION
// "Initiate" (Action Type ID 11, Table KK.2-1), then, on the same association, reports by
// N-EVENT-REPORT: "Inventory Status" (Event Type ID 12) when production starts, and "Inventory
// Terminated with Instances" (11) when it is COMPLETE (KK.2.3.2). "Request Status" (12) is
// answered with another Inventory Status report. The repository is a small in-memory list of
// studies; the Scope of Inventory Sequence is matched against it like C-FIND keys (KK.2.2.1.1).
//   npx tsx examples/storage-management-scp.ts PORT
import { AE, type Association, Dataset, Event, generateUid, matches, sop, wellKnown } from "netdicom";

const port = Number(process.argv[2] ?? 11112);
const IC = sop.InventoryCreation;
/** PS3.4 Table KK.2-1: the Action Type IDs. */
const Action = { Initiate: 11, RequestStatus: 12, Cancel: 13, Pause: 14, Resume: 15 } as const;
/** PS3.4 Table KK.2-2: the Event Type IDs. */
const Report = { TerminatedWithInstances: 11, Status: 12, TerminatedWithoutInstances: 13 } as const;
const AE_TITLE = "INVENTORY_SCP";

const studies = [
  { StudyInstanceUID: "1.2.826.0.1.3680043.10.7.1", StudyDate: "20240105", ModalitiesInStudy: "CT" },
  { StudyInstanceUID: "1.2.826.0.1.3680043.10.7.2", StudyDate: "20240212", ModalitiesInStudy: ["CT", "SR"] },
  { StudyInstanceUID: "1.2.826.0.1.3680043.10.7.3", StudyDate: "20240301", ModalitiesInStudy: "MR" },
].map((s) => new Dataset(s));

/** One inventory production, by Transaction UID; its Transaction Status (PS3.3 C.38.3). */
const transactions = new Map<string, { status: string; studyRecords: number }>();

async function report(assoc: Association, eventTypeId: number, info: Record<string, unknown>): Promise<void> {
  // KK.2.3.2: the well-known Storage Management SOP Instance is the Affected SOP Instance.
  const rsp = await assoc.sendNEventReport(new Dataset(info), eventTypeId, IC, wellKnown.StorageManagementInstance);
  console.log(`N-EVENT-REPORT type ${eventTypeId}: 0x${rsp.status.toString(16).padStart(4, "0")}`);
}

/** Produces the inventory at once (a real SCP takes its time), reporting the state changes. */
async function produce(assoc: Association, transactionUid: string, scope: Dataset | undefined): Promise<void> {
  const t = { status: "PROCESSING", studyRecords: 0 };
  transactions.set(transactionUid, t);
  await report(assoc, Report.Status, { TransactionUID: transactionUid, TransactionStatus: t.status });
  // KK.2.2.1.1: an empty sequence (or an empty item) matches every study.
  t.studyRecords = studies.filter((s) => scope === undefined || matches(scope, s)).length;
  t.status = "COMPLETE";
  // KK.2.3.1.1: at least one way to reach the Inventory SOP Instance (here Retrieve AE Title).
  await report(assoc, Report.TerminatedWithInstances, {
    TransactionUID: transactionUid,
    TransactionStatus: t.status,
    ReferencedSOPClassUID: sop.InventoryStorage,
    ReferencedSOPInstanceUID: generateUid(),
    RetrieveAETitle: AE_TITLE,
    TotalNumberOfStudyRecords: BigInt(t.studyRecords),
  });
}

const ae = new AE({ aeTitle: AE_TITLE });
ae.addSupportedContext(IC);
const server = await ae.startServer({
  port,
  handlers: {
    [Event.N_ACTION]: (event) => {
      const info = event.actionInformation() ?? new Dataset();
      const transactionUid = info.string("TransactionUID") ?? "";
      // Transaction UID is 1/1 in every action of Table KK.2-1.
      if (transactionUid === "") return { status: 0x0115, offendingElement: ["TransactionUID"] };
      const known = transactions.get(transactionUid);
      const later = (fn: () => Promise<void>) =>
        // After the N-ACTION-RSP has gone.
        setImmediate(() => fn().catch((err: unknown) => console.error("report failed:", err)));
      switch (event.actionTypeId) {
        case Action.Initiate: {
          const level = info.string("InventoryLevel") ?? "";
          if (!["STUDY", "SERIES", "INSTANCE"].includes(level))
            return { status: 0x0115, offendingElement: ["InventoryLevel"] };
          if (known) return { status: 0x0115, errorComment: "Transaction UID already used" };
          const scope = info.sequence("ScopeOfInventorySequence")[0];
          console.log(`initiate ${transactionUid}: level ${level}, purpose ${info.string("InventoryPurpose") ?? "-"}`);
          later(() => produce(event.assoc, transactionUid, scope));
          return 0x0000;
        }
        case Action.RequestStatus:
          if (!known) return { status: 0x0115, errorComment: "unknown Transaction UID" };
          // KK.2.3.2: an Inventory Status report answers a Request Status.
          later(() =>
            report(event.assoc, Report.Status, { TransactionUID: transactionUid, TransactionStatus: known.status }),
          );
          return 0x0000;
        case Action.Cancel:
        case Action.Pause:
        case Action.Resume:
          // This SCP's production ends before any of these can reach it: nothing left to change.
          return {
            status: 0x0115,
            errorComment: known ? `inventory already ${known.status}` : "unknown Transaction UID",
          };
        default:
          return 0x0123; // no such action
      }
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
