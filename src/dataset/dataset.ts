import { NetdicomError } from "../util/errors.js";
import { lookupTag, parseTag, tagForKeyword } from "./dictionary.js";
import { DataElement } from "./element.js";
import { tagString } from "./errors.js";
import { PersonName } from "./person-name.js";
import type { EncapsulatedPixelData, Value } from "./values.js";
import type { VR } from "./vr.js";
import { isVr } from "./vr.js";

/** A tag as a number (`0x00100010`), a keyword (`"PatientName"`) or text (`"(0010,0010)"`). */
export type TagKey = number | string;

const SPECIFIC_CHARACTER_SET = 0x00080005;
const PIXEL_REPRESENTATION = 0x00280103;

/** Resolves a {@link TagKey} to a numeric tag; throws `ERR_BAD_TAG` for an unknown keyword. */
export function resolveTag(key: TagKey): number {
  if (typeof key === "number") return key >>> 0;
  const t = tagForKeyword(key);
  if (t !== undefined) return t;
  return parseTag(key);
}

/**
 * The VR a dictionary gives `tag` when the encoding does not say (Implicit VR, values set in
 * code). Ambiguous entries are resolved as PS3.5 Annex A / 8.1.2 suggests.
 */
export function defaultVr(tag: number, ds?: Dataset): VR {
  const group = tag >>> 16;
  const element = tag & 0xffff;
  if (element === 0) return "UL"; // group length (PS3.5 7.2)
  if (group % 2 === 1) return element >= 0x10 && element <= 0xff ? "LO" : "UN";
  const entry = lookupTag(tag);
  const vrs = entry?.vrs ?? [];
  const first = vrs[0];
  if (first === undefined) return "UN";
  if (vrs.length === 1) return first;
  if (vrs.includes("SS") && vrs.includes("US") && !vrs.includes("OW")) {
    // US or SS: signed when Pixel Representation is 1 (two's complement)
    return ds?.number(PIXEL_REPRESENTATION) === 1 ? "SS" : "US";
  }
  if (vrs.includes("OW")) return "OW"; // OB or OW, US or OW, US or SS or OW: OW is always valid
  return first;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/** Converts a convenient JavaScript value into the {@link Value} representation of `vr`. */
function toValue(v: unknown, vr: VR, tag: number): Value {
  if (vr === "SQ") {
    const items = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
    return items.map((item) => {
      if (item instanceof Dataset) return item;
      if (isPlainObject(item)) return new Dataset(item);
      throw new NetdicomError("ERR_BAD_VALUE", `sequence ${tagString(tag)} needs datasets or plain objects`);
    });
  }
  if (v instanceof Uint8Array) return v;
  if (isPlainObject(v) && "fragments" in v) return v as unknown as EncapsulatedPixelData;
  const arr = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  if (vr === "PN") return arr.map((x) => (x instanceof PersonName ? x : new PersonName(String(x))));
  return arr as Value;
}

/**
 * A DICOM dataset: data elements by tag, read lazily (values are decoded on first access).
 * Access by keyword (`ds.get("PatientName")`), by tag (`ds.get(0x00100010)`), with typed
 * helpers (`ds.string`, `ds.number`, `ds.sequence`…). Sequence items know their parent so
 * Specific Character Set is inherited (PS3.5 7.5.3).
 */
export class Dataset {
  private readonly map = new Map<number, DataElement>();
  private sorted: number[] | undefined = [];
  /** The dataset that holds the sequence this one is an item of. */
  parent: Dataset | undefined;

  /** A dataset from a plain object of keywords (or tags) and values: `new Dataset({ PatientID: "1" })`. */
  constructor(init?: Record<string, unknown>) {
    if (init) for (const [k, v] of Object.entries(init)) this.set(k, v);
  }

  /** Number of elements. */
  get size(): number {
    return this.map.size;
  }

  /** The Specific Character Set in force: this dataset's, else its parent's (PS3.5 7.5.3). */
  get charsets(): readonly string[] {
    const el = this.map.get(SPECIFIC_CHARACTER_SET);
    if (el) {
      // A malformed file may give (0008,0005) another VR: only string values name character sets.
      const v = el.value([]);
      return Array.isArray(v) ? v.filter((s): s is string => typeof s === "string").map((s) => s.trim()) : [];
    }
    return this.parent?.charsets ?? [];
  }

  /** True when the element is present. */
  has(key: TagKey): boolean {
    return this.map.has(resolveTag(key));
  }

  /** The element, raw and all. */
  getElement(key: TagKey): DataElement | undefined {
    return this.map.get(resolveTag(key));
  }

  /** The decoded value of an element, or undefined when absent. See {@link Value}. */
  get(key: TagKey): Value | undefined {
    const el = this.map.get(resolveTag(key));
    return el?.value(el.vr === "SQ" ? [] : this.charsets);
  }

  /** The VR of an element present in the dataset. */
  vr(key: TagKey): VR | undefined {
    return this.map.get(resolveTag(key))?.vr;
  }

  /**
   * Sets an element. `vr` defaults to the dictionary's. Values may be given as a single value
   * or an array; sequences as datasets or plain objects.
   */
  set(key: TagKey, value: unknown, vr?: VR): this {
    const tag = resolveTag(key);
    if (vr !== undefined && !isVr(vr)) throw new NetdicomError("ERR_BAD_VR", `unknown VR ${String(vr)}`);
    const useVr = vr ?? this.map.get(tag)?.vr ?? defaultVr(tag, this);
    const v = toValue(value, useVr, tag);
    if (useVr === "SQ") for (const item of v as Dataset[]) item.parent = this;
    return this.setElement(new DataElement(tag, useVr, { value: v }));
  }

  /** Adds or replaces an element as it is (the reader's path). */
  setElement(el: DataElement): this {
    if (!this.map.has(el.tag) && this.sorted) {
      const last = this.sorted[this.sorted.length - 1];
      if (last === undefined || el.tag > last) this.sorted.push(el.tag);
      else this.sorted = undefined;
    }
    this.map.set(el.tag, el);
    if (el.vr === "SQ" && el.hasDecodedValue) {
      for (const item of el.value([]) as Dataset[]) item.parent = this;
    }
    return this;
  }

  /** Removes an element; true when it was present. */
  delete(key: TagKey): boolean {
    const tag = resolveTag(key);
    const had = this.map.delete(tag);
    if (had && this.sorted) this.sorted = this.sorted.filter((t) => t !== tag);
    return had;
  }

  /** Tags in ascending order (the order the standard requires when encoding, PS3.5 7.1). */
  tags(): readonly number[] {
    if (!this.sorted) this.sorted = [...this.map.keys()].sort((a, b) => a - b);
    return this.sorted;
  }

  /** Elements in ascending tag order. */
  *[Symbol.iterator](): IterableIterator<DataElement> {
    for (const t of this.tags()) yield this.map.get(t) as DataElement;
  }

  /** First value as a string (PN as its encoded form, numbers in decimal), or undefined. */
  string(key: TagKey): string | undefined {
    return this.strings(key)[0];
  }

  /** All values as strings. */
  strings(key: TagKey): string[] {
    const v = this.get(key);
    if (v === undefined || v instanceof Uint8Array || !Array.isArray(v)) return [];
    return (v as unknown[]).map((x) => (x instanceof Dataset ? "" : String(x)));
  }

  /** First value as a number, or undefined (also for an empty DS/IS). */
  number(key: TagKey): number | undefined {
    const n = this.numbers(key)[0];
    return n === undefined || Number.isNaN(n) ? undefined : n;
  }

  /** All values as numbers. */
  numbers(key: TagKey): number[] {
    const v = this.get(key);
    if (v === undefined || !Array.isArray(v)) return [];
    return (v as unknown[]).map((x) => (typeof x === "number" ? x : Number(x)));
  }

  /** The items of a sequence ([] when absent). */
  sequence(key: TagKey): Dataset[] {
    const el = this.map.get(resolveTag(key));
    return el?.vr === "SQ" ? (el.value([]) as Dataset[]) : [];
  }

  /** The bytes of an OB/OW/OD/OF/OL/OV/UN element (little endian), or undefined. */
  bytes(key: TagKey): Uint8Array | undefined {
    const v = this.get(key);
    return v instanceof Uint8Array ? v : undefined;
  }

  /** The first PN value. */
  personName(key: TagKey): PersonName | undefined {
    const v = this.get(key);
    const first = Array.isArray(v) ? v[0] : undefined;
    return first instanceof PersonName ? first : undefined;
  }

  /**
   * The tag of a private element: `creator` names the private creator (PS3.5 7.8.1) that
   * reserved a block in `group`; `offset` is the element's low byte within the block.
   * With `reserve`, a block is reserved when the creator has none yet.
   */
  privateTag(group: number, creator: string, offset: number, reserve = false): number | undefined {
    if (group % 2 === 0) throw new NetdicomError("ERR_BAD_TAG", `group ${group.toString(16)} is not private`);
    let free: number | undefined;
    for (let block = 0x10; block <= 0xff; block++) {
      const el = this.map.get(((group << 16) | block) >>> 0);
      if (!el) {
        free ??= block;
        continue;
      }
      if (String((el.value([]) as string[])[0] ?? "").trim() === creator) {
        return ((group << 16) | (block << 8) | (offset & 0xff)) >>> 0;
      }
    }
    if (!reserve) return undefined;
    if (free === undefined) throw new NetdicomError("ERR_BAD_TAG", `no free private block in group ${group}`);
    this.set(((group << 16) | free) >>> 0, creator, "LO");
    return ((group << 16) | (free << 8) | (offset & 0xff)) >>> 0;
  }

  /** The value of a private element, found through its private creator. */
  getPrivate(group: number, creator: string, offset: number): Value | undefined {
    const tag = this.privateTag(group, creator, offset);
    return tag === undefined ? undefined : this.get(tag);
  }

  /** Sets a private element, reserving a block for `creator` when needed. */
  setPrivate(group: number, creator: string, offset: number, vr: VR, value: unknown): this {
    const tag = this.privateTag(group, creator, offset, true) as number;
    return this.set(tag, value, vr);
  }
}
