// Read buffers handed from closed connections to new ones. Each association's PduReadBuffer
// starts with 64 KiB of its own; allocating (and zero-filling, then collecting) it per connection
// cost more than a tenth of an association's set-up on both sides, and the garbage drove a full
// collection every few hundred associations.

/** Buffers kept for reuse, at most. */
const maxPooled = 8;
/** A buffer larger than this (grown for one big PDU) is left to the collector. */
const maxPooledBytes = 1024 * 1024;

const pool: Uint8Array[] = [];

/** A buffer given back by a closed connection, if one is available. */
export function takeReadBuffer(): Uint8Array | undefined {
  return pool.pop();
}

/**
 * Gives `buf` back for a later connection. Only memory that nothing writes into or reads from
 * any more may be given back: the socket that read into it is closed and its P-DATA views were
 * handled (they are valid only during their synchronous handling, see PduReadBuffer).
 */
export function giveReadBuffer(buf: Uint8Array): void {
  if (pool.length < maxPooled && buf.byteLength <= maxPooledBytes && buf.byteLength > 0 && !pool.includes(buf)) {
    pool.push(buf);
  }
}
