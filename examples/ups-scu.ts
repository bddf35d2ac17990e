// Unified Procedure Step SCU (PS3.4 CC): subscribes to state reports (Watch), schedules a
// workitem (Push), finds it in the worklist (C-FIND, UPS Query), claims it with a Transaction
// UID, records progress and completes it (Pull), reads it back (N-GET), and checks that the SCP
// reported both state changes (Event).
//   npx tsx examples/ups-scu.ts ADDR PORT
import { AE, Dataset, Event, type EventOf, generateUid, sop, wellKnown } from "netdicom";

const [host = "127.0.0.1", portText = "11112"] = process.argv.slice(2);
const reports: string[] = [];
let reportWaiter: (() => void) | undefined;
const ae = new AE({ aeTitle: "UPS_PERFORMER" });
for (const uid of [
  sop.UnifiedProcedureStepPush,
  sop.UnifiedProcedureStepPull,
  sop.UnifiedProcedureStepWatch,
  sop.UnifiedProcedureStepEvent,
  sop.UnifiedProcedureStepQuery,
]) {
  ae.addRequestedContext(uid);
}
const assoc = await ae.associate(host, Number(portText), {
  aeTitle: "UPS_SCP",
  handlers: {
    [Event.N_EVENT_REPORT]: (e: EventOf<"N_EVENT_REPORT">) => {
      reports.push(e.eventInformation()?.string("ProcedureStepState") ?? "?");
      reportWaiter?.();
      return 0x0000;
    },
  },
});
if (!assoc.isEstablished) {
  console.error(`association failed: ${assoc.reason ?? "unknown"}`);
  process.exit(1);
}
const hex = (s: number) => `0x${s.toString(16).padStart(4, "0")}`;
let failed = false;
const check = (what: string, status: number, want = 0x0000) => {
  console.log(`${what}: ${hex(status)}`);
  if (status !== want) failed = true;
};
/** Resolves once `n` state reports have arrived, or after 5 s. */
const reportsArrived = (n: number) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 5000);
    reportWaiter = () => {
      if (reports.length >= n) {
        clearTimeout(timer);
        resolve();
      }
    };
    reportWaiter();
  });

try {
  const watch = await assoc.sendNAction(
    new Dataset({ DeletionLock: "FALSE" }),
    3,
    sop.UnifiedProcedureStepWatch,
    wellKnown.UPSGlobalSubscriptionInstance,
  );
  check("N-ACTION subscribe (global)", watch.status);

  const created = await assoc.sendNCreate(
    new Dataset({
      ProcedureStepState: "SCHEDULED",
      ProcedureStepLabel: "Treatment plan review",
      ScheduledProcedureStepPriority: "MEDIUM",
      InputReadinessState: "READY",
    }),
    sop.UnifiedProcedureStepPush,
  );
  check("N-CREATE (SCHEDULED)", created.status);
  const uid = created.sopInstanceUid ?? "";

  const found: string[] = [];
  for await (const rsp of assoc.sendCFind(
    { ProcedureStepState: "SCHEDULED", SOPInstanceUID: "", ProcedureStepLabel: "" },
    sop.UnifiedProcedureStepQuery,
  )) {
    if (rsp.identifier) found.push(rsp.identifier.string("SOPInstanceUID") ?? "");
    else check("C-FIND scheduled workitems", rsp.status);
  }
  console.log(`worklist: ${found.length} scheduled`);
  if (!found.includes(uid)) failed = true;

  const txn = generateUid();
  const claim = new Dataset({ ProcedureStepState: "IN PROGRESS", TransactionUID: txn });
  check(
    "N-ACTION change state (IN PROGRESS)",
    (await assoc.sendNAction(claim, 1, sop.UnifiedProcedureStepPull, uid)).status,
  );
  check(
    "N-ACTION claim again (already IN PROGRESS)",
    (await assoc.sendNAction(claim, 1, sop.UnifiedProcedureStepPull, uid)).status,
    0xc302,
  );
  const progress = new Dataset({
    TransactionUID: txn,
    ProcedureStepProgressInformationSequence: [{ ProcedureStepProgress: 50 }],
  });
  check("N-SET progress", (await assoc.sendNSet(progress, sop.UnifiedProcedureStepPull, uid)).status);
  const done = new Dataset({ ProcedureStepState: "COMPLETED", TransactionUID: txn });
  check(
    "N-ACTION change state (COMPLETED)",
    (await assoc.sendNAction(done, 1, sop.UnifiedProcedureStepPull, uid)).status,
  );

  const got = await assoc.sendNGet(["ProcedureStepState", "ProcedureStepLabel"], sop.UnifiedProcedureStepPull, uid);
  check("N-GET", got.status);
  console.log(`state read back: ${got.attributeList?.string("ProcedureStepState")}`);
  if (got.attributeList?.string("ProcedureStepState") !== "COMPLETED") failed = true;

  await reportsArrived(2);
  console.log(`state reports: ${reports.join(", ")}`);
  if (reports.join(",") !== "IN PROGRESS,COMPLETED") failed = true;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  failed = true;
} finally {
  await assoc.whenIdle();
  await assoc.release();
}
process.exit(failed ? 1 : 0);
