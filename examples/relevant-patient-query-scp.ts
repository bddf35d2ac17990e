// Relevant Patient Information Query SCP (PS3.4 Q): answers a C-FIND for one patient with at most
// one match (more than one would be 0xC100, PS3.4 Q.2.1.1.3), here from a tiny in-memory list.
//   npx tsx examples/relevant-patient-query-scp.ts PORT
import { AE, Dataset, Event, relevantPatientInformationPresentationContexts } from "netdicom";

const port = Number(process.argv[2] ?? 11112);
const patients = [
  { PatientID: "PAT-1", PatientName: "Doe^Jane", PatientBirthDate: "19700101", PatientSex: "F" },
  { PatientID: "PAT-2", PatientName: "Roe^Richard", PatientBirthDate: "19650505", PatientSex: "M" },
];
const ae = new AE({ aeTitle: "RPI_SCP" });
for (const cx of relevantPatientInformationPresentationContexts()) ae.addSupportedContext(cx.abstractSyntax ?? "");
const server = await ae.startServer({
  port,
  handlers: {
    [Event.C_FIND]: async function* (event) {
      const id = event.identifier().string("PatientID") ?? "";
      const matches = patients.filter((p) => p.PatientID === id);
      if (matches.length > 1) {
        yield { status: 0xc100 }; // more than one match
        return;
      }
      // PS3.4 Q.2.1.1.3: the one match, then success (an unknown patient: success with none).
      for (const p of matches) yield new Dataset(p);
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
