// Modality Performed Procedure Step SCU (PS3.4 F): a modality reports a procedure step: N-CREATE
// IN PROGRESS, N-SET COMPLETED, then reads it back with N-GET. Exits 1 when a step fails.
//   npx tsx examples/mpps-scu.ts ADDR PORT
import { AE, Dataset, sop } from "netdicom";

const [host = "127.0.0.1", portText = "11112"] = process.argv.slice(2);
const ae = new AE({ aeTitle: "MODALITY" });
ae.addRequestedContext(sop.ModalityPerformedProcedureStep);
ae.addRequestedContext(sop.ModalityPerformedProcedureStepRetrieve);

const assoc = await ae.associate(host, Number(portText), { aeTitle: "MPPS_SCP" });
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
  // PS3.4 F.7.2.1: the step starts IN PROGRESS; the SCP assigns its UID.
  const created = await assoc.sendNCreate(
    new Dataset({
      PerformedProcedureStepStatus: "IN PROGRESS",
      PerformedProcedureStepID: "PPS-0001",
      Modality: "CT",
      PerformedStationAETitle: "MODALITY",
      PerformedProcedureStepStartDate: "20250101",
      PerformedProcedureStepStartTime: "120000",
    }),
    sop.ModalityPerformedProcedureStep,
  );
  check("N-CREATE (IN PROGRESS)", created.status);
  const uid = created.sopInstanceUid ?? "";
  console.log(`MPPS instance ${uid}`);

  const done = await assoc.sendNSet(
    new Dataset({ PerformedProcedureStepStatus: "COMPLETED", PerformedProcedureStepEndTime: "121500" }),
    sop.ModalityPerformedProcedureStep,
    uid,
  );
  check("N-SET (COMPLETED)", done.status);

  // PS3.4 F.7.2.2.2: a completed step may no longer be updated (0x0110, Error ID 0xA710).
  const late = await assoc.sendNSet(
    new Dataset({ PerformedProcedureStepStatus: "DISCONTINUED" }),
    sop.ModalityPerformedProcedureStep,
    uid,
  );
  check("N-SET after completion (refused)", late.status, 0x0110);

  const got = await assoc.sendNGet(["PerformedProcedureStepStatus"], sop.ModalityPerformedProcedureStepRetrieve, uid);
  check("N-GET", got.status);
  const state = got.attributeList?.string("PerformedProcedureStepStatus");
  console.log(`status read back: ${state}`);
  if (state !== "COMPLETED") failed = true;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  failed = true;
} finally {
  await assoc.release();
}
process.exit(failed ? 1 : 0);
