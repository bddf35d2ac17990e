import { decodeText, encodeText } from "./charset.js";
import type { Dataset } from "./dataset.js";
import { DicomEncodeError } from "./errors.js";
import { PersonName } from "./person-name.js";
import { type VR, VR_INFO } from "./vr.js";

/** Encapsulated (compressed) pixel data: passed through untouched (PS3.5 A.4). */
export interface EncapsulatedPixelData {
  /** The Basic Offset Table (the first item); empty when absent. Aliases the input. */
  readonly basicOffsetTable: Uint8Array;
  /** The fragments, in order; each aliases the input. */
  readonly fragments: readonly Uint8Array[];
}

/**
 * The value of a data element, by VR: strings (split at `\`) for the string VRs, numbers for
 * US/SS/UL/SL/FL/FD/DS/IS (NaN marks an empty DS/IS value), bigint for SV/UV, tags (numbers) for
 * AT, {@link PersonName}s for PN, bytes (little endian) for OB/OW/OD/OF/OL/OV/UN, datasets for SQ,
 * and {@link EncapsulatedPixelData} for undefined-length pixel data.
 */
export type Value = string[] | number[] | bigint[] | PersonName[] | Uint8Array | Dataset[] | EncapsulatedPixelData;

const latin1 = new TextDecoder("latin1");

/** VRs whose leading spaces are insignificant too (PS3.5 Table 6.2-1). */
const TRIM_BOTH = new Set<VR>(["AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "SH", "TM", "UI"]);

function trimEnd(s: string, vr: VR): string {
  let end = s.length;
  while (end > 0) {
    const c = s.charCodeAt(end - 1);
    if (c === 0x20 || c === 0x00) end--;
    else break;
  }
  let start = 0;
  if (TRIM_BOTH.has(vr)) {
    while (start < end && s.charCodeAt(start) === 0x20) start++;
  }
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** Swaps each `wordSize`-byte word of `bytes` into a new array (byte order conversion). */
export function swapBytes(bytes: Uint8Array, wordSize: number): Uint8Array {
  const out = new Uint8Array(bytes.byteLength);
  const n = bytes.byteLength - (bytes.byteLength % wordSize);
  for (let i = 0; i < n; i += wordSize) {
    for (let j = 0; j < wordSize; j++) out[i + j] = bytes[i + wordSize - 1 - j] as number;
  }
  out.set(bytes.subarray(n), n);
  return out;
}

function decodeStrings(raw: Uint8Array, vr: VR, charsets: readonly string[]): string {
  if (VR_INFO[vr].usesCharset && charsets.length > 0) return decodeText(raw, charsets, { vr });
  return latin1.decode(raw);
}

/** Parses one DS or IS value; empty gives NaN (the JSON model's null). */
function parseNumberString(s: string): number {
  const t = s.trim();
  return t === "" ? Number.NaN : Number(t);
}

/**
 * Decodes the raw bytes of a (non-sequence) element into its {@link Value}.
 * `raw` is in the byte order given by `littleEndian`.
 */
export function decodeValue(raw: Uint8Array, vr: VR, littleEndian: boolean, charsets: readonly string[]): Value {
  const info = VR_INFO[vr];
  switch (info.kind) {
    case "bytes":
      return littleEndian || info.wordSize === 0 ? raw : swapBytes(raw, info.wordSize);
    case "string":
    case "number-string":
    case "pn":
    case "text": {
      if (raw.byteLength === 0) return [];
      const text = decodeStrings(raw, vr, charsets);
      if (info.kind === "text") return [trimEnd(text, vr)];
      const parts = text.split("\\").map((p) => trimEnd(p, vr));
      if (info.kind === "number-string") return parts.map(parseNumberString);
      if (info.kind === "pn") return parts.map((p) => new PersonName(p));
      return parts;
    }
    case "binary":
    case "tag":
    case "bigint": {
      const size = info.wordSize;
      const count = Math.floor(raw.byteLength / (info.kind === "tag" ? 4 : size));
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      if (info.kind === "bigint") {
        const out: bigint[] = new Array(count);
        for (let i = 0; i < count; i++) {
          out[i] = vr === "SV" ? view.getBigInt64(i * 8, littleEndian) : view.getBigUint64(i * 8, littleEndian);
        }
        return out;
      }
      const out: number[] = new Array(count);
      for (let i = 0; i < count; i++) {
        switch (vr) {
          case "US":
            out[i] = view.getUint16(i * 2, littleEndian);
            break;
          case "SS":
            out[i] = view.getInt16(i * 2, littleEndian);
            break;
          case "UL":
            out[i] = view.getUint32(i * 4, littleEndian);
            break;
          case "SL":
            out[i] = view.getInt32(i * 4, littleEndian);
            break;
          case "FL":
            out[i] = view.getFloat32(i * 4, littleEndian);
            break;
          case "FD":
            out[i] = view.getFloat64(i * 8, littleEndian);
            break;
          default: // AT: group then element, each in the transfer syntax's byte order (PS3.5 6.2)
            out[i] = ((view.getUint16(i * 4, littleEndian) << 16) | view.getUint16(i * 4 + 2, littleEndian)) >>> 0;
        }
      }
      return out;
    }
    case "sequence":
      throw new Error("sequences are decoded by the reader");
  }
}

/** DS: a decimal string of at most 16 characters (PS3.5 Table 6.2-1). */
export function formatDecimalString(n: number): string {
  if (Number.isNaN(n)) return "";
  if (!Number.isFinite(n)) throw new DicomEncodeError(`DS cannot hold ${n}`);
  const plain = String(n);
  if (plain.length <= 16) return plain;
  for (let p = 16; p >= 1; p--) {
    let s = n.toPrecision(p);
    if (s.includes("e")) {
      const [m = "", e = ""] = s.split("e");
      s = `${m.includes(".") ? m.replace(/\.?0+$/, "") : m}e${e}`;
    } else if (s.includes(".")) {
      s = s.replace(/\.?0+$/, "");
    }
    if (s.length <= 16) return s;
  }
  throw new DicomEncodeError(`DS cannot hold ${n} in 16 characters`);
}

function formatIntegerString(n: number): string {
  if (Number.isNaN(n)) return "";
  if (!Number.isInteger(n) || n < -(2 ** 31) || n > 2 ** 31 - 1) throw new DicomEncodeError(`IS cannot hold ${n}`);
  return String(n);
}

function pad(bytes: Uint8Array, padByte: number): Uint8Array {
  if (bytes.byteLength % 2 === 0) return bytes;
  const out = new Uint8Array(bytes.byteLength + 1);
  out.set(bytes);
  out[bytes.byteLength] = padByte;
  return out;
}

function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff)
      throw new DicomEncodeError(`character U+${c.toString(16).toUpperCase()} is not in the default repertoire`);
    out[i] = c;
  }
  return out;
}

function asArray(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value === undefined || value === null) return [];
  return [value];
}

/**
 * Encodes a value (as {@link Value}, or a convenient single value) into the bytes of an
 * element of `vr`, padded to even length. Sequences are written by the writer, not here.
 */
export function encodeValue(value: unknown, vr: VR, littleEndian: boolean, charsets: readonly string[]): Uint8Array {
  const info = VR_INFO[vr];
  switch (info.kind) {
    case "bytes": {
      if (!(value instanceof Uint8Array)) throw new DicomEncodeError(`${vr} needs a Uint8Array`);
      const b = littleEndian || info.wordSize === 0 ? value : swapBytes(value, info.wordSize);
      return pad(b, 0);
    }
    case "string":
    case "text":
    case "pn":
    case "number-string": {
      const parts = asArray(value).map((v) => {
        if (info.kind === "number-string" && typeof v === "number") {
          return vr === "DS" ? formatDecimalString(v) : formatIntegerString(v);
        }
        if (typeof v === "string") return v;
        if (v instanceof PersonName) return v.toString();
        if (typeof v === "number" || typeof v === "bigint") return String(v);
        if (v === null) return "";
        throw new DicomEncodeError(`${vr} cannot hold ${typeof v}`);
      });
      const text = parts.join("\\");
      const bytes = info.usesCharset && charsets.length > 0 ? encodeText(text, charsets, { vr }) : latin1Bytes(text);
      return pad(bytes, info.padByte);
    }
    case "binary":
    case "tag":
    case "bigint": {
      const items = asArray(value);
      const size = info.kind === "tag" ? 4 : info.wordSize;
      const out = new Uint8Array(items.length * size);
      const view = new DataView(out.buffer);
      items.forEach((v, i) => {
        if (info.kind === "bigint") {
          const b = typeof v === "bigint" ? v : BigInt(v as number);
          if (vr === "SV") view.setBigInt64(i * 8, b, littleEndian);
          else view.setBigUint64(i * 8, b, littleEndian);
          return;
        }
        const n = Number(v);
        if (Number.isNaN(n)) throw new DicomEncodeError(`${vr} cannot hold ${String(v)}`);
        switch (vr) {
          case "US":
            view.setUint16(i * 2, n, littleEndian);
            break;
          case "SS":
            view.setInt16(i * 2, n, littleEndian);
            break;
          case "UL":
            view.setUint32(i * 4, n, littleEndian);
            break;
          case "SL":
            view.setInt32(i * 4, n, littleEndian);
            break;
          case "FL":
            view.setFloat32(i * 4, n, littleEndian);
            break;
          case "FD":
            view.setFloat64(i * 8, n, littleEndian);
            break;
          default:
            view.setUint16(i * 4, n >>> 16, littleEndian);
            view.setUint16(i * 4 + 2, n & 0xffff, littleEndian);
        }
      });
      return out;
    }
    case "sequence":
      throw new DicomEncodeError("sequences are encoded by the writer");
  }
}
