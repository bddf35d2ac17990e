// Byte ↔ code point tables for the code elements, built lazily from Node's TextDecoder (ICU) so
// that no mapping data is copied into this repository.
import { Buffer } from "node:buffer";
import { TextDecoder } from "node:util";
import type { CodeElement } from "./terms.js";
import { DEFAULT_G1, IR13, IR58, IR87, IR149, IR159, singleByteLabels } from "./terms.js";

const REPLACEMENT = 0xfffd;

const decoders = new Map<string, TextDecoder>();

/** A shared, non-fatal TextDecoder for `label` (malformed input becomes U+FFFD; a BOM is kept). */
export function decoder(label: string): TextDecoder {
  let d = decoders.get(label);
  if (!d) {
    d = new TextDecoder(label, { fatal: false, ignoreBOM: true });
    decoders.set(label, d);
  }
  return d;
}

/** Decodes bytes as ISO 8859-1 (every byte is the code point of the same value). */
export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("latin1");
}

const singleTables = new Map<CodeElement, Uint16Array>();

/**
 * The 256 code points of a single-byte G1 set: 0x00–0x9F map to themselves (ASCII and the C1
 * controls, as in ISO 8859), 0xA0–0xFF through the set; U+FFFD where the set has a gap.
 */
export function singleByteTable(g1: CodeElement): Uint16Array {
  let table = singleTables.get(g1);
  if (table) return table;
  table = new Uint16Array(256);
  for (let b = 0; b < 0xa0; b++) table[b] = b;
  if (g1 === IR13) {
    // JIS X 0201 katakana: 0xA1–0xDF are the halfwidth katakana block U+FF61–U+FF9F.
    for (let b = 0xa0; b < 0x100; b++) table[b] = b >= 0xa1 && b <= 0xdf ? 0xff61 + (b - 0xa1) : REPLACEMENT;
  } else {
    const label = singleByteLabels.get(g1.id) ?? "latin1";
    if (isLatin1(g1)) {
      for (let b = 0xa0; b < 0x100; b++) table[b] = b;
    } else {
      const d = decoder(label);
      for (let b = 0xa0; b < 0x100; b++) {
        const s = d.decode(Uint8Array.of(b));
        table[b] = s.length === 1 ? s.charCodeAt(0) : REPLACEMENT;
      }
    }
  }
  singleTables.set(g1, table);
  return table;
}

const CHUNK = 8192;

/** Decodes `bytes[start, end)` with G0 = ASCII (or romaji, read as ASCII) and the given single-byte G1. */
export function decodeSingleByte(bytes: Uint8Array, start: number, end: number, g1: CodeElement): string {
  if (isLatin1(g1)) return latin1(bytes, start, end);
  const table = singleByteTable(g1);
  let out = "";
  const codes = new Uint16Array(Math.min(CHUNK, end - start));
  for (let i = start; i < end; i += CHUNK) {
    const n = Math.min(CHUNK, end - i);
    for (let k = 0; k < n; k++) codes[k] = table[bytes[i + k] as number] as number;
    out += String.fromCharCode(...codes.subarray(0, n));
  }
  return out;
}

/** True for the G1 sets read as ISO 8859-1, which need no table. */
export function isLatin1(g1: CodeElement): boolean {
  return g1 === DEFAULT_G1 || singleByteLabels.get(g1.id) === "latin1";
}

/**
 * Decodes a run of 2-byte characters of a 94×94 set, as they stand in the value: 7-bit pairs for
 * G0 sets, 8-bit pairs for G1 sets. Each set is reached through the EUC form of the same table:
 * JIS X 0208 is EUC-JP with the high bits set, JIS X 0212 is EUC-JP after 0x8F, KS X 1001 is
 * EUC-KR's G1 and GB 2312 is GB 18030's two-byte range 0xA1A1–0xFEFE.
 */
export function decodeDoubleByte(set: CodeElement, run: Uint8Array): string {
  if (set === IR87) return decoder("euc-jp").decode(run.map((b) => b | 0x80));
  if (set === IR159) {
    const euc = new Uint8Array((run.length / 2) * 3);
    for (let i = 0, o = 0; i + 1 < run.length; i += 2, o += 3) {
      euc[o] = 0x8f;
      euc[o + 1] = (run[i] as number) | 0x80;
      euc[o + 2] = (run[i + 1] as number) | 0x80;
    }
    return decoder("euc-jp").decode(euc);
  }
  if (set === IR149) return decoder("euc-kr").decode(run);
  if (set === IR58) return decoder("gb18030").decode(run);
  return String.fromCharCode(REPLACEMENT).repeat(run.length / 2);
}

const singleReverse = new Map<CodeElement, Map<number, number>>();

/** Code point → byte (0xA0–0xFF) for a single-byte G1 set, inverted once from its table. */
export function singleByteReverse(g1: CodeElement): ReadonlyMap<number, number> {
  let map = singleReverse.get(g1);
  if (!map) {
    map = new Map();
    const table = singleByteTable(g1);
    for (let b = 0xa0; b < 0x100; b++) {
      const c = table[b] as number;
      if (c !== REPLACEMENT && !map.has(c)) map.set(c, b);
    }
    singleReverse.set(g1, map);
  }
  return map;
}

const doubleReverse = new Map<CodeElement, Map<number, number>>();

/**
 * Code point → 7-bit pair (row << 8 | cell, each 0x21–0x7E) for a 94×94 set, built by decoding
 * each of its 8 836 positions once. G1 sets are written with 0x8080 added.
 */
export function doubleByteReverse(set: CodeElement): ReadonlyMap<number, number> {
  let map = doubleReverse.get(set);
  if (map) return map;
  map = new Map();
  const pair = new Uint8Array(2);
  for (let row = 0x21; row <= 0x7e; row++) {
    for (let cell = 0x21; cell <= 0x7e; cell++) {
      pair[0] = set.graphic === "G1" ? row | 0x80 : row;
      pair[1] = set.graphic === "G1" ? cell | 0x80 : cell;
      const s = decodeDoubleByte(set, pair);
      const c = s.codePointAt(0) as number;
      if (s.length === 1 && c !== REPLACEMENT && !map.has(c)) map.set(c, (row << 8) | cell);
    }
  }
  doubleReverse.set(set, map);
  return map;
}
