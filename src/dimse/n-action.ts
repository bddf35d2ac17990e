// PS3.7 10.3.4: N-ACTION-RQ (Table 10.3-7) and N-ACTION-RSP (Table 10.3-8).

import type { DimseCommand } from "./command.js";
import { CommandField } from "./command-field.js";
import { compact, type MessageSpec, type StatusDetails, statusDetailFields } from "./message-spec.js";

/** N-ACTION-RQ: the Action Information may follow as the data set. */
export const nActionRqSpec: MessageSpec = {
  commandField: CommandField.N_ACTION_RQ,
  required: ["messageId", "requestedSopClassUid", "requestedSopInstanceUid", "actionTypeId"],
  optional: [],
  dataset: "optional",
};

/** N-ACTION-RSP: the Action Reply may follow. */
export const nActionRspSpec: MessageSpec = {
  commandField: CommandField.N_ACTION_RSP,
  required: ["messageIdBeingRespondedTo", "status"],
  optional: ["affectedSopClassUid", "affectedSopInstanceUid", "actionTypeId", ...statusDetailFields],
  dataset: "optional",
};

/** Parameters of {@link nActionRq}. */
export interface NActionRqParams {
  readonly messageId: number;
  readonly requestedSopClassUid: string;
  readonly requestedSopInstanceUid: string;
  readonly actionTypeId: number;
  /** Action Information follows (default false). */
  readonly hasDataset?: boolean;
}

/** Builds an N-ACTION-RQ. */
export function nActionRq(p: NActionRqParams): DimseCommand {
  return compact({ ...p, commandField: CommandField.N_ACTION_RQ, hasDataset: p.hasDataset ?? false });
}

/** Parameters of {@link nActionRsp}. */
export interface NActionRspParams extends StatusDetails {
  readonly messageIdBeingRespondedTo: number;
  readonly status: number;
  readonly affectedSopClassUid?: string;
  readonly affectedSopInstanceUid?: string;
  readonly actionTypeId?: number;
  /** Action Reply follows (default false). */
  readonly hasDataset?: boolean;
}

/** Builds an N-ACTION-RSP. */
export function nActionRsp(p: NActionRspParams): DimseCommand {
  return compact({ ...p, commandField: CommandField.N_ACTION_RSP, hasDataset: p.hasDataset ?? false });
}
