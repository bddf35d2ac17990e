// The sink of data sets other than C-STORE's (C-FIND identifiers, N-SET modifications…): kept in
// memory, up to a limit.
import type { DatasetSink } from "../channel.js";

/** Default limit of a data set held in memory: 64 MiB. */
export const DEFAULT_MAX_DATASET_BYTES = 64 * 1024 * 1024;

/** Collects (copies of) a data set's fragments until `maxBytes`; beyond that drops them and says so. */
export class MemorySink implements DatasetSink {
  readonly chunks: Uint8Array[] = [];
  #bytes = 0;
  #overflow = false;
  readonly maxBytes: number;

  constructor(maxBytes = DEFAULT_MAX_DATASET_BYTES) {
    this.maxBytes = maxBytes;
  }

  /** True when the data set was larger than `maxBytes` (its fragments were dropped). */
  get overflowed(): boolean {
    return this.#overflow;
  }

  write(chunk: Uint8Array): void {
    this.#bytes += chunk.byteLength;
    if (this.#overflow) return;
    if (this.#bytes > this.maxBytes) {
      this.#overflow = true;
      this.chunks.length = 0;
      return;
    }
    // A copy: the fragment may alias the read buffer, which the next read reuses.
    this.chunks.push(new Uint8Array(chunk));
  }

  end(): void {}

  abort(): void {
    this.chunks.length = 0;
  }
}
