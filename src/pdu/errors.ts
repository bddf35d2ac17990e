import { NetdicomError } from "../util/errors.js";

/** The A-ABORT a receiver sends in answer to a bad PDU (PS3.8 9.3.8, Table 9-26). */
export interface AbortParameters {
  readonly source: number;
  readonly reason: number;
}

/** A-ABORT reasons when the source is the service provider (PS3.8 Table 9-26). */
export const AbortReason = {
  NotSpecified: 0,
  UnrecognizedPdu: 1,
  UnexpectedPdu: 2,
  UnrecognizedPduParameter: 4,
  UnexpectedPduParameter: 5,
  InvalidPduParameterValue: 6,
} as const;

/**
 * A PDU that cannot be decoded. `offset` is the byte (from the start of the PDU or stream) where
 * decoding failed; `abort` is the A-ABORT the standard prescribes in answer, so the state machine
 * replies without re-deciding (PS3.8 9.3.8: service-provider source 2).
 */
export class PduDecodeError extends NetdicomError {
  /** "PduDecodeError": the name of this error class. */
  override readonly name: string = "PduDecodeError";
  readonly offset: number;
  readonly abort: AbortParameters;

  constructor(
    message: string,
    offset: number,
    abort: AbortParameters = { source: 2, reason: AbortReason.InvalidPduParameterValue },
    options?: ErrorOptions & { code?: string },
  ) {
    super(options?.code ?? "ERR_PDU_INVALID", `${message} at byte ${offset}`, options);
    this.offset = offset;
    this.abort = abort;
  }
}

/** A PDU whose length field exceeds the receiver's limit; thrown by the framer before buffering its body. */
export class PduTooLargeError extends PduDecodeError {
  /** "PduTooLargeError": the name of this error class. */
  override readonly name: string = "PduTooLargeError";
  /** The PDU body length announced by the peer. */
  readonly length: number;
  /** The largest body length the framer accepts. */
  readonly maxPduLength: number;

  constructor(length: number, maxPduLength: number, offset: number) {
    super(
      `PDU length ${length} exceeds the maximum of ${maxPduLength}`,
      offset,
      { source: 2, reason: AbortReason.InvalidPduParameterValue },
      { code: "ERR_PDU_TOO_LARGE" },
    );
    this.length = length;
    this.maxPduLength = maxPduLength;
  }
}

/** A PDU that cannot be encoded as given (a field too long for its length field, an AE title over 16 bytes…). */
export class PduEncodeError extends NetdicomError {
  /** "PduEncodeError": the name of this error class. */
  override readonly name: string = "PduEncodeError";
  constructor(message: string) {
    super("ERR_PDU_ENCODE", message);
  }
}
