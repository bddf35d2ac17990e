// Media Creation Management SCP (PS3.4 S): accepts a media creation request (N-CREATE), starts
// it on Initiate Media Creation (N-ACTION type 1; a second one is refused with 0xA510), and
// reports its Execution Status on N-GET. The "media" is made at once: nothing is written.
//   npx tsx examples/media-creation-scp.ts PORT
import { AE, Dataset, Event, generateUid, sop } from "netdicom";

const port = Number(process.argv[2] ?? 11112);
const requests = new Map<string, { attrs: Dataset; status: "IDLE" | "DONE" | "FAILURE" }>();
const ae = new AE({ aeTitle: "MEDIA_SCP" });
ae.addSupportedContext(sop.MediaCreationManagement);
const server = await ae.startServer({
  port,
  handlers: {
    [Event.N_CREATE]: (event) => {
      const attrs = event.attributeList() ?? new Dataset();
      if (attrs.sequence("ReferencedSOPSequence").length === 0) {
        return { status: 0x0120, offendingElement: ["ReferencedSOPSequence"] };
      }
      const uid = event.sopInstanceUid ?? generateUid();
      if (requests.has(uid)) return 0x0111;
      requests.set(uid, { attrs, status: "IDLE" });
      return { status: 0x0000, sopInstanceUid: uid };
    },
    [Event.N_ACTION]: (event) => {
      const request = requests.get(event.sopInstanceUid ?? "");
      if (!request) return 0x0112;
      if (event.actionTypeId === 2) return request.status === "DONE" ? 0xc201 : 0x0000; // cancel
      if (event.actionTypeId !== 1) return 0x0123;
      if (request.status !== "IDLE") return 0xa510; // PS3.4 S.3.2.2.4: already initiated
      const copies = Number(event.actionInformation()?.string("NumberOfCopies") ?? "1");
      const count = request.attrs.sequence("ReferencedSOPSequence").length;
      console.log(`creating ${copies} cop${copies === 1 ? "y" : "ies"} of ${count} instances`);
      request.status = "DONE";
      return 0x0000;
    },
    [Event.N_GET]: (event) => {
      const request = requests.get(event.sopInstanceUid ?? "");
      if (!request) return 0x0112;
      const out = new Dataset({ ExecutionStatus: request.status, ExecutionStatusInfo: "NORMAL" });
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
