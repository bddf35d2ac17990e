// Bytes → string under a parsed Specific Character Set, with the ISO/IEC 2022 code extension
// techniques DICOM allows (PS3.5 6.1.2.5).
import { Buffer } from "node:buffer";
import { decodeDoubleByte, decoder, decodeSingleByte, latin1 } from "./tables.js";
import type { CharsetConfig, CodeElement, Iso2022State } from "./terms.js";
import { designations } from "./terms.js";

const ESC = 0x1b;
const BACKSLASH = 0x5c;
const CARET = 0x5e;
const EQUALS = 0x3d;

// PS3.5 6.1.2.3: only these VRs use the Specific Character Set; all others are default repertoire.
const CHARSET_VRS = new Set(["SH", "LO", "ST", "LT", "UC", "UT", "PN"]);
// PS3.5 6.2: LT, ST and UT hold one value, so a backslash in them is text, not a delimiter.
const SINGLE_VALUED = new Set(["LT", "ST", "UT"]);

/** True when the Specific Character Set applies to `vr` (PS3.5 6.1.2.3); true when unknown. */
export function usesCharset(vr: string | undefined): boolean {
  return vr === undefined || CHARSET_VRS.has(vr);
}

/**
 * Reads the escape sequence at `bytes[at]` (ESC, intermediates 0x20–0x2F, final 0x30–0x7E; ISO/IEC
 * 2022 13.1). Returns its length and the element it designates, or undefined when unknown/truncated.
 */
function readEscape(bytes: Uint8Array, at: number): { length: number; element: CodeElement | undefined } {
  let i = at + 1;
  while (i < bytes.length && (bytes[i] as number) >= 0x20 && (bytes[i] as number) <= 0x2f) i++;
  if (i >= bytes.length || (bytes[i] as number) < 0x30 || (bytes[i] as number) > 0x7e) {
    return { length: i - at, element: undefined };
  }
  const key = String.fromCharCode(...bytes.subarray(at + 1, i + 1));
  return { length: i + 1 - at, element: designations.get(key) };
}

const inGL = (b: number | undefined): boolean => b !== undefined && b >= 0x21 && b <= 0x7e;
const inGR = (b: number | undefined): boolean => b !== undefined && b >= 0xa1 && b <= 0xfe;

/**
 * Decodes one element value under ISO/IEC 2022 code extensions. Designations apply until the
 * next delimiter, where value 1's sets return (PS3.5 6.1.2.5.3): any control character but ESC,
 * the backslash between values, and for PN the "^" and "=" between components and groups. The
 * standard makes the encoder switch back explicitly; resetting here as well is what lets Annex I
 * and K omit the escape back from G1.
 */
export function decodeIso2022(bytes: Uint8Array, initial: Iso2022State, vr: string | undefined): string {
  const n = bytes.length;
  if (initial.g0.width === 1 && initial.g1.width === 1 && bytes.indexOf(ESC) === -1) {
    return decodeSingleByte(bytes, 0, n, initial.g1); // no code extension in use: one table
  }
  const pn = vr === "PN";
  const backslash = vr === undefined || !SINGLE_VALUED.has(vr);
  const isDelimiter = (b: number): boolean =>
    b < 0x20 || (b === BACKSLASH && backslash) || (pn && (b === CARET || b === EQUALS));
  let g0 = initial.g0;
  let g1 = initial.g1;
  const parts: string[] = [];
  let i = 0;
  while (i < n) {
    const b = bytes[i] as number;
    if (b === ESC) {
      const { length, element } = readEscape(bytes, i);
      if (element === undefined) parts.push("\ufffd");
      else if (element.graphic === "G0") g0 = element;
      else g1 = element;
      i += length;
      continue;
    }
    if (b < 0x80 && g0.width === 2 && b > 0x20 && b < 0x7f) {
      // 94×94 set in G0: delimiter bytes here are halves of characters, not delimiters.
      let j = i;
      while (inGL(bytes[j]) && inGL(bytes[j + 1])) j += 2;
      if (j > i) parts.push(decodeDoubleByte(g0, bytes.subarray(i, j)));
      else parts.push("\ufffd"); // a lone half at the end of the value or before a control
      i = j > i ? j : i + 1;
      continue;
    }
    if (b < 0x80 && isDelimiter(b)) {
      parts.push(String.fromCharCode(b));
      g0 = initial.g0;
      g1 = initial.g1;
      i++;
      continue;
    }
    if (b < 0x80) {
      let j = i + 1;
      while (j < n && (bytes[j] as number) < 0x80 && (bytes[j] as number) !== ESC && !isDelimiter(bytes[j] as number)) {
        j++;
      }
      parts.push(latin1(bytes, i, j)); // ASCII, and romaji read as ASCII (see isCharsetSupported's doc)
      i = j;
      continue;
    }
    if (g1.width === 1) {
      let j = i + 1;
      while (j < n && (bytes[j] as number) >= 0x80) j++;
      parts.push(decodeSingleByte(bytes, i, j, g1));
      i = j;
      continue;
    }
    let j = i;
    while (inGR(bytes[j]) && inGR(bytes[j + 1])) j += 2;
    if (j > i) parts.push(decodeDoubleByte(g1, bytes.subarray(i, j)));
    else parts.push("\ufffd");
    i = j > i ? j : i + 1;
  }
  return parts.join("");
}

/** Decodes `bytes` under a parsed Specific Character Set; see {@link decodeIso2022}. */
export function decodeWith(bytes: Uint8Array, config: CharsetConfig, vr: string | undefined): string {
  switch (config.kind) {
    case "utf-8":
      // Buffer's UTF-8 decoder replaces malformed sequences with U+FFFD like TextDecoder, and is faster.
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
    case "gb18030":
    case "gbk":
      return decoder(config.kind).decode(bytes);
    case "iso2022":
      return decodeIso2022(bytes, config.initial, vr);
  }
}
