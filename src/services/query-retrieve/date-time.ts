// DA, TM and DT values as periods of time, for Single Value and Range Matching
// (PS3.4 C.2.2.2.1, C.2.2.2.5). A value of reduced precision stands for the whole period it
// names: TM "1015" is 10:15:00 to 10:15:59.999999, DT "2024" the whole year (PS3.5 Table 6.2-1
// lets trailing components be omitted).

/** A closed period in microseconds: since the Unix epoch (DA, DT) or since midnight (TM). */
export interface Period {
  readonly start: number;
  readonly end: number;
}

const US_PER_SECOND = 1_000_000;
const US_PER_MINUTE = 60 * US_PER_SECOND;
const US_PER_HOUR = 60 * US_PER_MINUTE;
const US_PER_DAY = 24 * US_PER_HOUR;

/** Microseconds from fractional digits ("5" → 500000), and the last microsecond they cover. */
function fraction(digits: string): { us: number; span: number } {
  const d = digits.slice(0, 6);
  const us = d === "" ? 0 : Number(d.padEnd(6, "0"));
  return { us, span: d === "" ? US_PER_SECOND : 10 ** (6 - d.length) };
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

function utcMs(y: number, m: number, d: number): number {
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const dt = new Date(Date.UTC(2000, m - 1, d));
  dt.setUTCFullYear(y);
  return dt.getTime();
}

/** A DA value ("20240131", or the ACR-NEMA form "2024.01.31" PS3.5 6.2 still allows readers to meet). */
export function parseDate(text: string): Period | undefined {
  const m = /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (!validDate(y, mo, d)) return undefined;
  const start = utcMs(y, mo, d) * 1000;
  return { start, end: start + US_PER_DAY - 1 };
}

/** A TM value ("10", "1015", "101530", "101530.5", or the ACR-NEMA form "10:15:30.5"), within one day. */
export function parseTime(text: string): Period | undefined {
  const m = /^(\d{2})(?::?(\d{2})(?::?(\d{2})(?:\.(\d{1,6}))?)?)?$/.exec(text.trim());
  if (!m) return undefined;
  const h = Number(m[1]);
  const mi = m[2] === undefined ? 0 : Number(m[2]);
  // PS3.5 Table 6.2-1: seconds may be 60 for a leap second.
  const s = m[3] === undefined ? 0 : Number(m[3]);
  if (h > 23 || mi > 59 || s > 60) return undefined;
  const base = h * US_PER_HOUR + mi * US_PER_MINUTE + s * US_PER_SECOND;
  if (m[2] === undefined) return { start: base, end: base + US_PER_HOUR - 1 };
  if (m[3] === undefined) return { start: base, end: base + US_PER_MINUTE - 1 };
  const f = fraction(m[4] ?? "");
  return { start: base + f.us, end: base + f.us + f.span - 1 };
}

/** A UTC offset "+0100" / "-0500" in minutes, or `undefined` when malformed. */
export function parseOffset(text: string): number | undefined {
  const m = /^([+-])(\d{2})(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const h = Number(m[2]);
  const mi = Number(m[3]);
  if (h > 14 || mi > 59) return undefined;
  return (m[1] === "-" ? -1 : 1) * (h * 60 + mi);
}

/**
 * A DT value "YYYY[MM[DD[HH[MM[SS[.F{1,6}]]]]]][&ZZXX]" as a period of UTC time. The offset
 * in the value counts (PS3.4 C.2.2.2.5: "shall be taken into account"); without one,
 * `defaultOffsetMinutes` applies (the identifier's Timezone Offset From UTC (0008,0201), else 0
 * so that values without offsets compare as written).
 */
export function parseDateTime(text: string, defaultOffsetMinutes = 0): Period | undefined {
  const m = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,6}))?)?)?)?)?)?([+-]\d{4})?$/.exec(
    text.trim(),
  );
  if (!m) return undefined;
  const offset = m[8] === undefined ? defaultOffsetMinutes : parseOffset(m[8]);
  if (offset === undefined) return undefined;
  const y = Number(m[1]);
  const mo = m[2] === undefined ? 1 : Number(m[2]);
  const d = m[3] === undefined ? 1 : Number(m[3]);
  const h = m[4] === undefined ? 0 : Number(m[4]);
  const mi = m[5] === undefined ? 0 : Number(m[5]);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 60) return undefined;
  const shift = offset * US_PER_MINUTE;
  const start = utcMs(y, mo, d) * 1000 + h * US_PER_HOUR + mi * US_PER_MINUTE + s * US_PER_SECOND - shift;
  let end: number;
  if (m[2] === undefined) end = utcMs(y + 1, 1, 1) * 1000 - shift;
  else if (m[3] === undefined) end = utcMs(mo === 12 ? y + 1 : y, mo === 12 ? 1 : mo + 1, 1) * 1000 - shift;
  else if (m[4] === undefined) end = start + US_PER_DAY;
  else if (m[5] === undefined) end = start + US_PER_HOUR;
  else if (m[6] === undefined) end = start + US_PER_MINUTE;
  else {
    const f = fraction(m[7] ?? "");
    return { start: start + f.us, end: start + f.us + f.span - 1 };
  }
  return { start, end: end - 1 };
}

/** A range "A-B", "A-" or "-B" of periods: `undefined` bounds are open. */
export interface Range {
  readonly low: Period | undefined;
  readonly high: Period | undefined;
}

/**
 * Splits a Range Matching value at its hyphen (PS3.4 C.2.2.2.5) and parses both sides with
 * `parse`. DT offsets also use "-", so every hyphen is tried and the first split whose sides
 * both parse wins. `undefined` when the text is no range (or both sides are empty).
 */
export function parseRange(text: string, parse: (s: string) => Period | undefined): Range | undefined {
  const t = text.trim();
  for (let i = t.indexOf("-"); i !== -1; i = t.indexOf("-", i + 1)) {
    const left = t.slice(0, i).trim();
    const right = t.slice(i + 1).trim();
    if (left === "" && right === "") return undefined;
    const low = left === "" ? undefined : parse(left);
    const high = right === "" ? undefined : parse(right);
    if ((left !== "" && low === undefined) || (right !== "" && high === undefined)) continue;
    return { low, high };
  }
  return undefined;
}

/** True when `p` overlaps the range: its period reaches past the low bound's start and before the high bound's end. */
export function inRange(p: Period, range: Range): boolean {
  if (range.low !== undefined && p.end < range.low.start) return false;
  if (range.high !== undefined && p.start > range.high.end) return false;
  return true;
}

/** True when two periods overlap (Single Value Matching of values of different precision). */
export function overlaps(a: Period, b: Period): boolean {
  return a.start <= b.end && b.start <= a.end;
}
