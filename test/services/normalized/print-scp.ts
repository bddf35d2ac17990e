// A small Print Management SCP (PS3.4 H) as handlers, shared by the loopback and DCMTK tests:
// film sessions, film boxes that create their image boxes, image boxes, print, printer status.
import { Dataset } from "../../../src/dataset/dataset.js";
import { sop, wellKnown } from "../../../src/dataset/uids.js";
import { Event, type Handlers } from "../../../src/events.js";

/** What the print handlers keep, and the requests they saw. */
export interface PrintState {
  sessions: Map<string, Dataset>;
  boxes: Map<string, { session: string; images: string[]; printed: boolean }>;
  images: Map<string, Dataset | undefined>;
  seen: string[];
}

/** The handlers, keeping their state in `state`. */
export function printHandlers(state: PrintState): Handlers {
  let n = 0;
  const uid = () => `1.2.826.0.1.3680043.10.7.${++n}`;
  return {
    [Event.N_CREATE]: (e) => {
      state.seen.push(`create ${e.sopClassUid}`);
      const attrs = e.attributeList() ?? new Dataset();
      if (e.sopClassUid === sop.BasicFilmSession) {
        const id = e.sopInstanceUid ?? uid();
        state.sessions.set(id, attrs);
        return { status: 0, sopInstanceUid: id, attributeList: attrs };
      }
      if (e.sopClassUid === sop.BasicFilmBox) {
        const session = attrs.sequence("ReferencedFilmSessionSequence")[0]?.string("ReferencedSOPInstanceUID") ?? "";
        if (!state.sessions.has(session))
          return { status: 0x0106, offendingElement: ["ReferencedFilmSessionSequence"] };
        // PS3.4 H.4.2.2.1: the SCP creates the image boxes of the layout and lists them in its reply.
        const format = attrs.string("ImageDisplayFormat") ?? "STANDARD\\1,1";
        const [cols, rows] = (format.split("\\")[1] ?? "1,1").split(",").map(Number);
        const images = Array.from({ length: (cols ?? 1) * (rows ?? 1) }, () => uid());
        for (const i of images) state.images.set(i, undefined);
        const id = e.sopInstanceUid ?? uid();
        state.boxes.set(id, { session, images, printed: false });
        const reply = new Dataset({
          ImageDisplayFormat: format,
          ReferencedImageBoxSequence: images.map((i) => ({
            ReferencedSOPClassUID: sop.BasicGrayscaleImageBox,
            ReferencedSOPInstanceUID: i,
          })),
        });
        return { status: 0, sopInstanceUid: id, attributeList: reply };
      }
      return 0x0110;
    },
    [Event.N_SET]: (e) => {
      state.seen.push(`set ${e.sopClassUid}`);
      if (!state.images.has(e.sopInstanceUid ?? "")) return 0x0112;
      const mods = e.modificationList();
      if (mods.sequence("BasicGrayscaleImageSequence").length !== 1) return { status: 0x0120 };
      state.images.set(e.sopInstanceUid ?? "", mods);
      return 0;
    },
    [Event.N_ACTION]: (e) => {
      state.seen.push(`action ${e.sopClassUid}`);
      const box = state.boxes.get(e.sopInstanceUid ?? "");
      if (!box) return 0x0112;
      // PS3.4 H.4.2.2.4: print; an empty page is a warning (B603).
      const empty = box.images.every((i) => state.images.get(i) === undefined);
      box.printed = true;
      const reply = new Dataset({
        ReferencedPrintJobSequence: [{ ReferencedSOPClassUID: sop.PrintJob, ReferencedSOPInstanceUID: uid() }],
      });
      return { status: empty ? 0xb603 : 0, attributeList: reply };
    },
    [Event.N_GET]: (e) => {
      state.seen.push(`get ${e.sopClassUid}`);
      if (e.sopInstanceUid !== wellKnown.PrinterInstance) return 0x0112;
      return { status: 0, attributeList: new Dataset({ PrinterStatus: "NORMAL", PrinterName: "loopback" }) };
    },
    [Event.N_DELETE]: (e) => {
      state.seen.push(`delete ${e.sopClassUid}`);
      return state.sessions.delete(e.sopInstanceUid ?? "") ? 0 : 0x0112;
    },
  };
}

/** A fresh, empty state. */
export function newPrintState(): PrintState {
  return { sessions: new Map(), boxes: new Map(), images: new Map(), seen: [] };
}
