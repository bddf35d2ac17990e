// PS3.7 10.3.1: N-EVENT-REPORT-RQ (Table 10.3-1) and N-EVENT-REPORT-RSP (Table 10.3-2).

import type { DimseCommand } from "./command.js";
import { CommandField } from "./command-field.js";
import { compact, type MessageSpec, type StatusDetails, statusDetailFields } from "./message-spec.js";

/** N-EVENT-REPORT-RQ: the Event Information may follow as the data set. */
export const nEventReportRqSpec: MessageSpec = {
  commandField: CommandField.N_EVENT_REPORT_RQ,
  required: ["messageId", "affectedSopClassUid", "affectedSopInstanceUid", "eventTypeId"],
  optional: [],
  dataset: "optional",
};

/** N-EVENT-REPORT-RSP: the Event Reply may follow. */
export const nEventReportRspSpec: MessageSpec = {
  commandField: CommandField.N_EVENT_REPORT_RSP,
  required: ["messageIdBeingRespondedTo", "status"],
  optional: ["affectedSopClassUid", "affectedSopInstanceUid", "eventTypeId", ...statusDetailFields],
  dataset: "optional",
};

/** Parameters of {@link nEventReportRq}. */
export interface NEventReportRqParams {
  readonly messageId: number;
  readonly affectedSopClassUid: string;
  readonly affectedSopInstanceUid: string;
  readonly eventTypeId: number;
  /** Event Information follows (default false). */
  readonly hasDataset?: boolean;
}

/** Builds an N-EVENT-REPORT-RQ. */
export function nEventReportRq(p: NEventReportRqParams): DimseCommand {
  return compact({ ...p, commandField: CommandField.N_EVENT_REPORT_RQ, hasDataset: p.hasDataset ?? false });
}

/** Parameters of {@link nEventReportRsp}. */
export interface NEventReportRspParams extends StatusDetails {
  readonly messageIdBeingRespondedTo: number;
  readonly status: number;
  readonly affectedSopClassUid?: string;
  readonly affectedSopInstanceUid?: string;
  readonly eventTypeId?: number;
  /** Event Reply follows (default false). */
  readonly hasDataset?: boolean;
}

/** Builds an N-EVENT-REPORT-RSP. */
export function nEventReportRsp(p: NEventReportRspParams): DimseCommand {
  return compact({ ...p, commandField: CommandField.N_EVENT_REPORT_RSP, hasDataset: p.hasDataset ?? false });
}
