// Storage Commitment Push Model SCP (PS3.4 J): answers the N-ACTION request, then sends the
// result as an N-EVENT-REPORT: event type 1 when every instance is committed, 2 with the
// Failed SOP Sequence otherwise. The result goes back on the same association; with
// --return-port N it goes on a new association to the requestor's address, port N, where this
// SCP proposes Storage Commitment with the SCP role (PS3.4 J.3.3, PS3.7 D.3.3.4).
// This example "holds" every instance whose SOP Instance UID does not end in ".404".
//   npx tsx examples/storage-commitment-scp.ts PORT [--return-port N]
import { AE, type Association, buildContext, buildRole, Dataset, Event, sop, wellKnown } from "netdicom";

const args = process.argv.slice(2);
const port = Number(args[0] ?? 11112);
const at = args.indexOf("--return-port");
const returnPort = at >= 0 ? Number(args[at + 1]) : undefined;
const SC = sop.StorageCommitmentPushModel;

const ae = new AE({ aeTitle: "COMMIT_SCP" });
ae.addSupportedContext(SC);

/** PS3.4 J.3.3.1: the Event Information for a request. */
function result(request: Dataset): { eventTypeId: number; info: Dataset } {
  const committed: Dataset[] = [];
  const failed: Dataset[] = [];
  for (const item of request.sequence("ReferencedSOPSequence")) {
    const uid = item.string("ReferencedSOPInstanceUID") ?? "";
    if (!uid.endsWith(".404")) committed.push(item);
    // PS3.4 J.3.3.1.1: Failure Reason 0x0112, no such object instance.
    else
      failed.push(
        new Dataset({
          ReferencedSOPClassUID: item.string("ReferencedSOPClassUID"),
          ReferencedSOPInstanceUID: uid,
          FailureReason: 0x0112,
        }),
      );
  }
  const info = new Dataset({ TransactionUID: request.string("TransactionUID") });
  if (committed.length > 0) info.set("ReferencedSOPSequence", committed);
  if (failed.length > 0) info.set("FailedSOPSequence", failed);
  return { eventTypeId: failed.length > 0 ? 2 : 1, info };
}

async function report(requesting: Association, eventTypeId: number, info: Dataset): Promise<void> {
  let assoc = requesting;
  if (returnPort !== undefined) {
    // A new association, this side requestor but SCP of Storage Commitment.
    const address = requesting.upperLayer?.transport.remoteAddress ?? "127.0.0.1";
    assoc = await ae.associate(address, returnPort, {
      aeTitle: requesting.requestor.aeTitle,
      contexts: [buildContext(SC)],
      extendedNegotiation: [buildRole(SC, { scuRole: false, scpRole: true })],
    });
    if (!assoc.isEstablished) throw new Error(`could not associate back: ${assoc.reason ?? ""}`);
  }
  const rsp = await assoc.sendNEventReport(info, eventTypeId, SC, wellKnown.StorageCommitmentPushModelInstance);
  console.log(`N-EVENT-REPORT type ${eventTypeId}: 0x${rsp.status.toString(16).padStart(4, "0")}`);
  if (assoc !== requesting) await assoc.release();
}

const server = await ae.startServer({
  port,
  handlers: {
    [Event.N_ACTION]: (event) => {
      if (event.actionTypeId !== 1) return 0x0123; // no such action
      const request = event.actionInformation();
      if (!request?.string("TransactionUID")) return { status: 0x0120, offendingElement: ["TransactionUID"] };
      const { eventTypeId, info } = result(request);
      console.log(`commitment request ${request.string("TransactionUID")}`);
      // After the N-ACTION-RSP has gone.
      setImmediate(() => {
        report(event.assoc, eventTypeId, info).catch((err: unknown) => console.error("report failed:", err));
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
