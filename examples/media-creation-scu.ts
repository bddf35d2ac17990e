// Media Creation Management SCU (PS3.4 S): requests a CD of two instances (N-CREATE), initiates
// it (N-ACTION type 1), checks that a second initiation is refused (0xA510), reads its
// Execution Status (N-GET).
//   npx tsx examples/media-creation-scu.ts ADDR PORT
import { AE, Dataset, sop } from "netdicom";

const [host = "127.0.0.1", portText = "11112"] = process.argv.slice(2);
const MCM = sop.MediaCreationManagement;
const ae = new AE({ aeTitle: "MEDIA_SCU" });
ae.addRequestedContext(MCM);
const assoc = await ae.associate(host, Number(portText), { aeTitle: "MEDIA_SCP" });
if (!assoc.isEstablished) {
  console.error(`association failed: ${assoc.reason ?? "unknown"}`);
  process.exit(1);
}
let failed = false;
const check = (what: string, status: number, want = 0x0000) => {
  console.log(`${what}: 0x${status.toString(16).padStart(4, "0")}`);
  if (status !== want) failed = true;
};
try {
  const created = await assoc.sendNCreate(
    new Dataset({
      StorageMediaFileSetID: "STUDY1",
      LabelText: "Patient copy",
      ReferencedSOPSequence: [1, 2].map((n) => ({
        ReferencedSOPClassUID: sop.CTImageStorage,
        ReferencedSOPInstanceUID: `1.2.826.0.1.3680043.10.5.${n}`,
      })),
    }),
    MCM,
  );
  check("N-CREATE media creation request", created.status);
  const uid = created.sopInstanceUid ?? "";
  const initiate = new Dataset({ NumberOfCopies: 1, RequestPriority: "MED" });
  check("N-ACTION initiate", (await assoc.sendNAction(initiate, 1, MCM, uid)).status);
  check("N-ACTION initiate again", (await assoc.sendNAction(initiate, 1, MCM, uid)).status, 0xa510);
  const got = await assoc.sendNGet(["ExecutionStatus"], MCM, uid);
  check("N-GET", got.status);
  console.log(`execution status: ${got.attributeList?.string("ExecutionStatus")}`);
  if (got.attributeList?.string("ExecutionStatus") !== "DONE") failed = true;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  failed = true;
} finally {
  await assoc.release();
}
process.exit(failed ? 1 : 0);
