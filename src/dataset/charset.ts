// Specific Character Set (0008,0005) handling: PS3.5 6.1 and Annexes H–K, PS3.3 C.12.1.1.2.
// The work is split under charset/: terms (the Defined Terms), tables (byte ↔ code point),
// decode, encode, gb (GB18030/GBK encoders).
import { Buffer } from "node:buffer";
import { decodeWith, usesCharset } from "./charset/decode.js";
import { encodeAscii, encodeWith } from "./charset/encode.js";
import { parseSpecificCharacterSet } from "./charset/terms.js";

export { CharsetEncodeError } from "./charset/encode.js";
export type { CharsetConfig } from "./charset/terms.js";
export { isCharsetSupported, parseSpecificCharacterSet } from "./charset/terms.js";

/** Options for {@link decodeText} and {@link encodeText}. */
export interface TextCodecOptions {
  /**
   * The VR of the element. PN makes "^" and "=" delimiters that return to value 1's character
   * sets; LT, ST and UT make the backslash ordinary text; VRs other than SH, LO, ST, LT, UC, UT
   * and PN are always the default repertoire (PS3.5 6.1.2.3). Omitted: a multi-valued non-PN VR.
   */
  readonly vr?: string;
}

/** True when every byte is ASCII and none is ESC: then every Defined Term reads them as ASCII. */
function isPlainAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b >= 0x80 || b === 0x1b) return false;
  }
  return true;
}

/**
 * Decodes the bytes of one text element value (all of its values, backslashes included: split
 * after decoding, never before, since GB18030 and JIS X 0208 bytes can equal 0x5C).
 *
 * `charsets` is the value of Specific Character Set (0008,0005), split on backslash and trimmed.
 * With no charset, an empty one or a non-text VR, bytes are read as ISO 8859-1: the default
 * repertoire is ASCII, but reading stray high bytes as Latin-1 loses nothing. Unknown terms are
 * read as ISO 8859-1 with a warning (see {@link parseSpecificCharacterSet}). Romaji (ISO-IR 14) is
 * read as ASCII, so 0x5C stays the value delimiter rather than a yen sign (PS3.5 H.1.1 note 3).
 * Never throws: malformed bytes and unknown escape sequences become U+FFFD. Trailing padding is
 * kept; trimming is the caller's business.
 */
export function decodeText(bytes: Uint8Array, charsets: readonly string[], options?: TextCodecOptions): string {
  const vr = options?.vr;
  if (bytes.length === 0) return "";
  if (charsets.length === 0 || !usesCharset(vr) || isPlainAscii(bytes)) {
    // Fast path, the common case: ISO 8859-1 reads ASCII as ASCII, and so does every Defined Term
    // while no escape sequence switches sets (value 1 always starts with ASCII or romaji in G0).
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  }
  return decodeWith(bytes, parseSpecificCharacterSet(charsets), vr);
}

/**
 * Encodes text for one element value under Specific Character Set `charsets` (as for
 * {@link decodeText}). With no charset, or for a VR outside PS3.5 6.1.2.3's list, only ASCII is
 * allowed. With ISO 2022 terms, escape sequences are written as PS3.5 6.1.2.5 prescribes. No
 * padding is added.
 *
 * @throws CharsetEncodeError (`code` "ERR_CHARSET_ENCODE") naming the first character the
 * character sets cannot represent.
 */
export function encodeText(text: string, charsets: readonly string[], options?: TextCodecOptions): Uint8Array {
  const vr = options?.vr;
  if (charsets.length === 0 || !usesCharset(vr)) return encodeAscii(text, charsets);
  return encodeWith(text, parseSpecificCharacterSet(charsets), charsets, vr);
}
