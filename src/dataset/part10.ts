import { zlib } from "../util/builtins.js";
import { ByteWriter } from "../util/byte-writer.js";
import { Dataset } from "./dataset.js";
import { DicomParseError } from "./errors.js";
import { readDataset } from "./reader.js";
import { type TransferSyntaxInfo, transferSyntaxInfo, ts } from "./uids.js";
import { writeElements } from "./writer.js";

/** netdicom's Implementation Class UID (PS3.7 D.3.3.2), a UUID-derived UID (PS3.5 B.2). */
export const IMPLEMENTATION_CLASS_UID = "2.25.186620528989738910291672871165402848802";
/** netdicom's Implementation Version Name (at most 16 characters). */
export const IMPLEMENTATION_VERSION_NAME = "NETDICOM_010";

const DICM = [0x44, 0x49, 0x43, 0x4d];
const TRANSFER_SYNTAX_UID = 0x00020010;

/** Options for reading a Part 10 file. */
export interface ReadPart10Options {
  /** Stop before the first top-level element whose tag is ≥ this one (e.g. Pixel Data). */
  readonly stopAtTag?: number;
  /** The deepest sequence nesting accepted (a hostile file cannot exhaust the stack). */
  readonly maxDepth?: number;
  /** Largest inflated size accepted for a deflated data set (default 512 MiB). */
  readonly maxInflatedBytes?: number;
}

/** A Part 10 file, read. */
export interface Part10 {
  /** The File Meta Information (group 0002). Empty when the input had none. */
  readonly meta: Dataset;
  /** The data set (up to `stopAtTag` when given). */
  readonly dataset: Dataset;
  /** The transfer syntax of the data set (from the meta). */
  readonly transferSyntaxUid: string;
  /** Where the data set starts in the input (after the meta). */
  readonly datasetOffset: number;
  /** Set when reading stopped at `stopAtTag`: the offset of that element's header in the input. */
  readonly stoppedAtOffset?: number;
}

/** Encoding of a transfer syntax, or an error naming the unknown UID. */
export function encodingOf(uid: string, offset = 0): TransferSyntaxInfo {
  const info = transferSyntaxInfo(uid);
  if (!info)
    throw new DicomParseError(`unknown transfer syntax ${JSON.stringify(uid)}`, { tag: TRANSFER_SYNTAX_UID, offset });
  return info;
}

function hasDicmAt(bytes: Uint8Array, at: number): boolean {
  return bytes.byteLength >= at + 4 && DICM.every((c, i) => bytes[at + i] === c);
}

/** True when the bytes at `at` look like an explicit VR element header (two uppercase letters). */
function looksExplicit(bytes: Uint8Array, at: number): boolean {
  const a = bytes[at + 4] ?? 0;
  const b = bytes[at + 5] ?? 0;
  return a >= 0x41 && a <= 0x5a && b >= 0x41 && b <= 0x5a;
}

/**
 * Reads the File Meta Information: the 128-byte preamble, `DICM`, then group 0002 in Explicit
 * VR Little Endian (PS3.10 7.1). Input without a preamble is accepted too, as is a bare data set
 * (its transfer syntax guessed from its first element), as DCMTK does.
 */
export function readFileMeta(
  bytes: Uint8Array,
  options: { partial?: boolean } = {},
): {
  /** The File Meta Information (group 0002); empty for a bare data set. */
  meta: Dataset;
  /** The Transfer Syntax UID (0002,0010), or the one guessed for a bare data set. */
  transferSyntaxUid: string;
  /** Where the data set starts. */
  datasetOffset: number;
  /** False when `partial` input ended inside the meta: read more and call again. */
  complete: boolean;
} {
  let start: number;
  if (hasDicmAt(bytes, 128)) start = 132;
  else if (hasDicmAt(bytes, 0)) start = 4;
  else if (bytes.byteLength >= 2 && bytes[0] === 0x02 && bytes[1] === 0x00) start = 0;
  else {
    if (options.partial && bytes.byteLength < 132)
      return { meta: new Dataset(), transferSyntaxUid: "", datasetOffset: 0, complete: false };
    const uid = looksExplicit(bytes, 0) ? ts.ExplicitVRLittleEndian : ts.ImplicitVRLittleEndian;
    return { meta: new Dataset(), transferSyntaxUid: uid, datasetOffset: 0, complete: true };
  }
  const r = readDataset(bytes, {
    explicitVr: true,
    littleEndian: true,
    offset: start,
    stopAtTag: 0x00030000,
    partial: options.partial ?? false,
  });
  // The meta is complete once an element of another group (or the end of a whole input) follows.
  const complete = r.stoppedAt !== undefined || (r.complete && !options.partial);
  const uid = r.dataset.string(TRANSFER_SYNTAX_UID) ?? "";
  if (complete && uid === "") {
    throw new DicomParseError("file meta has no Transfer Syntax UID", { tag: TRANSFER_SYNTAX_UID, offset: start });
  }
  return { meta: r.dataset, transferSyntaxUid: uid, datasetOffset: r.offset, complete };
}

/** Reads a whole Part 10 file held in memory. Values alias `bytes`. */
export function readPart10(bytes: Uint8Array, options: ReadPart10Options = {}): Part10 {
  const { meta, transferSyntaxUid, datasetOffset } = readFileMeta(bytes);
  const enc = encodingOf(transferSyntaxUid, datasetOffset);
  let body = bytes;
  let offset = datasetOffset;
  if (enc.deflated) {
    try {
      body = zlib().inflateRawSync(bytes.subarray(datasetOffset), {
        maxOutputLength: options.maxInflatedBytes ?? 512 * 2 ** 20,
      });
    } catch (e) {
      throw new DicomParseError("deflated data set cannot be inflated", { offset: datasetOffset }, { cause: e });
    }
    offset = 0;
  }
  const r = readDataset(body, {
    explicitVr: enc.explicitVr,
    littleEndian: enc.littleEndian,
    offset,
    ...(options.stopAtTag === undefined ? {} : { stopAtTag: options.stopAtTag }),
    ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
  });
  return {
    meta,
    dataset: r.dataset,
    transferSyntaxUid,
    datasetOffset,
    ...(r.stoppedAt === undefined || enc.deflated ? {} : { stoppedAtOffset: r.offset }),
  };
}

/** Options for writing a Part 10 file. */
export interface WritePart10Options {
  /** Transfer syntax of the data set (default: the meta's, else Explicit VR Little Endian). */
  readonly transferSyntaxUid?: string;
  /** Meta elements to use instead of the derived ones (e.g. SourceApplicationEntityTitle). */
  readonly meta?: Dataset;
}

/**
 * Builds the File Meta Information for `ds` (PS3.10 7.1): version, SOP class and instance from
 * the data set, transfer syntax, netdicom's implementation UID and version name. Elements of
 * `extra` take precedence; the group length is computed by {@link writePart10}.
 */
export function buildFileMeta(ds: Dataset, transferSyntaxUid: string, extra?: Dataset): Dataset {
  const meta = new Dataset();
  // Tags and VRs written out (PS3.10 Table 7.1-1) rather than keywords: a keyword would build the
  // PS3.6 dictionary's lookup table, ~10 ms on the first instance a process stores or sends.
  meta.set(0x00020001, new Uint8Array([0, 1]), "OB"); // FileMetaInformationVersion
  meta.set(0x00020002, ds.string(0x00080016) ?? "", "UI"); // MediaStorageSOPClassUID <- SOPClassUID
  meta.set(0x00020003, ds.string(0x00080018) ?? "", "UI"); // MediaStorageSOPInstanceUID <- SOPInstanceUID
  meta.set(0x00020010, transferSyntaxUid, "UI"); // TransferSyntaxUID
  meta.set(0x00020012, IMPLEMENTATION_CLASS_UID, "UI"); // ImplementationClassUID
  meta.set(0x00020013, IMPLEMENTATION_VERSION_NAME, "SH"); // ImplementationVersionName
  if (extra) for (const el of extra) if (el.tag !== 0x00020000) meta.setElement(el);
  meta.set(0x00020010, transferSyntaxUid, "UI");
  return meta;
}

/** Encodes the preamble, `DICM` and the meta group with its group length. */
export function writeFileMetaBytes(meta: Dataset): Uint8Array {
  const body = new ByteWriter({ initialSize: 512, littleEndian: true });
  const copy = new Dataset();
  for (const el of meta) if (el.tag !== 0x00020000) copy.setElement(el);
  writeElements(body, copy, { explicitVr: true, littleEndian: true });
  const w = new ByteWriter({ initialSize: 132 + 12 + body.length, littleEndian: true });
  w.zeros(128).bytes(new Uint8Array(DICM));
  // (0002,0000) UL: the number of bytes following, up to the end of group 0002
  w.u16(0x0002).u16(0x0000).ascii("UL").u16(4).u32(body.length);
  w.bytes(body.written());
  return w.toUint8Array();
}

/** Encodes `ds` as a Part 10 file in the chosen transfer syntax. */
export function writePart10(ds: Dataset, options: WritePart10Options = {}): Uint8Array {
  const uid = options.transferSyntaxUid ?? options.meta?.string("TransferSyntaxUID") ?? ts.ExplicitVRLittleEndian;
  const enc = encodingOf(uid);
  const metaBytes = writeFileMetaBytes(buildFileMeta(ds, uid, options.meta));
  const body = new ByteWriter({ initialSize: 1 << 16, littleEndian: enc.littleEndian });
  writeElements(body, ds, { explicitVr: enc.explicitVr, littleEndian: enc.littleEndian });
  let data = body.written();
  if (enc.deflated) {
    data = zlib().deflateRawSync(data);
    // PS3.5 A.5: an odd-length deflated stream is padded with one trailing NUL
    if (data.byteLength % 2 === 1) data = Buffer.concat([data, new Uint8Array(1)]);
  }
  const out = new Uint8Array(metaBytes.byteLength + data.byteLength);
  out.set(metaBytes);
  out.set(data, metaBytes.byteLength);
  return out;
}
