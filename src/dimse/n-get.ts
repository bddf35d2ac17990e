// PS3.7 10.3.2: N-GET-RQ (Table 10.3-3) and N-GET-RSP (Table 10.3-4).

import type { DimseCommand } from "./command.js";
import { CommandField } from "./command-field.js";
import { compact, type MessageSpec, type StatusDetails, statusDetailFields } from "./message-spec.js";

/** N-GET-RQ: the attributes wanted are listed in the command (empty list or absent = all); no data set. */
export const nGetRqSpec: MessageSpec = {
  commandField: CommandField.N_GET_RQ,
  required: ["messageId", "requestedSopClassUid", "requestedSopInstanceUid"],
  optional: ["attributeIdentifierList"],
  dataset: "none",
};

/** N-GET-RSP: the Attribute List follows on success or warning. */
export const nGetRspSpec: MessageSpec = {
  commandField: CommandField.N_GET_RSP,
  required: ["messageIdBeingRespondedTo", "status"],
  optional: ["affectedSopClassUid", "affectedSopInstanceUid", ...statusDetailFields],
  dataset: "optional",
};

/** Parameters of {@link nGetRq}. */
export interface NGetRqParams {
  readonly messageId: number;
  readonly requestedSopClassUid: string;
  readonly requestedSopInstanceUid: string;
  /** Tags (group << 16 | element) of the attributes wanted. */
  readonly attributeIdentifierList?: readonly number[];
}

/** Builds an N-GET-RQ. */
export function nGetRq(p: NGetRqParams): DimseCommand {
  return compact({ ...p, commandField: CommandField.N_GET_RQ, hasDataset: false });
}

/** Parameters of {@link nGetRsp}. */
export interface NGetRspParams extends StatusDetails {
  readonly messageIdBeingRespondedTo: number;
  readonly status: number;
  readonly affectedSopClassUid?: string;
  readonly affectedSopInstanceUid?: string;
  /** The Attribute List follows (default false). */
  readonly hasDataset?: boolean;
}

/** Builds an N-GET-RSP. */
export function nGetRsp(p: NGetRspParams): DimseCommand {
  return compact({ ...p, commandField: CommandField.N_GET_RSP, hasDataset: p.hasDataset ?? false });
}
