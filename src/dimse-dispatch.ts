// Where a received DIMSE message goes: a response to the request waiting for it (by Message ID
// Being Responded To), a request to its service and the intervention handler of its event.
import type { PresentationContext } from "./acse/index.js";
import type { Association } from "./association.js";
import { CommandField, type DimseCommand, status } from "./dimse/index.js";
import type { DimseRequestEvent, InterventionEventName } from "./events.js";
import type { DatasetSink, DimseMessage } from "./services/channel.js";
import {
  type InvokeHandler,
  isRequest,
  openDatasetSink,
  refusal,
  SopClassNotSupported,
  serveRequest,
} from "./services/dispatch.js";
import { cancelOperation } from "./services/query-retrieve/cancellation.js";
import { MemorySink } from "./services/storage/memory-sink.js";

/** A message as the receive loop hands it over. */
export type IncomingMessage = DimseMessage;

/** The intervention event of each request, keyed by command field (PS3.7 E.1). */
export const requestEvents: ReadonlyMap<number, InterventionEventName> = new Map<number, InterventionEventName>([
  [CommandField.C_ECHO_RQ, "C_ECHO"],
  [CommandField.C_STORE_RQ, "C_STORE"],
  [CommandField.C_FIND_RQ, "C_FIND"],
  [CommandField.C_GET_RQ, "C_GET"],
  [CommandField.C_MOVE_RQ, "C_MOVE"],
  [CommandField.N_EVENT_REPORT_RQ, "N_EVENT_REPORT"],
  [CommandField.N_GET_RQ, "N_GET"],
  [CommandField.N_SET_RQ, "N_SET"],
  [CommandField.N_ACTION_RQ, "N_ACTION"],
  [CommandField.N_CREATE_RQ, "N_CREATE"],
  [CommandField.N_DELETE_RQ, "N_DELETE"],
]);

/** What the dispatcher needs from the association's private state. */
export interface DispatchAccess {
  /** The outstanding request with this Message ID. */
  pending(messageId: number):
    | {
        resolve(m: DimseMessage): void;
        cleanup(): void;
        pending?: ((m: DimseMessage) => undefined | Promise<void>) | undefined;
      }
    | undefined;
  /** Asks the receiver to read nothing more from the peer until `until` settles (backpressure). */
  holdReceiving?(until: Promise<void>): void;
  /** The accepted context with this ID. */
  context(contextId: number): PresentationContext | undefined;
}

/**
 * Where the data set announced by a just-received command goes while it arrives: a C-STORE-RQ
 * this side serves streams to a temporary file, anything else is held in memory up to the
 * association's `maxDatasetBytes`.
 */
export const openSink: (
  assoc: Association,
  command: DimseCommand,
  context: PresentationContext | undefined,
) => DatasetSink = openDatasetSink;

/** The fields every request event has, before a service's payload is merged in. */
interface RequestEventBase extends DimseRequestEvent {
  readonly name: InterventionEventName;
  readonly assoc: Association;
  readonly timestamp: Date;
}

/**
 * `extra` (a service's payload, made for this one request) with the event's fields added where it
 * has none of that name. Added in place: a getter of `extra` (C_FIND's isCancelled, C_STORE's
 * fileMeta) stays live, and copying property descriptors into a new object cost ~8 µs a request.
 * The six fields are assigned by name (walking `Object.entries` of the event cost more than the
 * rest of the dispatch in a process's first, unoptimised requests).
 */
function withEvent<E extends object>(extra: object, event: RequestEventBase): E {
  const out = extra as Record<string, unknown>;
  if (!("request" in out)) out.request = event.request;
  if (!("context" in out)) out.context = event.context;
  if (!("messageId" in out)) out.messageId = event.messageId;
  if (!("name" in out)) out.name = event.name;
  if (!("assoc" in out)) out.assoc = event.assoc;
  if (!("timestamp" in out)) out.timestamp = event.timestamp;
  return out as E;
}

/**
 * Routes one received message; returns the work it started (a service answering a request), if
 * any. A response nobody waits for is logged and dropped; a pending (0xFF00/0xFF01) response does
 * not end the request it answers.
 */
export function handleMessage(
  assoc: Association,
  message: DimseMessage,
  access: DispatchAccess,
): Promise<void> | undefined {
  const cmd = message.command;
  if (!isRequest(cmd.commandField)) {
    if (cmd.commandField === CommandField.C_CANCEL_RQ) {
      const id = cmd.messageIdBeingRespondedTo ?? -1;
      // PS3.7 9.3.2.3: a C-CANCEL-RQ has no response; one for an operation already answered is ignored.
      if (!cancelOperation(assoc, id)) assoc.logger.debug?.(`C-CANCEL-RQ for message ${id} (nothing to cancel)`);
      return undefined;
    }
    if (message.sink instanceof MemorySink && message.sink.overflowed) {
      // A response cannot be refused; one too large to hold ends the association instead.
      assoc.logger.error?.(`a response's data set exceeds ${message.sink.maxBytes} bytes; aborting`);
      assoc.abort().catch(() => {});
      return undefined;
    }
    const id = cmd.messageIdBeingRespondedTo ?? -1;
    const waiting = access.pending(id);
    if (!waiting) {
      assoc.logger.warn?.(`dropping a response to message ${id}, which is not outstanding`);
      return undefined;
    }
    if (cmd.status !== undefined && status.category(cmd.status) === "pending") {
      // PS3.7 9.1.2-9.1.4: pending responses go to a request that takes several; others drop them.
      const held = waiting.pending?.(message);
      if (held !== undefined) access.holdReceiving?.(held);
      return undefined;
    }
    waiting.cleanup();
    waiting.resolve(message);
    return undefined;
  }
  const context = access.context(message.contextId);
  if (!context) return assoc.send(message.contextId, refusal(cmd, SopClassNotSupported));
  const name = requestEvents.get(cmd.commandField);
  const handler = name === undefined ? undefined : assoc.handlers.intervention(name);
  let invoke: InvokeHandler;
  if (name !== undefined && handler !== undefined) {
    const event: RequestEventBase = {
      request: cmd,
      context,
      messageId: cmd.messageId ?? 0,
      name,
      assoc,
      timestamp: new Date(),
    };
    // Not an async function: the handler's own promise (or value) is passed on as it is, and a
    // handler that throws still gives a rejection.
    invoke = (extra?: object) => {
      try {
        return Promise.resolve(
          (handler as (e: RequestEventBase) => unknown)(extra === undefined ? event : withEvent(extra, event)),
        );
      } catch (err) {
        return Promise.reject(err);
      }
    };
  }
  // Spelled out rather than spread: a spread of a message (of two shapes) was a costly copy.
  const req: DimseMessage & { readonly context: PresentationContext } = {
    contextId: message.contextId,
    command: cmd,
    dataset: message.dataset,
    sink: message.sink,
    context,
  };
  return serveRequest(assoc, req, invoke);
}
