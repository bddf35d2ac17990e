// The Defined Terms of Specific Character Set (0008,0005), PS3.3 C.12.1.1.2 Tables C.12-2 to C.12-5,
// and what each one designates to G0 and G1 under ISO/IEC 2022 (PS3.5 6.1.2.5).
import { getLogger } from "../../util/logger.js";

/**
 * One ISO/IEC 2022 code element: a graphic character set that an escape sequence designates to
 * G0 (the bytes 0x21–0x7E) or G1 (the bytes 0xA1–0xFE).
 */
export interface CodeElement {
  /** Registration name, e.g. `"ISO-IR 87"`; `"default"` for the lenient Latin-1 G1 (see below). */
  readonly id: string;
  readonly graphic: "G0" | "G1";
  /** Bytes per character: 1, or 2 for the 94×94 sets (JIS X 0208/0212, KS X 1001, GB 2312). */
  readonly width: 1 | 2;
  /** The designating escape sequence without the leading ESC; empty when there is none. */
  readonly escape: readonly number[];
}

function element(id: string, graphic: "G0" | "G1", width: 1 | 2, sequence: string): CodeElement {
  return { id, graphic, width, escape: [...sequence].map((c) => c.charCodeAt(0)) };
}

// PS3.3 Table C.12-3 and C.12-4: the escape sequences, ESC omitted.
/** ISO-IR 6 (ASCII), G0, ESC ( B. */
export const IR6 = element("ISO-IR 6", "G0", 1, "(B");
/** ISO-IR 14 (JIS X 0201 romaji), G0, ESC ( J. */
export const IR14 = element("ISO-IR 14", "G0", 1, "(J");
/** ISO-IR 87 (JIS X 0208 kanji), G0, ESC $ B. */
export const IR87 = element("ISO-IR 87", "G0", 2, "$B");
/** ISO-IR 159 (JIS X 0212 supplementary kanji), G0, ESC $ ( D. */
export const IR159 = element("ISO-IR 159", "G0", 2, "$(D");
/** ISO-IR 13 (JIS X 0201 katakana), G1, ESC ) I. */
export const IR13 = element("ISO-IR 13", "G1", 1, ")I");
/** ISO-IR 149 (KS X 1001), G1, ESC $ ) C. */
export const IR149 = element("ISO-IR 149", "G1", 2, "$)C");
/** ISO-IR 58 (GB 2312), G1, ESC $ ) A. */
export const IR58 = element("ISO-IR 58", "G1", 2, "$)A");
/**
 * The G1 in force when value 1 of Specific Character Set designates none (the default
 * repertoire). Bytes above 0x7F are not valid there; we read them as ISO 8859-1 so that nothing
 * is lost (the de facto practice of systems that send Latin-1 without declaring it).
 */
export const DEFAULT_G1 = element("default", "G1", 1, "");

/** The ISO 8859 family (and TIS 620) in G1 through ESC - F, with the WHATWG label that decodes it. */
const singleByte: ReadonlyArray<readonly [ir: number, final: string, label: string]> = [
  [100, "A", "latin1"],
  [101, "B", "iso-8859-2"],
  [109, "C", "iso-8859-3"],
  [110, "D", "iso-8859-4"],
  [144, "L", "iso-8859-5"],
  [127, "G", "iso-8859-6"],
  [126, "F", "iso-8859-7"],
  [138, "H", "iso-8859-8"],
  [148, "M", "iso-8859-9"],
  [203, "b", "iso-8859-15"],
  [166, "T", "windows-874"],
];

/** The TextDecoder label giving the upper half (0xA0–0xFF) of each single-byte G1 set. */
export const singleByteLabels = new Map<string, string>();

/** What a Defined Term selects. */
export type TermInfo =
  | { readonly kind: "iso2022"; readonly g0?: CodeElement; readonly g1?: CodeElement; readonly extension: boolean }
  | { readonly kind: "utf-8" | "gb18030" | "gbk" };

const escapes = new Map<string, CodeElement>();
for (const e of [IR6, IR14, IR13, IR87, IR159, IR149, IR58]) escapes.set(String.fromCharCode(...e.escape), e);
escapes.set("$@", IR87); // JIS C 6226-1978, the older edition of the same table: read leniently

/** Escape sequences (the bytes after ESC, as a string) → the element they designate. */
export const designations: ReadonlyMap<string, CodeElement> = escapes;

const terms = new Map<string, TermInfo>();
for (const [ir, final, label] of singleByte) {
  const g1 = element(`ISO-IR ${ir}`, "G1", 1, `-${final}`);
  singleByteLabels.set(g1.id, label);
  escapes.set(`-${final}`, g1);
  terms.set(`ISO_IR ${ir}`, { kind: "iso2022", g0: IR6, g1, extension: false });
  terms.set(`ISO 2022 IR ${ir}`, { kind: "iso2022", g0: IR6, g1, extension: true });
}
terms.set("", { kind: "iso2022", g0: IR6, extension: false });
terms.set("ISO 2022 IR 6", { kind: "iso2022", g0: IR6, extension: true });
terms.set("ISO_IR 13", { kind: "iso2022", g0: IR14, g1: IR13, extension: false });
terms.set("ISO 2022 IR 13", { kind: "iso2022", g0: IR14, g1: IR13, extension: true });
terms.set("ISO 2022 IR 87", { kind: "iso2022", g0: IR87, extension: true });
terms.set("ISO 2022 IR 159", { kind: "iso2022", g0: IR159, extension: true });
terms.set("ISO 2022 IR 149", { kind: "iso2022", g1: IR149, extension: true });
terms.set("ISO 2022 IR 58", { kind: "iso2022", g1: IR58, extension: true });
terms.set("ISO_IR 192", { kind: "utf-8" });
terms.set("GB18030", { kind: "gb18030" });
terms.set("GBK", { kind: "gbk" });

/** True when `term` is a Defined Term of Specific Character Set that this module decodes and encodes. */
export function isCharsetSupported(term: string): boolean {
  return terms.has(term.trim());
}

/** The G0/G1 sets a decoder starts with and returns to at each delimiter (PS3.5 6.1.2.5.3). */
export interface Iso2022State {
  readonly g0: CodeElement;
  readonly g1: CodeElement;
}

/** A parsed Specific Character Set, ready for decoding and encoding. */
export type CharsetConfig =
  | {
      readonly kind: "iso2022";
      /** The state a decoder starts in and returns to (lenient, see parseSpecificCharacterSet). */
      readonly initial: Iso2022State;
      /** Value 1's sets exactly as declared: what an encoder starts in and returns to. */
      readonly declared: Iso2022State;
      /** Every code element the value names, value 1's first: the encoder picks from these. */
      readonly elements: readonly CodeElement[];
      readonly warnings: readonly string[];
    }
  | { readonly kind: "utf-8" | "gb18030" | "gbk"; readonly warnings: readonly string[] };

// Sloppy spellings seen in the wild ("ISO_IR100", "ISO-IR 100", "iso_ir 100").
const looseIr = /^ISO[ _-]?IR[ _-]?(\d+)$/i;

function lookup(raw: string, warnings: string[]): TermInfo | undefined {
  const term = raw.trim();
  const known = terms.get(term);
  if (known) return known;
  const m = looseIr.exec(term);
  const alias = m ? terms.get(`ISO_IR ${m[1]}`) : terms.get(term.toUpperCase());
  if (alias) {
    warnings.push(`Specific Character Set term "${term}" is misspelt; read as a Defined Term`);
    return alias;
  }
  warnings.push(`unknown Specific Character Set term "${term}"; read as ISO 8859-1`);
  return undefined;
}

const cache = new Map<string, CharsetConfig>();
const CACHE_LIMIT = 64;

/**
 * Parses the value of Specific Character Set (0008,0005) — already split on backslash, trimmed —
 * into a decoder config. Unknown terms fall back to ISO 8859-1 semantics for that slot with a
 * recorded warning (in `warnings`, and once to the logger's `warn`). Results are cached.
 */
export function parseSpecificCharacterSet(charsets: readonly string[]): CharsetConfig {
  const key = charsets.join("\\");
  const hit = cache.get(key);
  if (hit) return hit;
  const config = build(charsets);
  for (const w of config.warnings) getLogger().warn?.(w);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, config);
  return config;
}

function build(charsets: readonly string[]): CharsetConfig {
  const warnings: string[] = [];
  const infos = charsets.map((c) => lookup(c, warnings));
  const first = infos[0];
  // PS3.3 C.12.1.1.2: the multi-byte sets without code extensions must stand alone.
  if (first && first.kind !== "iso2022") {
    if (charsets.length > 1) warnings.push(`${charsets[0]} allows no code extensions; later values ignored`);
    return { kind: first.kind, warnings };
  }
  const latin1 = terms.get("ISO_IR 100") as { g1: CodeElement };
  const elements: CodeElement[] = [];
  const add = (e: CodeElement | undefined): void => {
    if (e && !elements.includes(e)) elements.push(e);
  };
  for (const [i, info] of infos.entries()) {
    if (info === undefined) add(i === 0 ? latin1.g1 : undefined);
    else if (info.kind !== "iso2022") warnings.push(`${charsets[i]} cannot be combined with ISO 2022 code extensions`);
    else {
      add(info.g0);
      add(info.g1);
    }
  }
  // Value 1 sets the initial state; a 2-byte G0 there (not allowed) would swallow ASCII, so keep IR 6.
  let g0 = first === undefined ? IR6 : (first.g0 ?? IR6);
  if (g0.width === 2) g0 = IR6;
  const declared = { g0, g1: first === undefined ? latin1.g1 : (first.g1 ?? DEFAULT_G1) };
  let g1 = declared.g1;
  if (g1 === DEFAULT_G1) {
    // Lenient: Korean and Chinese systems often omit the escape before the first G1 run. With the
    // default repertoire's G1 there is nothing to lose, so start with the one 2-byte G1 declared.
    const wide = elements.filter((e) => e.graphic === "G1" && e.width === 2);
    if (wide.length === 1) g1 = wide[0] as CodeElement;
  }
  if (!elements.includes(g0)) elements.unshift(g0);
  return { kind: "iso2022", initial: { g0, g1 }, declared, elements, warnings };
}
