import { OutOfBoundsError } from "./errors.js";

const latin1 = new TextDecoder("latin1");

/**
 * A bounds-checked cursor over a byte array. Every read checks that the bytes are there and
 * throws {@link OutOfBoundsError} (with the offset) when they are not: decoders never index a
 * buffer directly and never allocate from a length field before the bytes have arrived.
 */
export class ByteReader {
  /** The bytes read (a view: not copied). */
  readonly bytes: Uint8Array;
  /** A DataView over `bytes`, for the multi-byte reads. */
  readonly view: DataView;
  /** Offset of the next read, relative to `bytes`. */
  offset: number;
  /** One past the last readable byte. */
  readonly end: number;
  /** Byte order of the multi-byte reads (false: big endian, the upper layer's, PS3.8 9.3.1). */
  littleEndian: boolean;
  /** Added to offsets in error messages, so a sub-reader reports positions in its parent. */
  readonly base: number;

  /**
   * Reads `bytes` from `offset` (default 0) up to `end` (default its length), big endian unless
   * `littleEndian`. `view`, when given, must be a DataView over exactly `bytes` (a sub-reader's).
   */
  constructor(
    bytes: Uint8Array,
    options: { offset?: number; end?: number; littleEndian?: boolean; base?: number; view?: DataView } = {},
  ) {
    this.bytes = bytes;
    // A sub-reader shares its parent's view of the same bytes (one DataView per PDU, not per item).
    this.view = options.view ?? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = options.offset ?? 0;
    this.end = options.end ?? bytes.byteLength;
    this.littleEndian = options.littleEndian ?? false;
    this.base = options.base ?? 0;
    if (this.end > bytes.byteLength || this.offset > this.end || this.offset < 0) {
      throw new OutOfBoundsError(this.base + this.offset, this.end - this.offset, bytes.byteLength - this.offset);
    }
  }

  /** Bytes left between the cursor and `end`. */
  get remaining(): number {
    return this.end - this.offset;
  }

  /** Absolute position of the cursor, for error messages. */
  get position(): number {
    return this.base + this.offset;
  }

  /** Throws unless `n` more bytes are readable. */
  need(n: number): void {
    if (n < 0 || this.offset + n > this.end) throw new OutOfBoundsError(this.position, n, this.remaining);
  }

  /** Moves past `n` bytes (reserved fields). */
  skip(n: number): this {
    this.need(n);
    this.offset += n;
    return this;
  }

  /** Reads an unsigned 8-bit integer. */
  u8(): number {
    this.need(1);
    return this.view.getUint8(this.offset++);
  }

  /** Reads an unsigned 16-bit integer. */
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.offset, this.littleEndian);
    this.offset += 2;
    return v;
  }

  /** Reads an unsigned 32-bit integer. */
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.offset, this.littleEndian);
    this.offset += 4;
    return v;
  }

  /** Reads a signed 16-bit integer. */
  i16(): number {
    this.need(2);
    const v = this.view.getInt16(this.offset, this.littleEndian);
    this.offset += 2;
    return v;
  }

  /** Reads a signed 32-bit integer. */
  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.offset, this.littleEndian);
    this.offset += 4;
    return v;
  }

  /** Reads a 32-bit IEEE float. */
  f32(): number {
    this.need(4);
    const v = this.view.getFloat32(this.offset, this.littleEndian);
    this.offset += 4;
    return v;
  }

  /** Reads a 64-bit IEEE float. */
  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.offset, this.littleEndian);
    this.offset += 8;
    return v;
  }

  /** Reads an unsigned 64-bit integer. */
  u64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.offset, this.littleEndian);
    this.offset += 8;
    return v;
  }

  /** Reads a signed 64-bit integer. */
  i64(): bigint {
    this.need(8);
    const v = this.view.getBigInt64(this.offset, this.littleEndian);
    this.offset += 8;
    return v;
  }

  /** The next `n` bytes as a view that aliases the input (no copy). */
  bytesView(n: number): Uint8Array {
    this.need(n);
    const v = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  /** The next `n` bytes decoded as ISO 8859-1 (a superset of the ASCII that PDUs and UIDs use). */
  ascii(n: number): string {
    // Short ASCII runs (AE titles, UIDs: the fields of every A-ASSOCIATE PDU) are read with
    // fromCharCode: no view and no native decoder call per field. Any byte above 0x7F, or a longer
    // run, goes to the decoder, so the result never differs from it.
    if (n <= 64) {
      this.need(n);
      const b = this.bytes;
      const start = this.offset;
      let s = "";
      let i = 0;
      for (; i < n; i++) {
        const c = b[start + i] as number;
        if (c >= 0x80) break;
        s += String.fromCharCode(c);
      }
      if (i === n) {
        this.offset += n;
        return s;
      }
    }
    return latin1.decode(this.bytesView(n));
  }

  /** A reader over the next `n` bytes (same byte order); the cursor moves past them. */
  sub(n: number): ByteReader {
    this.need(n);
    const r = new ByteReader(this.bytes, {
      offset: this.offset,
      end: this.offset + n,
      littleEndian: this.littleEndian,
      base: this.base,
      view: this.view,
    });
    this.offset += n;
    return r;
  }
}
