// Instance Availability Notification SCP (PS3.4 R): records which instances became available
// where, as announced by N-CREATE.
//   npx tsx examples/instance-availability-scp.ts PORT
import { AE, Dataset, Event, sop } from "netdicom";

const port = Number(process.argv[2] ?? 11112);
const notifications = new Set<string>();
const ae = new AE({ aeTitle: "IAN_SCP" });
ae.addSupportedContext(sop.InstanceAvailabilityNotification);
const server = await ae.startServer({
  port,
  handlers: {
    [Event.N_CREATE]: (event) => {
      const uid = event.sopInstanceUid;
      if (uid === undefined) return { status: 0x0120, errorComment: "the SCU names the notification (PS3.4 R.2.1)" };
      if (notifications.has(uid)) return 0x0111;
      const attrs = event.attributeList() ?? new Dataset();
      const studies = attrs.sequence("CurrentRequestedProcedureEvidenceSequence");
      if (studies.length === 0)
        return { status: 0x0120, offendingElement: ["CurrentRequestedProcedureEvidenceSequence"] };
      notifications.add(uid);
      for (const study of studies) {
        for (const series of study.sequence("ReferencedSeriesSequence")) {
          for (const instance of series.sequence("ReferencedSOPSequence")) {
            const where = `${instance.string("InstanceAvailability")} at ${instance.string("RetrieveAETitle")}`;
            console.log(`${instance.string("ReferencedSOPInstanceUID")}: ${where}`);
          }
        }
      }
      return 0x0000;
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
