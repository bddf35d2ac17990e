import { Dataset, defaultVr } from "./dataset.js";
import { DataElement } from "./element.js";
import { DicomParseError } from "./errors.js";
import type { EncapsulatedPixelData } from "./values.js";
import { type VR, VR_INFO, vrFromBytes } from "./vr.js";

/** How to read a dataset's bytes. */
export interface ReadDatasetOptions {
  /** Explicit VR (PS3.5 7.1.2) or implicit VR (7.1.3) encoding. */
  readonly explicitVr: boolean;
  /** Byte order: little endian, or big endian (PS3.5 A.3). */
  readonly littleEndian: boolean;
  /** Where to start in `bytes` (default 0). */
  readonly offset?: number;
  /** Stop before the first top-level element whose tag is ≥ this one (e.g. Pixel Data). */
  readonly stopAtTag?: number;
  /** Deepest sequence nesting accepted (default 64). */
  readonly maxDepth?: number;
  /**
   * The bytes are a prefix of a longer stream: an element that runs past the end is not an
   * error; reading stops before it and `complete` is false.
   */
  readonly partial?: boolean;
  /** Added to offsets in error messages (position of `bytes[0]` in the file or stream). */
  readonly baseOffset?: number;
  /** The dataset to add elements to (default: a new one). */
  readonly into?: Dataset;
}

/** What {@link readDataset} found. */
export interface ReadDatasetResult {
  /** The data set read. */
  readonly dataset: Dataset;
  /** Offset in `bytes` after the last element read (the start of the one not read). */
  readonly offset: number;
  /** True when every byte was read (not stopped, not waiting for more). */
  readonly complete: boolean;
  /** The tag that `stopAtTag` stopped at. */
  readonly stoppedAt?: number;
}

/** (FFFE,E000) Item (PS3.5 7.5). */
export const ITEM = 0xfffee000;
/** (FFFE,E00D) Item Delimitation Item. */
export const ITEM_DELIMITATION = 0xfffee00d;
/** (FFFE,E0DD) Sequence Delimitation Item. */
export const SEQUENCE_DELIMITATION = 0xfffee0dd;
/** (7FE0,0010) Pixel Data. */
export const PIXEL_DATA = 0x7fe00010;
const UNDEFINED = 0xffffffff;

/** Thrown inside the reader when a partial buffer ends mid-element; never escapes. */
class NeedMoreData {}
const NEED_MORE = new NeedMoreData();

class Cursor {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly le: boolean,
    readonly partial: boolean,
    readonly base: number,
    readonly maxDepth: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Fails (or asks for more data) unless `n` bytes are there at `o`, within `limit`. */
  need(o: number, n: number, limit: number, tag: number | undefined, what: string): void {
    if (o + n <= limit) return;
    if (this.partial && limit === this.bytes.byteLength) throw NEED_MORE;
    throw new DicomParseError(`${what} runs past the end of the data (${n} bytes wanted)`, {
      tag,
      offset: this.base + o,
    });
  }
}

/** Reads elements from `start` up to `end` into `ds`; returns the offset after the last. */
function readElements(
  c: Cursor,
  ds: Dataset,
  start: number,
  end: number,
  explicit: boolean,
  depth: number,
  inUndefinedItem: boolean,
  stopAt: number | undefined,
  single = false,
): { offset: number; stoppedAt?: number; delimited: boolean } {
  const { view, le, bytes } = c;
  let o = start;
  while (o < end) {
    if (o + 8 > end) {
      // Name the tag when its four bytes are there, so a truncated header still says where it broke.
      const known = o + 4 <= end ? ((view.getUint16(o, le) << 16) | view.getUint16(o + 2, le)) >>> 0 : undefined;
      if (known !== undefined && stopAt !== undefined && known >= stopAt && known >>> 16 !== 0xfffe) {
        return { offset: o, stoppedAt: known, delimited: false };
      }
      c.need(o, 8, end, known, "element header");
    }
    const group = view.getUint16(o, le);
    const tag = ((group << 16) | view.getUint16(o + 2, le)) >>> 0;
    if (group === 0xfffe) {
      if (tag === ITEM_DELIMITATION && inUndefinedItem) return { offset: o + 8, delimited: true };
      throw new DicomParseError("unexpected item or delimiter", { tag, offset: c.base + o });
    }
    if (stopAt !== undefined && tag >= stopAt) return { offset: o, stoppedAt: tag, delimited: false };
    let vr: VR;
    let length: number;
    let header: number;
    if (explicit) {
      const found = vrFromBytes(bytes[o + 4] as number, bytes[o + 5] as number);
      if (found === undefined) {
        const code = String.fromCharCode(bytes[o + 4] as number, bytes[o + 5] as number);
        throw new DicomParseError(`unknown VR ${JSON.stringify(code)}`, { tag, offset: c.base + o + 4 });
      }
      vr = found;
      if (VR_INFO[vr].longLength) {
        c.need(o, 12, end, tag, "element header");
        length = view.getUint32(o + 8, le);
        header = 12;
      } else {
        length = view.getUint16(o + 6, le);
        header = 8;
      }
    } else {
      length = view.getUint32(o + 4, le);
      vr = defaultVr(tag, ds);
      header = 8;
    }
    const valueStart = o + header;
    if (length === UNDEFINED) {
      if (vr === "SQ" || vr === "UN") {
        // PS3.5 6.2.2: UN of undefined length holds a sequence in Implicit VR Little Endian
        const seqExplicit = vr === "SQ" ? explicit : false;
        const r = readSequence(c, ds, valueStart, end, undefined, seqExplicit, depth + 1, tag);
        ds.setElement(new DataElement(tag, "SQ", { value: r.items, undefinedLength: true }));
        o = r.offset;
      } else if (vr === "OB" || vr === "OW") {
        const r = readEncapsulated(c, valueStart, end, tag);
        ds.setElement(new DataElement(tag, vr, { value: r.value, undefinedLength: true, littleEndian: le }));
        o = r.offset;
      } else {
        throw new DicomParseError(`undefined length is not allowed for VR ${vr}`, { tag, offset: c.base + o });
      }
    } else {
      c.need(valueStart, length, end, tag, `value of ${length} bytes`);
      if (vr === "SQ") {
        const r = readSequence(c, ds, valueStart, valueStart + length, valueStart + length, explicit, depth + 1, tag);
        ds.setElement(new DataElement(tag, "SQ", { value: r.items }));
      } else {
        const raw = bytes.subarray(valueStart, valueStart + length);
        ds.setElement(new DataElement(tag, vr, { raw, littleEndian: le }));
      }
      o = valueStart + length;
    }
    if (single) return { offset: o, delimited: false };
  }
  // Out of data inside an item of undefined length: wait for more when the input is a prefix;
  // otherwise readSequence reports the missing delimiter with the sequence's tag.
  if (inUndefinedItem && c.partial && end === bytes.byteLength) throw NEED_MORE;
  return { offset: o, delimited: false };
}

function readSequence(
  c: Cursor,
  parent: Dataset,
  start: number,
  end: number,
  definedEnd: number | undefined,
  explicit: boolean,
  depth: number,
  tag: number,
): { items: Dataset[]; offset: number } {
  if (depth > c.maxDepth) {
    throw new DicomParseError(`sequences nested deeper than ${c.maxDepth}`, { tag, offset: c.base + start });
  }
  const { view, le } = c;
  const items: Dataset[] = [];
  let o = start;
  for (;;) {
    if (definedEnd !== undefined && o >= definedEnd) return { items, offset: o };
    c.need(o, 8, end, tag, "sequence item header");
    const itemTag = ((view.getUint16(o, le) << 16) | view.getUint16(o + 2, le)) >>> 0;
    const length = view.getUint32(o + 4, le);
    if (itemTag === SEQUENCE_DELIMITATION && definedEnd === undefined) return { items, offset: o + 8 };
    if (itemTag !== ITEM) {
      throw new DicomParseError(`expected an item in the sequence, found ${itemTag.toString(16)}`, {
        tag,
        offset: c.base + o,
      });
    }
    const item = new Dataset();
    item.parent = parent;
    if (length === UNDEFINED) {
      const r = readElements(c, item, o + 8, end, explicit, depth, true, undefined);
      if (!r.delimited) {
        throw new DicomParseError("item of undefined length has no delimiter", { tag, offset: c.base + o });
      }
      o = r.offset;
    } else {
      c.need(o + 8, length, end, tag, `item of ${length} bytes`);
      readElements(c, item, o + 8, o + 8 + length, explicit, depth, false, undefined);
      o = o + 8 + length;
    }
    items.push(item);
  }
}

function readEncapsulated(
  c: Cursor,
  start: number,
  end: number,
  tag: number,
): { value: EncapsulatedPixelData; offset: number } {
  const { view, le, bytes } = c;
  const fragments: Uint8Array[] = [];
  let offsetTable: Uint8Array | undefined;
  let o = start;
  for (;;) {
    c.need(o, 8, end, tag, "fragment header");
    const itemTag = ((view.getUint16(o, le) << 16) | view.getUint16(o + 2, le)) >>> 0;
    const length = view.getUint32(o + 4, le);
    if (itemTag === SEQUENCE_DELIMITATION) {
      return { value: { basicOffsetTable: offsetTable ?? new Uint8Array(0), fragments }, offset: o + 8 };
    }
    if (itemTag !== ITEM || length === UNDEFINED) {
      throw new DicomParseError("malformed encapsulated pixel data item", { tag, offset: c.base + o });
    }
    c.need(o + 8, length, end, tag, `fragment of ${length} bytes`);
    const data = bytes.subarray(o + 8, o + 8 + length);
    // PS3.5 A.4: the first item is the Basic Offset Table (possibly empty)
    if (offsetTable === undefined) offsetTable = data;
    else fragments.push(data);
    o += 8 + length;
  }
}

/**
 * Reads a dataset (no file meta) from bytes in one transfer syntax. Values are views of
 * `bytes`, decoded when first asked for. Malformed input throws {@link DicomParseError}
 * naming the tag and offset; nothing is allocated from a length field.
 */
export function readDataset(bytes: Uint8Array, options: ReadDatasetOptions): ReadDatasetResult {
  const c = new Cursor(
    bytes,
    options.littleEndian,
    options.partial ?? false,
    options.baseOffset ?? 0,
    options.maxDepth ?? 64,
  );
  const ds = options.into ?? new Dataset();
  const start = options.offset ?? 0;
  if (!c.partial) {
    const r = readElements(c, ds, start, bytes.byteLength, options.explicitVr, 0, false, options.stopAtTag);
    return r.stoppedAt === undefined
      ? { dataset: ds, offset: r.offset, complete: true }
      : { dataset: ds, offset: r.offset, complete: false, stoppedAt: r.stoppedAt };
  }
  // Partial: one top-level element at a time, so a short buffer rolls back only the last one.
  let o = start;
  while (o < bytes.byteLength) {
    try {
      const r = readElements(c, ds, o, bytes.byteLength, options.explicitVr, 0, false, options.stopAtTag, true);
      if (r.stoppedAt !== undefined) return { dataset: ds, offset: r.offset, complete: false, stoppedAt: r.stoppedAt };
      o = r.offset;
    } catch (e) {
      if (e === NEED_MORE) return { dataset: ds, offset: o, complete: false };
      throw e;
    }
  }
  return { dataset: ds, offset: o, complete: true };
}
