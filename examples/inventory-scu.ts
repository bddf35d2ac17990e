// Inventory Query/Retrieve SCU (PS3.4 JJ): finds the inventories made since February (C-FIND on
// Inventory - FIND, Range Matching on Content Date, no Query/Retrieve Level: JJ.3.1), then
// retrieves the one it found by SOP Instance UID (C-GET on Inventory - GET, JJ.3.3): it comes
// back as a C-STORE of an Inventory Storage instance on the same association, this side acting
// as its SCP (role selection, PS3.7 D.3.3.4).
//   npx tsx examples/inventory-scu.ts ADDR PORT
import { AE, type Dataset, Event, type EventOf, retrieveRoles, sop } from "netdicom";

const [host = "127.0.0.1", portText = "11112"] = process.argv.slice(2);
const received: Dataset[] = [];
const handlers = {
  [Event.C_STORE]: async (event: EventOf<"C_STORE">) => {
    received.push(await event.dataset());
    return 0x0000;
  },
};

const ae = new AE({ aeTitle: "INVENTORY_SCU" });
ae.addRequestedContext(sop.InventoryFind);
ae.addRequestedContext(sop.InventoryGet);
ae.addRequestedContext(sop.InventoryStorage);
const assoc = await ae.associate(host, Number(portText), {
  aeTitle: "INVENTORY_SCP",
  extendedNegotiation: retrieveRoles([sop.InventoryStorage]),
  handlers,
});
if (!assoc.isEstablished) {
  console.error(`association failed: ${assoc.reason ?? "unknown"}`);
  process.exit(1);
}
let failed = false;
const hex = (n: number | undefined) => `0x${(n ?? 0xffff).toString(16).padStart(4, "0")}`;
try {
  const query = {
    ContentDate: "20240201-",
    ContentTime: "",
    InventoryPurpose: "",
    InventoryLevel: "",
    InventoryCompletionStatus: "",
    SOPInstanceUID: "",
  };
  const found: Dataset[] = [];
  let final: number | undefined;
  for await (const rsp of assoc.sendCFind(query, sop.InventoryFind)) {
    if (rsp.identifier) found.push(rsp.identifier);
    else final = rsp.status;
  }
  const purposes = found.map((d) => `${d.string("InventoryPurpose")} (${d.string("ContentDate")})`);
  console.log(`C-FIND: ${hex(final)}, inventories: ${purposes.join(", ")}`);
  if (final !== 0x0000 || found.length !== 1) throw new Error("expected one inventory since February");

  const uid = found[0]?.string("SOPInstanceUID") ?? "";
  let last: number | undefined;
  for await (const rsp of assoc.sendCGet({ SOPInstanceUID: uid }, sop.InventoryGet)) last = rsp.status;
  const inv = received[0];
  const studies = inv?.sequence("InventoriedStudiesSequence").length ?? 0;
  console.log(`C-GET: ${hex(last)}, received ${received.length} inventory, ${studies} study record(s)`);
  if (last !== 0x0000 || received.length !== 1 || inv?.string("SOPInstanceUID") !== uid || studies !== 1) failed = true;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  failed = true;
} finally {
  await assoc.release();
}
process.exit(failed ? 1 : 0);
