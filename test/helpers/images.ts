// Small image data sets for the storage app tests: a 4×4 16-bit image with unique UIDs.
import { Dataset } from "../../src/index.js";

let counter = 0;

/** What varies between the tests' images. */
export interface SmallImageOptions {
  readonly patientName: string;
  readonly studyInstanceUid?: string;
  readonly seriesInstanceUid?: string;
  /** Bits stored (16 by default; High Bit follows). */
  readonly bitsStored?: number;
  /** The value of pixel data byte `i` (32 bytes). */
  readonly pixelByte: (i: number) => number;
}

/** A 4×4 MONOCHROME2 image of `sopClassUid` with 16-bit native pixel data and a fresh SOP Instance UID. */
export function smallImage(sopClassUid: string, options: SmallImageOptions): Dataset {
  counter++;
  const bitsStored = options.bitsStored ?? 16;
  const ds = new Dataset({
    SOPClassUID: sopClassUid,
    SOPInstanceUID: `2.25.${process.pid}${Date.now()}${counter}`,
    PatientName: options.patientName,
    PatientID: `P${counter}`,
    ...(options.studyInstanceUid === undefined ? {} : { StudyInstanceUID: options.studyInstanceUid }),
    ...(options.seriesInstanceUid === undefined ? {} : { SeriesInstanceUID: options.seriesInstanceUid }),
    Modality: "OT",
    SamplesPerPixel: 1,
    PhotometricInterpretation: "MONOCHROME2",
    Rows: 4,
    Columns: 4,
    BitsAllocated: 16,
    BitsStored: bitsStored,
    HighBit: bitsStored - 1,
    PixelRepresentation: 0,
  });
  ds.set(
    "PixelData",
    new Uint8Array(32).map((_, i) => options.pixelByte(i)),
    "OW",
  );
  return ds;
}
