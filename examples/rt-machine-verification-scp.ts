// RT Machine Verification SCP (PS3.4 DD): a machine verification instance is created for a plan
// (N-CREATE), its beam verified on request (N-ACTION type 1, Request Beam Verification), its
// Treatment Verification Status read back (N-GET) and finally deleted (N-DELETE). Unknown
// instances get 0xC112 (PS3.4 DD.3.2). This example verifies every beam at once.
//   npx tsx examples/rt-machine-verification-scp.ts PORT
import { AE, Dataset, Event, generateUid, rtMachineVerificationPresentationContexts } from "netdicom";

const port = Number(process.argv[2] ?? 11112);
const instances = new Map<string, Dataset>();
const ae = new AE({ aeTitle: "RTMV_SCP" });
for (const cx of rtMachineVerificationPresentationContexts()) ae.addSupportedContext(cx.abstractSyntax ?? "");
const server = await ae.startServer({
  port,
  handlers: {
    [Event.N_CREATE]: (event) => {
      const attrs = event.attributeList() ?? new Dataset();
      if (attrs.sequence("ReferencedRTPlanSequence").length === 0) {
        return { status: 0x0120, offendingElement: ["ReferencedRTPlanSequence"] };
      }
      const uid = event.sopInstanceUid ?? generateUid();
      if (instances.has(uid)) return 0x0111;
      attrs.set("TreatmentVerificationStatus", "NOT_VERIFIED");
      instances.set(uid, attrs);
      return { status: 0x0000, sopInstanceUid: uid };
    },
    [Event.N_SET]: (event) => {
      const attrs = instances.get(event.sopInstanceUid ?? "");
      if (!attrs) return 0xc112;
      const mods = event.modificationList();
      for (const tag of mods.tags()) attrs.setElement(mods.getElement(tag)!);
      return 0x0000;
    },
    [Event.N_ACTION]: (event) => {
      const attrs = instances.get(event.sopInstanceUid ?? "");
      if (!attrs) return 0xc112;
      if (event.actionTypeId !== 1) return 0x0123;
      attrs.set("TreatmentVerificationStatus", "VERIFIED");
      console.log(`${event.sopInstanceUid}: beam verified`);
      return 0x0000;
    },
    [Event.N_GET]: (event) => {
      const attrs = instances.get(event.sopInstanceUid ?? "");
      if (!attrs) return 0xc112;
      const out = new Dataset();
      for (const tag of event.attributeIdentifierList.length > 0 ? event.attributeIdentifierList : attrs.tags()) {
        const el = attrs.getElement(tag);
        if (el) out.setElement(el);
      }
      return { status: 0x0000, attributeList: out };
    },
    [Event.N_DELETE]: (event) => (instances.delete(event.sopInstanceUid ?? "") ? 0x0000 : 0xc112),
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
