// Print Management (PS3.4 H) against DCMTK, the one N- service its tools speak: our SCU against
// dcmprscp (DCMTK's Basic Grayscale Print SCP, which stores what it prints as a Stored Print and
// Hardcopy Grayscale Image), then DCMTK's print spooler dcmprscu sending that stored print to
// our SCP. Skipped, visibly, without DCMTK.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { AE } from "../../src/ae.js";
import { Dataset } from "../../src/dataset/dataset.js";
import { readDicomFile } from "../../src/dataset/file.js";
import { sop, wellKnown } from "../../src/dataset/uids.js";
import { findTool, runTool } from "../helpers/dcmtk.js";
import { freePort, waitForListener } from "../helpers/net.js";
import { newPrintState, printHandlers } from "../services/normalized/print-scp.js";

const META = sop.BasicGrayscalePrintManagementMeta;

/** A dcmpstat.cfg with one print target: a local SCP (dcmprscp) or a remote printer (dcmprscu's). */
function config(dir: string, name: string, aeTitle: string, port: number, type: "LOCALPRINTER" | "PRINTER"): string {
  const path = join(dir, `${name}.cfg`);
  const lines = [
    "[[GENERAL]]",
    "[PRINT]",
    `Directory = ${join(dir, "spool")}`,
    "DetailedLog = false",
    "DeletePrintJobs = true",
    "[DATABASE]",
    `Directory = ${join(dir, "db")}`,
    "[[COMMUNICATION]]",
    `[${name}]`,
    `Aetitle = ${aeTitle}`,
    "Hostname = localhost",
    `Port = ${port}`,
    `Type = ${type}`,
    "DisplayFormat = 1,1\\1,2\\2,2",
    "FilmDestination = MAGAZINE\\PROCESSOR",
    "FilmSizeID = 8INX10IN\\14INX17IN",
    "MagnificationType = REPLICATE\\NONE",
    "MediumType = PAPER\\BLUE FILM",
    "MaxDensity = 320",
    "MinDensity = 20",
    "MaxPDU = 32768",
    "Supports12Bit = false",
    "SupportsPresentationLUT = false",
  ];
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

test("our Print SCU against DCMTK dcmprscp, then DCMTK dcmprscu against our Print SCP", async (t) => {
  if (!findTool("dcmprscp") || !findTool("dcmprscu")) return t.skip("dcmtk not installed");
  const dir = mkdtempSync(join(tmpdir(), "netdicom-print-"));
  mkdirSync(join(dir, "db"));
  mkdirSync(join(dir, "spool"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  // 1. Our SCU prints a 16x16 gradient on dcmprscp.
  const port = await freePort();
  const child = spawn("dcmprscp", ["-c", config(dir, "DCMTKSCP", "DCMTKSCP", port, "LOCALPRINTER"), "-p", "DCMTKSCP"], {
    cwd: dir,
    stdio: "ignore",
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  t.after(async () => {
    child.kill();
    await exited;
  });
  await waitForListener(port);
  const ae = new AE({ aeTitle: "NETDICOM_PRT" });
  ae.addRequestedContext(META);
  const assoc = await ae.associate("127.0.0.1", port, { aeTitle: "DCMTKSCP" });
  t.after(() => assoc.abort());
  assert.equal(assoc.isEstablished, true);
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
  assert.ok(session.sopInstanceUid);
  const box = await assoc.sendNCreate(
    new Dataset({
      ImageDisplayFormat: "STANDARD\\1,1",
      FilmSizeID: "8INX10IN",
      ReferencedFilmSessionSequence: [
        { ReferencedSOPClassUID: sop.BasicFilmSession, ReferencedSOPInstanceUID: session.sopInstanceUid },
      ],
    }),
    sop.BasicFilmBox,
    undefined,
    meta,
  );
  assert.equal(box.status, 0);
  const imageBox = box.attributeList?.sequence("ReferencedImageBoxSequence")[0]?.string("ReferencedSOPInstanceUID");
  assert.ok(imageBox);
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
  assert.equal((await assoc.sendNSet(image, sop.BasicGrayscaleImageBox, imageBox, meta)).status, 0);
  assert.equal((await assoc.sendNAction(undefined, 1, sop.BasicFilmBox, box.sopInstanceUid ?? "", meta)).status, 0);
  assert.equal((await assoc.sendNDelete(sop.BasicFilmSession, session.sopInstanceUid ?? "", meta)).status, 0);
  await assoc.release();
  // dcmprscp kept what it printed: a Stored Print and our image as a Hardcopy Grayscale Image.
  const files = readdirSync(join(dir, "db"));
  const hardcopy = files.find((f) => f.startsWith("HG_"));
  const stored = files.find((f) => f.startsWith("SP_"));
  assert.ok(hardcopy && stored, files.join(", "));
  const hg = (await readDicomFile(join(dir, "db", hardcopy))).dataset;
  assert.equal(hg.number("Rows"), 16);
  assert.deepEqual([...(hg.bytes("PixelData") ?? new Uint8Array(0)).subarray(0, 256)], [...pixels]);

  // 2. dcmprscu sends that stored print to our SCP.
  const state = newPrintState();
  const ours = new AE({ aeTitle: "PRINT_SCP" });
  ours.addSupportedContext(META);
  const server = await ours.startServer({ host: "127.0.0.1", handlers: printHandlers(state) });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  const cfg = config(dir, "OURS", "PRINT_SCP", server.port, "PRINTER");
  const r = await runTool("dcmprscu", ["-c", cfg, "-p", "OURS", join(dir, "db", stored)], { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.ok(state.seen.includes(`create ${sop.BasicFilmSession}`), state.seen.join(", "));
  assert.ok(state.seen.includes(`create ${sop.BasicFilmBox}`));
  assert.ok(state.seen.includes(`set ${sop.BasicGrayscaleImageBox}`));
  assert.ok(state.seen.includes(`action ${sop.BasicFilmBox}`));
  const printed = [...state.images.values()].find((d) => d !== undefined);
  assert.equal(printed?.sequence("BasicGrayscaleImageSequence")[0]?.number("Columns"), 16);
});
