// PS3.7 10.3.6: N-DELETE-RQ (Table 10.3-11) and N-DELETE-RSP (Table 10.3-12).

import type { DimseCommand } from "./command.js";
import { CommandField } from "./command-field.js";
import { compact, type MessageSpec, type StatusDetails, statusDetailFields } from "./message-spec.js";

/** N-DELETE-RQ: no data set. */
export const nDeleteRqSpec: MessageSpec = {
  commandField: CommandField.N_DELETE_RQ,
  required: ["messageId", "requestedSopClassUid", "requestedSopInstanceUid"],
  optional: [],
  dataset: "none",
};

/** N-DELETE-RSP: no data set. */
export const nDeleteRspSpec: MessageSpec = {
  commandField: CommandField.N_DELETE_RSP,
  required: ["messageIdBeingRespondedTo", "status"],
  optional: ["affectedSopClassUid", "affectedSopInstanceUid", ...statusDetailFields],
  dataset: "none",
};

/** Parameters of {@link nDeleteRq}. */
export interface NDeleteRqParams {
  readonly messageId: number;
  readonly requestedSopClassUid: string;
  readonly requestedSopInstanceUid: string;
}

/** Builds an N-DELETE-RQ. */
export function nDeleteRq(p: NDeleteRqParams): DimseCommand {
  return compact({ ...p, commandField: CommandField.N_DELETE_RQ, hasDataset: false });
}

/** Parameters of {@link nDeleteRsp}. */
export interface NDeleteRspParams extends StatusDetails {
  readonly messageIdBeingRespondedTo: number;
  readonly status: number;
  readonly affectedSopClassUid?: string;
  readonly affectedSopInstanceUid?: string;
}

/** Builds an N-DELETE-RSP. */
export function nDeleteRsp(p: NDeleteRspParams): DimseCommand {
  return compact({ ...p, commandField: CommandField.N_DELETE_RSP, hasDataset: false });
}
