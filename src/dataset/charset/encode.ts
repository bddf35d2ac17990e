// String → bytes under a parsed Specific Character Set; the inverse of decode.ts.
import { TextEncoder } from "node:util";
import { ByteWriter } from "../../util/byte-writer.js";
import { NetdicomError } from "../../util/errors.js";
import { encodeGb } from "./gb.js";
import { doubleByteReverse, singleByteReverse } from "./tables.js";
import type { CharsetConfig, CodeElement } from "./terms.js";
import { DEFAULT_G1 } from "./terms.js";

const ESC = 0x1b;

/** A character that the Specific Character Set in force cannot represent. */
export class CharsetEncodeError extends NetdicomError {
  /** "CharsetEncodeError": the name of this error class. */
  override readonly name = "CharsetEncodeError";
  constructor(
    readonly character: string,
    readonly charsets: readonly string[],
  ) {
    const cp = (character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
    const named = charsets.length === 0 ? "the default repertoire" : `"${charsets.join("\\")}"`;
    super("ERR_CHARSET_ENCODE", `character "${character}" (U+${cp}) cannot be encoded in ${named}`);
  }
}

/** The bytes for `c` in `e` (1 or 2, without ESC), or undefined when `e` lacks it. */
function bytesIn(e: CodeElement, c: number): number | undefined {
  if (e.graphic === "G0" && e.width === 1) return c >= 0x20 && c <= 0x7f ? c : undefined;
  if (e === DEFAULT_G1) return undefined; // the default repertoire has no G1 to write into
  if (e.width === 1) return singleByteReverse(e).get(c);
  const pair = doubleByteReverse(e).get(c);
  return pair === undefined || e.graphic === "G0" ? pair : pair | 0x8080;
}

function put(w: ByteWriter, e: CodeElement, code: number): void {
  if (e.width === 2) w.u8(code >> 8);
  w.u8(code & 0xff);
}

function designate(w: ByteWriter, e: CodeElement): void {
  w.u8(ESC);
  for (const b of e.escape) w.u8(b);
}

/** Encodes ASCII only (the default character repertoire, PS3.5 6.1.2.1). */
export function encodeAscii(text: string, charsets: readonly string[]): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) throw new CharsetEncodeError(String.fromCodePoint(text.codePointAt(i) as number), charsets);
    out[i] = c;
  }
  return out;
}

const utf8 = new TextEncoder();
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Encodes `text` under `config`. With code extensions, characters go into the sets already
 * designated when they can, else into the first set of the list that has them, behind its
 * escape sequence; before every delimiter and at the end of the value G0 returns to value 1's set
 * (PS3.5 6.1.2.5.3). G1 returns implicitly, as in PS3.5 Annex I and K, unless value 1 names a G1.
 */
export function encodeWith(
  text: string,
  config: CharsetConfig,
  charsets: readonly string[],
  vr: string | undefined,
): Uint8Array {
  const fail = (ch: string): never => {
    throw new CharsetEncodeError(ch, charsets);
  };
  switch (config.kind) {
    case "utf-8": {
      const bad = loneSurrogate.exec(text);
      if (bad) fail(bad[0]);
      return utf8.encode(text);
    }
    case "gb18030":
    case "gbk":
      return encodeGb(text, config.kind, fail);
    case "iso2022":
      break;
  }
  const { g0: first0, g1: first1 } = config.declared;
  const pn = vr === "PN";
  const backslash = vr === undefined || !(vr === "LT" || vr === "ST" || vr === "UT");
  const w = new ByteWriter({ initialSize: text.length + 16 });
  let g0 = first0;
  let g1 = first1;
  const restore = (): void => {
    if (g0 !== first0) designate(w, first0);
    if (g1 !== first1 && first1.escape.length > 0) designate(w, first1);
    g0 = first0;
    g1 = first1;
  };
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    if (c === ESC) fail(ch); // an escape of the caller's own would derail every decoder
    if (c < 0x20 || (c === 0x5c && backslash) || (pn && (c === 0x5e || c === 0x3d))) {
      restore();
      w.u8(c);
      continue;
    }
    let code = bytesIn(g0, c);
    if (code !== undefined) {
      put(w, g0, code);
      continue;
    }
    code = bytesIn(g1, c);
    if (code !== undefined) {
      put(w, g1, code);
      continue;
    }
    let found = false;
    for (const e of config.elements) {
      if (e === g0 || e === g1 || e.escape.length === 0) continue;
      code = bytesIn(e, c);
      if (code === undefined) continue;
      designate(w, e);
      if (e.graphic === "G0") g0 = e;
      else g1 = e;
      put(w, e, code);
      found = true;
      break;
    }
    if (!found) fail(ch);
  }
  restore();
  return w.toUint8Array();
}
