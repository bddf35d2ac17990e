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
  if (pdu.type === PduType.PDataTf) {
    // A P-DATA-TF may be as large as the peer allows: written into its own buffer.
    const w = new ByteWriter({ initialSize: 64 });
    encodePDataTf(pdu, w);
    return w.toUint8Array();
  }
  // The other six are small and sent once or twice per association: written into one writer
  // kept for them, then copied once into a shared slab (see `slabCopy`), where a fresh writer
  // made two or three separate buffers (256 bytes, doubled, then the copy) per A-ASSOCIATE PDU.
  const w = scratch;
  w.length = 0;
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
    case PduType.AReleaseRq:
    case PduType.AReleaseRp:
      encodeARelease(pdu, w);
      break;
    case PduType.AAbort:
      encodeAAbort(pdu, w);
      break;
  }
  const out = slabCopy(w.written());
  // A large request (128 contexts, big identity items) must not stay in memory for ever.
  if (w.length > SCRATCH_KEEP) scratch = new ByteWriter({ initialSize: 1024 });
  return out;
}

/** The writer of the non-P-DATA PDUs; encoding is synchronous, so one is enough. */
let scratch = new ByteWriter({ initialSize: 1024 });
/** Above this many bytes the scratch writer is replaced rather than kept. */
const SCRATCH_KEEP = 16 * 1024;

const SLAB_SIZE = 16 * 1024;
let slab = new ArrayBuffer(SLAB_SIZE);
let slabUsed = 0;

/**
 * A copy of `bytes` that owns its memory: a view of a shared 16 KiB slab for small PDUs (as
 * Node's Buffer pool does; a slab is freed once no view of it is left), its own buffer beyond
 * a quarter slab. The slab's views are never written again once handed out.
 */
function slabCopy(bytes: Uint8Array): Uint8Array {
  const n = bytes.byteLength;
  if (n > SLAB_SIZE / 4) return bytes.slice();
  if (slabUsed + n > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    slabUsed = 0;
  }
  const out = new Uint8Array(slab, slabUsed, n);
  out.set(bytes);
  // Keep the next view 8-byte aligned, as typed array views of any element size may want it.
  slabUsed += (n + 7) & ~7;
  return out;
}

/**
 * Decodes exactly one whole PDU (its 6-byte header included). A P-DATA-TF's values are views into
 * `bytes`, so that result aliases the input; an A-ASSOCIATE-RQ/-AC's opaque items are views of a
 * copy, so the input may be reused as soon as this returns. Throws {@link PduDecodeError}
 * carrying the A-ABORT the standard prescribes: reason 1 for an unrecognized PDU type, reason 6
 * for a truncated or inconsistent one (PS3.8 9.3.8).
 */
export function decodePdu(bytes: Uint8Array): Pdu {
  // An SCP is asked for the same association again and again (one SCU, the same contexts), and
  // answers it the same way: the same A-ASSOCIATE-RQ or -AC bytes decode to the same PDU, kept
  // frozen with a copy of its bytes (its views alias that copy, never the caller's buffer).
  const type = bytes[0];
  if (type === PduType.AAssociateRq || type === PduType.AAssociateAc) {
    const last = type === PduType.AAssociateRq ? lastRequest : lastAcceptance;
    if (last !== undefined && last.bytes.byteLength === bytes.byteLength && Buffer.compare(last.bytes, bytes) === 0) {
      return last.pdu;
    }
    // Kept only up to a size any real request fits in (128 contexts and more): a peer's huge one
    // must not stay in memory until the next. Either way the PDU's views alias a copy, never
    // `bytes` (the framers hand out views of memory that the next read overwrites).
    const own = bytes.slice();
    if (bytes.byteLength > KEEP_ASSOCIATE_MAX) return decodeWhole(own);
    const pdu = decodeWhole(own);
    if (pdu.type === PduType.AAssociateRq) lastRequest = { bytes: own, pdu: freezePdu(pdu) };
    else if (pdu.type === PduType.AAssociateAc) lastAcceptance = { bytes: own, pdu: freezePdu(pdu) };
    return pdu;
  }
  return decodeWhole(bytes);
}

/** The largest A-ASSOCIATE-RQ/-AC {@link decodePdu} keeps (bytes). */
const KEEP_ASSOCIATE_MAX = 64 * 1024;

/** The last A-ASSOCIATE-RQ and -AC {@link decodePdu} decoded, frozen, and the bytes each came from. */
let lastRequest: { readonly bytes: Uint8Array; readonly pdu: AAssociateRq } | undefined;
let lastAcceptance: { readonly bytes: Uint8Array; readonly pdu: AAssociateAc } | undefined;

/**
 * Freezes a decoded or assembled PDU's plain objects and arrays (not its byte views), so that
 * one shared by several associations cannot be changed through one of them. Returns `pdu`.
 */
export function freezePdu<T>(pdu: T): T {
  if (typeof pdu !== "object" || pdu === null || ArrayBuffer.isView(pdu) || Object.isFrozen(pdu)) return pdu;
  for (const v of Object.values(pdu)) freezePdu(v);
  return Object.freeze(pdu);
}

function decodeWhole(bytes: Uint8Array): Pdu {
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
