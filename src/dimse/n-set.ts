// PS3.7 10.3.3: N-SET-RQ (Table 10.3-5) and N-SET-RSP (Table 10.3-6).

import type { DimseCommand } from "./command.js";
import { CommandField } from "./command-field.js";
import { compact, type MessageSpec, type StatusDetails, statusDetailFields } from "./message-spec.js";

/** N-SET-RQ: the Modification List follows as the data set. */
export const nSetRqSpec: MessageSpec = {
  commandField: CommandField.N_SET_RQ,
  required: ["messageId", "requestedSopClassUid", "requestedSopInstanceUid"],
  optional: [],
  dataset: "required",
};

/** N-SET-RSP: the Attribute List may follow. */
export const nSetRspSpec: MessageSpec = {
  commandField: CommandField.N_SET_RSP,
  required: ["messageIdBeingRespondedTo", "status"],
  optional: ["affectedSopClassUid", "affectedSopInstanceUid", ...statusDetailFields],
  dataset: "optional",
};

/** Parameters of {@link nSetRq}. */
export interface NSetRqParams {
  readonly messageId: number;
  readonly requestedSopClassUid: string;
  readonly requestedSopInstanceUid: string;
}

/** Builds an N-SET-RQ (the Modification List follows). */
export function nSetRq(p: NSetRqParams): DimseCommand {
  return compact({ ...p, commandField: CommandField.N_SET_RQ, hasDataset: true });
}

/** Parameters of {@link nSetRsp}. */
export interface NSetRspParams extends StatusDetails {
  readonly messageIdBeingRespondedTo: number;
  readonly status: number;
  readonly affectedSopClassUid?: string;
  readonly affectedSopInstanceUid?: string;
  /** The Attribute List follows (default false). */
  readonly hasDataset?: boolean;
}

/** Builds an N-SET-RSP. */
export function nSetRsp(p: NSetRspParams): DimseCommand {
  return compact({ ...p, commandField: CommandField.N_SET_RSP, hasDataset: p.hasDataset ?? false });
}
