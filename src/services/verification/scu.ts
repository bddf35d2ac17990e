// Verification Service Class, SCU half (PS3.4 Annex A; C-ECHO, PS3.7 9.1.5).
import { sop } from "../../dataset/uids.js";
import { cEchoRq, type DimseCommand, type StatusInfo, status as statusTable } from "../../dimse/index.js";
import type { DimseChannel } from "../channel.js";

/** Options of `Association.sendCEcho`. */
export interface CEchoOptions {
  /** Stops waiting for the response. */
  readonly signal?: AbortSignal | undefined;
}

/** The answer to a C-ECHO: its status (a failure status is a result, not an error). */
export interface CEchoResult {
  /** The Status (0000,0900) of the C-ECHO-RSP. */
  readonly status: number;
  /** What the status means (category, meaning). */
  readonly statusInfo: StatusInfo;
  /** The Message ID of the request. */
  readonly messageId: number;
  /** The whole response command set (Error Comment etc.). */
  readonly response: DimseCommand;
}

/**
 * Sends a C-ECHO-RQ on the Verification context and resolves with the response's status. Throws
 * `NoPresentationContextError` when Verification was not accepted with this side as SCU.
 */
export async function sendCEcho(channel: DimseChannel, options: CEchoOptions = {}): Promise<CEchoResult> {
  const cx = channel.contextFor(sop.Verification, "scu");
  const messageId = channel.nextMessageId();
  const rq = cEchoRq({ messageId, affectedSopClassUid: sop.Verification });
  const rsp = await channel.request(cx.contextId ?? 0, rq, { signal: options.signal });
  // PS3.7 9.3.5.2: Status is mandatory in the C-ECHO-RSP; the decoder checks it is there.
  const code = rsp.command.status ?? 0;
  return {
    status: code,
    statusInfo: statusTable.describe(code, { commandField: rsp.command.commandField, sopClassUid: sop.Verification }),
    messageId,
    response: rsp.command,
  };
}
