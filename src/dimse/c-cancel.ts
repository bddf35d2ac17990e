// PS3.7 9.3.2.3, 9.3.3.3, 9.3.4.3: C-CANCEL-RQ (the same command set cancels a C-FIND, C-GET or C-MOVE).

import type { DimseCommand } from "./command.js";
import { CommandField } from "./command-field.js";
import type { MessageSpec } from "./message-spec.js";

/** C-CANCEL-RQ: names the operation to cancel; it has no response and no data set. */
export const cCancelRqSpec: MessageSpec = {
  commandField: CommandField.C_CANCEL_RQ,
  required: ["messageIdBeingRespondedTo"],
  optional: [],
  dataset: "none",
};

/** Parameters of {@link cCancelRq}. */
export interface CCancelRqParams {
  readonly messageIdBeingRespondedTo: number;
}

/** Builds a C-CANCEL-RQ for the C-FIND, C-GET or C-MOVE with Message ID `messageIdBeingRespondedTo`. */
export function cCancelRq(p: CCancelRqParams): DimseCommand {
  return {
    commandField: CommandField.C_CANCEL_RQ,
    hasDataset: false,
    messageIdBeingRespondedTo: p.messageIdBeingRespondedTo,
  };
}
