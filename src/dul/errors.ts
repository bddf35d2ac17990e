import { NetdicomError } from "../util/errors.js";

/** PS3.8 9.3.8: the source field of an A-ABORT PDU. */
export const AbortSource = { ServiceUser: 0, Reserved: 1, ServiceProvider: 2 } as const;

/** The association was aborted, by the peer (A-ABORT PDU), locally, or by the service-provider. */
export class AssociationAbortedError extends NetdicomError {
  /** "AssociationAbortedError": the name of this error class. */
  override readonly name = "AssociationAbortedError";
  constructor(
    /** PS3.8 9.3.8: 0 service-user, 2 service-provider. */
    readonly source: number,
    /** PS3.8 9.3.8: meaningful when `source` is 2. */
    readonly reason: number,
    /** Who aborted: the remote peer, or this side (locally requested or provider-detected). */
    readonly by: "peer" | "local",
    options?: ErrorOptions,
  ) {
    super(
      "ERR_ASSOCIATION_ABORTED",
      `association aborted by the ${by === "peer" ? "peer" : "local side"} (source ${source}, reason ${reason})`,
      options,
    );
  }
}

/** A timer ran out: ARTIM (PS3.8 9.1.5), the idle (network) timer or the connection timeout. */
export class TimeoutError extends NetdicomError {
  /** "TimeoutError": the name of this error class. */
  override readonly name: string = "TimeoutError";
  constructor(
    /** Which timer ran out. */
    readonly timer: "artim" | "idle" | "connect",
    /** Its duration (ms). */
    readonly timeoutMs: number,
    options?: ErrorOptions,
  ) {
    super("ERR_TIMEOUT", `${timer} timer expired after ${timeoutMs} ms`, options);
  }
}

/** The ARTIM timer expired (PS3.8 9.1.5: Evt18). */
export class ArtimTimeoutError extends TimeoutError {
  /** "ArtimTimeoutError": the name of this error class. */
  override readonly name = "ArtimTimeoutError";
  constructor(timeoutMs: number, options?: ErrorOptions) {
    super("artim", timeoutMs, options);
  }
}

/** The transport connection closed or failed before the operation could complete. */
export class TransportClosedError extends NetdicomError {
  /** "TransportClosedError": the name of this error class. */
  override readonly name = "TransportClosedError";
  constructor(message = "transport connection closed", options?: ErrorOptions) {
    super("ERR_TRANSPORT_CLOSED", message, options);
  }
}

/** A service primitive was issued in a state that does not allow it (an empty cell of PS3.8 Table 9-10). */
export class InvalidStateError extends NetdicomError {
  /** "InvalidStateError": the name of this error class. */
  override readonly name = "InvalidStateError";
  constructor(
    readonly state: string,
    readonly event: string,
    options?: ErrorOptions,
  ) {
    super("ERR_INVALID_STATE", `${event} is not allowed in ${state}`, options);
  }
}
