// The largest PDU an association reads from its peer, from the Maximum Length it announced.
import { defaultMaxPduLength } from "../pdu/framer.js";

/**
 * Floor of the limit, for the PDUs that precede or ignore Maximum Length: an A-ASSOCIATE-RQ
 * proposing 128 contexts with a dozen transfer syntaxes each is about 60 KiB.
 */
export const minReceiveLimit = 128 * 1024;

/**
 * The PDU body length (the framer's `maxPduLength`) to accept when `maximumLength` was announced.
 * This is the cap for every PDU type; 0 means no limit, for which the framer's default cap applies.
 * It is never below {@link minReceiveLimit}, since association PDUs are not bounded by Maximum
 * Length. P-DATA-TFs get the exact check (PS3.8 D.1.1: Maximum Length bounds their variable field)
 * from the provider, which tells the framer what this side announced.
 */
export function receiveLimit(maximumLength: number): number {
  if (!Number.isFinite(maximumLength) || maximumLength <= 0) return defaultMaxPduLength;
  return Math.min(defaultMaxPduLength, Math.max(minReceiveLimit, maximumLength));
}
