import { ts, uidColumns } from "./generated/uids.js";

export { sop, ts, uids, wellKnown } from "./generated/uids.js";

/** One row of the UID registry, PS3.6 Annex A Table A-1. */
export interface UidEntry {
  /** The UID. */
  readonly uid: string;
  /** The PS3.6 keyword, e.g. `CTImageStorage`; empty for the few rows PS3.6 leaves without one. */
  readonly keyword: string;
  /** Its PS3.6 name, e.g. "CT Image Storage". */
  readonly name: string;
  /** "SOP Class", "Transfer Syntax", "Meta SOP Class", "Well-known SOP Instance"… */
  readonly type: string;
  /** The registry's "Info" column, e.g. "Default Transfer Syntax for DICOM"; often empty. */
  readonly info: string;
  /** True when PS3.6 marks it retired. */
  readonly retired: boolean;
}

/** How a transfer syntax encodes the data set (PS3.5 Annex A). */
export interface TransferSyntaxInfo {
  /** Explicit VR (true) or implicit VR (false). */
  readonly explicitVr: boolean;
  /** Little endian (true) or big endian (false). */
  readonly littleEndian: boolean;
  /** The whole data set is deflated after encoding (PS3.5 A.5). */
  readonly deflated: boolean;
  /** Pixel Data uses the encapsulated format, a sequence of fragments (PS3.5 A.4). */
  readonly encapsulated: boolean;
}

let byUid: Map<string, UidEntry> | undefined;
let storage: readonly string[] | undefined;

/** Builds the registry's entries on first use (the generated table is columns of text, see its doc). */
function entries(): Map<string, UidEntry> {
  if (byUid === undefined) {
    byUid = new Map();
    const columns = uidColumns();
    const keywords = columns.keywords.split("\n");
    const names = columns.names.split("\n");
    const types = columns.types.split("\n");
    const infos = columns.infos.split("\n");
    const list = columns.uids.split("\n");
    for (let row = 0; row < list.length; row++) {
      const uid = list[row]!;
      byUid.set(
        uid,
        Object.freeze({
          uid,
          keyword: keywords[row]!,
          name: names[row]!,
          type: types[row]!,
          info: infos[row]!,
          retired: columns.retired.charCodeAt(row) === 0x31, // "1"
        }),
      );
    }
  }
  return byUid;
}

/** The registry entry of `uid`, or `undefined` when PS3.6 does not define it. */
export function uidEntry(uid: string): UidEntry | undefined {
  return entries().get(uid);
}

/** The registry name of `uid` ("CT Image Storage"), or the UID itself when it is not in the registry. */
export function uidName(uid: string): string {
  const name = entries().get(uid)?.name;
  return name === undefined || name === "" ? uid : name;
}

/** True when `uid` is a transfer syntax of the registry. */
export function isTransferSyntax(uid: string): boolean {
  return entries().get(uid)?.type === "Transfer Syntax";
}

/**
 * Whether a SOP class is transferred by the Storage Service Class (PS3.4 Annex B): by its
 * registry name, which ends in "Storage", "Storage - For Presentation/Processing", "Storage -
 * Trial" or "Storage SOP Class". That takes in non-patient objects (Hanging Protocol, Color
 * Palette, Implant Templates, PS3.4 Annex GG…) and the Basic Directory (Media Storage Directory
 * Storage). Storage Commitment is a different service class (PS3.4 Annex J).
 */
function isStorageClass(e: UidEntry): boolean {
  return (
    e.type === "SOP Class" && !e.name.startsWith("Storage Commitment") && /Storage(?: - .*| SOP Class)?$/.test(e.name)
  );
}

/** True when `uid` is a Storage SOP class of the registry (one of {@link storageSopClasses}), retired ones included. */
export function isStorageSopClass(uid: string): boolean {
  const e = entries().get(uid);
  return e !== undefined && isStorageClass(e);
}

/**
 * The UIDs of every Storage SOP class of the registry, retired ones included (check
 * `uidEntry(uid).retired` to leave them out), in registry order.
 */
export function storageSopClasses(): readonly string[] {
  if (storage === undefined) {
    storage = Object.freeze([...entries().values()].filter(isStorageClass).map((e) => e.uid));
  }
  return storage;
}

const IMPLICIT_LE: TransferSyntaxInfo = Object.freeze({
  explicitVr: false,
  littleEndian: true,
  deflated: false,
  encapsulated: false,
});
const EXPLICIT_LE: TransferSyntaxInfo = Object.freeze({
  explicitVr: true,
  littleEndian: true,
  deflated: false,
  encapsulated: false,
});
const DEFLATED_LE: TransferSyntaxInfo = Object.freeze({ ...EXPLICIT_LE, deflated: true });
const ENCAPSULATED_LE: TransferSyntaxInfo = Object.freeze({ ...EXPLICIT_LE, encapsulated: true });

/** The transfer syntaxes that are not "explicit VR little endian with encapsulated pixel data". */
const NOT_ENCAPSULATED = new Map<string, TransferSyntaxInfo>([
  [ts.ImplicitVRLittleEndian, IMPLICIT_LE], // PS3.5 A.1
  [ts.ExplicitVRLittleEndian, EXPLICIT_LE], // PS3.5 A.2
  [ts.ExplicitVRBigEndian, Object.freeze({ ...EXPLICIT_LE, littleEndian: false })], // PS3.5 A.3 (retired)
  [ts.DeflatedExplicitVRLittleEndian, DEFLATED_LE], // PS3.5 A.5
  // PS3.5 10.8 and Annex A: JPIP Referenced is explicit VR little endian with no Pixel Data at all
  // (Pixel Data Provider URL (0028,7FE0) points to it); the "Deflate" ones deflate the data set as A.5.
  [ts.JPIPReferenced, EXPLICIT_LE],
  [ts.JPIPReferencedDeflate, DEFLATED_LE],
  [ts.JPIPHTJ2KReferenced, EXPLICIT_LE],
  [ts.JPIPHTJ2KReferencedDeflate, DEFLATED_LE],
  // DICOM-RTV (PS3.22): the SMPTE ST 2110 syntaxes carry the metadata as explicit VR little endian
  // and the video or audio samples in a separate RTP flow, never as encapsulated fragments.
  [ts.SMPTEST211020UncompressedProgressiveActiveVideo, EXPLICIT_LE],
  [ts.SMPTEST211020UncompressedInterlacedActiveVideo, EXPLICIT_LE],
  [ts.SMPTEST211030PCMDigitalAudio, EXPLICIT_LE],
  // Retired (2015c): Papyrus 3 is implicit VR little endian. MIME (RFC 2557) and XML encodings
  // define no binary data set encoding; they are reported as explicit VR little endian, not
  // encapsulated, so that nothing treats them as fragment streams.
  [ts.Papyrus3ImplicitVRLittleEndian, IMPLICIT_LE],
  [ts.RFC2557MIMEEncapsulation, EXPLICIT_LE],
  [ts.XMLEncoding, EXPLICIT_LE],
]);

/**
 * How the transfer syntax `uid` encodes a data set, or `undefined` when `uid` is not a transfer
 * syntax of the registry. Every transfer syntax not listed above (JPEG, JPEG-LS, JPEG 2000,
 * HTJ2K, JPEG XL, RLE, MPEG, HEVC, Deflated Image Frame Compression and Encapsulated
 * Uncompressed) is explicit VR little endian with encapsulated Pixel Data (PS3.5 A.4). Deflated
 * Image Frame Compression (PS3.5 A.4.13) deflates each frame, not the data set, so `deflated`
 * is false for it.
 */
export function transferSyntaxInfo(uid: string): TransferSyntaxInfo | undefined {
  if (!isTransferSyntax(uid)) return undefined;
  return NOT_ENCAPSULATED.get(uid) ?? ENCAPSULATED_LE;
}
