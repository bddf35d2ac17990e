// Print Management (PS3.4 H) on loopback, through the Basic Grayscale Print Management Meta SOP
// class: one context carries the film session, film box, image box and printer requests, each
// naming its own SOP class (PS3.4 H.3.1; pynetdicom's meta_uid).
import assert from "node:assert/strict";
import { test } from "node:test";
import { Dataset } from "../../../src/dataset/dataset.js";
import { sop, wellKnown } from "../../../src/dataset/uids.js";
import { nClient, nServer } from "./helpers.js";
import { newPrintState, printHandlers } from "./print-scp.js";

const META = sop.BasicGrayscalePrintManagementMeta;

test("Print: film session, film box, image box, print, printer status and delete over the meta SOP class", async (t) => {
  const state = newPrintState();
  const server = await nServer(t, [META], printHandlers(state));
  const assoc = await nClient(t, server.port, [META]);
  const meta = { metaSopClassUid: META };

  const printer = await assoc.sendNGet(["PrinterStatus"], sop.Printer, wellKnown.PrinterInstance, meta);
  assert.equal(printer.status, 0);
  assert.equal(printer.attributeList?.string("PrinterStatus"), "NORMAL");

  const session = await assoc.sendNCreate(
    new Dataset({ NumberOfCopies: "1", MediumType: "BLUE FILM" }),
    sop.BasicFilmSession,
    undefined,
    meta,
  );
  assert.equal(session.status, 0);
  assert.equal(session.response.affectedSopClassUid, sop.BasicFilmSession);
  const sessionUid = session.sopInstanceUid!;

  const box = await assoc.sendNCreate(
    new Dataset({
      ImageDisplayFormat: "STANDARD\\1,2",
      ReferencedFilmSessionSequence: [
        { ReferencedSOPClassUID: sop.BasicFilmSession, ReferencedSOPInstanceUID: sessionUid },
      ],
    }),
    sop.BasicFilmBox,
    undefined,
    meta,
  );
  assert.equal(box.status, 0);
  const imageBoxes = box.attributeList?.sequence("ReferencedImageBoxSequence") ?? [];
  assert.equal(imageBoxes.length, 2);

  const first = imageBoxes[0]?.string("ReferencedSOPInstanceUID") ?? "";
  const image = new Dataset({
    ImageBoxPosition: 1,
    BasicGrayscaleImageSequence: [
      {
        SamplesPerPixel: 1,
        PhotometricInterpretation: "MONOCHROME2",
        Rows: 2,
        Columns: 2,
        BitsAllocated: 8,
        BitsStored: 8,
        HighBit: 7,
        PixelRepresentation: 0,
        PixelData: new Uint8Array([0, 64, 128, 255]),
      },
    ],
  });
  assert.equal((await assoc.sendNSet(image, sop.BasicGrayscaleImageBox, first, meta)).status, 0);
  assert.equal(state.images.get(first)?.sequence("BasicGrayscaleImageSequence")[0]?.number("Rows"), 2);
  assert.equal(
    (await assoc.sendNSet(new Dataset({ ImageBoxPosition: 2 }), sop.BasicGrayscaleImageBox, first, meta)).status,
    0x0120,
  );

  const printed = await assoc.sendNAction(undefined, 1, sop.BasicFilmBox, box.sopInstanceUid!, meta);
  assert.equal(printed.status, 0);
  assert.equal(
    printed.attributeList?.sequence("ReferencedPrintJobSequence")[0]?.string("ReferencedSOPClassUID"),
    sop.PrintJob,
  );
  assert.equal(state.boxes.get(box.sopInstanceUid!)?.printed, true);

  assert.equal((await assoc.sendNDelete(sop.BasicFilmSession, sessionUid, meta)).status, 0);
  assert.equal((await assoc.sendNDelete(sop.BasicFilmSession, sessionUid, meta)).status, 0x0112);
  assert.deepEqual(state.seen, [
    `get ${sop.Printer}`,
    `create ${sop.BasicFilmSession}`,
    `create ${sop.BasicFilmBox}`,
    `set ${sop.BasicGrayscaleImageBox}`,
    `set ${sop.BasicGrayscaleImageBox}`,
    `action ${sop.BasicFilmBox}`,
    `delete ${sop.BasicFilmSession}`,
    `delete ${sop.BasicFilmSession}`,
  ]);
});

test("Print: a SOP class outside the meta SOP class gets 0x0122; an operation its class lacks 0x0211", async (t) => {
  const state = newPrintState();
  const server = await nServer(t, [META], printHandlers(state));
  const assoc = await nClient(t, server.port, [META]);
  const meta = { metaSopClassUid: META };
  // The colour image box belongs to the Basic Color meta SOP class, not the grayscale one.
  assert.equal((await assoc.sendNSet(new Dataset(), sop.BasicColorImageBox, "1.2.3", meta)).status, 0x0122);
  // PS3.4 H.4.4: an image box is only ever N-SET.
  assert.equal((await assoc.sendNDelete(sop.BasicGrayscaleImageBox, "1.2.3", meta)).status, 0x0211);
  // Without the meta UID there is no context for the film session at all.
  await assert.rejects(assoc.sendNCreate(undefined, sop.BasicFilmSession), { name: "NoPresentationContextError" });
  assert.deepEqual(state.seen, []);
});
