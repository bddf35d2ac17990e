// The largest PDU an association reads from its peer, from the Maximum Length it announced.
import { defaultMaxPduLength } from "../pdu/framer.js";

/**
 * Floor of the limit, for the PDUs that precede or ignore Maximum Length: an A-ASSOCIATE-RQ
 * proposing 128 contexts with a dozen transfer syntaxes each is about 60 KiB.
 */
export const minReceiveLimit = 128 * 1024;

/**
 * The PDU body length (the framer's `maxPduLength`) to accept when `maximumLength` was announced.
 * PS3.8 D.1.1: Maximum Length bounds the variable field of P-DATA-TF PDUs; 0 means no limit, for
 * which the framer's default cap applies. The framer cannot tell PDU types apart before the body
 * arrives, so the limit is never below {@link minReceiveLimit}: a P-DATA-TF between the announced
 * length and the floor is still read (a tighter, per-type check belongs in the framer).
 */
export function receiveLimit(maximumLength: number): number {
  if (!Number.isFinite(maximumLength) || maximumLength <= 0) return defaultMaxPduLength;
  return Math.min(defaultMaxPduLength, Math.max(minReceiveLimit, maximumLength));
}
