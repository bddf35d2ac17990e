// Attribute matching of a C-FIND identifier against a candidate entity (PS3.4 C.2.2.2).
import type { Dataset } from "../../dataset/dataset.js";
import { keywordForTag, tagForKeyword } from "../../dataset/dictionary.js";
import type { DataElement } from "../../dataset/element.js";
import { PersonName } from "../../dataset/person-name.js";
import { type VR, VR_INFO } from "../../dataset/vr.js";
import {
  inRange,
  overlaps,
  type Period,
  parseDate,
  parseDateTime,
  parseOffset,
  parseRange,
  parseTime,
  type Range,
} from "./date-time.js";

/** How {@link matches} matches; the defaults are the baseline behaviour of PS3.4 C.2.2.2. */
export interface MatchOptions {
  /**
   * PS3.4 C.2.2.2.1: for PN "an application may perform literal matching that is either
   * case-sensitive, or that is insensitive to some or all aspects of case". Default true: PN
   * values match whatever their letter case; every other VR matches case-sensitively.
   */
  readonly personNameCaseInsensitive?: boolean;
  /**
   * PS3.4 C.2.2.2.5 (extended negotiation "date-time matching", C.5.1.1.2): a DA key and its
   * TM partner (StudyDate/StudyTime, SeriesDate/SeriesTime…) that both hold the same form of
   * range are matched as one datetime range. Default false.
   */
  readonly combinedDateTime?: boolean;
  /**
   * PS3.4 C.2.2.2.1 (extended negotiation "empty value matching"): a key of exactly `""` (two
   * QUOTATION MARKs) matches entities whose attribute is empty or absent. Default false.
   */
  readonly emptyValueMatching?: boolean;
  /**
   * PS3.4 C.2.2.2.8 (extended negotiation "multiple value matching"): a key of AE, AS, AT, CS,
   * LO, PN, SH or UC with several values matches only entities that hold every one of them.
   * Default false: without it the standard leaves several values undefined, and a candidate
   * then matches when any key value matches any of its values (as List of UID Matching does).
   */
  readonly multipleValueMatching?: boolean;
}

type Resolved = Required<MatchOptions>;

/** A compiled query: tests candidates, and says whether it matches everything. */
export interface CompiledQuery {
  /** True when the candidate matches every key of the query. */
  readonly test: (candidate: Dataset) => boolean;
  /** True when no key constrains the match (every key is a return key). */
  readonly universal: boolean;
}

type Matcher = (candidate: Dataset) => boolean;

const SPECIFIC_CHARACTER_SET = 0x00080005;
const TIMEZONE_OFFSET_FROM_UTC = 0x00080201;

/**
 * Keys that are never matched: PS3.4 C.2.2.2 (Specific Character Set "is never matched"),
 * C.4.1.1.3.1/C.4.1.1.3.2 (Query/Retrieve Level, Query/Retrieve View, Timezone Offset From UTC
 * qualify the query; Retrieve AE Title, Instance Availability and the Storage Media File-Set
 * ID/UID are filled in by the SCP).
 */
export const NON_MATCHING_KEYS: ReadonlySet<number> = new Set([
  SPECIFIC_CHARACTER_SET,
  0x00080052, // QueryRetrieveLevel
  0x00080053, // QueryRetrieveView
  0x00080054, // RetrieveAETitle
  0x00080056, // InstanceAvailability
  TIMEZONE_OFFSET_FROM_UTC,
  0x00880130, // StorageMediaFileSetID
  0x00880140, // StorageMediaFileSetUID
]);

/** PS3.4 C.2.2.2.4: the VRs on which "*" and "?" are wild cards. */
const WILDCARD_VRS: ReadonlySet<VR> = new Set<VR>(["AE", "CS", "LO", "LT", "PN", "SH", "ST", "UC", "UR", "UT"]);
/** PS3.4 C.2.2.2.8: the VRs Multiple Value Matching applies to. */
const MULTI_VALUE_VRS: ReadonlySet<VR> = new Set<VR>(["AE", "AS", "AT", "CS", "LO", "PN", "SH", "UC"]);

function resolve(options: MatchOptions | undefined): Resolved {
  return {
    personNameCaseInsensitive: options?.personNameCaseInsensitive ?? true,
    combinedDateTime: options?.combinedDateTime ?? false,
    emptyValueMatching: options?.emptyValueMatching ?? false,
    multipleValueMatching: options?.multipleValueMatching ?? false,
  };
}

/** Whether an element of a query or candidate takes part in matching at all. */
function isMatchingKey(tag: number): boolean {
  if ((tag & 0xffff) === 0) return false; // group lengths (PS3.5 7.2) carry no key
  if (((tag >>> 16) & 1) === 1) return false; // private: the SCP cannot know their semantics
  return !NON_MATCHING_KEYS.has(tag);
}

/**
 * The values of an element as strings (PN in its encoded form, numbers in decimal, an empty
 * DS/IS as ""), or `undefined` for bytes, sequences and values that cannot be decoded. Never
 * throws: a candidate with a malformed value simply does not match.
 */
function textValues(ds: Dataset, tag: number): string[] | undefined {
  let v: unknown;
  try {
    v = ds.get(tag);
  } catch {
    return undefined;
  }
  if (v === undefined) return [];
  if (!Array.isArray(v)) return undefined;
  // Values set in code may hold "A\\B" in one string; on the wire that is two values (PS3.5 6.4).
  const split = VR_INFO[ds.getElement(tag)?.vr ?? "UN"].kind !== "text";
  const out: string[] = [];
  for (const x of v as unknown[]) {
    let s: string;
    if (typeof x === "string") s = x;
    else if (x instanceof PersonName) s = x.toString();
    else if (typeof x === "number") s = Number.isNaN(x) ? "" : String(x);
    else if (typeof x === "bigint") s = String(x);
    else return undefined;
    if (split && s.includes("\\")) out.push(...s.split("\\"));
    else out.push(s);
  }
  return out;
}

function candidateValues(ds: Dataset, tag: number): string[] {
  return (textValues(ds, tag) ?? []).filter((s) => s !== "");
}

function isEmptyOrAbsent(ds: Dataset, tag: number): boolean {
  const el = ds.getElement(tag);
  if (el === undefined) return true;
  if (el.vr === "SQ") return safeSequence(ds, tag).length === 0;
  const vals = textValues(ds, tag);
  if (vals !== undefined) return vals.every((s) => s === "");
  let v: unknown;
  try {
    v = ds.get(tag);
  } catch {
    return false;
  }
  return v instanceof Uint8Array && v.byteLength === 0;
}

function safeSequence(ds: Dataset, tag: number): Dataset[] {
  try {
    return ds.sequence(tag);
  } catch {
    return [];
  }
}

/**
 * Wild Card Matching of one value (PS3.4 C.2.2.2.4): "*" matches any run of characters,
 * including none, "?" exactly one character (a code point, so one multi-byte character of
 * UTF-8 text counts once). Iterative with one backtrack point: O(pattern × value), never the
 * exponential blow-up a regular expression with many stars can take.
 */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const p = Array.from(caseInsensitive ? pattern.toUpperCase() : pattern);
  const s = Array.from(caseInsensitive ? value.toUpperCase() : value);
  let pi = 0;
  let si = 0;
  let star = -1;
  let mark = 0;
  while (si < s.length) {
    const pc = p[pi];
    if (pc !== undefined && pc !== "*" && (pc === "?" || pc === s[si])) {
      pi++;
      si++;
    } else if (pc === "*") {
      star = pi++;
      mark = si;
    } else if (star !== -1) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (p[pi] === "*") pi++;
  return pi === p.length;
}

function hasWildcard(s: string): boolean {
  return s.includes("*") || s.includes("?");
}

/** A PN value without the trailing "^" of each group nor trailing empty groups (PS3.5 6.2.1). */
function normalizePersonName(s: string): string[] {
  const groups = s
    .trimEnd()
    .split("=")
    .map((g) => g.replace(/\^+$/, "").trimEnd());
  while (groups.length > 1 && groups[groups.length - 1] === "") groups.pop();
  return groups;
}

/**
 * PN matching, component group by component group. A key with "=" matches each of its
 * non-empty groups against the candidate's group in the same place; a key of one group
 * matches when it matches any of the candidate's groups (alphabetic, ideographic or
 * phonetic), so a query in ideographic characters finds names stored with three groups.
 * PS3.4 C.2.2.2.4 leaves PN wild card matching to the implementation; this is ours.
 */
function personNameMatcher(key: string, caseInsensitive: boolean): (value: string) => boolean {
  const keyGroups = normalizePersonName(key);
  const one = (k: string, v: string): boolean => {
    if (hasWildcard(k)) return wildcardMatch(k, v, caseInsensitive);
    return caseInsensitive ? k.toUpperCase() === v.toUpperCase() : k === v;
  };
  if (keyGroups.length === 1) {
    const k = keyGroups[0] as string;
    return (value) => normalizePersonName(value).some((g) => g !== "" && one(k, g));
  }
  return (value) => {
    const groups = normalizePersonName(value);
    return keyGroups.every((k, i) => k === "" || one(k, groups[i] ?? ""));
  };
}

function timezoneOf(ds: Dataset): number | undefined {
  const t = textValues(ds, TIMEZONE_OFFSET_FROM_UTC)?.[0];
  return t === undefined ? undefined : parseOffset(t);
}

/** Single Value or Range Matching of DA, TM and DT (PS3.4 C.2.2.2.1, C.2.2.2.5). */
function temporalMatcher(vr: VR, key: string, queryTz: number | undefined): (value: string, ds: Dataset) => boolean {
  const parseKey = vr === "DA" ? parseDate : vr === "TM" ? parseTime : (s: string) => parseDateTime(s, queryTz ?? 0);
  const parseValue = (s: string, ds: Dataset): Period | undefined =>
    vr === "DA" ? parseDate(s) : vr === "TM" ? parseTime(s) : parseDateTime(s, timezoneOf(ds) ?? queryTz ?? 0);
  const single = parseKey(key);
  if (single !== undefined) {
    return (value, ds) => {
      const p = parseValue(value, ds);
      return p === undefined ? value.trim() === key.trim() : overlaps(single, p);
    };
  }
  const range = parseRange(key, parseKey);
  if (range !== undefined) {
    return (value, ds) => {
      const p = parseValue(value, ds);
      return p !== undefined && inRange(p, range);
    };
  }
  // Neither a date/time nor a range: only the same text matches.
  return (value) => value.trim() === key.trim();
}

function numbersEqual(a: string, b: string): boolean {
  const x = Number(a);
  const y = Number(b);
  return a.trim() !== "" && b.trim() !== "" && Number.isFinite(x) && x === y;
}

/** The test one key value applies to one candidate value. */
function valueMatcher(
  vr: VR,
  key: string,
  options: Resolved,
  queryTz: number | undefined,
): (value: string, ds: Dataset) => boolean {
  if (vr === "PN") {
    const m = personNameMatcher(key, options.personNameCaseInsensitive);
    return (value) => m(value);
  }
  if (vr === "DA" || vr === "TM" || vr === "DT") return temporalMatcher(vr, key, queryTz);
  if (WILDCARD_VRS.has(vr) && hasWildcard(key)) return (value) => wildcardMatch(key, value);
  const kind = VR_INFO[vr].kind;
  // PS3.4 C.2.2.2.1.1 (CP-2305): matching of IS and DS is implementation dependent; ours is numeric.
  if (kind === "number-string" || kind === "binary" || kind === "bigint") {
    return (value) => value === key || numbersEqual(key, value);
  }
  return (value) => value === key;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

function elementMatcher(
  query: Dataset,
  el: DataElement,
  options: Resolved,
  queryTz: number | undefined,
): Matcher | undefined {
  const tag = el.tag;
  if (el.vr === "SQ") return sequenceMatcher(query, tag, options);
  const keys = textValues(query, tag);
  if (keys === undefined) {
    // Bytes (OB, OW, UN…): universal when empty, else the same bytes.
    let key: Uint8Array | undefined;
    try {
      key = query.bytes(tag);
    } catch {
      return () => false; // a key that cannot be decoded matches nothing rather than everything
    }
    if (key === undefined || key.byteLength === 0) return undefined;
    return (c) => {
      try {
        const v = c.bytes(tag);
        return v !== undefined && bytesEqual(key, v);
      } catch {
        return false;
      }
    };
  }
  // PS3.4 C.2.2.2.3: a zero-length key matches everything.
  if (keys.every((k) => k === "")) return undefined;
  // PS3.4 C.2.2.2.4, note: "*" alone is Universal Matching (it matches an empty value too).
  if (keys.length === 1 && WILDCARD_VRS.has(el.vr) && /^\*+$/.test(keys[0] as string)) return undefined;
  if (options.emptyValueMatching && keys.length === 1 && keys[0] === '""') {
    return (c) => isEmptyOrAbsent(c, tag);
  }
  const tests = keys.filter((k) => k !== "").map((k) => valueMatcher(el.vr, k, options, queryTz));
  const matchesOne = (test: (v: string, ds: Dataset) => boolean, values: string[], c: Dataset): boolean =>
    values.some((v) => test(v, c));
  if (tests.length > 1 && options.multipleValueMatching && MULTI_VALUE_VRS.has(el.vr)) {
    // PS3.4 C.2.2.2.8: every key value must be among the entity's values.
    return (c) => {
      const values = candidateValues(c, tag);
      return tests.every((t) => matchesOne(t, values, c));
    };
  }
  // PS3.4 C.2.2.2.2 (List of UID Matching) and C.2.2.3 (an entity with several values
  // matches when any of them does): any key value against any candidate value.
  return (c) => {
    const values = candidateValues(c, tag);
    return values.length > 0 && tests.some((t) => matchesOne(t, values, c));
  };
}

/**
 * PS3.4 C.2.2.2.6 Sequence Matching: a sequence key with no item, or with items whose keys are
 * all universal, is a return key; otherwise an entity matches when one of its items matches
 * every key of a key item.
 */
function sequenceMatcher(query: Dataset, tag: number, options: Resolved): Matcher | undefined {
  const compiled = safeSequence(query, tag).map((item) => compile(item, options));
  if (compiled.length === 0 || compiled.some((q) => q.universal)) return undefined;
  return (c) => {
    const items = safeSequence(c, tag);
    return items.some((item) => compiled.some((q) => q.test(item)));
  };
}

interface DateTimePair {
  readonly date: number;
  readonly time: number;
}

/** DA keys "…Date" whose TM partner "…Time" is in the query too (StudyDate/StudyTime…). */
function dateTimePairs(query: Dataset): DateTimePair[] {
  const pairs: DateTimePair[] = [];
  for (const el of query) {
    if (el.vr !== "DA") continue;
    const kw = keywordForTag(el.tag);
    if (kw === undefined || !kw.endsWith("Date")) continue;
    const time = tagForKeyword(`${kw.slice(0, -4)}Time`);
    if (time !== undefined && query.getElement(time)?.vr === "TM") pairs.push({ date: el.tag, time });
  }
  return pairs;
}

/**
 * PS3.4 C.2.2.2.5: with combined date-time matching, "a pair of Attributes that are a date and
 * a time, both of which specify the same form of Range Matching" are matched as one datetime
 * range; `undefined` when the pair does not qualify (each key is then matched on its own).
 */
function combinedMatcher(query: Dataset, pair: DateTimePair): Matcher | undefined {
  const d = textValues(query, pair.date);
  const t = textValues(query, pair.time);
  if (d?.length !== 1 || t?.length !== 1) return undefined;
  const dr = parseRange(d[0] as string, parseDate);
  const tr = parseRange(t[0] as string, parseTime);
  if (dr === undefined || tr === undefined) return undefined;
  if ((dr.low === undefined) !== (tr.low === undefined) || (dr.high === undefined) !== (tr.high === undefined)) {
    return undefined;
  }
  const join = (date: Period | undefined, time: Period | undefined): Period | undefined =>
    date === undefined || time === undefined
      ? undefined
      : { start: date.start + time.start, end: date.start + time.end };
  const range: Range = { low: join(dr.low, tr.low), high: join(dr.high, tr.high) };
  return (c) => {
    const date = parseDate(candidateValues(c, pair.date)[0] ?? "");
    if (date === undefined) return false;
    const timeText = candidateValues(c, pair.time)[0];
    const time = timeText === undefined ? undefined : parseTime(timeText);
    // A candidate without a time stands for the whole day.
    const p = time === undefined ? date : { start: date.start + time.start, end: date.start + time.end };
    return inRange(p, range);
  };
}

function compile(query: Dataset, options: Resolved): CompiledQuery {
  const queryTz = timezoneOf(query);
  const matchers: Matcher[] = [];
  const done = new Set<number>();
  if (options.combinedDateTime) {
    for (const pair of dateTimePairs(query)) {
      const m = combinedMatcher(query, pair);
      if (m === undefined) continue;
      matchers.push(m);
      done.add(pair.date).add(pair.time);
    }
  }
  for (const el of query) {
    if (done.has(el.tag) || !isMatchingKey(el.tag)) continue;
    const m = elementMatcher(query, el, options, queryTz);
    if (m !== undefined) matchers.push(m);
  }
  return {
    test: (candidate) => matchers.every((m) => m(candidate)),
    universal: matchers.length === 0,
  };
}

/**
 * Compiles a C-FIND identifier once for testing many candidates (an SCP's index scan). Keys
 * are matched as PS3.4 C.2.2.2 prescribes for their VR: Single Value, List of UID, Universal,
 * Wild Card, Range (DA, TM, DT), Sequence Matching; see {@link MatchOptions} for the choices
 * the standard leaves open. Never throws on odd key or candidate values: they just do not match.
 */
export function compileQuery(query: Dataset, options?: MatchOptions): CompiledQuery {
  return compile(query, resolve(options));
}

/**
 * True when `candidate` (an entity: a patient, study, series or instance, as a dataset of its
 * attributes) matches every key of `query`. Keys that are never matched
 * ({@link NON_MATCHING_KEYS}, group lengths, private elements) are ignored.
 */
export function matches(query: Dataset, candidate: Dataset, options?: MatchOptions): boolean {
  return compileQuery(query, options).test(candidate);
}
