// PS3.7 10.3.5: N-CREATE-RQ (Table 10.3-9) and N-CREATE-RSP (Table 10.3-10).

import type { DimseCommand } from "./command.js";
import { CommandField } from "./command-field.js";
import { compact, type MessageSpec, type StatusDetails, statusDetailFields } from "./message-spec.js";

/** N-CREATE-RQ: the instance UID may be left to the performer; the Attribute List may follow. */
export const nCreateRqSpec: MessageSpec = {
  commandField: CommandField.N_CREATE_RQ,
  required: ["messageId", "affectedSopClassUid"],
  optional: ["affectedSopInstanceUid"],
  dataset: "optional",
};

/** N-CREATE-RSP: carries the instance UID when the request did not (PS3.7 10.1.5.1.4); the Attribute List may follow. */
export const nCreateRspSpec: MessageSpec = {
  commandField: CommandField.N_CREATE_RSP,
  required: ["messageIdBeingRespondedTo", "status"],
  optional: ["affectedSopClassUid", "affectedSopInstanceUid", ...statusDetailFields],
  dataset: "optional",
};

/** Parameters of {@link nCreateRq}. */
export interface NCreateRqParams {
  readonly messageId: number;
  readonly affectedSopClassUid: string;
  readonly affectedSopInstanceUid?: string;
  /** The Attribute List follows (default true). */
  readonly hasDataset?: boolean;
}

/** Builds an N-CREATE-RQ. */
export function nCreateRq(p: NCreateRqParams): DimseCommand {
  return compact({ ...p, commandField: CommandField.N_CREATE_RQ, hasDataset: p.hasDataset ?? true });
}

/** Parameters of {@link nCreateRsp}. */
export interface NCreateRspParams extends StatusDetails {
  readonly messageIdBeingRespondedTo: number;
  readonly status: number;
  readonly affectedSopClassUid?: string;
  readonly affectedSopInstanceUid?: string;
  /** The Attribute List follows (default false). */
  readonly hasDataset?: boolean;
}

/** Builds an N-CREATE-RSP. */
export function nCreateRsp(p: NCreateRspParams): DimseCommand {
  return compact({ ...p, commandField: CommandField.N_CREATE_RSP, hasDataset: p.hasDataset ?? false });
}
