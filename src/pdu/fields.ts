// Field helpers shared by the PDU and item codecs: item headers, UIDs, AE titles, error mapping.
import type { ByteReader } from "../util/byte-reader.js";
import type { ByteWriter } from "../util/byte-writer.js";
import { OutOfBoundsError } from "../util/errors.js";
import { PduDecodeError, PduEncodeError } from "./errors.js";

/**
 * Writes an item header (type, reserved byte, 16-bit length), lets `body` write the item's
 * content, then patches the length. PS3.8 9.3.1: multi-byte fields are big endian.
 */
export function writeItem(w: ByteWriter, type: number, body: (w: ByteWriter) => void, reserved = 0): void {
  w.u8(type).u8(reserved).u16(0);
  const start = w.length;
  body(w);
  const length = w.length - start;
  if (length > 0xffff) {
    throw new PduEncodeError(`item 0x${type.toString(16)} is ${length} bytes, more than its 16-bit length allows`);
  }
  w.setU16(start - 2, length);
}

/**
 * Writes an item whose whole body is one UID (abstract and transfer syntaxes, application
 * context, implementation class UID): as {@link writeItem} with {@link writeUid}, without a closure.
 */
export function writeUidItem(w: ByteWriter, type: number, uid: string): void {
  const bytes = uidBytes(uid);
  if (bytes.byteLength > 0xffff) {
    throw new PduEncodeError(
      `item 0x${type.toString(16)} is ${bytes.byteLength} bytes, more than its 16-bit length allows`,
    );
  }
  w.u8(type).u8(0).u16(bytes.byteLength).bytes(bytes);
}

/** Writes a UID as single-byte characters without padding (PS3.8 Annex F: UIDs in PDUs are not padded). */
export function writeUid(w: ByteWriter, uid: string): void {
  w.bytes(uidBytes(uid));
}

/** Writes a 16-bit length followed by the UID, the form used inside user information sub-items. */
export function writeUidWithLength(w: ByteWriter, uid: string): void {
  const bytes = uidBytes(uid);
  if (bytes.byteLength > 0xffff) throw new PduEncodeError(`UID of ${uid.length} characters is too long`);
  w.u16(bytes.byteLength).bytes(bytes);
}

/**
 * The bytes of `uid`, checked to be ISO 646. Every association writes the same few UIDs (its
 * contexts' syntaxes, the application context, the implementation class): kept once made, so
 * that each is one native copy rather than a check and a copy character by character.
 * Bounded, like the read side's cache.
 */
function uidBytes(uid: string): Uint8Array {
  const known = encodedUids.get(uid);
  if (known !== undefined) return known;
  checkAscii(uid, "UID");
  const bytes = new Uint8Array(uid.length);
  for (let i = 0; i < uid.length; i++) bytes[i] = uid.charCodeAt(i);
  if (uid.length <= cachedMaxLength && encodedUids.size < cacheMaxEntries) encodedUids.set(uid, bytes);
  return bytes;
}

const encodedUids = new Map<string, Uint8Array>();

/** Writes `bytes` after a 16-bit length. */
export function writeBytesWithLength(w: ByteWriter, bytes: Uint8Array, what: string): void {
  if (bytes.byteLength > 0xffff) throw new PduEncodeError(`${what} of ${bytes.byteLength} bytes is too long`);
  w.u16(bytes.byteLength).bytes(bytes);
}

/** Reads `n` bytes as a UID, dropping trailing NULs a peer may have padded it with (PS3.8 Annex F). */
export function readUid(r: ByteReader, n: number): string {
  return readCached(r, n, uids, stripNuls);
}

/** Reads a 16-bit length and that many bytes as a UID. */
export function readUidWithLength(r: ByteReader): string {
  return readUid(r, r.u16());
}

/** Writes an AE title padded with spaces to 16 bytes (PS3.8 9.3.2). */
export function writeAeTitle(w: ByteWriter, aeTitle: string, what: string): void {
  checkAscii(aeTitle, what);
  if (aeTitle.length > 16) throw new PduEncodeError(`${what} "${aeTitle}" is longer than 16 characters`);
  w.padded(aeTitle, 16, 0x20);
}

/** Reads a 16-byte AE title with leading and trailing spaces (and stray NUL padding) removed. */
export function readAeTitle(r: ByteReader): string {
  return readCached(r, 16, aeTitles, trimAeTitle);
}

const stripNuls = (raw: string): string => raw.replace(/\0+$/, "");
const trimAeTitle = (raw: string): string => raw.replace(/^[ \0]+|[ \0]+$/g, "");

/**
 * Fields read before, by their raw text. Every A-ASSOCIATE PDU repeats the same few UIDs (the
 * application context, SOP classes, transfer syntaxes, implementation class) and AE titles:
 * one found here is compared in place with the bytes, with no string built, no regular
 * expression run and nothing allocated. Bounded (a hostile peer sending new UIDs only fills it).
 */
interface FieldCache {
  /** Raw text (exactly the field's bytes) -> the value read from it, by length and two bytes. */
  readonly buckets: Map<number, { raw: string; value: string }[]>;
  size: number;
}
const uids: FieldCache = { buckets: new Map(), size: 0 };
const aeTitles: FieldCache = { buckets: new Map(), size: 0 };
/** Entries per cache, and per bucket; fields longer than `cachedMaxLength` are not cached. */
const cacheMaxEntries = 512;
const bucketMaxEntries = 4;
const cachedMaxLength = 64;

function readCached(r: ByteReader, n: number, cache: FieldCache, value: (raw: string) => string): string {
  if (n === 0 || n > cachedMaxLength) return value(r.ascii(n));
  r.need(n);
  const b = r.bytes;
  const start = r.offset;
  const key = n * 65536 + (b[start + n - 1] as number) * 256 + (b[start + (n >> 1)] as number);
  const bucket = cache.buckets.get(key);
  if (bucket !== undefined) {
    for (const entry of bucket) {
      if (sameText(b, start, entry.raw)) {
        r.offset = start + n;
        return entry.value;
      }
    }
  }
  const raw = r.ascii(n);
  const read = value(raw);
  if (cache.size < cacheMaxEntries && (bucket === undefined || bucket.length < bucketMaxEntries)) {
    if (bucket === undefined) cache.buckets.set(key, [{ raw, value: read }]);
    else bucket.push({ raw, value: read });
    cache.size++;
  }
  return read;
}

/** True when the bytes at `start` are exactly the character codes of `raw`. */
function sameText(b: Uint8Array, start: number, raw: string): boolean {
  for (let i = 0; i < raw.length; i++) if (b[start + i] !== raw.charCodeAt(i)) return false;
  return true;
}

/** Throws unless the reader is exhausted: a fixed-layout item carried bytes it should not have. */
export function expectEnd(r: ByteReader, what: string): void {
  if (r.remaining !== 0) throw new PduDecodeError(`${what} has ${r.remaining} unexpected trailing bytes`, r.position);
}

/**
 * Calls `each` for every item in `r` until it is exhausted. Each item's body is a sub-reader, so a
 * length field that points past the enclosing item or PDU fails with the offset of that field.
 */
export function forEachItem(r: ByteReader, each: (type: number, body: ByteReader, reserved: number) => void): void {
  while (r.remaining > 0) {
    const type = r.u8();
    const reserved = r.u8();
    const length = r.u16();
    each(type, r.sub(length), reserved);
  }
}

/** Turns a bounds failure into the PDU decode error the upper layer acts on; other errors pass through. */
export function toDecodeError(err: unknown): unknown {
  if (err instanceof OutOfBoundsError) {
    return new PduDecodeError(`truncated field: ${err.message}`, err.offset, undefined, { cause: err });
  }
  return err;
}

function checkAscii(s: string, what: string): void {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) throw new PduEncodeError(`${what} "${s}" has a character outside ISO 646`);
  }
}
