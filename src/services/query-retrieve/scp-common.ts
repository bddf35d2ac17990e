// What the C-FIND, C-GET and C-MOVE SCPs share: decoding the request's identifier, the event
// payload with its cancellation signal, and reading the handler's yields without outliving a
// C-CANCEL.
import { Dataset } from "../../dataset/dataset.js";
import type { DimseChannel } from "../channel.js";
import type { IncomingRequest } from "../dispatch.js";
import { type ServedOperation, trackOperation } from "./cancellation.js";
import { decodeIdentifier } from "./codec.js";
import { modelForSopClass, type QueryRetrieveOperation } from "./models.js";
import type { QueryEventPayload, QueryStatusResult } from "./types.js";

/**
 * The failure statuses netdicom answers when the SCP itself cannot go on, in the "Unable to
 * process" range (PS3.4 C.4.1.1.4, C.4.2.1.5, C.4.3.1.4: 0xCxxx), numbered as pynetdicom's:
 * C-FIND 0xC3xx, C-MOVE 0xC5xx, C-GET 0xC4xx.
 */
export const QueryRetrieveFailure = {
  /** C-FIND. */
  FIND: {
    /** The identifier cannot be decoded. */
    undecodable: 0xc310,
    /** The handler threw or rejected. */
    handlerFailed: 0xc311,
    /** The handler yielded something that is not a valid answer. */
    badYield: 0xc312,
    /** Reserved: C-FIND has no sub-operation count (the C-GET and C-MOVE codes use it). */
    badCount: 0xc313,
  },
  /** C-MOVE. */
  MOVE: {
    /** The identifier cannot be decoded. */
    undecodable: 0xc510,
    /** The handler threw or rejected. */
    handlerFailed: 0xc511,
    /** The handler yielded something that is not a valid answer. */
    badYield: 0xc512,
    /** The handler's first yield was not a valid number of sub-operations. */
    badCount: 0xc513,
  },
  /** C-GET. */
  GET: {
    /** The identifier cannot be decoded. */
    undecodable: 0xc410,
    /** The handler threw or rejected. */
    handlerFailed: 0xc411,
    /** The handler yielded something that is not a valid answer. */
    badYield: 0xc412,
    /** The handler's first yield was not a valid number of sub-operations. */
    badCount: 0xc413,
  },
} as const satisfies Record<QueryRetrieveOperation, Record<string, number>>;

/** PS3.4 C.4.1.1.4: 0xFE00 Matching/Sub-operations terminated due to a Cancel request. */
export const CANCEL = 0xfe00;

/** A request whose identifier was decoded, with the operation tracked for C-CANCEL. */
export interface OpenedQuery {
  readonly identifier: Dataset;
  readonly operation: ServedOperation;
  readonly payload: QueryEventPayload;
}

/**
 * Decodes the identifier of `req` and starts tracking the operation; a `{ status, errorComment }`
 * failure to answer with when the identifier cannot be decoded.
 */
export function openQuery(
  channel: DimseChannel,
  req: IncomingRequest,
  op: QueryRetrieveOperation,
): OpenedQuery | { readonly status: number; readonly errorComment: string } {
  let identifier: Dataset;
  try {
    identifier = decodeIdentifier(req.dataset, req.context.transferSyntax ?? "");
  } catch (err) {
    channel.logger.error?.(`a C-${op}-RQ's identifier cannot be decoded`, err);
    return { status: QueryRetrieveFailure[op].undecodable, errorComment: "the identifier cannot be decoded" };
  }
  const operation = trackOperation(channel, req.command.messageId ?? 0);
  const sopClass = req.command.affectedSopClassUid ?? req.context.abstractSyntax ?? "";
  const payload: QueryEventPayload = {
    identifier: () => identifier,
    model: modelForSopClass(sopClass)?.model,
    signal: operation.signal,
    get isCancelled() {
      return operation.signal.aborted;
    },
  };
  return { identifier, operation, payload };
}

/** What a handler returned, as an iterator; undefined when it is not iterable (a string is not). */
export function iteratorOf(result: unknown): Iterator<unknown> | AsyncIterator<unknown> | undefined {
  if (typeof result !== "object" || result === null) return undefined;
  const r = result as Partial<AsyncIterable<unknown> & Iterable<unknown>>;
  const asyncIt = r[Symbol.asyncIterator];
  if (typeof asyncIt === "function") return asyncIt.call(r);
  const syncIt = r[Symbol.iterator];
  if (typeof syncIt === "function") return syncIt.call(r);
  return undefined;
}

/** Returned by {@link nextOrCancel} when the signal aborted first. */
export const CANCELLED = Symbol("cancelled");

/**
 * The handler's next yield, or {@link CANCELLED} as soon as `signal` aborts: a handler that
 * ignores its signal cannot hold back the Cancel response (PS3.4 C.4.1.3.2).
 */
export function nextOrCancel(
  it: Iterator<unknown> | AsyncIterator<unknown>,
  signal: AbortSignal,
): Promise<IteratorResult<unknown> | typeof CANCELLED> {
  if (signal.aborted) return Promise.resolve(CANCELLED);
  let onAbort: (() => void) | undefined;
  const cancelled = new Promise<typeof CANCELLED>((resolve) => {
    onAbort = () => resolve(CANCELLED);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  const next = Promise.resolve(it.next());
  return Promise.race([next, cancelled]).finally(() => {
    if (onAbort) signal.removeEventListener("abort", onAbort);
  });
}

/** Lets the handler's generator run its `finally` blocks; never awaited (it may be stuck in a read). */
export function closeIterator(it: Iterator<unknown> | AsyncIterator<unknown>, logger: DimseChannel["logger"]): void {
  try {
    Promise.resolve(it.return?.()).catch((err: unknown) => logger.debug?.("the handler failed while closing", err));
  } catch (err) {
    logger.debug?.("the handler failed while closing", err);
  }
}

const isStatusCode = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 0xffff;

/** A yielded `{ status, identifier?, errorComment? }`, or undefined when the value is not one. */
export function statusResult(value: unknown): QueryStatusResult | undefined {
  if (typeof value !== "object" || value === null || value instanceof Dataset) return undefined;
  const v = value as { status?: unknown; identifier?: unknown; errorComment?: unknown };
  if (!isStatusCode(v.status)) return undefined;
  return {
    status: v.status,
    ...(v.identifier instanceof Dataset ? { identifier: v.identifier } : {}),
    ...(typeof v.errorComment === "string" ? { errorComment: v.errorComment } : {}),
  };
}

/** An Error Comment (0000,0902) from a thrown value: LO, at most 64 characters. */
export function commentOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/[\\\r\n]/g, " ").slice(0, 64);
}
