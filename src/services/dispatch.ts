// The SCP side's dispatch skeleton: which service answers each request, keyed by command field,
// so C-STORE, C-FIND, the N- services… plug in beside C-ECHO without touching the association.
import type { PresentationContext } from "../acse/index.js";
import { CommandField, type CommandFieldValue, type DimseCommand } from "../dimse/index.js";
import type { DimseChannel, DimseMessage } from "./channel.js";
import { serveCEcho } from "./verification/scp.js";

/** A received request, with the accepted context it came on. */
export interface IncomingRequest extends DimseMessage {
  readonly context: PresentationContext;
}

/**
 * Runs the user's intervention handler for a request and resolves with what it returned;
 * undefined when no handler is bound (the service then does its default).
 */
export type InvokeHandler = (() => Promise<unknown>) | undefined;

/** One SCP service: answers `req` on `channel`, asking `invoke` (the user's handler) what to answer. */
export type ScpService = (channel: DimseChannel, req: IncomingRequest, invoke: InvokeHandler) => Promise<void>;

/** The SCP services by request command field. Requests not listed get 0x0211 (unrecognized operation). */
export const scpServices: ReadonlyMap<number, ScpService> = new Map<number, ScpService>([
  [CommandField.C_ECHO_RQ, serveCEcho],
]);

/** PS3.7 Annex C.5.7 (0x0211): the operation is not supported by this SCP. */
export const UnrecognizedOperation = 0x0211;
/** PS3.7 Annex C.5.6 (0x0122): the SOP class is not supported on this context / by this SCP. */
export const SopClassNotSupported = 0x0122;
/** PS3.7 Annex C (0x0110): processing failure, e.g. a handler failed. */
export const ProcessingFailure = 0x0110;

/** True for a request command field (the response bit 0x8000 is clear, PS3.7 E.1), C-CANCEL excepted. */
export function isRequest(field: number): boolean {
  return (field & 0x8000) === 0 && field !== CommandField.C_CANCEL_RQ;
}

/**
 * A response to `rq` carrying only a status (and an Error Comment where given): the answer to a
 * request this side refuses. The response's command field is the request's with bit 15 set
 * (PS3.7 E.1).
 */
export function refusal(rq: DimseCommand, status: number, errorComment?: string): DimseCommand {
  const rsp: {
    -readonly [K in keyof DimseCommand]: DimseCommand[K];
  } = {
    commandField: (rq.commandField | 0x8000) as CommandFieldValue,
    hasDataset: false,
    messageIdBeingRespondedTo: rq.messageId ?? 0,
    status,
  };
  const sopClass = rq.affectedSopClassUid ?? rq.requestedSopClassUid;
  if (sopClass !== undefined) rsp.affectedSopClassUid = sopClass;
  const instance = rq.affectedSopInstanceUid ?? rq.requestedSopInstanceUid;
  if (instance !== undefined) rsp.affectedSopInstanceUid = instance;
  if (errorComment !== undefined) rsp.errorComment = errorComment.slice(0, 64);
  return rsp;
}

/**
 * Answers one request: the service for its command field, or a refusal. A request whose SOP class
 * is not the abstract syntax of its context, or on a context where this side may not be SCP, is
 * refused with 0x0122; an unknown operation with 0x0211. Never throws for a peer's request; the
 * returned promise rejects only when the response cannot be sent (the association is gone).
 */
export async function serveRequest(channel: DimseChannel, req: IncomingRequest, invoke: InvokeHandler): Promise<void> {
  const rq = req.command;
  const service = scpServices.get(rq.commandField);
  if (service === undefined) {
    channel.logger.warn?.(`refusing a request with command field 0x${rq.commandField.toString(16)}: not supported`);
    return channel.send(req.contextId, refusal(rq, UnrecognizedOperation));
  }
  const sopClass = rq.affectedSopClassUid ?? rq.requestedSopClassUid;
  if (sopClass !== undefined && sopClass !== req.context.abstractSyntax) {
    return channel.send(req.contextId, refusal(rq, SopClassNotSupported));
  }
  if (req.context.asScp === false) return channel.send(req.contextId, refusal(rq, SopClassNotSupported));
  return service(channel, req, invoke);
}
