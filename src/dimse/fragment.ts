// PS3.8 9.3.5 and Annex E: a command set or data set travels as one or more PDV fragments.
import { DimseEncodeError } from "./errors.js";

/** Fragment size used when the peer sets no maximum PDU length (0): 1 MiB. */
export const defaultUnlimitedChunk = 1024 * 1024;

/**
 * The largest PDV data a peer accepts: its maximum PDU length less the 6 bytes of PDV item length,
 * context ID and message control header that the PDU length counts too (PS3.8 9.3.5, 9.3.5.1), or
 * `unlimitedChunk` when the peer announced 0 (no limit, PS3.8 D.1).
 */
export function maxPdvDataLength(maxPduLength: number, unlimitedChunk = defaultUnlimitedChunk): number {
  if (!Number.isInteger(unlimitedChunk) || unlimitedChunk < 1)
    throw new DimseEncodeError(`unlimited chunk size ${unlimitedChunk} must be a positive integer`);
  if (maxPduLength === 0) return unlimitedChunk;
  if (!Number.isInteger(maxPduLength) || maxPduLength < 7 || maxPduLength > 0xffffffff)
    throw new DimseEncodeError(`max PDU length ${maxPduLength} leaves no room for PDV data`);
  return maxPduLength - 6;
}

/**
 * Splits `bytes` into PDV data pieces that fit a peer's maximum PDU length (see
 * {@link maxPdvDataLength}). Empty input gives one empty piece: a message part is always sent as
 * at least one PDV, the last one flagged as such. The pieces are subarray views of `bytes`, not copies.
 */
export function fragment(
  bytes: Uint8Array,
  maxPduLength: number,
  unlimitedChunk = defaultUnlimitedChunk,
): Uint8Array[] {
  const size = maxPdvDataLength(maxPduLength, unlimitedChunk);
  if (bytes.byteLength <= size) return [bytes];
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < bytes.byteLength; at += size)
    pieces.push(bytes.subarray(at, Math.min(at + size, bytes.byteLength)));
  return pieces;
}
