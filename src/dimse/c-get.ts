// PS3.7 9.3.3: the C-GET-RQ and C-GET-RSP command sets.

import type { DimseCommand } from "./command.js";
import { CommandField, Priority } from "./command-field.js";
import { compact, type MessageSpec, type StatusDetails, statusDetailFields } from "./message-spec.js";
import { checkPendingRemaining, type SuboperationCounts, suboperationFields } from "./retrieve-common.js";

/** C-GET-RQ: the identifier follows as the data set. */
export const cGetRqSpec: MessageSpec = {
  commandField: CommandField.C_GET_RQ,
  required: ["messageId", "affectedSopClassUid", "priority"],
  optional: [],
  dataset: "required",
};

/** C-GET-RSP: sub-operation counts; a data set (Failed SOP Instance UID List) may follow on failure, warning or cancel. */
export const cGetRspSpec: MessageSpec = {
  commandField: CommandField.C_GET_RSP,
  required: ["messageIdBeingRespondedTo", "status"],
  optional: ["affectedSopClassUid", ...suboperationFields, ...statusDetailFields],
  dataset: "optional",
  check: checkPendingRemaining,
};

/** Parameters of {@link cGetRq}. `priority` defaults to Medium. */
export interface CGetRqParams {
  readonly messageId: number;
  readonly affectedSopClassUid: string;
  readonly priority?: number;
}

/** Builds a C-GET-RQ (the identifier follows). */
export function cGetRq(p: CGetRqParams): DimseCommand {
  return compact({
    ...p,
    commandField: CommandField.C_GET_RQ,
    hasDataset: true,
    priority: p.priority ?? Priority.Medium,
  });
}

/** Parameters of {@link cGetRsp}. `hasDataset` defaults to false. */
export interface CGetRspParams extends StatusDetails, SuboperationCounts {
  readonly messageIdBeingRespondedTo: number;
  readonly status: number;
  readonly affectedSopClassUid?: string;
  readonly hasDataset?: boolean;
}

/** Builds a C-GET-RSP. */
export function cGetRsp(p: CGetRspParams): DimseCommand {
  return compact({ ...p, commandField: CommandField.C_GET_RSP, hasDataset: p.hasDataset ?? false });
}
