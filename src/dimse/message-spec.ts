import type { CommandKey, DimseCommand } from "./command.js";
import type { CommandFieldValue } from "./command-field.js";

/**
 * What PS3.7 requires of one message type (the "M", "U" and "C" columns of Tables 9.3-1 … 10.3-12
 * for the command elements other than CommandGroupLength, CommandField and CommandDataSetType).
 */
export interface MessageSpec {
  readonly commandField: CommandFieldValue;
  /** Mandatory fields ("M"). */
  readonly required: readonly CommandKey[];
  /** User-option and conditional fields ("U", "C", "U(=)", "C(=)"). */
  readonly optional: readonly CommandKey[];
  /** Whether a data set follows the command: never, always, or at the sender's choice. */
  readonly dataset: "none" | "required" | "optional";
  /** A conditional rule beyond presence, e.g. a Pending C-GET-RSP carries its remaining count; returns the problem. */
  readonly check?: (cmd: DimseCommand) => string | undefined;
}

/**
 * Fields any response may carry to detail its status (PS3.7 Annex C: Error Comment, Error ID,
 * Offending Element, Attribute Identifier List accompany the failure and warning statuses).
 */
export const statusDetailFields: readonly CommandKey[] = [
  "errorComment",
  "errorId",
  "offendingElement",
  "attributeIdentifierList",
];

/** The optional status details of a response builder's parameters. */
export interface StatusDetails {
  readonly errorComment?: string;
  readonly errorId?: number;
  readonly offendingElement?: readonly number[];
  readonly attributeIdentifierList?: readonly number[];
}

/** Drops keys whose value is undefined, so built commands compare equal to decoded ones. */
export function compact<T extends object>(o: T): T {
  // for-in, not Object.entries: no [key, value] array per field (builders run for every message).
  const out: Record<string, unknown> = {};
  for (const k in o) {
    const v = o[k];
    if (v !== undefined) out[k] = v;
  }
  return out as T;
}

/** A command being built: the fields of {@link DimseCommand}, writable. */
export type MutableCommand = { -readonly [K in keyof DimseCommand]: DimseCommand[K] };

/** What every DIMSE-C response builder takes: the request's Message ID, the status, and the SOP class when given. */
export interface ResponseBasics extends StatusDetails {
  readonly messageIdBeingRespondedTo: number;
  readonly status: number;
  readonly affectedSopClassUid?: string;
}

/**
 * A response of `commandField` with the fields every C-xxx-RSP shares: Message ID Being Responded
 * To, Status, the Affected SOP Class UID and the status details when set (built field by field:
 * the SCPs build one per request).
 */
export function responseCommand(
  commandField: CommandFieldValue,
  hasDataset: boolean,
  p: ResponseBasics,
): MutableCommand {
  const rsp: MutableCommand = {
    commandField,
    hasDataset,
    messageIdBeingRespondedTo: p.messageIdBeingRespondedTo,
    status: p.status,
  };
  if (p.affectedSopClassUid !== undefined) rsp.affectedSopClassUid = p.affectedSopClassUid;
  return addStatusDetails(rsp, p);
}

/**
 * Copies the status details that are set from `p` into `rsp` (the response builders answer
 * every request: explicit copies are cheaper than spreading and compacting).
 */
export function addStatusDetails(rsp: MutableCommand, p: StatusDetails): MutableCommand {
  if (p.errorComment !== undefined) rsp.errorComment = p.errorComment;
  if (p.errorId !== undefined) rsp.errorId = p.errorId;
  if (p.offendingElement !== undefined) rsp.offendingElement = p.offendingElement;
  if (p.attributeIdentifierList !== undefined) rsp.attributeIdentifierList = p.attributeIdentifierList;
  return rsp;
}
