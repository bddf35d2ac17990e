// RT Machine Verification SCU (PS3.4 DD), as a treatment delivery system: creates a machine
// verification instance for a plan, asks for beam verification, reads the result, deletes the
// instance, and checks that a second delete answers 0xC112.
//   npx tsx examples/rt-machine-verification-scu.ts ADDR PORT
import { AE, Dataset, sop } from "netdicom";

const [host = "127.0.0.1", portText = "11112"] = process.argv.slice(2);
const RTMV = sop.RTConventionalMachineVerification;
const ae = new AE({ aeTitle: "TDS" });
ae.addRequestedContext(RTMV);
const assoc = await ae.associate(host, Number(portText), { aeTitle: "RTMV_SCP" });
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
      ReferencedRTPlanSequence: [
        { ReferencedSOPClassUID: sop.RTPlanStorage, ReferencedSOPInstanceUID: "1.2.826.0.1.3680043.10.6.1" },
      ],
      ReferencedFractionGroupNumber: 1,
    }),
    RTMV,
  );
  check("N-CREATE machine verification", created.status);
  const uid = created.sopInstanceUid ?? "";
  check("N-SET beam", (await assoc.sendNSet(new Dataset({ ReferencedBeamNumber: 1 }), RTMV, uid)).status);
  check("N-ACTION request beam verification", (await assoc.sendNAction(undefined, 1, RTMV, uid)).status);
  const got = await assoc.sendNGet(["TreatmentVerificationStatus"], RTMV, uid);
  check("N-GET", got.status);
  const verdict = got.attributeList?.string("TreatmentVerificationStatus");
  console.log(`treatment verification status: ${verdict}`);
  if (verdict !== "VERIFIED") failed = true;
  check("N-DELETE", (await assoc.sendNDelete(RTMV, uid)).status);
  check("N-DELETE again", (await assoc.sendNDelete(RTMV, uid)).status, 0xc112);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  failed = true;
} finally {
  await assoc.release();
}
process.exit(failed ? 1 : 0);
