// PS3.7 9.3.5: the C-ECHO-RQ and C-ECHO-RSP command sets.

import type { DimseCommand } from "./command.js";
import { CommandField } from "./command-field.js";
import { type MessageSpec, responseCommand, type StatusDetails, statusDetailFields } from "./message-spec.js";

/** The Verification SOP Class, the only one C-ECHO serves (PS3.4 Annex A). */
const verificationSopClass = "1.2.840.10008.1.1";

/** C-ECHO-RQ: Message ID and Affected SOP Class UID mandatory, no data set. */
export const cEchoRqSpec: MessageSpec = {
  commandField: CommandField.C_ECHO_RQ,
  required: ["messageId", "affectedSopClassUid"],
  optional: [],
  dataset: "none",
};

/** C-ECHO-RSP: Message ID Being Responded To and Status mandatory, no data set. */
export const cEchoRspSpec: MessageSpec = {
  commandField: CommandField.C_ECHO_RSP,
  required: ["messageIdBeingRespondedTo", "status"],
  optional: ["affectedSopClassUid", ...statusDetailFields],
  dataset: "none",
};

/** Builds a C-ECHO-RQ; the SOP class defaults to Verification (1.2.840.10008.1.1). */
export function cEchoRq(p: { readonly messageId: number; readonly affectedSopClassUid?: string }): DimseCommand {
  return {
    commandField: CommandField.C_ECHO_RQ,
    hasDataset: false,
    messageId: p.messageId,
    affectedSopClassUid: p.affectedSopClassUid ?? verificationSopClass,
  };
}

/** Builds a C-ECHO-RSP. */
export function cEchoRsp(
  p: {
    readonly messageIdBeingRespondedTo: number;
    readonly affectedSopClassUid?: string;
    readonly status: number;
  } & StatusDetails,
): DimseCommand {
  return responseCommand(CommandField.C_ECHO_RSP, false, p);
}
