// Application Event Logging SCU (PS3.4 P): logs a procedural event (N-ACTION type 1), then
// checks that an event without a study is refused (0xC103).
//   npx tsx examples/event-logging-scu.ts ADDR PORT
import { AE, Dataset, sop, wellKnown } from "netdicom";

const [host = "127.0.0.1", portText = "11112"] = process.argv.slice(2);
const ae = new AE({ aeTitle: "EVENTLOG_SCU" });
ae.addRequestedContext(sop.ProceduralEventLogging);
const assoc = await ae.associate(host, Number(portText), { aeTitle: "EVENTLOG_SCP" });
if (!assoc.isEstablished) {
  console.error(`association failed: ${assoc.reason ?? "unknown"}`);
  process.exit(1);
}
let failed = false;
const instance = wellKnown.ProceduralEventLoggingInstance;
try {
  const event = new Dataset({
    StudyInstanceUID: "1.2.826.0.1.3680043.10.3.1",
    PatientID: "PAT-1",
    ContentSequence: [{ RelationshipType: "CONTAINS", ValueType: "TEXT", TextValue: "contrast injected" }],
  });
  const logged = await assoc.sendNAction(event, 1, sop.ProceduralEventLogging, instance);
  console.log(`N-ACTION log event: 0x${logged.status.toString(16).padStart(4, "0")}`);
  const orphan = await assoc.sendNAction(new Dataset({ PatientID: "PAT-1" }), 1, sop.ProceduralEventLogging, instance);
  console.log(
    `N-ACTION without a study: 0x${orphan.status.toString(16).padStart(4, "0")} (${orphan.statusInfo.meaning})`,
  );
  if (logged.status !== 0x0000 || orphan.status !== 0xc103) failed = true;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  failed = true;
} finally {
  await assoc.release();
}
process.exit(failed ? 1 : 0);
