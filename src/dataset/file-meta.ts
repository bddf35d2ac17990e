// File Meta Information (PS3.10 7.1) for a stream of instances that differ only in their SOP
// Instance UID: the C-STORE SCP writes one per received instance, and building it as a Dataset
// each time cost more than writing the file. The group is encoded once per (SOP class, transfer
// syntax, source AE) and only the instance UID element is spliced in.
import { Dataset } from "./dataset.js";
import { buildFileMeta, writeFileMetaBytes } from "./part10.js";

/** Where the group length value sits: after the 128-byte preamble, "DICM" and its 8-byte element header. */
const groupLengthValueAt = 132 + 8;
/** The first element after (0002,0000), which is 12 bytes long. */
const firstElementAt = 132 + 12;
const instanceUidTag = 0x00020003;
/** Characters written as they are (one byte each) into the UID element. */
const printable = /^[\x20-\x7e]*$/;

/** The File Meta Information of one instance, as a Dataset (PS3.10 7.1). */
export function fileMetaDataset(
  sopClassUid: string,
  sopInstanceUid: string,
  transferSyntaxUid: string,
  sourceAeTitle: string,
): Dataset {
  const extra = new Dataset();
  // By tag and VR, not keyword (see buildFileMeta): no dictionary table on the receive path.
  extra.set(0x00020002, sopClassUid, "UI"); // MediaStorageSOPClassUID
  extra.set(0x00020003, sopInstanceUid, "UI"); // MediaStorageSOPInstanceUID
  // PS3.10 7.1: the AE title of the sender, when known
  if (sourceAeTitle !== "") extra.set(0x00020016, sourceAeTitle, "AE"); // SourceApplicationEntityTitle
  return buildFileMeta(new Dataset(), transferSyntaxUid, extra);
}

/**
 * The encoded File Meta Information (preamble, "DICM", group 0002) of instances of one SOP class
 * in one transfer syntax from one source AE: {@link FileMetaTemplate.encode} gives the same bytes
 * as `writeFileMetaBytes(fileMetaDataset(...))` for any instance UID, at the cost of one copy.
 */
export class FileMetaTemplate {
  /** The group encoded with an empty instance UID. */
  readonly #bytes: Uint8Array;
  /** Offset of the empty (0002,0003) element (8 bytes: tag, "UI", length 0). */
  readonly #at: number;
  readonly #groupLength: number;

  constructor(
    readonly sopClassUid: string,
    readonly transferSyntaxUid: string,
    readonly sourceAeTitle: string,
  ) {
    this.#bytes = writeFileMetaBytes(fileMetaDataset(sopClassUid, "", transferSyntaxUid, sourceAeTitle));
    const view = new DataView(this.#bytes.buffer, this.#bytes.byteOffset, this.#bytes.byteLength);
    this.#groupLength = view.getUint32(groupLengthValueAt, true);
    // Explicit VR little endian: tag (4), VR (2), then a 2-byte length for every VR of group 0002
    // but OB (FileMetaInformationVersion), which has 2 reserved bytes and a 4-byte length.
    let at = firstElementAt;
    while (at + 8 <= this.#bytes.byteLength) {
      const tag = ((view.getUint16(at, true) << 16) | view.getUint16(at + 2, true)) >>> 0;
      if (tag === instanceUidTag) break;
      const long = view.getUint8(at + 4) === 0x4f && view.getUint8(at + 5) === 0x42;
      at += long ? 12 + view.getUint32(at + 8, true) : 8 + view.getUint16(at + 6, true);
    }
    this.#at = at;
  }

  /** The file meta bytes with `sopInstanceUid` as (0002,0003) MediaStorageSOPInstanceUID. */
  encode(sopInstanceUid: string): Uint8Array {
    const n = sopInstanceUid.length;
    // Anything but a printable ASCII UID goes the general way (the writer decides its encoding).
    if (n > 0xfffe || !printable.test(sopInstanceUid)) {
      return writeFileMetaBytes(
        fileMetaDataset(this.sopClassUid, sopInstanceUid, this.transferSyntaxUid, this.sourceAeTitle),
      );
    }
    // PS3.5 6.2: a UI value is padded to even length with one NUL.
    const padded = n + (n & 1);
    const src = this.#bytes;
    const at = this.#at;
    // From Node's shared pool (a few hundred bytes: no allocation of its own), every byte written below.
    const out = Buffer.allocUnsafe(src.byteLength + padded);
    out.set(src.subarray(0, at + 6), 0);
    out[at + 6] = padded & 0xff;
    out[at + 7] = padded >>> 8;
    out.write(sopInstanceUid, at + 8, n, "latin1");
    if (padded !== n) out[at + 8 + n] = 0;
    out.set(src.subarray(at + 8), at + 8 + padded);
    out.writeUInt32LE(this.#groupLength + padded, groupLengthValueAt);
    // A plain Uint8Array, as documented (a Buffer's methods are not part of the contract).
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
}
