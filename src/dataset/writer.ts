import { ByteWriter } from "../util/byte-writer.js";
import type { Dataset } from "./dataset.js";
import type { DataElement } from "./element.js";
import { DicomEncodeError } from "./errors.js";
import { ITEM, ITEM_DELIMITATION, SEQUENCE_DELIMITATION } from "./reader.js";
import { type EncapsulatedPixelData, encodeValue, swapBytes } from "./values.js";
import { type VR, VR_INFO } from "./vr.js";

/** How to encode a dataset. */
export interface WriteDatasetOptions {
  /** Explicit VR (true) or implicit VR (false). */
  readonly explicitVr: boolean;
  /** Little endian (true) or big endian (false). */
  readonly littleEndian: boolean;
}

const UNDEFINED = 0xffffffff;

function writeTagHeader(w: ByteWriter, tag: number): void {
  w.u16(tag >>> 16).u16(tag & 0xffff);
}

function writeHeader(w: ByteWriter, tag: number, vr: VR, length: number, explicit: boolean): void {
  writeTagHeader(w, tag);
  if (!explicit) {
    w.u32(length);
    return;
  }
  w.u8(vr.charCodeAt(0)).u8(vr.charCodeAt(1));
  if (VR_INFO[vr].longLength) w.u16(0).u32(length);
  else w.u16(length);
}

/** The element's value bytes in the target byte order: the raw bytes when they can be reused. */
function valueBytes(el: DataElement, ds: Dataset, littleEndian: boolean): Uint8Array {
  const info = VR_INFO[el.vr];
  if (el.raw !== undefined) {
    if (el.rawLittleEndian === littleEndian || info.wordSize === 0) return el.raw;
    return swapBytes(el.raw, el.vr === "AT" ? 2 : info.wordSize);
  }
  return encodeValue(el.value(ds.charsets), el.vr, littleEndian, ds.charsets);
}

function writeEncapsulated(w: ByteWriter, el: DataElement, value: EncapsulatedPixelData, explicit: boolean): void {
  writeHeader(w, el.tag, el.vr, UNDEFINED, explicit);
  for (const item of [value.basicOffsetTable, ...value.fragments]) {
    writeTagHeader(w, ITEM);
    w.u32(item.byteLength + (item.byteLength % 2)).bytes(item);
    if (item.byteLength % 2) w.u8(0);
  }
  writeTagHeader(w, SEQUENCE_DELIMITATION);
  w.u32(0);
}

function writeSequence(w: ByteWriter, el: DataElement, items: readonly Dataset[], options: WriteDatasetOptions): void {
  const undefinedLength = el.undefinedLength;
  writeHeader(w, el.tag, "SQ", undefinedLength ? UNDEFINED : 0, options.explicitVr);
  const lengthAt = w.length - 4;
  const start = w.length;
  for (const item of items) {
    writeTagHeader(w, ITEM);
    w.u32(undefinedLength ? UNDEFINED : 0);
    const itemLengthAt = w.length - 4;
    const itemStart = w.length;
    writeElements(w, item, options);
    if (undefinedLength) {
      writeTagHeader(w, ITEM_DELIMITATION);
      w.u32(0);
    } else {
      w.setU32(itemLengthAt, w.length - itemStart);
    }
  }
  if (undefinedLength) {
    writeTagHeader(w, SEQUENCE_DELIMITATION);
    w.u32(0);
  } else {
    w.setU32(lengthAt, w.length - start);
  }
}

/** Writes every element of `ds` (in ascending tag order) to `w`. */
export function writeElements(w: ByteWriter, ds: Dataset, options: WriteDatasetOptions): void {
  w.littleEndian = options.littleEndian;
  for (const el of ds) {
    if (el.vr === "SQ") {
      writeSequence(w, el, el.value([]) as Dataset[], options);
      continue;
    }
    if (el.raw === undefined) {
      const v = el.value(ds.charsets);
      if (!(v instanceof Uint8Array) && !Array.isArray(v)) {
        writeEncapsulated(w, el, v, options.explicitVr);
        continue;
      }
    }
    const bytes = valueBytes(el, ds, options.littleEndian);
    let vr = el.vr;
    if (options.explicitVr && !VR_INFO[vr].longLength && bytes.byteLength > 0xffff) {
      // PS3.5 6.2.2: a value too long for its VR's 16-bit length can only be carried as UN
      vr = "UN";
    }
    if (bytes.byteLength % 2 === 1) {
      writeHeader(w, el.tag, vr, bytes.byteLength + 1, options.explicitVr);
      w.bytes(bytes).u8(VR_INFO[el.vr].padByte);
    } else {
      writeHeader(w, el.tag, vr, bytes.byteLength, options.explicitVr);
      w.bytes(bytes);
    }
  }
}

/** Encodes a dataset (no file meta) in one transfer syntax's encoding. */
export function writeDataset(ds: Dataset, options: WriteDatasetOptions): Uint8Array {
  if (!options.explicitVr && !options.littleEndian) {
    throw new DicomEncodeError("implicit VR big endian is not a DICOM transfer syntax");
  }
  const w = new ByteWriter({ initialSize: 4096, littleEndian: options.littleEndian });
  writeElements(w, ds, options);
  return w.toUint8Array();
}
