// PS3.7 9.3.4: the C-MOVE-RQ and C-MOVE-RSP command sets.

import type { DimseCommand } from "./command.js";
import { CommandField, Priority } from "./command-field.js";
import { compact, type MessageSpec, type StatusDetails, statusDetailFields } from "./message-spec.js";
import { checkPendingRemaining, type SuboperationCounts, suboperationFields } from "./retrieve-common.js";

/** C-MOVE-RQ: Move Destination names the AE that receives the C-STOREs; the identifier follows. */
export const cMoveRqSpec: MessageSpec = {
  commandField: CommandField.C_MOVE_RQ,
  required: ["messageId", "affectedSopClassUid", "priority", "moveDestination"],
  optional: [],
  dataset: "required",
};

/** C-MOVE-RSP: as C-GET-RSP. */
export const cMoveRspSpec: MessageSpec = {
  commandField: CommandField.C_MOVE_RSP,
  required: ["messageIdBeingRespondedTo", "status"],
  optional: ["affectedSopClassUid", ...suboperationFields, ...statusDetailFields],
  dataset: "optional",
  check: checkPendingRemaining,
};

/** Parameters of {@link cMoveRq}. `priority` defaults to Medium. */
export interface CMoveRqParams {
  readonly messageId: number;
  readonly affectedSopClassUid: string;
  readonly moveDestination: string;
  readonly priority?: number;
}

/** Builds a C-MOVE-RQ (the identifier follows). */
export function cMoveRq(p: CMoveRqParams): DimseCommand {
  return compact({
    ...p,
    commandField: CommandField.C_MOVE_RQ,
    hasDataset: true,
    priority: p.priority ?? Priority.Medium,
  });
}

/** Parameters of {@link cMoveRsp}. `hasDataset` defaults to false. */
export interface CMoveRspParams extends StatusDetails, SuboperationCounts {
  readonly messageIdBeingRespondedTo: number;
  readonly status: number;
  readonly affectedSopClassUid?: string;
  readonly hasDataset?: boolean;
}

/** Builds a C-MOVE-RSP. */
export function cMoveRsp(p: CMoveRspParams): DimseCommand {
  return compact({ ...p, commandField: CommandField.C_MOVE_RSP, hasDataset: p.hasDataset ?? false });
}
