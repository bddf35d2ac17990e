// Modality Performed Procedure Step SCP (PS3.4 F): keeps each MPPS in memory, accepts its
// creation IN PROGRESS and its updates until it is COMPLETED or DISCONTINUED, and answers N-GET
// through the MPPS Retrieve SOP class.
//   npx tsx examples/mpps-scp.ts PORT        (PORT 0: any free port; prints "listening on PORT")
import { AE, Dataset, Event, generateUid, modalityPerformedProcedureStepPresentationContexts } from "netdicom";

const port = Number(process.argv[2] ?? 11112);
const steps = new Map<string, Dataset>();

const ae = new AE({ aeTitle: "MPPS_SCP" });
for (const cx of modalityPerformedProcedureStepPresentationContexts()) ae.addSupportedContext(cx.abstractSyntax ?? "");

const server = await ae.startServer({
  port,
  handlers: {
    [Event.N_CREATE]: (event) => {
      const attrs = event.attributeList() ?? new Dataset();
      // PS3.4 F.7.2.1: an MPPS is created IN PROGRESS.
      if (attrs.string("PerformedProcedureStepStatus") !== "IN PROGRESS") {
        return { status: 0x0106, offendingElement: ["PerformedProcedureStepStatus"] };
      }
      // The SCU may leave the UID to the SCP (PS3.7 10.1.5.1.4): the response then names it.
      const uid = event.sopInstanceUid ?? generateUid();
      if (steps.has(uid)) return 0x0111; // duplicate SOP instance
      steps.set(uid, attrs);
      console.log(`created ${uid}: IN PROGRESS`);
      return { status: 0x0000, sopInstanceUid: uid };
    },
    [Event.N_SET]: (event) => {
      const uid = event.sopInstanceUid ?? "";
      const step = steps.get(uid);
      if (!step) return 0x0112; // no such SOP instance
      // PS3.4 F.7.2.2.2: a COMPLETED or DISCONTINUED step may no longer be updated.
      if (step.string("PerformedProcedureStepStatus") !== "IN PROGRESS") {
        return { status: 0x0110, errorId: 0xa710, errorComment: "the MPPS may no longer be updated" };
      }
      const mods = event.modificationList();
      const next = mods.string("PerformedProcedureStepStatus");
      if (next !== undefined && !["IN PROGRESS", "COMPLETED", "DISCONTINUED"].includes(next)) {
        return { status: 0x0106, offendingElement: ["PerformedProcedureStepStatus"] };
      }
      for (const tag of mods.tags()) {
        const el = mods.getElement(tag);
        if (el) step.setElement(el);
      }
      console.log(`updated ${uid}: ${step.string("PerformedProcedureStepStatus")}`);
      return 0x0000;
    },
    [Event.N_GET]: (event) => {
      const step = steps.get(event.sopInstanceUid ?? "");
      if (!step) return 0x0112;
      const out = new Dataset();
      const wanted = event.attributeIdentifierList.length > 0 ? event.attributeIdentifierList : step.tags();
      for (const tag of wanted) {
        const el = step.getElement(tag);
        if (el) out.setElement(el);
      }
      return { status: 0x0000, attributeList: out };
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
