// The SCP side's dispatch skeleton: which service answers each request, keyed by command field,
// so C-STORE, C-FIND, the N- services… plug in beside C-ECHO without touching the association.
import type { PresentationContext } from "../acse/index.js";
import { CommandField, type CommandFieldValue, type DimseCommand } from "../dimse/index.js";
import type { DatasetSink, DimseChannel, DimseMessage } from "./channel.js";
import { serveN } from "./normalized/scp.js";
import { serveCFind } from "./query-retrieve/scp-find.js";
import { serveCGet, serveCMove } from "./query-retrieve/scp-retrieve.js";
import { operationRefusal, sopClassFitsContext } from "./registry.js";
import { MemorySink } from "./storage/memory-sink.js";
import { openStoreSink, serveCStore } from "./storage/scp.js";
import { serveCEcho } from "./verification/scp.js";

/** A received request, with the accepted context it came on. */
export interface IncomingRequest extends DimseMessage {
  /** The accepted presentation context the request came on. */
  readonly context: PresentationContext;
}

/**
 * Runs the user's intervention handler for a request and resolves with what it returned;
 * undefined when no handler is bound (the service then does its default). `extra` is merged into
 * the event the handler receives (e.g. C-STORE's file and dataset accessors).
 */
export type InvokeHandler = ((extra?: object) => Promise<unknown>) | undefined;

/** One SCP service: answers `req` on `channel`, asking `invoke` (the user's handler) what to answer. */
export type ScpService = (channel: DimseChannel, req: IncomingRequest, invoke: InvokeHandler) => Promise<void>;

/** The SCP services by request command field. Requests not listed get 0x0211 (unrecognized operation). */
export const scpServices: ReadonlyMap<number, ScpService> = new Map<number, ScpService>([
  [CommandField.C_ECHO_RQ, serveCEcho],
  [CommandField.C_STORE_RQ, serveCStore],
  [CommandField.C_FIND_RQ, serveCFind],
  [CommandField.C_GET_RQ, serveCGet],
  [CommandField.C_MOVE_RQ, serveCMove],
  // The DIMSE-N services (PS3.7 10.1), one server for all six.
  [CommandField.N_EVENT_REPORT_RQ, serveN],
  [CommandField.N_GET_RQ, serveN],
  [CommandField.N_SET_RQ, serveN],
  [CommandField.N_ACTION_RQ, serveN],
  [CommandField.N_CREATE_RQ, serveN],
  [CommandField.N_DELETE_RQ, serveN],
]);

/** PS3.7 Annex C.5.7 (0x0211): the operation is not supported by this SCP. */
export const UnrecognizedOperation = 0x0211;
/** PS3.7 Annex C.5.6 (0x0122): the SOP class is not supported on this context / by this SCP. */
export const SopClassNotSupported = 0x0122;
/** PS3.7 Annex C (0x0110): processing failure, e.g. a handler failed. */
export const ProcessingFailure = 0x0110;
/** PS3.4 (C-STORE B.2.3, C-FIND C.4.1.1.4…): 0xA700 Refused: Out of Resources. */
export const OutOfResources = 0xa700;
/** PS3.7 Annex C.5.15 (0x0213): resource limitation, the N- services' out of resources. */
export const ResourceLimitation = 0x0213;

/** The request would pass {@link serveRequest}'s checks: a service exists, the SOP class matches, this side is SCP. */
function servable(rq: DimseCommand, context: PresentationContext | undefined): context is PresentationContext {
  if (!context || !scpServices.has(rq.commandField) || context.asScp === false) return false;
  const sopClass = rq.affectedSopClassUid ?? rq.requestedSopClassUid;
  return sopClass === undefined || sopClass === context.abstractSyntax;
}

/**
 * Where the data set announced by `command` goes while it arrives: a C-STORE-RQ this side will
 * serve streams to a temporary file; anything else (and a request about to be refused) is kept in
 * memory up to the channel's `maxDatasetBytes` (PS3.8 9.3.5: fragments arrive in order).
 */
export function openDatasetSink(
  channel: DimseChannel,
  command: DimseCommand,
  context: PresentationContext | undefined,
): DatasetSink {
  if (command.commandField === CommandField.C_STORE_RQ && servable(command, context)) {
    return openStoreSink(channel, command, context);
  }
  return new MemorySink(channel.storageSettings?.maxDatasetBytes);
}

/**
 * Whether this side may answer a request on `context`: as SCP, except an N-EVENT-REPORT, which
 * the SCP of a SOP class sends to its SCU (PS3.7 10.1.1), so the receiver must hold the SCU role.
 */
function mayServe(commandField: number, context: PresentationContext): boolean {
  return commandField === CommandField.N_EVENT_REPORT_RQ ? context.asScu !== false : context.asScp !== false;
}

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
export function serveRequest(channel: DimseChannel, req: IncomingRequest, invoke: InvokeHandler): Promise<void> {
  // Not an async function: the answer is the service's or the refusal's own promise (one promise
  // and one turn less per request); a synchronous throw still becomes a rejection.
  try {
    return serve(channel, req, invoke);
  } catch (err) {
    return Promise.reject(err);
  }
}

function serve(channel: DimseChannel, req: IncomingRequest, invoke: InvokeHandler): Promise<void> {
  const rq = req.command;
  const service = scpServices.get(rq.commandField);
  if (service === undefined) {
    channel.logger.warn?.(`refusing a request with command field 0x${rq.commandField.toString(16)}: not supported`);
    return channel.send(req.contextId, refusal(rq, UnrecognizedOperation));
  }
  const sopClass = rq.affectedSopClassUid ?? rq.requestedSopClassUid;
  if (sopClass !== undefined && !sopClassFitsContext(sopClass, req.context.abstractSyntax)) {
    return channel.send(req.contextId, refusal(rq, SopClassNotSupported));
  }
  if (!mayServe(rq.commandField, req.context)) return channel.send(req.contextId, refusal(rq, SopClassNotSupported));
  // An operation the SOP class's service class does not have (PS3.4): 0x0211.
  const wrongOperation = sopClass === undefined ? undefined : operationRefusal(rq.commandField, sopClass);
  if (wrongOperation !== undefined) return channel.send(req.contextId, refusal(rq, wrongOperation));
  if (req.sink instanceof MemorySink && req.sink.overflowed) {
    channel.logger.error?.(`refusing a request whose data set exceeds ${req.sink.maxBytes} bytes`);
    const nService = rq.commandField >= CommandField.N_EVENT_REPORT_RQ;
    return channel.send(req.contextId, refusal(rq, nService ? ResourceLimitation : OutOfResources));
  }
  return service(channel, req, invoke);
}
