#!/usr/bin/env node
// Writes fixtures/sample-ct.dcm: a small, deterministic CT Image (64×64, 16 bits allocated,
// 12 stored) made with netdicom's own writer. Run after the build: `node scripts/make-sample.mjs`.
// Every UID is fixed (2.25 + a constant) and no date comes from the clock, so the file is
// byte-for-byte the same on every run. An optional argument names another output path.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Dataset, sop, ts, writePart10 } from "../build/src/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const SIZE = 64;

/** A round phantom: air around a water disk holding a denser insert (values in HU). */
function pixels() {
  const out = new Uint16Array(SIZE * SIZE);
  const c = (SIZE - 1) / 2;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const r = Math.hypot(x - c, y - c);
      const insert = Math.hypot(x - c - 10, y - c + 6) < 6;
      const hu = r > 28 ? -1000 : insert ? 700 : Math.round(20 * Math.sin(x / 3) * Math.cos(y / 5));
      out[y * SIZE + x] = hu + 1024; // stored value: RescaleIntercept is -1024
    }
  }
  // Pixel Data is little endian in netdicom's Value (the writer swaps for big endian)
  return new Uint8Array(out.buffer);
}

const ds = new Dataset({
  SpecificCharacterSet: "ISO_IR 192",
  ImageType: ["ORIGINAL", "PRIMARY", "AXIAL"],
  SOPClassUID: sop.CTImageStorage,
  SOPInstanceUID: "2.25.302582398740197212946913580476012911637",
  StudyDate: "20240315",
  SeriesDate: "20240315",
  ContentDate: "20240315",
  StudyTime: "101500",
  SeriesTime: "101812",
  ContentTime: "101813.250000",
  AccessionNumber: "A20240315-17",
  Modality: "CT",
  Manufacturer: "netdicom",
  InstitutionName: "Example Hospital",
  ReferringPhysicianName: "Smith^Anna^^Dr.",
  StudyDescription: "CT HEAD WITHOUT CONTRAST",
  SeriesDescription: "Axial 5mm",
  ManufacturerModelName: "make-sample.mjs",
  AnatomicRegionSequence: [{ CodeValue: "69536005", CodingSchemeDesignator: "SCT", CodeMeaning: "Head" }],
  PatientName: "Müller^Jürgen",
  PatientID: "NETDICOM-0001",
  PatientBirthDate: "19700101",
  PatientSex: "M",
  PatientAge: "054Y",
  BodyPartExamined: "HEAD",
  SliceThickness: 5,
  KVP: 120,
  StudyInstanceUID: "2.25.113059749145936325402354257176981405696",
  SeriesInstanceUID: "2.25.223496571393858230931437431245633318144",
  StudyID: "1",
  SeriesNumber: 2,
  PatientPosition: "HFS",
  AcquisitionNumber: 1,
  InstanceNumber: 1,
  ImagePositionPatient: [-120, -120, 42.5],
  ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
  FrameOfReferenceUID: "2.25.330587146962178591417218651432187342848",
  PositionReferenceIndicator: "",
  SliceLocation: 42.5,
  SamplesPerPixel: 1,
  PhotometricInterpretation: "MONOCHROME2",
  Rows: SIZE,
  Columns: SIZE,
  PixelSpacing: [3.75, 3.75],
  BitsAllocated: 16,
  BitsStored: 12,
  HighBit: 11,
  PixelRepresentation: 0,
  WindowCenter: 40,
  WindowWidth: 400,
  RescaleIntercept: -1024,
  RescaleSlope: 1,
  RescaleType: "HU",
});
ds.set("PixelData", pixels(), "OW");

const out = process.argv[2] ?? join(root, "fixtures", "sample-ct.dcm");
const bytes = writePart10(ds, { transferSyntaxUid: ts.ExplicitVRLittleEndian });
writeFileSync(out, bytes);
console.log(`wrote ${out} (${bytes.byteLength} bytes)`);
