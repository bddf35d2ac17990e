// Entry points over all seven PDUs: encode, decode one whole PDU, describe for logs.
import { ByteReader } from "../util/byte-reader.js";
import { ByteWriter } from "../util/byte-writer.js";
import { type AAbort, decodeAAbort, describeAAbort, encodeAAbort } from "./a-abort.js";
import { type AAssociateAc, decodeAAssociateAc, describeAAssociateAc, encodeAAssociateAc } from "./a-associate-ac.js";
import { type AAssociateRj, decodeAAssociateRj, describeAAssociateRj, encodeAAssociateRj } from "./a-associate-rj.js";
import { type AAssociateRq, decodeAAssociateRq, describeAAssociateRq, encodeAAssociateRq } from "./a-associate-rq.js";
import {
  type AReleaseRp,
  type AReleaseRq,
  decodeAReleaseRp,
  decodeAReleaseRq,
  describeARelease,
  encodeARelease,
} from "./a-release.js";
import { AbortReason, PduDecodeError } from "./errors.js";
import { toDecodeError } from "./fields.js";
import { decodePDataTf, decodePDataTfItems, describePDataTf, encodePDataTf, type PDataTf } from "./p-data-tf.js";
import { PduType } from "./pdu-type.js";

/** Any of the seven PDUs; `switch (pdu.type)` narrows. */
export type Pdu = AAssociateRq | AAssociateAc | AAssociateRj | PDataTf | AReleaseRq | AReleaseRp | AAbort;

/** Size of the PDU header: type, reserved byte, 32-bit body length (PS3.8 9.3.1). */
export const pduHeaderLength = 6;

/** Encodes a PDU, header included. Throws {@link PduEncodeError} when a field does not fit. */
export function encodePdu(pdu: Pdu): Uint8Array {
  // A-RELEASE, A-ABORT and A-ASSOCIATE-RJ are 10 bytes; a small array lives on V8's heap, a
  // larger one (over 64 bytes) is a separate allocation that costs more to make and collect.
  const fixed = pdu.type >= PduType.AReleaseRq || pdu.type === PduType.AAssociateRj;
  const w = new ByteWriter({ initialSize: fixed ? 10 : pdu.type === PduType.PDataTf ? 64 : 256 });
  switch (pdu.type) {
    case PduType.AAssociateRq:
      encodeAAssociateRq(pdu, w);
      break;
    case PduType.AAssociateAc:
      encodeAAssociateAc(pdu, w);
      break;
    case PduType.AAssociateRj:
      encodeAAssociateRj(pdu, w);
      break;
    case PduType.PDataTf:
      encodePDataTf(pdu, w);
      break;
    case PduType.AReleaseRq:
    case PduType.AReleaseRp:
      encodeARelease(pdu, w);
      break;
    case PduType.AAbort:
      encodeAAbort(pdu, w);
      break;
  }
  return w.toUint8Array();
}

/**
 * Decodes exactly one whole PDU (its 6-byte header included). Views into `bytes` are returned for
 * P-DATA values and opaque items, so the result aliases the input. Throws {@link PduDecodeError}
 * carrying the A-ABORT the standard prescribes: reason 1 for an unrecognized PDU type, reason 6
 * for a truncated or inconsistent one (PS3.8 9.3.8).
 */
export function decodePdu(bytes: Uint8Array): Pdu {
  // The PDU that comes by the thousand: read without a reader object (same checks, same errors).
  if (bytes.byteLength >= 6 && bytes[0] === PduType.PDataTf) {
    const length =
      (bytes[2] as number) * 0x1000000 +
      (((bytes[3] as number) << 16) | ((bytes[4] as number) << 8) | (bytes[5] as number));
    if (length === bytes.byteLength - 6) return decodePDataTfItems(bytes, 6);
  }
  const r = new ByteReader(bytes);
  try {
    const type = r.u8();
    r.skip(1); // reserved, not tested (PS3.8 9.3.1)
    const length = r.u32();
    if (type < PduType.AAssociateRq || type > PduType.AAbort) {
      throw new PduDecodeError(`unrecognized PDU type 0x${type.toString(16).padStart(2, "0")}`, 0, {
        source: 2,
        reason: AbortReason.UnrecognizedPdu,
      });
    }
    if (length !== r.remaining) {
      throw new PduDecodeError(
        `PDU length field ${length} disagrees with the ${r.remaining} bytes after the header`,
        2,
      );
    }
    switch (type) {
      case PduType.AAssociateRq:
        return decodeAAssociateRq(r);
      case PduType.AAssociateAc:
        return decodeAAssociateAc(r);
      case PduType.AAssociateRj:
        return decodeAAssociateRj(r);
      case PduType.PDataTf:
        return decodePDataTf(r);
      case PduType.AReleaseRq:
        return decodeAReleaseRq(r);
      case PduType.AReleaseRp:
        return decodeAReleaseRp(r);
      default:
        return decodeAAbort(r);
    }
  } catch (err) {
    throw toDecodeError(err);
  }
}

/** A readable multi-line rendering of a PDU for debug logs; never shows passcodes or tokens. */
export function describePdu(pdu: Pdu): string[] {
  switch (pdu.type) {
    case PduType.AAssociateRq:
      return describeAAssociateRq(pdu);
    case PduType.AAssociateAc:
      return describeAAssociateAc(pdu);
    case PduType.AAssociateRj:
      return describeAAssociateRj(pdu);
    case PduType.PDataTf:
      return describePDataTf(pdu);
    case PduType.AReleaseRq:
    case PduType.AReleaseRp:
      return describeARelease(pdu);
    case PduType.AAbort:
      return describeAAbort(pdu);
  }
}
