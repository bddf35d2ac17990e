// Display System Management SCP (PS3.4 EE): answers N-GET on the well-known Display System
// instance with a few attributes of this (imaginary) display system.
//   npx tsx examples/display-system-scp.ts PORT
import { AE, Dataset, Event, sop, wellKnown } from "netdicom";

const port = Number(process.argv[2] ?? 11112);
const display = new Dataset({
  Manufacturer: "netdicom",
  ManufacturerModelName: "Loopback Display",
  DeviceSerialNumber: "0001",
  SoftwareVersions: "1.0",
});

const ae = new AE({ aeTitle: "DISPLAY_SCP" });
ae.addSupportedContext(sop.DisplaySystem);
const server = await ae.startServer({
  port,
  handlers: {
    [Event.N_GET]: (event) => {
      if (event.sopInstanceUid !== wellKnown.DisplaySystemInstance) return 0x0112; // no such SOP instance
      const out = new Dataset();
      const wanted = event.attributeIdentifierList.length > 0 ? event.attributeIdentifierList : display.tags();
      for (const tag of wanted) {
        const el = display.getElement(tag);
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
