import type { Dataset } from "./dataset.js";
import { DicomParseError } from "./errors.js";
import { readDataset } from "./reader.js";
import { VR_INFO, vrFromBytes } from "./vr.js";

/** Options for {@link DatasetStreamReader}. */
export interface DatasetStreamReaderOptions {
  /** Explicit or implicit VR encoding. */
  readonly explicitVr: boolean;
  /** Byte order. */
  readonly littleEndian: boolean;
  /** Stop before the first top-level element whose tag is ≥ this one. */
  readonly stopAtTag?: number;
  /** The deepest sequence nesting accepted. */
  readonly maxDepth?: number;
  /** Largest number of bytes held while an element is incomplete (default 512 MiB). */
  readonly maxBufferedBytes?: number;
  /** Position of the first byte pushed, for error messages (default 0). */
  readonly baseOffset?: number;
}

/**
 * Reads a data set from chunks as they arrive (network P-DATA fragments, file reads): each
 * complete top-level element is parsed as soon as its bytes are there; only an incomplete one
 * is buffered. Retries after a short read happen when the buffer has doubled, so a large
 * element costs linear time whatever the chunk size.
 */
export class DatasetStreamReader {
  private buf = new Uint8Array(0);
  private len = 0;
  private pos = 0;
  /** Stream offset of `buf[0]`. */
  private base: number;
  private retryAt = 0;
  private stopped: number | undefined;
  private ended = false;
  private readonly options: DatasetStreamReaderOptions;
  private result: Dataset | undefined;

  constructor(options: DatasetStreamReaderOptions) {
    this.options = options;
    this.base = options.baseOffset ?? 0;
  }

  /** The elements read so far. */
  get dataset(): Dataset | undefined {
    return this.result;
  }

  /** The tag reading stopped at (`stopAtTag`), once reached. */
  get stoppedAt(): number | undefined {
    return this.stopped;
  }

  /** Stream offset of the first byte not consumed (the stop element's header, once stopped). */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Bytes held but not yet parsed. */
  get buffered(): number {
    return this.len - this.pos;
  }

  /** The unparsed bytes after the stop point (a view). */
  remainder(): Uint8Array {
    return this.buf.subarray(this.pos, this.len);
  }

  /** Adds a chunk and parses what it completes. Returns true once stopped at `stopAtTag`. */
  push(chunk: Uint8Array): boolean {
    if (this.ended) throw new DicomParseError("data after the end of the stream", { offset: this.offset });
    this.append(chunk);
    if (this.stopped !== undefined) return true;
    if (this.len < this.retryAt) return false;
    this.parse(false);
    return this.stopped !== undefined;
  }

  /** Ends the stream: parses what is left and returns the data set, or throws if truncated. */
  end(): Dataset {
    this.ended = true;
    if (this.stopped === undefined) this.parse(true);
    return this.result as Dataset;
  }

  private append(chunk: Uint8Array): void {
    const limit = this.options.maxBufferedBytes ?? 512 * 2 ** 20;
    if (this.stopped === undefined && this.len - this.pos + chunk.byteLength > limit) {
      throw new DicomParseError(`data set element larger than the limit of ${limit} bytes`, { offset: this.offset });
    }
    if (this.len + chunk.byteLength > this.buf.byteLength) {
      // Never overwrite bytes already parsed: elements keep views of them. Start a new buffer
      // holding only the unparsed tail.
      const tail = this.len - this.pos;
      const next = new Uint8Array(Math.max(2 * (tail + chunk.byteLength), 64 * 1024));
      next.set(this.buf.subarray(this.pos, this.len));
      this.base += this.pos;
      this.retryAt -= this.pos;
      this.buf = next;
      this.len = tail;
      this.pos = 0;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.byteLength;
  }

  private parse(final: boolean): void {
    const r = readDataset(this.buf.subarray(0, this.len), {
      explicitVr: this.options.explicitVr,
      littleEndian: this.options.littleEndian,
      offset: this.pos,
      partial: !final,
      baseOffset: this.base,
      ...(this.options.stopAtTag === undefined ? {} : { stopAtTag: this.options.stopAtTag }),
      ...(this.options.maxDepth === undefined ? {} : { maxDepth: this.options.maxDepth }),
      ...(this.result === undefined ? {} : { into: this.result }),
    });
    this.result = r.dataset;
    this.pos = r.offset;
    if (r.stoppedAt !== undefined) this.stopped = r.stoppedAt;
    else if (!r.complete) {
      this.refuseOversizedElement();
      this.retryAt = this.pos + 2 * (this.len - this.pos) + 8;
    }
  }

  /**
   * Throws when the incomplete element's header declares more bytes than maxBufferedBytes, so an
   * element that can never fit is refused as soon as its header arrives, not after buffering.
   */
  private refuseOversizedElement(): void {
    const limit = this.options.maxBufferedBytes ?? 512 * 2 ** 20;
    const avail = this.len - this.pos;
    if (avail < 8) return;
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, avail);
    const le = this.options.littleEndian;
    const tag = ((view.getUint16(0, le) << 16) | view.getUint16(2, le)) >>> 0;
    let length = view.getUint32(4, le);
    let header = 8;
    if (this.options.explicitVr) {
      const vr = vrFromBytes(view.getUint8(4), view.getUint8(5));
      if (vr === undefined) return; // the reader reports it once it has the element
      if (VR_INFO[vr].longLength) {
        if (avail < 12) return;
        length = view.getUint32(8, le);
        header = 12;
      } else {
        length = view.getUint16(6, le);
      }
    }
    if (length === 0xffffffff || header + length <= limit) return; // undefined length: bounded by `append`
    throw new DicomParseError(`data set element of ${length} bytes is larger than the limit of ${limit} bytes`, {
      tag,
      offset: this.offset,
    });
  }
}
