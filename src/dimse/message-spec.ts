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
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}
