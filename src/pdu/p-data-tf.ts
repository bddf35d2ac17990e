// PS3.8 9.3.5 and Annex E: the P-DATA-TF PDU and its Presentation Data Value items.
import type { ByteReader } from "../util/byte-reader.js";
import type { ByteWriter } from "../util/byte-writer.js";
import { OutOfBoundsError } from "../util/errors.js";
import { PduDecodeError, PduEncodeError } from "./errors.js";
import { PduType } from "./pdu-type.js";

/** One fragment of a command set or dataset. */
export interface PresentationDataValue {
  readonly contextId: number;
  /** Message control header bit 0 (PS3.8 E.2). */
  readonly isCommand: boolean;
  /** Message control header bit 1: the last fragment of the command or dataset. */
  readonly isLast: boolean;
  /** Aliases the decoded input. */
  readonly data: Uint8Array;
}

/** A PDU carrying one or more presentation data values. */
export interface PDataTf {
  readonly type: typeof PduType.PDataTf;
  readonly values: readonly PresentationDataValue[];
}

/** The 12-byte header of a single-PDV P-DATA-TF: PDU header, PDV length, context ID, control header. */
export const pDataTfHeaderLength = 12;

function controlHeader(isCommand: boolean, isLast: boolean): number {
  return (isCommand ? 1 : 0) | (isLast ? 2 : 0);
}

/** Writes a whole P-DATA-TF PDU. */
export function encodePDataTf(pdu: PDataTf, w: ByteWriter): void {
  let length = 0;
  for (const v of pdu.values) length += 6 + v.data.byteLength;
  if (length > 0xffffffff) throw new PduEncodeError(`P-DATA-TF of ${length} bytes is too long`);
  w.u8(PduType.PDataTf).u8(0).u32(length);
  for (const v of pdu.values) {
    w.u32(2 + v.data.byteLength)
      .u8(v.contextId)
      .u8(controlHeader(v.isCommand, v.isLast))
      .bytes(v.data);
  }
}

/**
 * The 12 bytes that precede a single-PDV P-DATA-TF's data: PDU header (type 4, length 6+len), PDV
 * item length (2+len), context ID, message control header. Lets the sender write header and
 * payload separately without copying the payload.
 */
export function pDataTfHeader(contextId: number, isCommand: boolean, isLast: boolean, dataLength: number): Uint8Array {
  // A small array on the V8 heap: a DataView would move it off the heap.
  const h = new Uint8Array(pDataTfHeaderLength);
  writePDataTfHeader(h, 0, contextId, isCommand, isLast, dataLength);
  return h;
}

/**
 * Writes the 12-byte header of a single-PDV P-DATA-TF (see {@link pDataTfHeader}) into `out` at
 * `at`, for encoders that put the PDU and its data in one buffer (a command set, PS3.7 6.3.1).
 */
export function writePDataTfHeader(
  out: Uint8Array,
  at: number,
  contextId: number,
  isCommand: boolean,
  isLast: boolean,
  dataLength: number,
): void {
  if (dataLength < 0 || dataLength > 0xffffffff - 6)
    throw new PduEncodeError(`PDV length ${dataLength} is out of range`);
  // Byte stores, big endian (PS3.8 9.3.1).
  const pduLength = 6 + dataLength;
  const itemLength = 2 + dataLength;
  out[at] = PduType.PDataTf;
  out[at + 1] = 0;
  out[at + 2] = pduLength >>> 24;
  out[at + 3] = (pduLength >>> 16) & 0xff;
  out[at + 4] = (pduLength >>> 8) & 0xff;
  out[at + 5] = pduLength & 0xff;
  out[at + 6] = itemLength >>> 24;
  out[at + 7] = (itemLength >>> 16) & 0xff;
  out[at + 8] = (itemLength >>> 8) & 0xff;
  out[at + 9] = itemLength & 0xff;
  out[at + 10] = contextId;
  out[at + 11] = controlHeader(isCommand, isLast);
}

/**
 * Reads a P-DATA-TF body. The data of each value is a view of the input, not a copy.
 * PS3.8 E.2: bits 2–7 of the message control header are reserved and not tested.
 */
export function decodePDataTf(r: ByteReader): PDataTf {
  const n = r.remaining;
  const start = r.position;
  const pdu = decodePDataTfItems(r.bytesView(n), 0, start);
  return pdu;
}

/** The error a read of `wanted` bytes at `at` with `available` left gives (as ByteReader's would). */
function truncatedField(at: number, wanted: number, available: number): PduDecodeError {
  const cause = new OutOfBoundsError(at, wanted, available);
  return new PduDecodeError(`truncated field: ${cause.message}`, at, undefined, { cause });
}

/**
 * Reads the PDV items of a P-DATA-TF from `bytes[from…]` to its end, with explicit bounds checks
 * (no reader object: every received PDU goes through here). Offsets in errors are counted from
 * `base` for `bytes[0]`. The data of each value is a view of `bytes`.
 * PS3.8 E.2: bits 2–7 of the message control header are reserved and not tested.
 */
export function decodePDataTfItems(bytes: Uint8Array, from: number, base = 0): PDataTf {
  const values: PresentationDataValue[] = [];
  const end = bytes.byteLength;
  let at = from;
  while (at < end) {
    if (end - at < 4) throw truncatedField(base + at, 4, end - at);
    const length =
      (bytes[at] as number) * 0x1000000 +
      (((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number));
    // PS3.8 9.3.5: the item length counts the context ID and control header, so it is at least 2.
    if (length < 2) throw new PduDecodeError(`PDV item length ${length} is below the minimum of 2`, base + at);
    const item = at + 4;
    if (length > end - item) throw truncatedField(base + item, length, end - item);
    const mch = bytes[item + 1] as number;
    values.push({
      contextId: bytes[item] as number,
      isCommand: (mch & 1) !== 0,
      isLast: (mch & 2) !== 0,
      data: bytes.subarray(item + 2, item + length),
    });
    at = item + length;
  }
  return { type: PduType.PDataTf, values };
}

/** Log lines for a P-DATA-TF: one per value, without the data. */
export function describePDataTf(pdu: PDataTf): string[] {
  return [
    `P-DATA-TF (${pdu.values.length} PDV${pdu.values.length === 1 ? "" : "s"})`,
    ...pdu.values.map(
      (v) =>
        `  PDV: context ID ${v.contextId}, ${v.isCommand ? "command" : "dataset"}, ${v.isLast ? "last" : "more"} fragment, ${v.data.byteLength} bytes`,
    ),
  ];
}
