import { NetdicomError } from "../util/errors.js";
import { dataElements } from "./generated/dictionary.js";

/** The value representations of PS3.5 section 6.2, Table 6.2-1. */
export type VR =
  | "AE"
  | "AS"
  | "AT"
  | "CS"
  | "DA"
  | "DS"
  | "DT"
  | "FD"
  | "FL"
  | "IS"
  | "LO"
  | "LT"
  | "OB"
  | "OD"
  | "OF"
  | "OL"
  | "OV"
  | "OW"
  | "PN"
  | "SH"
  | "SL"
  | "SQ"
  | "SS"
  | "ST"
  | "SV"
  | "TM"
  | "UC"
  | "UI"
  | "UL"
  | "UN"
  | "UR"
  | "US"
  | "UT"
  | "UV";

/**
 * One data element of the PS3.6 registry. Tags are numbers, `((group << 16) | element) >>> 0`.
 * For a repeating-group entry such as (60xx,3000) `tag` has the varying digits zeroed and `mask`
 * holds the bits that must match; for the others `mask` is absent.
 */
export interface DictionaryEntry {
  /** The tag (varying digits zeroed for a repeating group, see `mask`). */
  readonly tag: number;
  /** The PS3.6 keyword, e.g. `PatientName`; empty for the few rows PS3.6 leaves without one. */
  readonly keyword: string;
  /** The PS3.6 name, e.g. "Patient's Name". */
  readonly name: string;
  /** The VR candidates, e.g. `["US", "SS"]` for "US or SS"; empty for items and delimiters. */
  readonly vrs: readonly VR[];
  /** The value multiplicity as PS3.6 writes it: "1", "1-n", "2-2n"… */
  readonly vm: string;
  /** True when PS3.6 marks the element retired. */
  readonly retired: boolean;
  /** For a repeating group such as (60xx,3000): the tag bits that must match. */
  readonly mask?: number;
}

let byTag: Map<number, DictionaryEntry> | undefined;
let byKeyword: Map<string, DictionaryEntry> | undefined;
/** Repeating-group entries by mask, most specific mask first, keyed by `tag & mask`. */
let byMask: [number, Map<number, DictionaryEntry>][] | undefined;

function popcount(n: number): number {
  let c = 0;
  for (let v = n >>> 0; v !== 0; v >>>= 1) c += v & 1;
  return c;
}

/** Builds the lookup maps on first use, so importing the module costs only the table literal. */
function build(): void {
  const tags = new Map<number, DictionaryEntry>();
  const keywords = new Map<string, DictionaryEntry>();
  const masks = new Map<number, Map<number, DictionaryEntry>>();
  const vrLists = new Map<string, readonly VR[]>();
  for (const row of dataElements) {
    const [tag, mask, keyword, name, vr, vm, retired] = row;
    let vrs = vrLists.get(vr);
    if (vrs === undefined) {
      vrs = Object.freeze(vr === "" ? [] : (vr.split("|") as VR[]));
      vrLists.set(vr, vrs);
    }
    // Not frozen: freezing 5 000 objects doubles the build time; the type is readonly already.
    // The VR lists are frozen because every entry with the same VRs shares one.
    const entry: DictionaryEntry =
      mask === 0
        ? { tag, keyword, name, vrs, vm, retired: retired === 1 }
        : { tag, keyword, name, vrs, vm, retired: retired === 1, mask };
    if (mask === 0) tags.set(tag, entry);
    else {
      let group = masks.get(mask);
      if (group === undefined) masks.set(mask, (group = new Map()));
      group.set(tag, entry);
    }
    if (keyword !== "") keywords.set(keyword, entry);
  }
  byTag = tags;
  byKeyword = keywords;
  byMask = [...masks].sort((a, b) => popcount(b[0]) - popcount(a[0]) || b[0] - a[0]);
}

function groupOf(tag: number): number {
  return tag >>> 16;
}

/**
 * True for a private data element: an odd group other than 0001, 0003, 0005, 0007 and FFFF,
 * which PS3.5 section 7.8.1 forbids for private use.
 */
export function isPrivateTag(tag: number): boolean {
  const group = groupOf(tag);
  return (group & 1) === 1 && group > 0x0007 && group !== 0xffff;
}

/** True for a Private Creator data element, (gggg,0010) to (gggg,00FF) of a private group (PS3.5 7.8.1). */
export function isPrivateCreator(tag: number): boolean {
  const element = tag & 0xffff;
  return isPrivateTag(tag) && element >= 0x0010 && element <= 0x00ff;
}

/**
 * The dictionary entry for `tag`: an exact match first, then the repeating groups ((60xx,3000)
 * finds OverlayData). Private tags give `undefined`, except Private Creator elements, which get
 * a synthetic LO entry; a group length (gggg,0000) that PS3.6 does not list gets a synthetic UL
 * entry (PS3.5 section 7.2).
 */
export function lookupTag(tag: number): DictionaryEntry | undefined {
  if (byTag === undefined) build();
  tag >>>= 0;
  const exact = byTag!.get(tag);
  if (exact !== undefined) return exact;
  if ((tag & 0xffff) === 0) {
    return { tag, keyword: "GenericGroupLength", name: "Group Length", vrs: ["UL"], vm: "1", retired: false };
  }
  if (isPrivateTag(tag)) {
    if (isPrivateCreator(tag)) {
      return { tag, keyword: "PrivateCreator", name: "Private Creator", vrs: ["LO"], vm: "1", retired: false };
    }
    return undefined;
  }
  for (const [mask, entries] of byMask!) {
    const hit = entries.get((tag & mask) >>> 0);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** The dictionary entry whose PS3.6 keyword is `keyword` (case-sensitive), or `undefined`. */
export function lookupKeyword(keyword: string): DictionaryEntry | undefined {
  if (byKeyword === undefined) build();
  return byKeyword!.get(keyword);
}

/** The tag of the PS3.6 keyword `keyword`; for a repeating group, the tag of its first group (e.g. 0x60003000). */
export function tagForKeyword(keyword: string): number | undefined {
  return lookupKeyword(keyword)?.tag;
}

/** The PS3.6 keyword of `tag`, or `undefined` when the dictionary has none. */
export function keywordForTag(tag: number): string | undefined {
  const keyword = lookupTag(tag)?.keyword;
  return keyword === "" ? undefined : keyword;
}

const TAG_FORMS = [
  /^\(\s*([0-9a-f]{4})\s*,\s*([0-9a-f]{4})\s*\)$/i, // (0010,0010)
  /^([0-9a-f]{4})\s*,\s*([0-9a-f]{4})$/i, // 0010,0010
  /^(?:0?x)?([0-9a-f]{4})([0-9a-f]{4})$/i, // 00100010, 0x00100010, x00100010
];

/**
 * Parses a tag written as "(0010,0010)", "0010,0010", "00100010", "0x00100010" or a PS3.6
 * keyword ("PatientName"). Throws a {@link NetdicomError} with code `ERR_BAD_TAG` otherwise.
 */
export function parseTag(text: string): number {
  const trimmed = text.trim();
  for (const form of TAG_FORMS) {
    const m = form.exec(trimmed);
    if (m) return ((Number.parseInt(m[1]!, 16) << 16) | Number.parseInt(m[2]!, 16)) >>> 0;
  }
  const tag = tagForKeyword(trimmed);
  if (tag !== undefined) return tag;
  throw new NetdicomError("ERR_BAD_TAG", `bad tag ${JSON.stringify(text)}: not (gggg,eeee), ggggeeee or a keyword`);
}

const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, "0");

/** Formats a tag as "(GGGG,EEEE)" in uppercase hex, e.g. "(0010,0010)". */
export function formatTag(tag: number): string {
  tag >>>= 0;
  return `(${hex4(tag >>> 16)},${hex4(tag & 0xffff)})`;
}
