import { NetdicomError } from "../util/errors.js";

/** What a decoder learned about a bad command set before giving up: enough to answer it. */
export interface DimseDecodeDetails {
  readonly status?: number | undefined;
  readonly abort?: boolean;
  readonly commandField?: number | undefined;
  readonly messageId?: number | undefined;
  readonly affectedSopClassUid?: string | undefined;
  /** The command said a data set follows (CommandDataSetType != 0101H). */
  readonly hasDataset?: boolean | undefined;
  /** The tag (group << 16 | element) at fault, for the response's Offending Element (0000,0901). */
  readonly offendingElement?: number | undefined;
}

/**
 * A received command set that cannot be used. `status` is the failure status to answer the
 * request with (PS3.7 Annex C) when the standard gives one; `abort` is true when only an A-ABORT
 * fits (the bytes do not decode, the message cannot be identified, or it is a response).
 */
export class DimseDecodeError extends NetdicomError {
  /** "DimseDecodeError": the name of this error class. */
  override readonly name: string = "DimseDecodeError";
  readonly status: number | undefined;
  readonly abort: boolean;
  readonly commandField: number | undefined;
  readonly messageId: number | undefined;
  readonly affectedSopClassUid: string | undefined;
  readonly hasDataset: boolean | undefined;
  readonly offendingElement: number | undefined;
  /** The presentation context the command came on; set by the reassembler. */
  contextId: number | undefined;

  constructor(message: string, details: DimseDecodeDetails = {}, options?: ErrorOptions) {
    super("ERR_DIMSE_DECODE", message, options);
    this.status = details.status;
    this.abort = details.abort ?? details.status === undefined;
    this.commandField = details.commandField;
    this.messageId = details.messageId;
    this.affectedSopClassUid = details.affectedSopClassUid;
    this.hasDataset = details.hasDataset;
    this.offendingElement = details.offendingElement;
    this.contextId = undefined;
  }
}

/** A command set that cannot be encoded as given (a required field missing, a value out of range…). */
export class DimseEncodeError extends NetdicomError {
  /** "DimseEncodeError": the name of this error class. */
  override readonly name: string = "DimseEncodeError";
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_DIMSE_ENCODE", message, options);
  }
}

/**
 * PDVs that break the message structure of PS3.7 6.3.1 / PS3.8 Annex E (data before a command,
 * a command while a data set is expected, a context ID changing mid-message, an oversized
 * command). Only an A-ABORT fits.
 */
export class ReassemblyError extends NetdicomError {
  /** "ReassemblyError": the name of this error class. */
  override readonly name: string = "ReassemblyError";
  readonly abort = true;
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_DIMSE_REASSEMBLY", message, options);
  }
}
