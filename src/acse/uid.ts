// PS3.5 9.1: the syntax every UID in a negotiation must follow.
import { NetdicomError } from "../util/errors.js";

/** A UID or AE parameter of a negotiation item or presentation context that breaks a rule. */
export class NegotiationValueError extends NetdicomError {
  /** "NegotiationValueError": the name of this error class. */
  override readonly name = "NegotiationValueError";
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_NEGOTIATION_VALUE", message, options);
  }
}

// PS3.5 9.1: dot-separated components of digits, no leading zero unless the component is "0".
const UID_SYNTAX = /^(?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))*$/;

/** True when `uid` follows PS3.5 9.1: at most 64 characters, digit components without leading zeros. */
export function isValidUid(uid: string): boolean {
  if (valid.has(uid)) return true;
  const ok = uid.length > 0 && uid.length <= 64 && UID_SYNTAX.test(uid);
  // Every association checks the same few UIDs (its contexts' syntaxes) several times: a set
  // lookup instead of the regular expression once one has passed. Bounded: a peer sending new
  // UIDs only stops the remembering.
  if (ok && valid.size < maxRemembered) valid.add(uid);
  return ok;
}

/** UIDs found valid so far (see {@link isValidUid}). */
const valid = new Set<string>();
const maxRemembered = 1024;

/** Returns `uid` when valid, or throws a {@link NegotiationValueError} naming `what` and the value. */
export function checkUid(uid: unknown, what: string): string {
  if (typeof uid !== "string") throw new NegotiationValueError(`${what} must be a string, got ${typeof uid}`);
  if (uid.length > 64) throw new NegotiationValueError(`${what} "${uid}" is longer than 64 characters`);
  if (!isValidUid(uid)) throw new NegotiationValueError(`${what} "${uid}" is not a valid UID`);
  return uid;
}
