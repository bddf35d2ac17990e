// C-FIND, C-GET and C-MOVE as SCU (PS3.7 9.1.2-9.1.4, PS3.4 C.4): one request, its responses
// yielded as they arrive, and C-CANCEL (PS3.7 9.3.2.3) when the caller aborts or stops reading.
import type { Dataset } from "../../dataset/dataset.js";
import {
  cCancelRq,
  cFindRq,
  cGetRq,
  cMoveRq,
  type DimseCommand,
  Priority,
  status as statusTable,
} from "../../dimse/index.js";
import { NetdicomError } from "../../util/errors.js";
import type { DimseChannel, DimseMessage, ResponseStream } from "../channel.js";
import { decodeIdentifier, encodeIdentifier } from "./codec.js";
import { buildIdentifier, type IdentifierInit } from "./identifier.js";
import { modelByName, modelForSopClass, type QueryRetrieveOperation } from "./models.js";
import type { QueryOptions, QueryResponse, RetrieveResponse } from "./types.js";

const FAILED_SOP_INSTANCE_UID_LIST = 0x00080058;

/**
 * The SOP class `operation` uses for `model`: a model name (`"studyRoot"`) gives that model's
 * class for the operation; a UID of a known model gives the class of the same model for the
 * operation (so `…FindSOPClass` works for a C-GET of that model); any other UID is used as is.
 */
export function sopClassForOperation(model: string, operation: QueryRetrieveOperation): string {
  const key = operation === "FIND" ? "find" : operation === "GET" ? "get" : "move";
  const byName = modelByName(model);
  const m = byName ?? modelForSopClass(model)?.model;
  if (m === undefined) {
    if (/^[0-9.]+$/.test(model)) return model;
    throw new NetdicomError("ERR_UNKNOWN_MODEL", `unknown information model ${JSON.stringify(model)}`);
  }
  const uid = m[key];
  if (uid === undefined) {
    throw new NetdicomError("ERR_UNKNOWN_MODEL", `the ${m.title} has no C-${operation} SOP class`);
  }
  return uid;
}

function isPending(code: number | undefined): boolean {
  return code !== undefined && statusTable.category(code) === "pending";
}

/**
 * Sends one request and yields its responses. Stopping early (abort or `return()`) sends a
 * C-CANCEL-RQ and, on `return()`, waits for the final response (bounded by the DIMSE timeout,
 * after which the association is aborted) so that the association stays usable.
 */
async function* exchange(
  channel: DimseChannel,
  operation: QueryRetrieveOperation,
  identifier: Dataset | IdentifierInit,
  model: string,
  options: QueryOptions,
  build: (messageId: number, sopClass: string, priority: number) => DimseCommand,
): AsyncGenerator<{ message: DimseMessage; transferSyntax: string }, void, undefined> {
  const signal = options.signal;
  signal?.throwIfAborted();
  const sopClass = sopClassForOperation(model, operation);
  const cx = channel.contextFor(sopClass, "scu");
  const transferSyntax = cx.transferSyntax ?? "";
  const contextId = cx.contextId ?? 0;
  const bytes = encodeIdentifier(buildIdentifier(identifier), transferSyntax);
  if (!channel.requestMany) throw new NetdicomError("ERR_UNSUPPORTED", "this channel cannot take several responses");
  const messageId = channel.nextMessageId();
  const responses: ResponseStream = channel.requestMany(
    contextId,
    build(messageId, sopClass, options.priority ?? Priority.Medium),
    // The signal may stop the wait for a window slot; once sent, it cancels by C-CANCEL-RQ (below).
    { dataset: bytes, windowSignal: signal },
  );
  let cancelled = false;
  const cancel = () => {
    if (cancelled) return;
    cancelled = true;
    channel.send(contextId, cCancelRq({ messageIdBeingRespondedTo: messageId })).catch((err: unknown) => {
      channel.logger.debug?.("C-CANCEL-RQ not sent", err);
    });
  };
  signal?.addEventListener("abort", cancel, { once: true });
  let finished = false;
  try {
    for (;;) {
      // next() by hand: a for-await would close `responses` when our caller stops early.
      const r = await responses.next();
      if (r.done) {
        finished = true;
        return;
      }
      const final = !isPending(r.value.command.status);
      if (final) finished = true;
      yield { message: r.value, transferSyntax };
      if (final) return;
    }
  } finally {
    signal?.removeEventListener("abort", cancel);
    if (!finished) {
      cancel();
      try {
        for (let r = await responses.next(); !r.done; r = await responses.next()) {
          if (!isPending(r.value.command.status)) break;
        }
      } catch {
        // The association ended while waiting: nothing more can come.
      }
      await responses.return?.();
    }
  }
}

function identifierOf(message: DimseMessage, transferSyntax: string, channel: DimseChannel): Dataset | undefined {
  if (!message.command.hasDataset || message.dataset.length === 0) return undefined;
  try {
    return decodeIdentifier(message.dataset, transferSyntax);
  } catch (err) {
    channel.logger.error?.("a response's identifier cannot be decoded", err);
    return undefined;
  }
}

function toRetrieveResponse(message: DimseMessage, identifier: Dataset | undefined): RetrieveResponse {
  const c = message.command;
  let failedInstances: string[] | undefined;
  if (identifier?.has(FAILED_SOP_INSTANCE_UID_LIST)) {
    try {
      failedInstances = identifier.strings(FAILED_SOP_INSTANCE_UID_LIST).filter((s) => s !== "");
    } catch {
      failedInstances = undefined;
    }
  }
  return {
    status: c.status ?? 0,
    identifier,
    command: c,
    ...(c.numberOfRemainingSuboperations === undefined ? {} : { remaining: c.numberOfRemainingSuboperations }),
    ...(c.numberOfCompletedSuboperations === undefined ? {} : { completed: c.numberOfCompletedSuboperations }),
    ...(c.numberOfFailedSuboperations === undefined ? {} : { failed: c.numberOfFailedSuboperations }),
    ...(c.numberOfWarningSuboperations === undefined ? {} : { warning: c.numberOfWarningSuboperations }),
    ...(failedInstances === undefined ? {} : { failedInstances }),
  };
}

/**
 * Sends a C-FIND-RQ with `identifier` (a Dataset, or a plain object: `{ QueryRetrieveLevel:
 * "STUDY", PatientName: "DOE*", StudyInstanceUID: "" }`) and yields each response as it arrives:
 * pending ones (0xFF00/0xFF01) with their match, then the final one. `model` is a C-FIND SOP
 * class UID or a model name (`"studyRoot"`, `"modalityWorklist"`…). Responses not yet read wait
 * in a queue; past a few hundred the association stops reading from the peer until the loop
 * catches up (the DIMSE timeout waits too), so a slow reader holds no more. Aborting `options.signal` sends a
 * C-CANCEL-RQ; the responses then run on to the peer's final one (usually 0xFE00 Cancel).
 * Breaking out of the loop does the same and waits for that final response before returning.
 * Throws, on the first `next()`, `NoPresentationContextError` when no accepted context fits; fails
 * later only when no answer can come (abort, DIMSE timeout between responses).
 */
export async function* sendCFind(
  channel: DimseChannel,
  identifier: Dataset | IdentifierInit,
  model: string,
  options: QueryOptions = {},
): AsyncGenerator<QueryResponse, void, undefined> {
  const build = (messageId: number, affectedSopClassUid: string, priority: number) =>
    cFindRq({ messageId, affectedSopClassUid, priority });
  for await (const { message, transferSyntax } of exchange(channel, "FIND", identifier, model, options, build)) {
    yield {
      status: message.command.status ?? 0,
      identifier: identifierOf(message, transferSyntax, channel),
      command: message.command,
    };
  }
}

/**
 * Sends a C-GET-RQ and yields each response (pending ones with the sub-operation counters, then
 * the final one with the Failed SOP Instance UID List when some failed). The instances arrive as
 * C-STORE-RQs on this association and go to its C_STORE handler: the association must have
 * accepted their storage SOP classes with this side as SCP (role selection, PS3.7 D.3.3.4; see
 * `buildRole`). Cancellation and errors as {@link sendCFind}.
 */
export async function* sendCGet(
  channel: DimseChannel,
  identifier: Dataset | IdentifierInit,
  model: string,
  options: QueryOptions = {},
): AsyncGenerator<RetrieveResponse, void, undefined> {
  const build = (messageId: number, affectedSopClassUid: string, priority: number) =>
    cGetRq({ messageId, affectedSopClassUid, priority });
  for await (const { message, transferSyntax } of exchange(channel, "GET", identifier, model, options, build)) {
    yield toRetrieveResponse(message, identifierOf(message, transferSyntax, channel));
  }
}

/**
 * Sends a C-MOVE-RQ asking the peer to send the matching instances to the AE titled
 * `moveDestination` (PS3.7 9.1.4), and yields each response as {@link sendCGet} does.
 */
export async function* sendCMove(
  channel: DimseChannel,
  identifier: Dataset | IdentifierInit,
  moveDestination: string,
  model: string,
  options: QueryOptions = {},
): AsyncGenerator<RetrieveResponse, void, undefined> {
  const build = (messageId: number, affectedSopClassUid: string, priority: number) =>
    cMoveRq({ messageId, affectedSopClassUid, priority, moveDestination });
  for await (const { message, transferSyntax } of exchange(channel, "MOVE", identifier, model, options, build)) {
    yield toRetrieveResponse(message, identifierOf(message, transferSyntax, channel));
  }
}
