// Display System Management SCU (PS3.4 EE): reads the display system's identity with N-GET.
//   npx tsx examples/display-system-scu.ts ADDR PORT
import { AE, sop, wellKnown } from "netdicom";

const [host = "127.0.0.1", portText = "11112"] = process.argv.slice(2);
const ae = new AE({ aeTitle: "DISPLAY_SCU" });
ae.addRequestedContext(sop.DisplaySystem);
const assoc = await ae.associate(host, Number(portText), { aeTitle: "DISPLAY_SCP" });
if (!assoc.isEstablished) {
  console.error(`association failed: ${assoc.reason ?? "unknown"}`);
  process.exit(1);
}
let failed = false;
try {
  const rsp = await assoc.sendNGet(
    ["Manufacturer", "ManufacturerModelName"],
    sop.DisplaySystem,
    wellKnown.DisplaySystemInstance,
  );
  console.log(`N-GET display system: 0x${rsp.status.toString(16).padStart(4, "0")}`);
  const model = rsp.attributeList?.string("ManufacturerModelName");
  console.log(`display: ${rsp.attributeList?.string("Manufacturer")} ${model}`);
  if (rsp.status !== 0x0000 || model === undefined) failed = true;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  failed = true;
} finally {
  await assoc.release();
}
process.exit(failed ? 1 : 0);
