// Storage Management SCU, Inventory Creation SOP class (PS3.4 KK.2): asks the SCP to produce an
// inventory of its CT studies (N-ACTION "Initiate", Action Type ID 11), waits on the same
// association for the N-EVENT-REPORT that ends production (KK.2.3.2), then asks for the status
// once more ("Request Status", 12). Exits 1 unless production ended with "Inventory Terminated
// with Instances" (Event Type ID 11), COMPLETE, for this transaction.
//   npx tsx examples/storage-management-scu.ts ADDR PORT
import { AE, Dataset, Event, type EventOf, generateUid, sop, wellKnown } from "netdicom";

const [host = "127.0.0.1", portText = "11112"] = process.argv.slice(2);
const IC = sop.InventoryCreation;
const TIMEOUT_MS = 10_000;

interface Reported {
  readonly eventTypeId: number;
  readonly info: Dataset;
}
const reports: Reported[] = [];
let waiting: { types: readonly number[]; resolve: (r: Reported) => void } | undefined;

/** The next report (from now on, or already received) of one of `types`, within TIMEOUT_MS. */
function nextReport(types: readonly number[], after: number): Promise<Reported> {
  const seen = reports.slice(after).find((r) => types.includes(r.eventTypeId));
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no event type ${types.join("/")} within ${TIMEOUT_MS} ms`)),
      TIMEOUT_MS,
    );
    waiting = {
      types,
      resolve: (r) => {
        clearTimeout(timer);
        resolve(r);
      },
    };
  });
}

const handlers = {
  [Event.N_EVENT_REPORT]: (e: EventOf<"N_EVENT_REPORT">) => {
    const r = { eventTypeId: e.eventTypeId, info: e.eventInformation() ?? new Dataset() };
    reports.push(r);
    if (waiting?.types.includes(r.eventTypeId)) waiting.resolve(r);
    return 0x0000;
  },
};

const ae = new AE({ aeTitle: "INVENTORY_SCU" });
ae.addRequestedContext(IC);
const assoc = await ae.associate(host, Number(portText), { aeTitle: "INVENTORY_SCP", handlers });
if (!assoc.isEstablished) {
  console.error(`association failed: ${assoc.reason ?? "unknown"}`);
  process.exit(1);
}
let failed = false;
const hex = (n: number) => `0x${n.toString(16).padStart(4, "0")}`;
try {
  const transactionUid = generateUid();
  // PS3.4 Table KK.2-1, Initiate: Transaction UID 1, Scope of Inventory Sequence 2, Inventory Level 1.
  const initiate = new Dataset({
    TransactionUID: transactionUid,
    ScopeOfInventorySequence: [{ ModalitiesInStudy: "CT" }],
    InventoryPurpose: "monthly reconciliation",
    InventoryLevel: "STUDY",
  });
  const rsp = await assoc.sendNAction(initiate, 11, IC, wellKnown.StorageManagementInstance);
  console.log(`N-ACTION initiate: ${hex(rsp.status)}`);
  if (rsp.status !== 0x0000) throw new Error("the request was refused");
  // KK.2.3.2: production ends with event type 11 (with instances) or 13 (without).
  const end = await nextReport([11, 13], 0);
  const statuses = reports.filter((r) => r.eventTypeId === 12).map((r) => r.info.string("TransactionStatus"));
  console.log(`status reports: ${statuses.join(", ")}`);
  const total = Number(end.info.get("TotalNumberOfStudyRecords") ?? -1);
  console.log(
    `terminated: event type ${end.eventTypeId}, ${end.info.string("TransactionStatus")}, ${total} study records, ` +
      `inventory ${end.info.string("ReferencedSOPInstanceUID")} at ${end.info.string("RetrieveAETitle")}`,
  );
  if (end.eventTypeId !== 11 || end.info.string("TransactionStatus") !== "COMPLETE") failed = true;
  if (end.info.string("TransactionUID") !== transactionUid || total !== 2) failed = true;

  const before = reports.length;
  const again = await assoc.sendNAction(
    new Dataset({ TransactionUID: transactionUid }),
    12,
    IC,
    wellKnown.StorageManagementInstance,
  );
  const status = await nextReport([12], before);
  console.log(`N-ACTION request status: ${hex(again.status)}, status now ${status.info.string("TransactionStatus")}`);
  if (again.status !== 0x0000 || status.info.string("TransactionStatus") !== "COMPLETE") failed = true;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  failed = true;
} finally {
  // The answer to the last N-EVENT-REPORT is sent once its handler returns: let it go first.
  await assoc.whenIdle();
  await assoc.release();
}
process.exit(failed ? 1 : 0);
