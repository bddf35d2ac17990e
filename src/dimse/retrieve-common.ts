import type { CommandKey, DimseCommand } from "./command.js";

/** The sub-operation counters of a C-GET-RSP or C-MOVE-RSP (PS3.7 9.1.3.1.7–10, 9.1.4.1.8–11). */
export const suboperationFields: readonly CommandKey[] = [
  "numberOfRemainingSuboperations",
  "numberOfCompletedSuboperations",
  "numberOfFailedSuboperations",
  "numberOfWarningSuboperations",
];

/** The sub-operation counters, as builder parameters. */
export interface SuboperationCounts {
  readonly numberOfRemainingSuboperations?: number;
  readonly numberOfCompletedSuboperations?: number;
  readonly numberOfFailedSuboperations?: number;
  readonly numberOfWarningSuboperations?: number;
}

/** PS3.7 9.1.3.1.7 / 9.1.4.1.8: the remaining count is required in a Pending response. */
export function checkPendingRemaining(cmd: DimseCommand): string | undefined {
  return cmd.status === 0xff00 && cmd.numberOfRemainingSuboperations === undefined
    ? "a Pending response carries Number of Remaining Sub-operations"
    : undefined;
}
