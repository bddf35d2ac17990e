// PS3.7 9.3.1: C-STORE-RQ (Table 9.3-1) and C-STORE-RSP (Table 9.3-2).

import type { DimseCommand } from "./command.js";
import { CommandField, Priority } from "./command-field.js";
import {
  type MessageSpec,
  type MutableCommand,
  responseCommand,
  type StatusDetails,
  statusDetailFields,
} from "./message-spec.js";

/** C-STORE-RQ: the instance follows as the data set. Move Originator fields are set when a C-MOVE caused it. */
export const cStoreRqSpec: MessageSpec = {
  commandField: CommandField.C_STORE_RQ,
  required: ["messageId", "affectedSopClassUid", "priority", "affectedSopInstanceUid"],
  optional: ["moveOriginatorApplicationEntityTitle", "moveOriginatorMessageId"],
  dataset: "required",
};

/** C-STORE-RSP: no data set. */
export const cStoreRspSpec: MessageSpec = {
  commandField: CommandField.C_STORE_RSP,
  required: ["messageIdBeingRespondedTo", "status"],
  optional: ["affectedSopClassUid", "affectedSopInstanceUid", ...statusDetailFields],
  dataset: "none",
};

/** Parameters of {@link cStoreRq}. `priority` defaults to Medium. */
export interface CStoreRqParams {
  readonly messageId: number;
  readonly affectedSopClassUid: string;
  readonly affectedSopInstanceUid: string;
  readonly priority?: number;
  readonly moveOriginatorApplicationEntityTitle?: string;
  readonly moveOriginatorMessageId?: number;
}

/**
 * Builds a C-STORE-RQ (a data set follows). One object literal, the optional fields added only
 * when set: the sender builds one per instance, and copying through `compact` cost more than
 * encoding the command.
 */
export function cStoreRq(p: CStoreRqParams): DimseCommand {
  const rq: MutableCommand = {
    commandField: CommandField.C_STORE_RQ,
    hasDataset: true,
    messageId: p.messageId,
    affectedSopClassUid: p.affectedSopClassUid,
    affectedSopInstanceUid: p.affectedSopInstanceUid,
    priority: p.priority ?? Priority.Medium,
  };
  if (p.moveOriginatorApplicationEntityTitle !== undefined)
    rq.moveOriginatorApplicationEntityTitle = p.moveOriginatorApplicationEntityTitle;
  if (p.moveOriginatorMessageId !== undefined) rq.moveOriginatorMessageId = p.moveOriginatorMessageId;
  return rq;
}

/** Parameters of {@link cStoreRsp}. */
export interface CStoreRspParams extends StatusDetails {
  readonly messageIdBeingRespondedTo: number;
  readonly status: number;
  readonly affectedSopClassUid?: string;
  readonly affectedSopInstanceUid?: string;
}

/**
 * Builds a C-STORE-RSP. Like {@link cStoreRq}, one object literal with the optional fields added
 * only when set (the SCP answers every instance with one).
 */
export function cStoreRsp(p: CStoreRspParams): DimseCommand {
  const rsp = responseCommand(CommandField.C_STORE_RSP, false, p);
  if (p.affectedSopInstanceUid !== undefined) rsp.affectedSopInstanceUid = p.affectedSopInstanceUid;
  return rsp;
}
