/**
 * A growable byte buffer with chained writers. Big endian by default (the upper layer's byte
 * order, PS3.8 9.3.1); set `littleEndian` for datasets and command sets.
 */
export class ByteWriter {
  private buf: Uint8Array;
  /** Made on the first float or 64-bit write only (a DataView per writer cost more than the bytes). */
  private dataView: DataView | undefined;
  /** Bytes written so far. */
  length = 0;
  /** Byte order of the multi-byte writes (false: big endian). */
  littleEndian: boolean;

  /** An empty writer; `initialSize` (default 256) grows by doubling. */
  constructor(options: { initialSize?: number; littleEndian?: boolean } = {}) {
    this.buf = new Uint8Array(options.initialSize ?? 256);
    this.littleEndian = options.littleEndian ?? false;
  }

  private get view(): DataView {
    this.dataView ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    return this.dataView;
  }

  private reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.buf.byteLength) return;
    let size = Math.max(this.buf.byteLength * 2, 1);
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.dataView = undefined;
  }

  // The integer writers store bytes: a typed-array store keeps the low 8 bits of the value, so
  // each byte is what DataView's setUint16/setUint32 (or setInt16/setInt32) would have written.

  /** Stores the low 16 bits of `v` at `at` in this writer's byte order. */
  private put16(at: number, v: number): void {
    const b = this.buf;
    if (this.littleEndian) {
      b[at] = v;
      b[at + 1] = v >>> 8;
    } else {
      b[at] = v >>> 8;
      b[at + 1] = v;
    }
  }

  /** Stores the low 32 bits of `v` at `at` in this writer's byte order. */
  private put32(at: number, v: number): void {
    const b = this.buf;
    if (this.littleEndian) {
      b[at] = v;
      b[at + 1] = v >>> 8;
      b[at + 2] = v >>> 16;
      b[at + 3] = v >>> 24;
    } else {
      b[at] = v >>> 24;
      b[at + 1] = v >>> 16;
      b[at + 2] = v >>> 8;
      b[at + 3] = v;
    }
  }

  /** Appends an unsigned 8-bit integer. */
  u8(v: number): this {
    this.reserve(1);
    this.buf[this.length] = v;
    this.length += 1;
    return this;
  }

  /** Appends an unsigned 16-bit integer. */
  u16(v: number): this {
    this.reserve(2);
    this.put16(this.length, v);
    this.length += 2;
    return this;
  }

  /** Appends an unsigned 32-bit integer. */
  u32(v: number): this {
    this.reserve(4);
    this.put32(this.length, v);
    this.length += 4;
    return this;
  }

  /** Appends a signed 16-bit integer. */
  i16(v: number): this {
    return this.u16(v);
  }

  /** Appends a signed 32-bit integer. */
  i32(v: number): this {
    return this.u32(v);
  }

  /** Appends a 32-bit IEEE float. */
  f32(v: number): this {
    this.reserve(4);
    this.view.setFloat32(this.length, v, this.littleEndian);
    this.length += 4;
    return this;
  }

  /** Appends a 64-bit IEEE float. */
  f64(v: number): this {
    this.reserve(8);
    this.view.setFloat64(this.length, v, this.littleEndian);
    this.length += 8;
    return this;
  }

  /** Appends an unsigned 64-bit integer. */
  u64(v: bigint): this {
    this.reserve(8);
    this.view.setBigUint64(this.length, v, this.littleEndian);
    this.length += 8;
    return this;
  }

  /** Appends a signed 64-bit integer. */
  i64(v: bigint): this {
    this.reserve(8);
    this.view.setBigInt64(this.length, v, this.littleEndian);
    this.length += 8;
    return this;
  }

  /** Appends the bytes of `b` (copied). */
  bytes(b: Uint8Array): this {
    this.reserve(b.byteLength);
    this.buf.set(b, this.length);
    this.length += b.byteLength;
    return this;
  }

  /** Writes `n` zero bytes (reserved fields, PS3.8 9.3: "shall be sent with a value 00H"). */
  zeros(n: number): this {
    this.reserve(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
    return this;
  }

  /** Writes a string as single-byte characters (ISO 8859-1); code points above 255 become '?'. */
  ascii(s: string): this {
    this.reserve(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      this.buf[this.length + i] = c > 255 ? 0x3f : c;
    }
    this.length += s.length;
    return this;
  }

  /** Writes `s` left-justified and padded with `pad` to exactly `width` bytes (truncating). */
  padded(s: string, width: number, pad = 0x20): this {
    const t = s.length > width ? s.slice(0, width) : s;
    this.ascii(t);
    this.reserve(width - t.length);
    this.buf.fill(pad, this.length, this.length + width - t.length);
    this.length += width - t.length;
    return this;
  }

  /** Overwrites a 16-bit value at `at` (for lengths known only after the body is written). */
  setU16(at: number, v: number): this {
    if (at < 0 || at + 2 > this.buf.byteLength) throw new RangeError(`offset ${at} is outside the writer`);
    this.put16(at, v);
    return this;
  }

  /** Overwrites a 32-bit value at `at` (for lengths known only after the body is written). */
  setU32(at: number, v: number): this {
    if (at < 0 || at + 4 > this.buf.byteLength) throw new RangeError(`offset ${at} is outside the writer`);
    this.put32(at, v);
    return this;
  }

  /** The bytes written, as a view of the internal buffer (valid until the next write). */
  written(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** A copy of the bytes written, safe to keep. */
  toUint8Array(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
