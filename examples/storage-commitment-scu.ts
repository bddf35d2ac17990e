// Storage Commitment Push Model SCU (PS3.4 J): asks the SCP to commit two instances, then waits
// for the result (N-EVENT-REPORT) on the same association, or with --listen N on a new one that
// the SCP opens to this side's port N (accepted with the SCP as requestor in the SCP role).
// Exits 1 unless the result says both instances were committed.
//   npx tsx examples/storage-commitment-scu.ts ADDR PORT [--listen N]
import {
  AE,
  Dataset,
  Event,
  type EventOf,
  generateUid,
  readStorageCommitment,
  STORAGE_COMMITMENT_REQUEST,
  sop,
  storageCommitmentRequest,
  wellKnown,
} from "netdicom";

const args = process.argv.slice(2);
const [host = "127.0.0.1", portText = "11112"] = args;
const at = args.indexOf("--listen");
const listenPort = at >= 0 ? Number(args[at + 1]) : undefined;
const SC = sop.StorageCommitmentPushModel;
const TIMEOUT_MS = 10_000;

let resolveReport: ((e: EventOf<"N_EVENT_REPORT">) => void) | undefined;
const reported = new Promise<EventOf<"N_EVENT_REPORT">>((resolve, reject) => {
  resolveReport = resolve;
  setTimeout(() => reject(new Error(`no result within ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref();
});
const handlers = {
  [Event.N_EVENT_REPORT]: (e: EventOf<"N_EVENT_REPORT">) => {
    resolveReport?.(e);
    return 0x0000;
  },
};

const ae = new AE({ aeTitle: "COMMIT_SCU" });
ae.addRequestedContext(SC);
// For a result on a new association: accept the requestor as SCP (PS3.7 D.3.3.4).
ae.addSupportedContext(SC, undefined, false, true);
const listener = listenPort === undefined ? undefined : await ae.startServer({ port: listenPort, handlers });

const transactionUid = generateUid();
const request = storageCommitmentRequest(transactionUid, [
  { sopClassUid: sop.CTImageStorage, sopInstanceUid: "1.2.826.0.1.3680043.10.1.1" },
  { sopClassUid: sop.CTImageStorage, sopInstanceUid: "1.2.826.0.1.3680043.10.1.2" },
]);

let failed = false;
const assoc = await ae.associate(host, Number(portText), { aeTitle: "COMMIT_SCP", handlers });
if (!assoc.isEstablished) {
  console.error(`association failed: ${assoc.reason ?? "unknown"}`);
  process.exit(1);
}
try {
  const rsp = await assoc.sendNAction(
    request,
    STORAGE_COMMITMENT_REQUEST,
    SC,
    wellKnown.StorageCommitmentPushModelInstance,
  );
  console.log(`N-ACTION (request commitment): 0x${rsp.status.toString(16).padStart(4, "0")}`);
  if (rsp.status !== 0x0000) throw new Error("the request was refused");
  if (listener) await assoc.release();
  const report = await reported;
  const result = readStorageCommitment(report.eventInformation() ?? new Dataset());
  const where = report.assoc === assoc ? "the same association" : "a new association";
  const counts = `${result.committed.length} committed, ${result.failed.length} failed`;
  console.log(`result on ${where}: event type ${report.eventTypeId}, ${counts}`);
  if (report.eventTypeId !== 1 || result.committed.length !== 2 || result.transactionUid !== transactionUid)
    failed = true;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  failed = true;
} finally {
  // The answer to the N-EVENT-REPORT is sent once the handler returns: let it go before releasing.
  await assoc.whenIdle();
  await assoc.release();
  await listener?.shutdown({ deadlineMs: 2000 });
}
process.exit(failed ? 1 : 0);
