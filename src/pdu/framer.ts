// Cuts a TCP byte stream into whole PDUs (PS3.8 9.3.1: every PDU starts with type, reserved byte
// and a 32-bit body length), refusing to buffer a PDU larger than the receiver allows.
import { PduTooLargeError } from "./errors.js";
import type { PDataTf } from "./p-data-tf.js";
import { splitPDataTf } from "./p-data-views.js";

/** One whole PDU cut from the stream. */
export interface FramedPdu {
  /** The PDU type byte, possibly one this version does not know (the state machine makes that Evt19). */
  readonly type: number;
  /**
   * The whole PDU including its 6-byte header; aliases a pushed chunk when it fell within one.
   * Empty when `pData` is set (the PDU was never made contiguous).
   */
  readonly bytes: Uint8Array;
  /** Whole length of the PDU in the stream (header included). */
  readonly length: number;
  /**
   * With `pDataViews`, a well-formed P-DATA-TF already decoded: its PDV data are views of the
   * pushed chunks, and a PDV whose data spans chunks comes as consecutive fragments (see
   * {@link PduFramerOptions.pDataViews}).
   */
  readonly pData?: PDataTf;
}

/** Options of {@link PduFramer}. */
export interface PduFramerOptions {
  /** Largest PDU body (the 4-byte length field's value) that will be buffered. Default 16 MiB + 6. */
  readonly maxPduLength?: number;
  /**
   * Largest P-DATA-TF body: the Maximum Length this side announced (PS3.8 D.1.1). Default and
   * upper bound: `maxPduLength`. Can be set later with {@link PduFramer.limitPData}.
   */
  readonly maxPDataLength?: number;
  /**
   * Decode P-DATA-TF PDUs in place instead of copying a PDU that spans chunks into one buffer:
   * each PDV's data is a view of the pushed chunks. A data set PDV whose data spans chunks is
   * returned as several consecutive PDVs, only the last carrying the original `isLast` bit (the
   * DIMSE reassembler treats consecutive fragments of a message alike, PS3.8 E.2); a command PDV
   * that spans chunks is copied into one (it is small). A malformed P-DATA-TF falls back to the
   * whole-bytes form, so its decoder reports the error. Default false.
   */
  readonly pDataViews?: boolean;
}

/** The default limit on a PDU body: 16 MiB of data plus the PDV item header. */
export const defaultMaxPduLength = 16 * 1024 * 1024 + 6;

const headerLength = 6;
const pDataTfType = 4;
const empty = new Uint8Array(0);

/**
 * Incremental PDU framer. `push` the chunks a socket delivers, get back the PDUs they complete.
 * A PDU whose announced body exceeds its limit (`maxPDataLength` for a P-DATA-TF, `maxPduLength`
 * for any other type) throws {@link PduTooLargeError} as soon as its
 * header is seen, before its body is buffered; the framer then stays failed (the association is
 * to be aborted) and PDUs completed earlier in the same chunk are not returned.
 */
export class PduFramer {
  readonly maxPduLength: number;
  private pDataLimit: number;
  private readonly pDataViews: boolean;
  private chunks: Uint8Array[] = [];
  /** Offset into chunks[0] of the first unconsumed byte. */
  private head = 0;
  private total = 0;
  /** Whole length (header + body) of the PDU being assembled, once its header has been read. */
  private want = -1;
  /** Stream offset of the first unconsumed byte, for error messages. */
  private consumed = 0;
  private failure: PduTooLargeError | undefined;

  constructor(options: PduFramerOptions = {}) {
    this.maxPduLength = options.maxPduLength ?? defaultMaxPduLength;
    this.pDataLimit = this.capPData(options.maxPDataLength ?? 0);
    this.pDataViews = options.pDataViews ?? false;
  }

  /** The largest P-DATA-TF body accepted now. */
  get maxPDataLength(): number {
    return this.pDataLimit;
  }

  /**
   * Sets the P-DATA-TF limit to the Maximum Length this side has just announced in its
   * A-ASSOCIATE-RQ or -AC (PS3.8 D.1.1: it bounds the variable field, i.e. the PDU-length, of the
   * P-DATA-TFs the peer sends). 0 (no limit announced) leaves only `maxPduLength`, which also caps
   * a larger announcement.
   */
  limitPData(maximumLength: number): void {
    this.pDataLimit = this.capPData(maximumLength);
  }

  private capPData(maximumLength: number): number {
    if (!Number.isFinite(maximumLength) || maximumLength <= 0) return this.maxPduLength;
    return Math.min(maximumLength, this.maxPduLength);
  }

  /** Bytes held that do not yet form a whole PDU. */
  get buffered(): number {
    return this.total;
  }

  /** Adds a chunk of the stream and returns the PDUs it completes, in order. */
  push(chunk: Uint8Array): FramedPdu[] {
    if (this.failure) throw this.failure;
    const out: FramedPdu[] = [];
    if (chunk.byteLength > 0) {
      this.chunks.push(chunk);
      this.total += chunk.byteLength;
    }
    // Each turn either consumes a whole PDU (at least 6 bytes) or stops, so the loop is bounded.
    for (;;) {
      if (this.want < 0) {
        if (this.total < headerLength) break;
        const header = this.peek(headerLength);
        const length = new DataView(header.buffer, header.byteOffset, headerLength).getUint32(2);
        const limit = header[0] === pDataTfType ? this.pDataLimit : this.maxPduLength;
        if (length > limit) {
          this.failure = new PduTooLargeError(length, limit, this.consumed + 2);
          throw this.failure;
        }
        this.want = headerLength + length;
      }
      if (this.total < this.want) break;
      const length = this.want;
      this.want = -1;
      out.push(this.next(length));
    }
    return out;
  }

  /**
   * Consumes the next whole PDU of `n` bytes (all buffered). A P-DATA-TF is returned only once
   * its last byte is in, so the state machine sees one Evt10 ("P-DATA-TF PDU received", PS3.8
   * Table 9-10) per PDU, after the whole PDU's lengths could be checked.
   */
  private next(n: number): FramedPdu {
    const first = this.chunks[0]!;
    const type = first[this.head] ?? 0;
    // A P-DATA-TF within one chunk costs nothing to slice; only one that spans chunks would be copied.
    if (this.pDataViews && type === pDataTfType && first.byteLength - this.head < n) {
      const pData = splitPDataTf(this.chunks, this.head, n);
      if (pData !== undefined) {
        this.consume(n);
        return { type, bytes: empty, length: n, pData };
      }
    }
    const bytes = this.peek(n);
    this.consume(n);
    return { type, bytes, length: n };
  }

  /** The next `n` buffered bytes without consuming them (a copy only if they span chunks). */
  private peek(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.byteLength - this.head >= n) return first.subarray(this.head, this.head + n);
    // Not zero-filled: every byte is overwritten below. A PDU larger than the socket's 64 KiB reads
    // always lands here, so a 128 KiB P-DATA-TF would otherwise be written twice.
    const copy = Buffer.allocUnsafe(n);
    let filled = 0;
    let at = this.head;
    for (let i = 0; filled < n; i++) {
      const c = this.chunks[i]!;
      const part = c.subarray(at, Math.min(c.byteLength, at + n - filled));
      copy.set(part, filled);
      filled += part.byteLength;
      at = 0;
    }
    return copy;
  }

  /** Drops the next `n` buffered bytes (all present). */
  private consume(n: number): void {
    let left = n;
    let i = 0;
    while (left > 0) {
      const avail = this.chunks[i]!.byteLength - this.head;
      if (avail > left) {
        this.head += left;
        left = 0;
      } else {
        left -= avail;
        this.head = 0;
        i++;
      }
    }
    if (i > 0) this.chunks.splice(0, i);
    this.total -= n;
    this.consumed += n;
  }
}
