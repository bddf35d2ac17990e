// Storage Commitment Push Model SCP (PS3.4 J): answers the N-ACTION request, then sends the
// result as an N-EVENT-REPORT: event type 1 when every instance is committed, 2 with the
// Failed SOP Sequence otherwise. The result goes back on the same association; with
// --return-port N it goes on a new association to the requestor's address, port N, where this
// SCP proposes Storage Commitment with the SCP role (PS3.4 J.3.3, PS3.7 D.3.3.4).
// This example "holds" every instance whose SOP Instance UID does not end in ".404".
//   npx tsx examples/storage-commitment-scp.ts PORT [--return-port N]
import {
  AE,
  type Association,
  type Dataset,
  Event,
  readStorageCommitment,
  STORAGE_COMMITMENT_REQUEST,
  sendStorageCommitmentResult,
  sop,
  storageCommitmentResult,
  wellKnown,
} from "netdicom";

const args = process.argv.slice(2);
const port = Number(args[0] ?? 11112);
const at = args.indexOf("--return-port");
const returnPort = at >= 0 ? Number(args[at + 1]) : undefined;
const SC = sop.StorageCommitmentPushModel;

const ae = new AE({ aeTitle: "COMMIT_SCP" });
ae.addSupportedContext(SC);

async function report(requesting: Association, eventTypeId: number, eventInformation: Dataset): Promise<void> {
  const rsp =
    returnPort === undefined
      ? await requesting.sendNEventReport(
          eventInformation,
          eventTypeId,
          SC,
          wellKnown.StorageCommitmentPushModelInstance,
        )
      : await sendStorageCommitmentResult(
          ae,
          requesting.upperLayer?.transport.remoteAddress ?? "127.0.0.1",
          returnPort,
          {
            aeTitle: requesting.requestor.aeTitle,
            eventTypeId,
            eventInformation,
          },
        );
  console.log(`N-EVENT-REPORT type ${eventTypeId}: 0x${rsp.status.toString(16).padStart(4, "0")}`);
}

const server = await ae.startServer({
  port,
  handlers: {
    [Event.N_ACTION]: (event) => {
      if (event.actionTypeId !== STORAGE_COMMITMENT_REQUEST) return 0x0123; // no such action
      const info = event.actionInformation();
      const request = info === undefined ? undefined : readStorageCommitment(info);
      if (request?.transactionUid === undefined) return { status: 0x0120, offendingElement: ["TransactionUID"] };
      // PS3.4 J.3.3.1.1: Failure Reason 0x0112, no such object instance.
      const held = request.committed.filter((r) => !r.sopInstanceUid.endsWith(".404"));
      const missing = request.committed
        .filter((r) => r.sopInstanceUid.endsWith(".404"))
        .map((r) => ({ ...r, failureReason: 0x0112 }));
      const { eventTypeId, eventInformation } = storageCommitmentResult(request.transactionUid, held, missing);
      console.log(`commitment request ${request.transactionUid}`);
      // After the N-ACTION-RSP has gone.
      setImmediate(() => {
        report(event.assoc, eventTypeId, eventInformation).catch((err: unknown) =>
          console.error("report failed:", err),
        );
      });
      return 0x0000;
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
