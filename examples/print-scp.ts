// Print Management SCP (PS3.4 H) for the Basic Grayscale Print Management Meta SOP class: film
// sessions, film boxes with their image boxes, printing a film box (a Print Job reference in the
// reply), and the Printer's status. Nothing is printed: each "printed" film box is logged.
//   npx tsx examples/print-scp.ts PORT
import { AE, Dataset, Event, generateUid, sop, wellKnown } from "netdicom";

const port = Number(process.argv[2] ?? 11112);
const sessions = new Map<string, Dataset>();
const filmBoxes = new Map<string, { session: string; imageBoxes: string[] }>();
const imageBoxes = new Map<string, Dataset | undefined>();

const ae = new AE({ aeTitle: "PRINT_SCP" });
ae.addSupportedContext(sop.BasicGrayscalePrintManagementMeta);

/** "STANDARD\C,R" (PS3.3 C.13.8): C columns by R rows of image boxes. */
function imageCount(format: string): number {
  const m = /^STANDARD\\(\d+),(\d+)$/.exec(format);
  return m ? Number(m[1]) * Number(m[2]) : 0;
}

const server = await ae.startServer({
  port,
  handlers: {
    [Event.N_CREATE]: (event) => {
      const attrs = event.attributeList() ?? new Dataset();
      const uid = event.sopInstanceUid ?? generateUid();
      if (event.sopClassUid === sop.BasicFilmSession) {
        sessions.set(uid, attrs);
        return { status: 0x0000, sopInstanceUid: uid, attributeList: attrs };
      }
      // Basic Film Box (PS3.4 H.4.2.2.1): in an existing session, with a layout the SCP supports.
      const session = attrs.sequence("ReferencedFilmSessionSequence")[0]?.string("ReferencedSOPInstanceUID") ?? "";
      if (!sessions.has(session)) return { status: 0x0106, offendingElement: ["ReferencedFilmSessionSequence"] };
      const format = attrs.string("ImageDisplayFormat") ?? "";
      const count = imageCount(format);
      if (count < 1 || count > 16) return { status: 0x0106, offendingElement: ["ImageDisplayFormat"] };
      const boxes = Array.from({ length: count }, () => generateUid());
      for (const b of boxes) imageBoxes.set(b, undefined);
      filmBoxes.set(uid, { session, imageBoxes: boxes });
      const reply = new Dataset({
        ImageDisplayFormat: format,
        ReferencedImageBoxSequence: boxes.map((b) => ({
          ReferencedSOPClassUID: sop.BasicGrayscaleImageBox,
          ReferencedSOPInstanceUID: b,
        })),
      });
      return { status: 0x0000, sopInstanceUid: uid, attributeList: reply };
    },
    [Event.N_SET]: (event) => {
      const uid = event.sopInstanceUid ?? "";
      if (event.sopClassUid === sop.BasicFilmSession) return sessions.has(uid) ? 0x0000 : 0x0112;
      if (!imageBoxes.has(uid)) return 0x0112;
      const image = event.modificationList().sequence("BasicGrayscaleImageSequence")[0];
      if (!image) return { status: 0x0120, offendingElement: ["BasicGrayscaleImageSequence"] };
      imageBoxes.set(uid, image);
      return 0x0000;
    },
    [Event.N_ACTION]: (event) => {
      const box = filmBoxes.get(event.sopInstanceUid ?? "");
      const session = sessions.get(event.sopInstanceUid ?? "");
      if (!box && !session) return 0x0112;
      const pages = box ? [box] : [...filmBoxes.values()].filter((b) => b.session === event.sopInstanceUid);
      // PS3.4 H.4.1.2.4.2 / H.4.2.2.4.2: a session without film boxes cannot print; an empty page warns.
      if (pages.length === 0) return 0xc600;
      const empty = pages.some((p) => p.imageBoxes.every((b) => imageBoxes.get(b) === undefined));
      for (const p of pages) {
        const filled = p.imageBoxes.filter((b) => imageBoxes.get(b) !== undefined).length;
        console.log(`printing a film box: ${filled}/${p.imageBoxes.length} images`);
      }
      const reply = new Dataset({
        ReferencedPrintJobSequence: [{ ReferencedSOPClassUID: sop.PrintJob, ReferencedSOPInstanceUID: generateUid() }],
      });
      return { status: empty ? 0xb603 : 0x0000, attributeList: reply };
    },
    [Event.N_DELETE]: (event) => {
      const uid = event.sopInstanceUid ?? "";
      if (sessions.delete(uid)) {
        for (const [id, box] of filmBoxes) if (box.session === uid) filmBoxes.delete(id);
        return 0x0000;
      }
      return filmBoxes.delete(uid) ? 0x0000 : 0x0112;
    },
    [Event.N_GET]: (event) => {
      // PS3.4 H.4.6: the Printer is the well-known instance.
      if (event.sopInstanceUid !== wellKnown.PrinterInstance) return 0x0112;
      return {
        status: 0x0000,
        attributeList: new Dataset({ PrinterStatus: "NORMAL", PrinterStatusInfo: "NORMAL", PrinterName: "netdicom" }),
      };
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
