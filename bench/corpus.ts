// A deterministic generator of realistic CT, MR and SC Part 10 files for benchmarks and tests.
// Built with netdicom's own Dataset and writePart10; the same options give the same bytes.
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { Dataset, ts, writePart10 } from "../src/index.js";

/** The three uncompressed encodings the corpus is written in. */
export type CorpusSyntax = "explicit-le" | "implicit-le" | "explicit-be";

/** Which kind of instance to make. */
export type CorpusSop = "ct" | "mr" | "sc";

/** The shape of a corpus. Every field has a default (a 512×512 single-frame CT, Explicit VR LE). */
export interface CorpusOptions {
  readonly rows?: number;
  readonly cols?: number;
  readonly frames?: number;
  readonly syntax?: CorpusSyntax;
  readonly sop?: CorpusSop;
  readonly patients?: number;
  readonly studiesPerPatient?: number;
  readonly seriesPerStudy?: number;
  /** Changes every UID and identifier, for a corpus distinct from another. */
  readonly seed?: number;
}

type Shape = Required<CorpusOptions>;

const DEFAULTS: Shape = {
  rows: 512,
  cols: 512,
  frames: 1,
  syntax: "explicit-le",
  sop: "ct",
  patients: 1,
  studiesPerPatient: 1,
  seriesPerStudy: 1,
  seed: 1,
};

/** The Transfer Syntax UID of each corpus encoding. */
export const CORPUS_SYNTAX_UID: Readonly<Record<CorpusSyntax, string>> = {
  "explicit-le": ts.ExplicitVRLittleEndian,
  "implicit-le": ts.ImplicitVRLittleEndian,
  "explicit-be": ts.ExplicitVRBigEndian,
};

const SOP_CLASS: Readonly<Record<CorpusSop, { uid: string; modality: string }>> = {
  ct: { uid: "1.2.840.10008.5.1.4.1.1.2", modality: "CT" },
  mr: { uid: "1.2.840.10008.5.1.4.1.1.4", modality: "MR" },
  sc: { uid: "1.2.840.10008.5.1.4.1.1.7", modality: "OT" },
};
// Multi-frame Grayscale Word SC: the SC class that allows NumberOfFrames with 16-bit pixels.
const SC_MULTIFRAME_WORD = "1.2.840.10008.5.1.4.1.1.7.3";

function shape(options: CorpusOptions): Shape {
  const s = { ...DEFAULTS, ...options };
  for (const k of ["rows", "cols", "frames", "patients", "studiesPerPatient", "seriesPerStudy"] as const) {
    if (!Number.isInteger(s[k]) || s[k] < 1) throw new RangeError(`${k} must be a positive integer, not ${s[k]}`);
  }
  if (s.rows > 0xffff || s.cols > 0xffff) throw new RangeError("rows and cols must fit in US");
  if (pixelDataLength(s) > 0xfffffffe) throw new RangeError("pixel data would not fit a 32-bit length");
  return s;
}

/** Bytes of pixel data in one file of this shape (16 bits allocated). */
export function pixelDataLength(options: CorpusOptions): number {
  const s = { ...DEFAULTS, ...options };
  return s.rows * s.cols * s.frames * 2;
}

/**
 * A UID under the 2.25 root (PS3.5 B.2): the decimal form of a name-based 128-bit hash of the
 * corpus shape, the entity and its index, so UIDs are stable between runs and unique per entity.
 */
function makeUid(s: Shape, entity: string, ...index: number[]): string {
  const name = `netdicom-corpus/${s.seed}/${s.sop}/${s.syntax}/${s.rows}x${s.cols}x${s.frames}/${entity}/${index.join(".")}`;
  const h = createHash("sha1").update(name).digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50; // RFC 4122 version 5
  h[8] = ((h[8] as number) & 0x3f) | 0x80; // RFC 4122 variant
  return `2.25.${BigInt(`0x${h.subarray(0, 16).toString("hex")}`).toString(10)}`;
}

const two = (n: number): string => String(n).padStart(2, "0");

/** Where file `index` sits in the patient/study/series hierarchy (files go round-robin over series). */
function place(s: Shape, index: number): { patient: number; study: number; series: number; instance: number } {
  const seriesCount = s.patients * s.studiesPerPatient * s.seriesPerStudy;
  const g = index % seriesCount;
  return {
    patient: Math.floor(g / (s.studiesPerPatient * s.seriesPerStudy)),
    study: Math.floor(g / s.seriesPerStudy) % s.studiesPerPatient,
    series: g % s.seriesPerStudy,
    instance: Math.floor(index / seriesCount) + 1,
  };
}

function code(value: string, scheme: string, meaning: string): Record<string, unknown> {
  return { CodeValue: value, CodingSchemeDesignator: scheme, CodeMeaning: meaning };
}

/** Attributes a real CT scanner adds (equipment, acquisition, reconstruction, dose). */
function addCtAcquisition(ds: Dataset, s: Shape, z: number, instance: number): void {
  ds.set("ScanOptions", "HELICAL MODE");
  ds.set("SliceThickness", 2.5);
  ds.set("KVP", 120);
  ds.set("SpacingBetweenSlices", 2.5);
  ds.set("DataCollectionDiameter", 500);
  ds.set("SoftwareVersions", ["gen 1.0", "recon 2.3"]);
  ds.set("ReconstructionDiameter", 360);
  ds.set("DistanceSourceToDetector", 946.746);
  ds.set("DistanceSourceToPatient", 541);
  ds.set("GantryDetectorTilt", 0);
  ds.set("TableHeight", 167.5);
  ds.set("RotationDirection", "CW");
  ds.set("ExposureTime", 500);
  ds.set("XRayTubeCurrent", 200 + (instance % 50));
  ds.set("Exposure", 100);
  ds.set("FilterType", "BODY FILTER");
  ds.set("GeneratorPower", 24);
  ds.set("FocalSpots", 0.7);
  ds.set("ConvolutionKernel", "STANDARD");
  ds.set("PatientPosition", "HFS");
  ds.set("RevolutionTime", 0.5);
  ds.set("SingleCollimationWidth", 0.625);
  ds.set("TotalCollimationWidth", 40);
  ds.set("TableSpeed", 39.37);
  ds.set("TableFeedPerRotation", 39.375);
  ds.set("SpiralPitchFactor", 0.984);
  ds.set("CTDIvol", 12.34);
  ds.set("CTDIPhantomTypeCodeSequence", [code("113691", "DCM", "IEC Body Dosimetry Phantom")]);
  ds.set("AcquisitionNumber", 1);
  ds.set("SliceLocation", z);
  ds.set("RescaleIntercept", -1024);
  ds.set("RescaleSlope", 1);
  ds.set("RescaleType", "HU");
  ds.set("WindowCenter", [40, 400]);
  ds.set("WindowWidth", [400, 1500]);
  ds.set("WindowCenterWidthExplanation", ["WINDOW1", "WINDOW2"]);
  ds.set("ReferencedImageSequence", [
    { ReferencedSOPClassUID: SOP_CLASS.ct.uid, ReferencedSOPInstanceUID: makeUid(s, "localizer", 0) },
    { ReferencedSOPClassUID: SOP_CLASS.ct.uid, ReferencedSOPInstanceUID: makeUid(s, "localizer", 1) },
  ]);
}

function addMrAcquisition(ds: Dataset, z: number): void {
  ds.set("ScanningSequence", "SE");
  ds.set("SequenceVariant", "NONE");
  ds.set("ScanOptions", "");
  ds.set("MRAcquisitionType", "2D");
  ds.set("SliceThickness", 2.5);
  ds.set("RepetitionTime", 500);
  ds.set("EchoTime", 15);
  ds.set("EchoTrainLength", 1);
  ds.set("MagneticFieldStrength", 1.5);
  ds.set("ImagingFrequency", 63.87);
  ds.set("ImagedNucleus", "1H");
  ds.set("FlipAngle", 90);
  ds.set("PatientPosition", "HFS");
  ds.set("SliceLocation", z);
  ds.set("WindowCenter", 600);
  ds.set("WindowWidth", 1200);
}

function addScAttributes(ds: Dataset, s: Shape): void {
  ds.set("ConversionType", "WSD");
  if (s.frames > 1) {
    ds.set("FrameTime", 33.3);
    ds.set("FrameIncrementPointer", 0x00181063, "AT"); // points at FrameTime
    ds.set("BurnedInAnnotation", "NO");
    ds.set("RescaleIntercept", 0);
    ds.set("RescaleSlope", 1);
    ds.set("RescaleType", "US");
    ds.set("PresentationLUTShape", "IDENTITY");
  }
}

/**
 * The data set of file `index` without its Pixel Data: about a hundred attributes for a CT
 * (patient, study, series, equipment, acquisition, image plane and pixel modules, a few
 * sequences and a private block), fewer for MR and SC.
 */
export function corpusHeader(options: CorpusOptions, index: number): Dataset {
  const s = shape(options);
  const p = place(s, index);
  const sop = SOP_CLASS[s.sop];
  const multiframeSc = s.sop === "sc" && s.frames > 1;
  const studyDate = `2024${two(1 + (p.patient % 12))}${two(1 + ((p.patient * 7 + p.study) % 28))}`;
  const studyTime = `${two(8 + (p.study % 10))}${two((p.patient * 13) % 60)}00`;
  const z = (p.instance - 1) * 2.5;
  const ds = new Dataset();
  ds.set("SpecificCharacterSet", "ISO_IR 100");
  ds.set("ImageType", multiframeSc ? ["DERIVED", "SECONDARY"] : ["ORIGINAL", "PRIMARY", "AXIAL"]);
  ds.set("InstanceCreationDate", studyDate);
  ds.set("InstanceCreationTime", studyTime);
  ds.set("SOPClassUID", multiframeSc ? SC_MULTIFRAME_WORD : sop.uid);
  ds.set("SOPInstanceUID", makeUid(s, "instance", index));
  ds.set("StudyDate", studyDate);
  ds.set("SeriesDate", studyDate);
  ds.set("AcquisitionDate", studyDate);
  ds.set("ContentDate", studyDate);
  ds.set("StudyTime", studyTime);
  ds.set("SeriesTime", studyTime);
  ds.set("AcquisitionTime", studyTime);
  ds.set("ContentTime", studyTime);
  ds.set("AccessionNumber", `ACC${s.seed}${String(p.patient).padStart(4, "0")}${String(p.study).padStart(3, "0")}`);
  ds.set("Modality", sop.modality);
  ds.set("Manufacturer", "NETDICOM CORPUS");
  ds.set("InstitutionName", "Synthetic General Hospital");
  ds.set("InstitutionAddress", "1 Example Street\r\nSpringfield");
  ds.set("ReferringPhysicianName", "REFERRING^DOCTOR");
  ds.set("StationName", "SCANNER01");
  ds.set("StudyDescription", `SYNTHETIC STUDY ${p.study + 1}`);
  ds.set("ProcedureCodeSequence", [code("CTCHABD", "L", "CT CHEST ABDOMEN")]);
  ds.set("SeriesDescription", `SYNTHETIC SERIES ${p.series + 1}`);
  ds.set("InstitutionalDepartmentName", "Radiology");
  ds.set("OperatorsName", ["TECH^ONE", "TECH^TWO"]);
  ds.set("ManufacturerModelName", "Corpus 9000");
  ds.set("PatientName", `SYNTH^PATIENT${String(p.patient + 1).padStart(4, "0")}`);
  ds.set("PatientID", `NC${s.seed}-${String(p.patient + 1).padStart(6, "0")}`);
  ds.set("IssuerOfPatientID", "NETDICOM");
  ds.set("PatientBirthDate", `19${two(40 + (p.patient % 60))}0101`);
  ds.set("PatientSex", p.patient % 2 ? "F" : "M");
  ds.set("PatientAge", `${String(84 - (p.patient % 60)).padStart(3, "0")}Y`);
  ds.set("PatientSize", 1.75);
  ds.set("PatientWeight", 72.5);
  ds.set("PatientComments", "synthetic patient: no real person");
  ds.set("BodyPartExamined", "CHEST");
  ds.set("DeviceSerialNumber", `SN${s.seed}0001`);
  ds.set("ProtocolName", `${sop.modality} ROUTINE`);
  ds.set("StudyInstanceUID", makeUid(s, "study", p.patient, p.study));
  ds.set("SeriesInstanceUID", makeUid(s, "series", p.patient, p.study, p.series));
  ds.set("StudyID", String(p.study + 1));
  ds.set("SeriesNumber", p.series + 1);
  ds.set("InstanceNumber", p.instance);
  ds.set("PatientOrientation", ["L", "P"]);
  ds.set("Laterality", "");
  ds.set("SamplesPerPixel", 1);
  ds.set("PhotometricInterpretation", "MONOCHROME2");
  ds.set("Rows", s.rows);
  ds.set("Columns", s.cols);
  ds.set("BitsAllocated", 16);
  ds.set("BitsStored", 12);
  ds.set("HighBit", 11);
  ds.set("PixelRepresentation", 0);
  if (s.frames > 1) ds.set("NumberOfFrames", s.frames);
  if (s.sop === "sc") {
    addScAttributes(ds, s);
  } else {
    ds.set("ImagePositionPatient", [-125, -125, z]);
    ds.set("ImageOrientationPatient", [1, 0, 0, 0, 1, 0]);
    ds.set("FrameOfReferenceUID", makeUid(s, "frame-of-reference", p.patient, p.study));
    ds.set("PositionReferenceIndicator", "");
    ds.set("PixelSpacing", [0.5, 0.5]);
    ds.set("LossyImageCompression", "00");
    if (s.sop === "ct") addCtAcquisition(ds, s, z, p.instance);
    else addMrAcquisition(ds, z);
  }
  // A private block, as real scanners write (PS3.5 7.8.1).
  ds.setPrivate(0x0009, "NETDICOM CORPUS", 0x01, "LO", "private text");
  ds.setPrivate(0x0009, "NETDICOM CORPUS", 0x02, "UL", [index, s.seed]);
  ds.setPrivate(0x0009, "NETDICOM CORPUS", 0x03, "OB", new Uint8Array(64).fill(0xa5));
  return ds;
}

/**
 * One frame of 16-bit pixels, little endian: a 12-bit ramp that differs by row, frame and file.
 */
export function corpusFrame(options: CorpusOptions, index: number, frame: number, littleEndian = true): Uint8Array {
  const s = { ...DEFAULTS, ...options };
  const out = new Uint8Array(s.rows * s.cols * 2);
  let k = 0;
  for (let y = 0; y < s.rows; y++) {
    const base = y * 3 + frame * 7 + index * 13;
    for (let x = 0; x < s.cols; x++, k += 2) {
      const v = (x + base) & 0x0fff;
      out[k] = littleEndian ? v & 0xff : v >> 8;
      out[k + 1] = littleEndian ? v >> 8 : v & 0xff;
    }
  }
  return out;
}

/** The whole of file `index` as one Part 10 byte array (header, then all frames as OW Pixel Data). */
export function corpusFile(options: CorpusOptions, index: number): Uint8Array {
  const s = shape(options);
  const ds = corpusHeader(s, index);
  const pixels = new Uint8Array(pixelDataLength(s));
  const frameBytes = s.rows * s.cols * 2;
  for (let f = 0; f < s.frames; f++) pixels.set(corpusFrame(s, index, f), f * frameBytes);
  ds.set("PixelData", pixels, "OW");
  return writePart10(ds, { transferSyntaxUid: CORPUS_SYNTAX_UID[s.syntax] });
}

/** The header of the Pixel Data element (OW, defined length) in a corpus encoding. */
function pixelDataHeader(syntax: CorpusSyntax, length: number): Uint8Array {
  const le = syntax !== "explicit-be";
  const explicit = syntax !== "implicit-le";
  const out = new Uint8Array(explicit ? 12 : 8);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0x7fe0, le);
  view.setUint16(2, 0x0010, le);
  if (explicit) {
    out[4] = 0x4f; // "O"
    out[5] = 0x57; // "W"
    view.setUint32(8, length, le); // bytes 6-7 reserved (PS3.5 7.1.2)
  } else {
    view.setUint32(4, length, le);
  }
  return out;
}

/**
 * Writes file `index` to `path` frame by frame, so a multi-frame file of hundreds of megabytes
 * never sits in memory: the header goes through writePart10, the Pixel Data header and frames
 * are appended after it.
 */
export async function writeCorpusFile(path: string, options: CorpusOptions, index: number): Promise<number> {
  const s = shape(options);
  const head = writePart10(corpusHeader(s, index), { transferSyntaxUid: CORPUS_SYNTAX_UID[s.syntax] });
  const fh = await open(path, "w");
  try {
    await fh.write(head);
    await fh.write(pixelDataHeader(s.syntax, pixelDataLength(s)));
    const le = s.syntax !== "explicit-be";
    for (let f = 0; f < s.frames; f++) await fh.write(corpusFrame(s, index, f, le));
  } finally {
    await fh.close();
  }
  return head.byteLength + (s.syntax === "implicit-le" ? 8 : 12) + pixelDataLength(s);
}

/** Writes `count` files named `IM000000.dcm`… into `dir` (which must exist); returns their paths. */
export async function writeCorpus(dir: string, count: number, options: CorpusOptions = {}): Promise<string[]> {
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const path = join(dir, `IM${String(i).padStart(6, "0")}.dcm`);
    await writeCorpusFile(path, options, i);
    paths.push(path);
  }
  return paths;
}
