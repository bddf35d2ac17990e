// Inventory Query/Retrieve SCP (PS3.4 JJ): answers C-FIND on Inventory - FIND and C-GET on
// Inventory - GET from an in-memory list of Inventory SOP Instances. The Inventory Q/R
// Information Model is a single level, queried with the Worklist search method (JJ.2, JJ.3.1):
// no Query/Retrieve Level, keys from the Inventory IE (Content Date/Time, Inventory Purpose,
// Inventory Level, Inventory Completion Status…). A retrieve names SOP Instance UIDs, its only
// unique key, and has no Query/Retrieve Level either (JJ.3.2, JJ.3.3).
//   npx tsx examples/inventory-scp.ts PORT
import {
  AE,
  buildResponse,
  Dataset,
  Event,
  IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
  inventoryPresentationContexts,
  matches,
  sop,
} from "netdicom";

const port = Number(process.argv[2] ?? 11112);
const QUERY_RETRIEVE_LEVEL = "QueryRetrieveLevel";

/** Two Inventory SOP Instances (PS3.3 C.38.1), study-level records only. */
const inventories = [
  { uid: "1.2.826.0.1.3680043.10.8.1", date: "20240131", purpose: "monthly reconciliation", studies: 2 },
  { uid: "1.2.826.0.1.3680043.10.8.2", date: "20240229", purpose: "migration check", studies: 1 },
].map(
  (i) =>
    new Dataset({
      SOPClassUID: sop.InventoryStorage,
      SOPInstanceUID: i.uid,
      Modality: "INVENTORY",
      ContentDate: i.date,
      ContentTime: "020000",
      ScopeOfInventorySequence: [],
      InventoryPurpose: i.purpose,
      InventoryLevel: "STUDY",
      InventoryCompletionStatus: "COMPLETE",
      NumberOfStudyRecordsInInstance: i.studies,
      TotalNumberOfStudyRecords: BigInt(i.studies),
      InventoriedStudiesSequence: Array.from({ length: i.studies }, (_, n) => ({
        StudyInstanceUID: `1.2.826.0.1.3680043.10.7.${n + 1}`,
      })),
    }),
);

const ae = new AE({ aeTitle: "INVENTORY_SCP" });
for (const cx of inventoryPresentationContexts()) ae.addSupportedContext(cx.abstractSyntax ?? "");
// PS3.7 D.3.3.4: a C-GET's C-STORE goes back on the same association, the requestor as SCP.
ae.addSupportedContext(sop.InventoryStorage, undefined, false, true);
const server = await ae.startServer({
  port,
  handlers: {
    [Event.C_FIND]: async function* (event) {
      const query = event.identifier();
      if (query.has(QUERY_RETRIEVE_LEVEL)) {
        yield { status: IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS };
        return;
      }
      for (const inv of inventories) if (matches(query, inv)) yield buildResponse(query, inv);
    },
    [Event.C_GET]: async function* (event) {
      const id = event.identifier();
      const wanted = id.strings("SOPInstanceUID");
      if (id.has(QUERY_RETRIEVE_LEVEL) || wanted.length === 0) {
        yield { status: IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS };
        return;
      }
      const found = inventories.filter((inv) => wanted.includes(inv.string("SOPInstanceUID") ?? ""));
      yield found.length;
      yield* found;
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
