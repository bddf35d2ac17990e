// Errors a service operation can end with when the peer gave no answer (STYLE.md: a DIMSE
// failure status is a result, not an exception).
import { NetdicomError } from "../util/errors.js";

/** No accepted presentation context lets this side use the SOP class in the wanted role. */
export class NoPresentationContextError extends NetdicomError {
  override readonly name = "NoPresentationContextError";
  constructor(
    /** The SOP class (or meta SOP class) UID that no accepted context carries. */
    readonly abstractSyntax: string,
    /** The role this side needed: "scu" to send the request, "scp" to answer it. */
    readonly role: "scu" | "scp",
    detail: string,
  ) {
    super("ERR_NO_PRESENTATION_CONTEXT", `no accepted presentation context for ${detail} as ${role.toUpperCase()}`);
  }
}

/** No response arrived within the DIMSE timeout; the association has been aborted. */
export class DimseTimeoutError extends NetdicomError {
  override readonly name = "TimeoutError";
  constructor(
    /** The DIMSE timeout that expired (ms). */
    readonly timeoutMs: number,
  ) {
    super("ERR_TIMEOUT", `dimse timer expired after ${timeoutMs} ms without a response; the association was aborted`);
  }
}

/** The association is not established (never was, or has ended), so nothing can be sent on it. */
export class AssociationNotEstablishedError extends NetdicomError {
  override readonly name = "AssociationNotEstablishedError";
  constructor(state: string) {
    super("ERR_NOT_ESTABLISHED", `the association is ${state}, not established`);
  }
}
