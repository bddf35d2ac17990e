import { NetdicomError } from "../util/errors.js";
import { type DataElementColumns, dataElementColumns } from "./generated/dictionary.js";

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

// The generated table is read in place, with no loop over its 5,000 rows on the way to a C-STORE's
// dozen lookups: such a loop costs more than the lookups, gets V8's optimizing compiler going
// (~2 ms of CPU, ~4 MB of RSS in a storescu run) and allocates thousands of strings.

/** A row of `tags` is 8 hex digits and a newline; of `detailStarts`, 6 and a newline. */
const TAG_WIDTH = 9;
const START_WIDTH = 7;

/** The generated columns and their row counts, on first use. */
interface Table {
  readonly columns: DataElementColumns;
  readonly rows: number;
  /** The rows without a repeating group come first, in ascending tag order (the generator checks). */
  readonly exactRows: number;
}

let table: Table | undefined;

function loadTable(): Table {
  const columns = dataElementColumns();
  const rows = (columns.tags.length + 1) / TAG_WIDTH;
  const firstX = columns.tags.indexOf("x");
  table = { columns, rows, exactRows: firstX < 0 ? rows : Math.floor(firstX / TAG_WIDTH) };
  return table;
}

/** The keyword of every row, split on first need. */
let keywords: string[] | undefined;
/** Keyword -> row, built once more than {@link SCANS_BEFORE_MAP} keywords were looked up. */
let keywordRows: Map<string, number> | undefined;
/** Repeating-group rows by mask, most specific mask first, keyed by `tag & mask`; built on first need. */
let byMask: (readonly [number, ReadonlyMap<number, number>])[] | undefined;
/** The entries made so far, by row: one object per row, so repeated lookups give the same entry. */
const entries: (DictionaryEntry | undefined)[] = [];
/**
 * The tags (of rows without a repeating group) and keywords found so far, at most one per row:
 * the readers and Dataset ask for the same few over and over.
 */
const tagHits = new Map<number, DictionaryEntry>();
const keywordHits = new Map<string, DictionaryEntry>();
/** Every entry with the same VR candidates shares one frozen list. */
const vrLists = new Map<string, readonly VR[]>();

function popcount(n: number): number {
  let c = 0;
  for (let v = n >>> 0; v !== 0; v >>>= 1) c += v & 1;
  return c;
}

/** The tag pattern of `row`: "00100010", or "60xx3000" for a repeating group. */
function patternAt(t: Table, row: number): string {
  return t.columns.tags.slice(row * TAG_WIDTH, row * TAG_WIDTH + 8);
}

/** "60xx3000" -> tag 0x60003000, mask 0xff00ffff: an `x` is a digit that varies (PS3.6 section 6). */
function parsePattern(pattern: string): { tag: number; mask: number } {
  return {
    tag: Number.parseInt(pattern.replaceAll("x", "0"), 16) >>> 0,
    mask: Number.parseInt(pattern.replace(/[0-9a-f]/g, "f").replaceAll("x", "0"), 16) >>> 0,
  };
}

/** The row whose tag is exactly `tag` (no repeating group), or -1: a binary search of the text. */
function exactRow(t: Table, tag: number): number {
  let lo = 0;
  let hi = t.exactRows - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = Number.parseInt(patternAt(t, mid), 16);
    if (v < tag) lo = mid + 1;
    else if (v > tag) hi = mid - 1;
    else return mid;
  }
  return -1;
}

function maskGroups(t: Table): readonly (readonly [number, ReadonlyMap<number, number>])[] {
  if (byMask === undefined) {
    const masks = new Map<number, Map<number, number>>();
    for (let row = t.exactRows; row < t.rows; row++) {
      const { tag, mask } = parsePattern(patternAt(t, row));
      let group = masks.get(mask);
      if (group === undefined) masks.set(mask, (group = new Map()));
      group.set(tag, row);
    }
    byMask = [...masks].sort((a, b) => popcount(b[0]) - popcount(a[0]) || b[0] - a[0]);
  }
  return byMask;
}

function keywordList(t: Table): string[] {
  return (keywords ??= t.columns.keywords.split("\n"));
}

/** The entry of `row`, made on first use. */
function entryAt(t: Table, row: number): DictionaryEntry {
  const made = entries[row];
  if (made !== undefined) return made;
  const { details, detailStarts } = t.columns;
  const start = Number.parseInt(detailStarts.slice(row * START_WIDTH, row * START_WIDTH + 6), 16);
  const end = details.indexOf("\n", start);
  const [name = "", vr = "", vm = ""] = details.slice(start, end < 0 ? undefined : end).split("\t");
  let vrs = vrLists.get(vr);
  if (vrs === undefined) {
    vrs = Object.freeze(vr === "" ? [] : (vr.split("|") as VR[]));
    vrLists.set(vr, vrs);
  }
  const keyword = keywordList(t)[row]!;
  const retired = t.columns.retired.charCodeAt(row) === 0x31; // "1"
  // Not frozen, like the synthetic entries: the type is readonly already.
  let entry: DictionaryEntry;
  if (row >= t.exactRows) {
    const { tag, mask } = parsePattern(patternAt(t, row));
    entry = { tag, keyword, name, vrs, vm, retired, mask };
  } else {
    entry = { tag: Number.parseInt(patternAt(t, row), 16), keyword, name, vrs, vm, retired };
  }
  entries[row] = entry;
  return entry;
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
  tag >>>= 0;
  const hit = tagHits.get(tag);
  if (hit !== undefined) return hit;
  // PS3.6 lists no private tag (the generator checks), so they skip the search.
  if (isPrivateTag(tag)) {
    if ((tag & 0xffff) === 0) return groupLength(tag);
    if (isPrivateCreator(tag)) {
      return { tag, keyword: "PrivateCreator", name: "Private Creator", vrs: ["LO"], vm: "1", retired: false };
    }
    return undefined;
  }
  const t = table ?? loadTable();
  const row = exactRow(t, tag);
  if (row >= 0) return remember(tagHits, tag, entryAt(t, row));
  if ((tag & 0xffff) === 0) return groupLength(tag);
  // Not remembered: up to 108,688 tags match a repeating group, and a peer's data set chooses them.
  for (const [mask, rows] of maskGroups(t)) {
    const row = rows.get((tag & mask) >>> 0);
    if (row !== undefined) return entryAt(t, row);
  }
  return undefined;
}

/** The dictionary entry whose PS3.6 keyword is `keyword` (case-sensitive), or `undefined`. */
export function lookupKeyword(keyword: string): DictionaryEntry | undefined {
  const hit = keywordHits.get(keyword);
  if (hit !== undefined) return hit;
  const t = table ?? loadTable();
  const row = keywordRow(t, keyword);
  return row < 0 ? undefined : remember(keywordHits, keyword, entryAt(t, row));
}

/**
 * Scans before the keyword Map is built: a scan of the 5,000 keywords costs ~2 µs, building the
 * Map ~1-2 ms in a fresh process, and a C-STORE run looks up only a handful of keywords.
 */
const SCANS_BEFORE_MAP = 64;
let keywordScans = 0;

/** The row of `keyword`, or -1. */
function keywordRow(t: Table, keyword: string): number {
  if (keyword === "") return -1; // the few rows without a keyword are not found by it
  if (keywordRows === undefined) {
    const list = keywordList(t);
    if (++keywordScans <= SCANS_BEFORE_MAP) return list.indexOf(keyword);
    keywordRows = new Map();
    for (let row = 0; row < list.length; row++) {
      const k = list[row]!;
      if (k !== "") keywordRows.set(k, row);
    }
  }
  return keywordRows.get(keyword) ?? -1;
}

function groupLength(tag: number): DictionaryEntry {
  return { tag, keyword: "GenericGroupLength", name: "Group Length", vrs: ["UL"], vm: "1", retired: false };
}

function remember<K>(hits: Map<K, DictionaryEntry>, key: K, entry: DictionaryEntry): DictionaryEntry {
  hits.set(key, entry);
  return entry;
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
