// Application Event Logging SCP (PS3.4 P): logs procedural events received with N-ACTION
// (action type 1) on the well-known Procedural Event Logging instance.
//   npx tsx examples/event-logging-scp.ts PORT
import { AE, Dataset, Event, sop, wellKnown } from "netdicom";

const port = Number(process.argv[2] ?? 11112);
const ae = new AE({ aeTitle: "EVENTLOG_SCP" });
ae.addSupportedContext(sop.ProceduralEventLogging);
const server = await ae.startServer({
  port,
  handlers: {
    [Event.N_ACTION]: (event) => {
      if (event.sopInstanceUid !== wellKnown.ProceduralEventLoggingInstance) return 0x0112;
      if (event.actionTypeId !== 1) return 0x0123; // PS3.4 P.3.1: the one action, Procedural Event Logging
      const info = event.actionInformation() ?? new Dataset();
      const study = info.string("StudyInstanceUID");
      // PS3.4 P.3.1.4: the event cannot be matched to a current study.
      if (study === undefined) return { status: 0xc103, errorComment: "no Study Instance UID" };
      const text = info
        .sequence("ContentSequence")
        .map((item) => item.string("TextValue") ?? "")
        .join("; ");
      console.log(`logged for study ${study}: ${text}`);
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
