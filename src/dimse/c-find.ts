// PS3.7 9.3.2: C-FIND-RQ (Table 9.3-3) and C-FIND-RSP (Table 9.3-4).

import type { DimseCommand } from "./command.js";
import { CommandField, Priority } from "./command-field.js";
import { compact, type MessageSpec, responseCommand, type StatusDetails, statusDetailFields } from "./message-spec.js";

/** C-FIND-RQ: the identifier follows as the data set. */
export const cFindRqSpec: MessageSpec = {
  commandField: CommandField.C_FIND_RQ,
  required: ["messageId", "affectedSopClassUid", "priority"],
  optional: [],
  dataset: "required",
};

/** C-FIND-RSP: a Pending response carries the matching identifier (PS3.7 9.1.2.1.6); the final one none. */
export const cFindRspSpec: MessageSpec = {
  commandField: CommandField.C_FIND_RSP,
  required: ["messageIdBeingRespondedTo", "status"],
  optional: ["affectedSopClassUid", ...statusDetailFields],
  dataset: "optional",
  check: (cmd) =>
    (cmd.status === 0xff00 || cmd.status === 0xff01) && !cmd.hasDataset
      ? "a Pending C-FIND-RSP carries an identifier (PS3.7 9.1.2.1.6)"
      : undefined,
};

/** Parameters of {@link cFindRq}. `priority` defaults to Medium. */
export interface CFindRqParams {
  readonly messageId: number;
  readonly affectedSopClassUid: string;
  readonly priority?: number;
}

/** Builds a C-FIND-RQ (the identifier follows). */
export function cFindRq(p: CFindRqParams): DimseCommand {
  return compact({
    ...p,
    commandField: CommandField.C_FIND_RQ,
    hasDataset: true,
    priority: p.priority ?? Priority.Medium,
  });
}

/** Parameters of {@link cFindRsp}. `hasDataset` defaults to true for Pending statuses, false otherwise. */
export interface CFindRspParams extends StatusDetails {
  readonly messageIdBeingRespondedTo: number;
  readonly status: number;
  readonly affectedSopClassUid?: string;
  readonly hasDataset?: boolean;
}

/** Builds a C-FIND-RSP. */
export function cFindRsp(p: CFindRspParams): DimseCommand {
  const pending = p.status === 0xff00 || p.status === 0xff01;
  return responseCommand(CommandField.C_FIND_RSP, p.hasDataset ?? pending, p);
}
