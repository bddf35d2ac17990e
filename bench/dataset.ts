// The dataset benchmark cases: netdicom and dcmjs reading and writing the same files.
import { type Dataset, type Part10, PIXEL_DATA, readPart10, writePart10 } from "../src/index.js";
import { type Dcmjs, type DcmjsDicomDict, exactArrayBuffer } from "./dcmjs.js";

/**
 * Decodes the value of every element, recursing into sequence items, so a lazy reader cannot
 * win by not doing the work. Returns the number of values decoded (keeps the work observable).
 */
export function decodeEveryValue(ds: Dataset): number {
  let n = 0;
  const charsets = ds.charsets;
  for (const el of ds) {
    const v = el.value(el.vr === "SQ" ? [] : charsets);
    n++;
    if (el.vr === "SQ") for (const item of v as Dataset[]) n += decodeEveryValue(item);
  }
  return n;
}

/** A benchmark case: processes input `i % n` and returns the number of file bytes it handled. */
export type BenchCase = (i: number) => number;

/** netdicom: readPart10, then every value decoded. */
export function netdicomFullParse(files: readonly Uint8Array[]): BenchCase {
  return (i) => {
    const bytes = files[i % files.length] as Uint8Array;
    const p = readPart10(bytes);
    decodeEveryValue(p.meta);
    decodeEveryValue(p.dataset);
    return bytes.byteLength;
  };
}

/** netdicom: the header only, reading stops before Pixel Data (what a C-STORE SCU needs). */
export function netdicomHeaderParse(files: readonly Uint8Array[]): BenchCase {
  return (i) => {
    const bytes = files[i % files.length] as Uint8Array;
    readPart10(bytes, { stopAtTag: PIXEL_DATA });
    return bytes.byteLength;
  };
}

/** netdicom: writePart10 of a data set read from a file (unchanged values are written from their raw bytes). */
export function netdicomWrite(parsed: readonly Part10[], sizes: readonly number[]): BenchCase {
  return (i) => {
    const p = parsed[i % parsed.length] as Part10;
    writePart10(p.dataset, { transferSyntaxUid: p.transferSyntaxUid, meta: p.meta });
    return sizes[i % sizes.length] as number;
  };
}

/** netdicom: writePart10 of a data set whose every value was set in code (all values encoded). */
export function netdicomWriteEncoded(datasets: readonly Dataset[], transferSyntaxUid: string): BenchCase {
  return (i) => {
    const ds = datasets[i % datasets.length] as Dataset;
    return writePart10(ds, { transferSyntaxUid }).byteLength;
  };
}

/** dcmjs: DicomMessage.readFile on an ArrayBuffer (it decodes every value as it reads). */
export function dcmjsRead(dcmjs: Dcmjs, files: readonly Uint8Array[]): BenchCase {
  const buffers = files.map(exactArrayBuffer);
  return (i) => {
    const ab = buffers[i % buffers.length] as ArrayBuffer;
    dcmjs.data.DicomMessage.readFile(ab);
    return ab.byteLength;
  };
}

/** dcmjs: DicomDict.write() of a file it read. */
export function dcmjsWrite(dicts: readonly DcmjsDicomDict[], sizes: readonly number[]): BenchCase {
  return (i) => {
    (dicts[i % dicts.length] as DcmjsDicomDict).write();
    return sizes[i % sizes.length] as number;
  };
}
