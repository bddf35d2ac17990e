// Instance Availability Notification SCU (PS3.4 R): tells the SCP that two instances of a study
// are ONLINE at this AE (N-CREATE, the SCU naming the notification instance).
//   npx tsx examples/instance-availability-scu.ts ADDR PORT
import { AE, Dataset, generateUid, sop } from "netdicom";

const [host = "127.0.0.1", portText = "11112"] = process.argv.slice(2);
const ae = new AE({ aeTitle: "IAN_SCU" });
ae.addRequestedContext(sop.InstanceAvailabilityNotification);
const assoc = await ae.associate(host, Number(portText), { aeTitle: "IAN_SCP" });
if (!assoc.isEstablished) {
  console.error(`association failed: ${assoc.reason ?? "unknown"}`);
  process.exit(1);
}
const instance = (n: number) => ({
  ReferencedSOPClassUID: sop.CTImageStorage,
  ReferencedSOPInstanceUID: `1.2.826.0.1.3680043.10.4.1.1.${n}`,
  InstanceAvailability: "ONLINE",
  RetrieveAETitle: "IAN_SCU",
});
const notification = new Dataset({
  ReferencedPerformedProcedureStepSequence: [],
  CurrentRequestedProcedureEvidenceSequence: [
    {
      StudyInstanceUID: "1.2.826.0.1.3680043.10.4.1",
      ReferencedSeriesSequence: [
        { SeriesInstanceUID: "1.2.826.0.1.3680043.10.4.1.1", ReferencedSOPSequence: [instance(1), instance(2)] },
      ],
    },
  ],
});
let failed = false;
try {
  const uid = generateUid();
  const rsp = await assoc.sendNCreate(notification, sop.InstanceAvailabilityNotification, uid);
  console.log(`N-CREATE notification: 0x${rsp.status.toString(16).padStart(4, "0")}`);
  const again = await assoc.sendNCreate(notification, sop.InstanceAvailabilityNotification, uid);
  console.log(`N-CREATE the same notification again: 0x${again.status.toString(16).padStart(4, "0")}`);
  if (rsp.status !== 0x0000 || again.status !== 0x0111) failed = true;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  failed = true;
} finally {
  await assoc.release();
}
process.exit(failed ? 1 : 0);
