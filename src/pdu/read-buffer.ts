// A PDU framer that owns the memory the socket reads into: one buffer per connection, filled by
// the kernel and cut into PDUs in place. Node otherwise allocates a fresh 64 KiB buffer for every
// read, garbage that V8 collects only after tens of megabytes have piled up (the receiver's peak
// RSS) and whose allocation and collection cost a sixth of the receive time.
import { PduTooLargeError } from "./errors.js";
import type { FramedPdu } from "./framer.js";
import { defaultMaxPduLength } from "./framer.js";

/** Options of {@link PduReadBuffer}. */
export interface PduReadBufferOptions {
  /** Largest PDU body (the 4-byte length field's value) accepted. Default 16 MiB + 6. */
  readonly maxPduLength?: number;
  /** Largest P-DATA-TF body (the Maximum Length this side announced, PS3.8 D.1.1). Default `maxPduLength`. */
  readonly maxPDataLength?: number;
  /**
   * Bytes allocated up front (default 64 KiB); {@link PduReadBuffer.limitPData} sets the size for
   * the negotiated P-DATA-TFs, and the buffer grows, as bytes arrive, for a larger PDU.
   */
  readonly initialBytes?: number;
  /**
   * Memory to start with instead of allocating `initialBytes` (e.g. one that an earlier
   * connection gave back with {@link PduReadBuffer.detach}); its contents are ignored.
   */
  readonly buffer?: Uint8Array;
}

const headerLength = 6;
const pDataTfType = 4;
/** A read target smaller than this is worth moving the unconsumed bytes to the front for. */
const minReadBytes = 32 * 1024;
/** Before negotiation (A-ASSOCIATE PDUs are small), and for a P-DATA size of up to 16 KiB. */
const minInitialBytes = 64 * 1024;
/** When no P-DATA size was announced. */
const defaultInitialBytes = 256 * 1024;
const maxPreferredBytes = 1024 * 1024;
/** A buffer grown beyond this for one huge PDU is given back once it is empty. */
const shrinkAboveBytes = 4 * 1024 * 1024;

/**
 * Incremental PDU framer over one reusable buffer. {@link readTarget} gives the memory the next
 * read should fill; {@link push} takes the filled part (or any other chunk, which is copied in)
 * and returns the PDUs it completes. Every PDU's bytes are a view of the buffer: **valid only
 * until the next `readTarget()` or `push()`**, so whoever keeps them beyond the synchronous
 * handling of a push must copy them (`decodePdu` does for the A-ASSOCIATE PDUs, the only ones
 * whose decoded form keeps views; see its doc).
 *
 * A PDU whose announced body exceeds its limit throws {@link PduTooLargeError} as soon as its
 * header is seen; the framer then stays failed. Memory is bounded by the limits: the buffer
 * grows only while a PDU larger than it arrives, at most doubling per step (so never far beyond
 * what the peer has actually sent), and never beyond the largest PDU allowed plus one read.
 */
export class PduReadBuffer {
  readonly maxPduLength: number;
  #pDataLimit: number;
  #buf: Uint8Array;
  /** Offset of the first unconsumed byte. */
  #start = 0;
  /** Offset after the last byte received. */
  #end = 0;
  /** Whole length (header + body) of the PDU at `#start`, once its header has been read. */
  #want = -1;
  /** Stream offset of `#start`, for error messages. */
  #consumed = 0;
  #failure: PduTooLargeError | undefined;
  #detached = false;
  /** The capacity to use once the negotiated P-DATA size is known. */
  #preferred: number;

  constructor(options: PduReadBufferOptions = {}) {
    this.maxPduLength = options.maxPduLength ?? defaultMaxPduLength;
    this.#pDataLimit = this.#capPData(options.maxPDataLength ?? 0);
    const given = options.buffer;
    this.#buf =
      given !== undefined && given.byteLength >= minReadBytes
        ? given
        : new Uint8Array(Math.max(minReadBytes, options.initialBytes ?? minInitialBytes));
    this.#preferred = Math.max(this.#buf.byteLength, options.initialBytes ?? minInitialBytes);
  }

  /** The largest P-DATA-TF body accepted now. */
  get maxPDataLength(): number {
    return this.#pDataLimit;
  }

  /** As {@link PduFramer.limitPData}: the Maximum Length this side announced (0: none). */
  limitPData(maximumLength: number): void {
    this.#pDataLimit = this.#capPData(maximumLength);
    // Room for a few whole P-DATA-TFs: the unconsumed tail is moved to the front about once per
    // three PDUs, and reads are large. Applied the next time the buffer is rearranged.
    const fit =
      maximumLength > 0 ? 4 * (Math.min(maximumLength, this.#pDataLimit) + headerLength) : defaultInitialBytes;
    this.#preferred = Math.min(maxPreferredBytes, Math.max(minInitialBytes, fit));
  }

  #capPData(maximumLength: number): number {
    if (!Number.isFinite(maximumLength) || maximumLength <= 0) return this.maxPduLength;
    return Math.min(maximumLength, this.maxPduLength);
  }

  /**
   * Gives up the memory, for a later connection to read into: later pushes are ignored. Call it
   * only once nothing can write into the memory any more (the socket is closed) and no P-DATA
   * view of it is in use.
   */
  detach(): Uint8Array {
    const buf = this.#buf;
    this.#buf = new Uint8Array(0);
    this.#start = this.#end = 0;
    this.#want = -1;
    this.#detached = true;
    return buf;
  }

  /** Bytes held that do not yet form a whole PDU. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /** Bytes allocated for the buffer. */
  get capacity(): number {
    return this.#buf.byteLength;
  }

  /**
   * The memory the next read should fill (at least 32 KiB). Invalidates the P-DATA views of
   * earlier pushes: the unconsumed bytes may move to the front of the buffer.
   */
  readTarget(): Uint8Array {
    this.#makeRoom(minReadBytes);
    return this.#buf.subarray(this.#end);
  }

  /**
   * Adds received bytes and returns the PDUs they complete, in order. `chunk` is normally the
   * start of the last {@link readTarget} (then nothing is copied); any other chunk is copied in.
   */
  push(chunk: Uint8Array): FramedPdu[] {
    if (this.#failure) throw this.#failure;
    if (this.#detached) return [];
    const n = chunk.byteLength;
    if (chunk.buffer === this.#buf.buffer && chunk.byteOffset === this.#buf.byteOffset + this.#end) {
      this.#end += Math.min(n, this.#buf.byteLength - this.#end);
    } else {
      this.#makeRoom(n);
      this.#buf.set(chunk, this.#end);
      this.#end += n;
    }
    const out: FramedPdu[] = [];
    const buf = this.#buf;
    // Each turn consumes a whole PDU (at least 6 bytes) or stops, so the loop is bounded.
    for (;;) {
      const avail = this.#end - this.#start;
      if (this.#want < 0) {
        if (avail < headerLength) break;
        const at = this.#start;
        // PS3.8 9.3.1: type (1), reserved (1), PDU-length (4, big endian).
        const bodyLength =
          (buf[at + 2] ?? 0) * 0x1000000 +
          (((buf[at + 3] ?? 0) << 16) | ((buf[at + 4] ?? 0) << 8) | (buf[at + 5] ?? 0));
        const limit = buf[at] === pDataTfType ? this.#pDataLimit : this.maxPduLength;
        if (bodyLength > limit) {
          this.#failure = new PduTooLargeError(bodyLength, limit, this.#consumed + 2);
          throw this.#failure;
        }
        this.#want = headerLength + bodyLength;
      }
      if (avail < this.#want) break;
      const len = this.#want;
      // A view for every PDU: the others are decoded at once (an A-ASSOCIATE-RQ/-AC by decodePdu,
      // which copies what it keeps), so a copy per PDU would only make garbage.
      out.push({ type: buf[this.#start] ?? 0, bytes: buf.subarray(this.#start, this.#start + len), length: len });
      this.#start += len;
      this.#consumed += len;
      this.#want = -1;
    }
    if (this.#start === this.#end) {
      this.#start = this.#end = 0;
      if (buf.byteLength > shrinkAboveBytes && this.#want < 0) this.#buf = new Uint8Array(this.#preferred);
    }
    return out;
  }

  /**
   * Makes at least `want` bytes free after `#end`, moving the unconsumed bytes to the front or
   * growing the buffer when the PDU being assembled does not fit.
   */
  #makeRoom(want: number): void {
    const buf = this.#buf;
    // A PDU being assembled should fit whole (it is cut out as one view); bytes already in count.
    const pdu = Math.max(this.#want, 0);
    const free = buf.byteLength - this.#end;
    // Enough room; a PDU larger than the buffer makes it grow only as its bytes fill it.
    if (free >= want && (this.#start === 0 || buf.byteLength - this.#start >= pdu)) return;
    const pending = this.#end - this.#start;
    const need = pending + want;
    let size = Math.max(buf.byteLength, this.#preferred);
    // Grow with what has arrived (at most doubling), not with what a length field announces.
    if (need > size) size = Math.min(Math.max(need, pdu), Math.max(size * 2, need));
    if (size === buf.byteLength) {
      buf.copyWithin(0, this.#start, this.#end);
    } else {
      const next = new Uint8Array(size);
      next.set(buf.subarray(this.#start, this.#end));
      this.#buf = next;
    }
    this.#end = pending;
    this.#start = 0;
  }
}
