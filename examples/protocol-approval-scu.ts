// Protocol Approval Query/Retrieve SCU (PS3.4 II): asks for every approval of one CT Defined
// Procedure Protocol with C-FIND on the Protocol Approval Information Model - FIND, matching the
// protocol's SOP Instance UID in the Approval Subject Sequence (Table II.6-1) and asking for
// the Approval Sequence back (a zero-length sequence return key: the whole sequence).
//   npx tsx examples/protocol-approval-scu.ts ADDR PORT
import { AE, sop } from "netdicom";

const [host = "127.0.0.1", portText = "11112"] = process.argv.slice(2);
const model = sop.ProtocolApprovalInformationModelFind;
const protocol = "1.2.826.0.1.3680043.10.9.1";
const ae = new AE({ aeTitle: "APPROVAL_SCU" });
ae.addRequestedContext(model);
const assoc = await ae.associate(host, Number(portText), { aeTitle: "APPROVAL_SCP" });
if (!assoc.isEstablished) {
  console.error(`association failed: ${assoc.reason ?? "unknown"}`);
  process.exit(1);
}
let failed = false;
try {
  // No Query/Retrieve Level: the Worklist search method (PS3.4 II.4.1).
  const query = {
    SOPClassUID: "",
    SOPInstanceUID: "",
    InstanceCreationDate: "",
    ApprovalSubjectSequence: { ReferencedSOPInstanceUID: protocol },
    ApprovalSequence: [],
  };
  const found: string[] = [];
  let final: number | undefined;
  for await (const rsp of assoc.sendCFind(query, model)) {
    if (!rsp.identifier) {
      final = rsp.status;
      continue;
    }
    const assertion = rsp.identifier.sequence("ApprovalSequence")[0];
    const code = assertion?.sequence("AssertionCodeSequence")[0]?.string("CodeMeaning") ?? "?";
    found.push(`${rsp.identifier.string("InstanceCreationDate")} ${code}`);
  }
  console.log(`C-FIND: 0x${(final ?? 0xffff).toString(16).padStart(4, "0")}, ${found.length} approvals`);
  for (const f of found) console.log(`  ${f}`);
  if (final !== 0x0000 || found.length !== 2 || !found.every((f) => f.endsWith("Approved for use at the institution")))
    failed = true;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  failed = true;
} finally {
  await assoc.release();
}
process.exit(failed ? 1 : 0);
