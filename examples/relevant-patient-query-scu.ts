// Relevant Patient Information Query SCU (PS3.4 Q): asks for one patient's information with
// C-FIND on the General Relevant Patient Information Query SOP class.
//   npx tsx examples/relevant-patient-query-scu.ts ADDR PORT
import { AE, sop } from "netdicom";

const [host = "127.0.0.1", portText = "11112"] = process.argv.slice(2);
const model = sop.GeneralRelevantPatientInformationQuery;
const ae = new AE({ aeTitle: "RPI_SCU" });
ae.addRequestedContext(model);
const assoc = await ae.associate(host, Number(portText), { aeTitle: "RPI_SCP" });
if (!assoc.isEstablished) {
  console.error(`association failed: ${assoc.reason ?? "unknown"}`);
  process.exit(1);
}
let failed = false;
try {
  const names: string[] = [];
  let final: number | undefined;
  for await (const rsp of assoc.sendCFind({ PatientID: "PAT-1", PatientName: "", PatientBirthDate: "" }, model)) {
    if (rsp.identifier) names.push(rsp.identifier.string("PatientName") ?? "");
    else final = rsp.status;
  }
  console.log(`C-FIND: 0x${(final ?? 0xffff).toString(16).padStart(4, "0")}, match: ${names.join(", ")}`);
  if (final !== 0x0000 || names.length !== 1 || names[0] !== "Doe^Jane") failed = true;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  failed = true;
} finally {
  await assoc.release();
}
process.exit(failed ? 1 : 0);
