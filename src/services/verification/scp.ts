// Verification Service Class, SCP half (PS3.4 Annex A; C-ECHO, PS3.7 9.1.5).
import { cEchoRsp } from "../../dimse/index.js";
import type { DimseChannel } from "../channel.js";
import type { IncomingRequest, InvokeHandler } from "../dispatch.js";

/** The status a C-ECHO handler's answer gives: undefined means 0x0000, as pynetdicom's default handler. */
export function echoStatus(answer: unknown): number | undefined {
  if (answer === undefined || answer === null) return 0x0000;
  if (typeof answer === "number" && Number.isInteger(answer) && answer >= 0 && answer <= 0xffff) return answer;
  return undefined;
}

/**
 * Answers a C-ECHO-RQ (PS3.7 9.1.5.1.4). With no handler the status is 0x0000 Success. A handler
 * that throws, or returns something that is not a 16-bit status, is logged and answered with
 * 0x0110 Processing Failure: the SCP could not verify, so it does not claim success (pynetdicom
 * answers 0x0000 here instead).
 */
export async function serveCEcho(channel: DimseChannel, req: IncomingRequest, invoke: InvokeHandler): Promise<void> {
  let code = 0x0000;
  if (invoke) {
    try {
      const s = echoStatus(await invoke());
      if (s === undefined) channel.logger.error?.("the C_ECHO handler returned something that is not a status");
      code = s ?? 0x0110;
    } catch (err) {
      channel.logger.error?.("the C_ECHO handler threw; answering 0x0110 (processing failure)", err);
      code = 0x0110;
    }
  }
  const rsp = cEchoRsp({
    messageIdBeingRespondedTo: req.command.messageId ?? 0,
    affectedSopClassUid: req.command.affectedSopClassUid ?? req.context.abstractSyntax,
    status: code,
  });
  await channel.send(req.contextId, rsp);
}
