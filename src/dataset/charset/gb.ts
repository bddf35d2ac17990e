// Encoders for GB18030 and GBK (PS3.3 Table C.12-5), which TextEncoder does not offer: tables
// inverted once from the decoders, plus GB 18030's arithmetic four-byte form above the BMP.
import { decoder } from "./tables.js";

const REPLACEMENT = 0xfffd;
const reverse = new Map<string, Map<number, number>>();

/** Code point → byte sequence (packed big-endian in a number, 2 or 4 bytes) for "gb18030" or "gbk". */
function table(label: "gb18030" | "gbk"): ReadonlyMap<number, number> {
  let map = reverse.get(label);
  if (map) return map;
  map = new Map();
  const d = decoder(label);
  const pair = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      pair[0] = lead;
      pair[1] = trail;
      const s = d.decode(pair);
      const c = s.codePointAt(0) as number;
      if (s.length === 1 && c !== REPLACEMENT && !map.has(c)) map.set(c, (lead << 8) | trail);
    }
  }
  if (label === "gb18030") {
    // The BMP's four-byte codes 0x81308130–0x8439FE39 (39 420 of them) each decode to one code point,
    // so one decode of them all, in order, lines up index for index.
    const count = 39420;
    const all = new Uint8Array(count * 4);
    for (let p = 0; p < count; p++) all.set(fourBytes(p), p * 4);
    const s = d.decode(all);
    if (s.length === count) {
      for (let p = 0; p < count; p++) {
        const c = s.charCodeAt(p);
        // Every pointer here is valid, so U+FFFD is the real mapping of 0x8431A437, not an error.
        if (!map.has(c)) map.set(c, -(p + 1)); // negative: a four-byte pointer
      }
    }
  }
  reverse.set(label, map);
  return map;
}

/** GB 18030 four-byte sequence for a linear pointer (b1 0x81–0xFE, b2 0x30–0x39, b3 0x81–0xFE, b4 0x30–0x39). */
function fourBytes(pointer: number): number[] {
  const b4 = pointer % 10;
  pointer = Math.floor(pointer / 10);
  const b3 = pointer % 126;
  pointer = Math.floor(pointer / 126);
  const b2 = pointer % 10;
  const b1 = Math.floor(pointer / 10);
  return [b1 + 0x81, b2 + 0x30, b3 + 0x81, b4 + 0x30];
}

/**
 * Encodes `text` as GB18030 or GBK. Calls `fail(char)` (which throws) for a character the
 * charset lacks, and for an unpaired surrogate.
 */
export function encodeGb(text: string, label: "gb18030" | "gbk", fail: (ch: string) => never): Uint8Array {
  const map = table(label);
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x80) {
      out.push(c);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) fail(ch);
    if (c >= 0x10000) {
      // GB 18030-2005 section 6.3: supplementary planes follow linearly from pointer 189 000 (0x90308130).
      if (label === "gbk") fail(ch);
      out.push(...fourBytes(189000 + c - 0x10000));
      continue;
    }
    const code = map.get(c);
    if (code === undefined) fail(ch);
    else if (code < 0) out.push(...fourBytes(-code - 1));
    else out.push(code >> 8, code & 0xff);
  }
  return Uint8Array.from(out);
}
