// Print Management SCU (PS3.4 H) over the Basic Grayscale Print Management Meta SOP class: checks
// the printer, creates a film session and a 1x2 film box, fills one image box with a small
// gradient, prints the film box and deletes the session. Each request names its own SOP class
// while the context is the meta SOP class's (`metaSopClassUid`, pynetdicom's meta_uid).
//   npx tsx examples/print-scu.ts ADDR PORT
import { AE, Dataset, sop, wellKnown } from "netdicom";

const [host = "127.0.0.1", portText = "11112"] = process.argv.slice(2);
const META = sop.BasicGrayscalePrintManagementMeta;
const meta = { metaSopClassUid: META };
const ae = new AE({ aeTitle: "PRINT_SCU" });
ae.addRequestedContext(META);

const assoc = await ae.associate(host, Number(portText), { aeTitle: "PRINT_SCP" });
if (!assoc.isEstablished) {
  console.error(`association failed: ${assoc.reason ?? "unknown"}`);
  process.exit(1);
}
let failed = false;
const check = (what: string, status: number, want = 0x0000) => {
  console.log(`${what}: 0x${status.toString(16).padStart(4, "0")}`);
  if (status !== want) failed = true;
};

try {
  const printer = await assoc.sendNGet(["PrinterStatus"], sop.Printer, wellKnown.PrinterInstance, meta);
  check("N-GET printer", printer.status);
  console.log(`printer status: ${printer.attributeList?.string("PrinterStatus")}`);

  const session = await assoc.sendNCreate(
    new Dataset({ NumberOfCopies: "1", PrintPriority: "MED", MediumType: "BLUE FILM", FilmDestination: "MAGAZINE" }),
    sop.BasicFilmSession,
    undefined,
    meta,
  );
  check("N-CREATE film session", session.status);

  const filmBox = await assoc.sendNCreate(
    new Dataset({
      ImageDisplayFormat: "STANDARD\\1,2",
      FilmOrientation: "PORTRAIT",
      FilmSizeID: "8INX10IN",
      ReferencedFilmSessionSequence: [
        { ReferencedSOPClassUID: sop.BasicFilmSession, ReferencedSOPInstanceUID: session.sopInstanceUid },
      ],
    }),
    sop.BasicFilmBox,
    undefined,
    meta,
  );
  check("N-CREATE film box", filmBox.status);
  const boxes = filmBox.attributeList?.sequence("ReferencedImageBoxSequence") ?? [];
  console.log(`image boxes: ${boxes.length}`);

  // A 16x16 8-bit gradient (PS3.4 H.4.3.1: the Basic Grayscale Image Sequence).
  const pixels = Uint8Array.from({ length: 256 }, (_, i) => i);
  const image = new Dataset({
    ImageBoxPosition: 1,
    BasicGrayscaleImageSequence: [
      {
        SamplesPerPixel: 1,
        PhotometricInterpretation: "MONOCHROME2",
        Rows: 16,
        Columns: 16,
        BitsAllocated: 8,
        BitsStored: 8,
        HighBit: 7,
        PixelRepresentation: 0,
        PixelData: pixels,
      },
    ],
  });
  const first = boxes[0]?.string("ReferencedSOPInstanceUID") ?? "";
  check("N-SET image box 1", (await assoc.sendNSet(image, sop.BasicGrayscaleImageBox, first, meta)).status);

  const printed = await assoc.sendNAction(undefined, 1, sop.BasicFilmBox, filmBox.sopInstanceUid ?? "", meta);
  check("N-ACTION print film box", printed.status);
  const job = printed.attributeList?.sequence("ReferencedPrintJobSequence")[0]?.string("ReferencedSOPInstanceUID");
  // A printer that supports the Print Job SOP class names the job (PS3.4 H.4.2.2.4).
  console.log(`print job: ${job ?? "(not reported)"}`);

  check(
    "N-DELETE film session",
    (await assoc.sendNDelete(sop.BasicFilmSession, session.sopInstanceUid ?? "", meta)).status,
  );
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  failed = true;
} finally {
  await assoc.release();
}
process.exit(failed ? 1 : 0);
