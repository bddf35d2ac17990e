// Decodes a P-DATA-TF (PS3.8 9.3.5) that arrived in several stream chunks without first copying
// it into one buffer: the receive path's largest cost was that copy (and the garbage it made).
import type { PDataTf, PresentationDataValue } from "./p-data-tf.js";
import { PduType } from "./pdu-type.js";

/** A read position in a list of chunks. */
interface Cursor {
  chunk: number;
  at: number;
}

// PS3.8 9.3.5: PDU header (6), then items of item length (4), context ID (1), control header (1), data.
const pduHeaderLength = 6;
const itemHeaderLength = 6;

/**
 * Decodes the P-DATA-TF PDU of `length` bytes (header included) that starts at `head` in
 * `chunks[0]` and continues through the following chunks, all of it present. Each PDV's data is
 * a view of the chunks, never a copy, except a command PDV spanning chunks, which is copied into
 * one buffer (command sets are small and the reassembler buffers them anyway). A data set PDV
 * spanning chunks becomes consecutive PDVs with the same context ID and control header, except
 * that only the last keeps the "last fragment" bit (PS3.8 E.2). Returns undefined for a body
 * that is not a well-formed sequence of PDV items, so the caller decodes it the ordinary way and
 * reports the error the ordinary decoder gives.
 */
export function splitPDataTf(chunks: readonly Uint8Array[], head: number, length: number): PDataTf | undefined {
  const values: PresentationDataValue[] = [];
  const c: Cursor = { chunk: 0, at: head };
  skip(chunks, c, pduHeaderLength);
  let left = length - pduHeaderLength;
  // Each turn consumes at least one 6-byte item header, so the loop is bounded by the PDU length.
  while (left > 0) {
    if (left < itemHeaderLength) return undefined;
    const h = readItemHeader(chunks, c);
    if (h === undefined) return undefined;
    const itemLength = h.itemLength;
    // PS3.8 9.3.5: the item length counts the context ID and control header, so it is at least 2.
    if (itemLength < 2 || itemLength - 2 > left - itemHeaderLength) return undefined;
    const dataLength = itemLength - 2;
    left -= itemHeaderLength + dataLength;
    const isCommand = (h.control & 1) !== 0;
    const isLast = (h.control & 2) !== 0;
    const pieces = views(chunks, c, dataLength);
    if (pieces.length <= 1 || isCommand) {
      const data = pieces.length === 1 ? (pieces[0] as Uint8Array) : join(pieces, dataLength);
      values.push({ contextId: h.contextId, isCommand, isLast, data });
      continue;
    }
    for (let i = 0; i < pieces.length; i++) {
      const last = i === pieces.length - 1;
      values.push({ contextId: h.contextId, isCommand, isLast: last && isLast, data: pieces[i] as Uint8Array });
    }
  }
  return { type: PduType.PDataTf, values };
}

/** Advances `c` by `n` bytes (all present). */
function skip(chunks: readonly Uint8Array[], c: Cursor, n: number): void {
  let left = n;
  while (left > 0) {
    const chunk = chunks[c.chunk];
    if (chunk === undefined) return;
    const avail = chunk.byteLength - c.at;
    if (avail > left) {
      c.at += left;
      return;
    }
    left -= avail;
    c.chunk++;
    c.at = 0;
  }
}

/** The next byte, or -1 past the end (the caller checked lengths, so only a bug would see it). */
function byteAt(chunks: readonly Uint8Array[], c: Cursor): number {
  for (;;) {
    const chunk = chunks[c.chunk];
    if (chunk === undefined) return -1;
    if (c.at < chunk.byteLength) return chunk[c.at++] ?? -1;
    c.chunk++;
    c.at = 0;
  }
}

/** Reads a PDV item header (6 bytes, possibly straddling chunks: read byte by byte, no copy). */
function readItemHeader(
  chunks: readonly Uint8Array[],
  c: Cursor,
): { itemLength: number; contextId: number; control: number } | undefined {
  let itemLength = 0;
  for (let i = 0; i < 4; i++) {
    const b = byteAt(chunks, c);
    if (b < 0) return undefined;
    itemLength = itemLength * 256 + b;
  }
  const contextId = byteAt(chunks, c);
  const control = byteAt(chunks, c);
  if (contextId < 0 || control < 0) return undefined;
  return { itemLength, contextId, control };
}

/** The next `n` bytes as views of the chunks (one per chunk touched; one empty view when `n` is 0). */
function views(chunks: readonly Uint8Array[], c: Cursor, n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let left = n;
  // Each turn takes the rest of a chunk or ends, so the loop is bounded by the chunk count.
  for (;;) {
    const chunk = chunks[c.chunk];
    if (chunk === undefined) break;
    const avail = chunk.byteLength - c.at;
    if (avail >= left) {
      out.push(chunk.subarray(c.at, c.at + left));
      c.at += left;
      break;
    }
    if (avail > 0) out.push(chunk.subarray(c.at));
    left -= avail;
    c.chunk++;
    c.at = 0;
  }
  return out;
}

function join(pieces: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
