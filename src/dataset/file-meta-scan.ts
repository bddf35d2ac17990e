// A fast path for the question a sender asks of every Part 10 file: which instance, in which
// transfer syntax, and where its data set starts (PS3.10 7.1). It reads the group 0002 element
// headers in place and decodes only the three UIDs, where `readFileMeta` builds a Dataset of the
// whole meta; anything unusual is left to `readFileMeta` (the scan answers undefined), so both
// always agree where the scan answers at all.
import { closeSync, openSync, readSync } from "node:fs";
import { VR_INFO, vrFromBytes } from "./vr.js";

/** What {@link scanFileMeta} finds in a Part 10 header. */
export interface FileMetaSummary {
  /** (0002,0002) Media Storage SOP Class UID. */
  readonly sopClassUid: string;
  /** (0002,0003) Media Storage SOP Instance UID. */
  readonly sopInstanceUid: string;
  /** (0002,0010) Transfer Syntax UID. */
  readonly transferSyntaxUid: string;
  /** Where the data set starts: the first element after group 0002. */
  readonly datasetOffset: number;
}

const MEDIA_STORAGE_SOP_CLASS_UID = 0x00020002;
const MEDIA_STORAGE_SOP_INSTANCE_UID = 0x00020003;
const TRANSFER_SYNTAX_UID = 0x00020010;
/** PS3.5 9.1: a UID is digits and dots. */
const UID_CHARS = /^[0-9.]+$/;

/** A UI value: 1-64 digits and dots, its trailing NUL or space padding dropped (PS3.5 9.1); else undefined. */
function uid(bytes: Uint8Array, start: number, length: number): string | undefined {
  let end = start + length;
  while (end > start && (bytes[end - 1] === 0x00 || bytes[end - 1] === 0x20)) end--;
  // PS3.5 9.1: at most 64 characters; anything else is for the full reader to judge.
  if (end === start || end - start > 64) return undefined;
  // One string for the whole value, checked by a regular expression rather than a loop per byte.
  const value = String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  return UID_CHARS.test(value) ? value : undefined;
}

/**
 * The instance's UIDs and the data set offset from the File Meta Information at the start of
 * `bytes` (the 128-byte preamble, `DICM`, group 0002 in Explicit VR Little Endian, PS3.10 7.1),
 * or undefined when the header is not the plain, complete kind this scan reads: no preamble, an
 * element of undefined length, a UID that is not digits and dots, a missing UID, or `bytes`
 * ending before the first element after the meta. Never reads past `bytes`.
 */
export function scanFileMeta(bytes: Uint8Array): FileMetaSummary | undefined {
  const n = bytes.byteLength;
  // "DICM" at 128
  if (n < 132 || bytes[128] !== 0x44 || bytes[129] !== 0x49 || bytes[130] !== 0x43 || bytes[131] !== 0x4d) {
    return undefined;
  }
  let sopClassUid: string | undefined;
  let sopInstanceUid: string | undefined;
  let transferSyntaxUid: string | undefined;
  let at = 132;
  // Each element header needs 8 bytes (12 for the long-length VRs); the data set's first tag, 4.
  while (at + 4 <= n) {
    const group = (bytes[at] as number) | ((bytes[at + 1] as number) << 8);
    if (group !== 0x0002) {
      // A tag below group 0002 is odd enough for the full reader to judge.
      if (group < 0x0002) return undefined;
      if (!sopClassUid || !sopInstanceUid || !transferSyntaxUid) return undefined;
      return { sopClassUid, sopInstanceUid, transferSyntaxUid, datasetOffset: at };
    }
    if (at + 8 > n) return undefined;
    const element = (bytes[at + 2] as number) | ((bytes[at + 3] as number) << 8);
    const vr = vrFromBytes(bytes[at + 4] as number, bytes[at + 5] as number);
    if (vr === undefined) return undefined;
    let length: number;
    let valueAt: number;
    if (VR_INFO[vr].longLength) {
      if (at + 12 > n) return undefined;
      length =
        ((bytes[at + 8] as number) |
          ((bytes[at + 9] as number) << 8) |
          ((bytes[at + 10] as number) << 16) |
          ((bytes[at + 11] as number) << 24)) >>>
        0;
      // Undefined length (a sequence in the meta) is for the full reader.
      if (length === 0xffffffff) return undefined;
      valueAt = at + 12;
    } else {
      length = (bytes[at + 6] as number) | ((bytes[at + 7] as number) << 8);
      valueAt = at + 8;
    }
    if (valueAt + length > n) return undefined;
    const tag = 0x00020000 | element;
    if (tag === MEDIA_STORAGE_SOP_CLASS_UID || tag === MEDIA_STORAGE_SOP_INSTANCE_UID || tag === TRANSFER_SYNTAX_UID) {
      if (vr !== "UI") return undefined;
      const value = uid(bytes, valueAt, length);
      if (value === undefined) return undefined;
      if (tag === MEDIA_STORAGE_SOP_CLASS_UID) sopClassUid = value;
      else if (tag === MEDIA_STORAGE_SOP_INSTANCE_UID) sopInstanceUid = value;
      else transferSyntaxUid = value;
    }
    at = valueAt + length;
  }
  // The bytes end inside the meta or right after it: whether a data set follows is not known here.
  return undefined;
}

/** Bytes {@link scanFileMetaOfFile} reads: a usual File Meta Information is a few hundred bytes. */
const META_HEAD_BYTES = 4096;

/**
 * {@link scanFileMeta} of the file at `path`, from one synchronous read of its first 4 KiB:
 * undefined when the meta is not the usual kind or the file cannot be read (the caller then
 * reads it the thorough way, e.g. `readDicomFileHead`).
 */
export function scanFileMetaOfFile(path: string): FileMetaSummary | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const buf = Buffer.allocUnsafe(META_HEAD_BYTES);
    return scanFileMeta(buf.subarray(0, readSync(fd, buf, 0, META_HEAD_BYTES, 0)));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
