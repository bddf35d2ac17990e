// C-GET and C-MOVE as SCP (PS3.7 9.1.3, 9.1.4; PS3.4 C.4.2.3, C.4.3.3): the handler names the
// instances, netdicom sends each as a C-STORE sub-operation (C-GET: back on this association;
// C-MOVE: on a new association to the Move Destination) and reports the counters as it goes.
import { Dataset } from "../../dataset/dataset.js";
import { cGetRsp, cMoveRsp, type DimseCommand } from "../../dimse/index.js";
import type { DimseChannel, SubAssociation } from "../channel.js";
import type { IncomingRequest, InvokeHandler } from "../dispatch.js";
import { dropFile, type FileStart } from "../storage/file-start.js";
import { encodeIdentifier } from "./codec.js";
import {
  CANCEL,
  CANCELLED,
  closeIterator,
  commentOf,
  iteratorOf,
  nextOrCancel,
  openQuery,
  QueryRetrieveFailure,
  statusResult,
} from "./scp-common.js";
import {
  contextsFor,
  type InstanceInfo,
  instanceInfo,
  type RetrieveInstance,
  readAhead,
  SubOperationCounts,
  type SubOperationOptions,
  storeInstance,
} from "./sub-operations.js";
import type { MoveDestination, QueryStatusResult } from "./types.js";

/** PS3.4 C.4.2.1.5: 0xA801 Refused: Move Destination unknown. */
export const MOVE_DESTINATION_UNKNOWN = 0xa801;

const FAILED_SOP_INSTANCE_UID_LIST = 0x00080058;

type Kind = "GET" | "MOVE";
type HandlerIterator = Iterator<unknown> | AsyncIterator<unknown>;

/** The final response's status, comment and counters. */
interface Outcome {
  readonly status: number;
  readonly errorComment?: string | undefined;
  readonly counts?: SubOperationCounts | undefined;
}

class Responder {
  constructor(
    readonly channel: DimseChannel,
    readonly req: IncomingRequest,
    readonly kind: Kind,
  ) {}

  /** A pending response with the counters (PS3.7 9.1.3.1.7: Remaining is required in it). */
  pending(counts: SubOperationCounts): Promise<void> {
    return this.#send(this.#command(0xff00, counts, true, false));
  }

  /** The final response; the Failed SOP Instance UID List when some failed (PS3.4 C.4.2.1.6, C.4.3.1.3). */
  final(outcome: Outcome): Promise<void> {
    const { status, counts } = outcome;
    const failedUids = counts?.failedUids ?? [];
    let data: Uint8Array | undefined;
    if (status !== 0x0000 && failedUids.length > 0) {
      const ds = new Dataset().set(FAILED_SOP_INSTANCE_UID_LIST, failedUids, "UI");
      data = encodeIdentifier(ds, this.req.context.transferSyntax ?? "");
    }
    // PS3.7 9.1.3.1.7, 9.1.4.1.8: Remaining is not given in a final Success; it may be after a Cancel or failure.
    const withRemaining = status !== 0x0000 && (counts?.remaining ?? 0) > 0;
    const cmd = this.#command(status, counts, withRemaining, data !== undefined, outcome.errorComment);
    return this.#send(cmd, data);
  }

  #command(
    status: number,
    counts: SubOperationCounts | undefined,
    withRemaining: boolean,
    hasDataset: boolean,
    errorComment?: string,
  ): DimseCommand {
    const rq = this.req.command;
    const p = {
      messageIdBeingRespondedTo: rq.messageId ?? 0,
      affectedSopClassUid: rq.affectedSopClassUid ?? this.req.context.abstractSyntax ?? "",
      status,
      hasDataset,
      ...(counts === undefined
        ? {}
        : {
            ...(withRemaining ? { numberOfRemainingSuboperations: counts.remaining } : {}),
            numberOfCompletedSuboperations: counts.completed,
            numberOfFailedSuboperations: counts.failed,
            numberOfWarningSuboperations: counts.warning,
          }),
      ...(errorComment === undefined ? {} : { errorComment: errorComment.slice(0, 64) }),
    };
    return this.kind === "GET" ? cGetRsp(p) : cMoveRsp(p);
  }

  #send(cmd: DimseCommand, data?: Uint8Array): Promise<void> {
    return this.channel.send(this.req.contextId, cmd, data);
  }
}

/** The handler's next value, a cancel, or the handler's failure as an outcome. */
async function take(
  it: HandlerIterator,
  signal: AbortSignal,
  channel: DimseChannel,
  kind: Kind,
): Promise<{ value: unknown } | { done: true } | typeof CANCELLED | Outcome> {
  try {
    const r = await nextOrCancel(it, signal);
    if (r === CANCELLED || signal.aborted) return CANCELLED;
    return r.done ? { done: true } : { value: r.value };
  } catch (err) {
    if (signal.aborted) return CANCELLED;
    channel.logger.error?.(`the C_${kind} handler failed`, err);
    return { status: QueryRetrieveFailure[kind].handlerFailed, errorComment: commentOf(err) };
  }
}

function isDestination(v: unknown): v is MoveDestination {
  if (typeof v !== "object" || v === null || v instanceof Dataset) return false;
  const d = v as { address?: unknown; port?: unknown; aeTitle?: unknown };
  return (
    typeof d.address === "string" &&
    typeof d.port === "number" &&
    Number.isInteger(d.port) &&
    d.port > 0 &&
    d.port < 65536 &&
    (d.aeTitle === undefined || typeof d.aeTitle === "string")
  );
}

/** A handler status ending the operation early (a pending one is ignored here), or undefined. */
function endingStatus(value: unknown): QueryStatusResult | undefined {
  const st = statusResult(value);
  return st !== undefined && st.status !== 0xff00 && st.status !== 0xff01 ? st : undefined;
}

/**
 * Answers a C-GET-RQ: the C_GET handler yields the number of sub-operations, then each instance
 * (a Dataset or a Part 10 path), sent back as a C-STORE-RQ on this association (PS3.4 C.4.3.2:
 * the requestor must have accepted the SCP role for its SOP class, else that sub-operation
 * fails). A pending C-GET-RSP with the counters follows each; the final status is 0x0000 when all
 * completed, 0xB000 when some failed or warned, 0xA702 when all failed, 0xFE00 after a C-CANCEL,
 * or the status the handler yielded. No handler, a throw, a bad count → 0xC411/0xC413.
 */
export function serveCGet(channel: DimseChannel, req: IncomingRequest, invoke: InvokeHandler): Promise<void> {
  return serveRetrieve(channel, req, invoke, "GET");
}

/**
 * Answers a C-MOVE-RQ: the C_MOVE handler yields the destination `{ address, port, aeTitle? }`
 * of the Move Destination AE title (`null`/`undefined`: unknown → 0xA801), then as for C-GET.
 * The instances are collected (at most the announced count) so that the new association to the
 * destination proposes contexts for all their SOP classes; it is opened from this AE (calling AE
 * title = ours, called = the destination's) and released at the end. Each C-STORE-RQ carries Move
 * Originator AE Title and Message ID (PS3.7 9.1.1.1.8-9). A destination that cannot be reached or
 * rejects the association → 0xA801 with an Error Comment, as pynetdicom.
 */
export function serveCMove(channel: DimseChannel, req: IncomingRequest, invoke: InvokeHandler): Promise<void> {
  return serveRetrieve(channel, req, invoke, "MOVE");
}

async function serveRetrieve(
  channel: DimseChannel,
  req: IncomingRequest,
  invoke: InvokeHandler,
  kind: Kind,
): Promise<void> {
  const respond = new Responder(channel, req, kind);
  const fail = QueryRetrieveFailure[kind];
  const opened = openQuery(channel, req, kind);
  if (!("operation" in opened)) return respond.final(opened);
  const { operation, payload } = opened;
  const moveDestination = req.command.moveDestination ?? "";
  const signal = operation.signal;
  try {
    if (!invoke) {
      channel.logger.warn?.(`no C_${kind} handler is bound; answering 0x${fail.handlerFailed.toString(16)}`);
      return await respond.final({ status: fail.handlerFailed, errorComment: `no C_${kind} handler` });
    }
    let it: HandlerIterator | undefined;
    try {
      // Descriptors, not a spread: the payload's isCancelled getter stays live.
      const event =
        kind === "MOVE"
          ? Object.defineProperties({ moveDestination }, Object.getOwnPropertyDescriptors(payload))
          : payload;
      it = iteratorOf(await invoke(event));
    } catch (err) {
      channel.logger.error?.(`the C_${kind} handler threw`, err);
      return await respond.final({ status: fail.handlerFailed, errorComment: commentOf(err) });
    }
    if (it === undefined) {
      return await respond.final({
        status: fail.badYield,
        errorComment: `the C_${kind} handler result is not iterable`,
      });
    }
    const outcome = await runSubOperations(channel, req, it, signal, kind, respond);
    return await respond.final(outcome);
  } finally {
    operation.done();
  }
}

async function runSubOperations(
  channel: DimseChannel,
  req: IncomingRequest,
  it: HandlerIterator,
  signal: AbortSignal,
  kind: Kind,
  respond: Responder,
): Promise<Outcome> {
  const fail = QueryRetrieveFailure[kind];
  let finished = false;
  let sub: SubAssociation | undefined;
  try {
    let destination: MoveDestination | undefined;
    if (kind === "MOVE") {
      const first = await take(it, signal, channel, kind);
      if (first === CANCELLED) return { status: CANCEL };
      if ("status" in first) return first;
      if ("done" in first || first.value === null || first.value === undefined) {
        finished = "done" in first;
        return { status: MOVE_DESTINATION_UNKNOWN, errorComment: "unknown move destination" };
      }
      if (!isDestination(first.value)) {
        const st = endingStatus(first.value);
        return st ?? { status: fail.badYield, errorComment: "the C_MOVE handler did not yield a destination first" };
      }
      destination = first.value;
    }
    const second = await take(it, signal, channel, kind);
    if (second === CANCELLED) return { status: CANCEL };
    if ("status" in second) return second;
    if ("done" in second) {
      finished = true;
      return { status: fail.badCount, errorComment: `the C_${kind} handler yielded no sub-operation count` };
    }
    const total = second.value;
    if (typeof total !== "number" || !Number.isInteger(total) || total < 0 || total > 0xffff) {
      const st = endingStatus(total);
      return st ?? { status: fail.badCount, errorComment: "the sub-operation count is not an integer 0-65535" };
    }
    const counts = new SubOperationCounts(total);
    // C-GET sends each instance as soon as it is yielded; C-MOVE collects them first (see serveCMove).
    const batch: RetrieveInstance[] = [];
    const target: DimseChannel | undefined = kind === "GET" ? channel : undefined;
    const options = {
      ...(req.command.priority === undefined ? {} : { priority: req.command.priority }),
      ...(kind === "MOVE"
        ? { moveOriginatorAeTitle: channel.peerAeTitle ?? "", moveOriginatorMessageId: req.command.messageId ?? 0 }
        : {}),
    };
    let ending: Outcome | undefined;
    let taken = 0;
    // The handler's next instance, or undefined once it is done, ends the operation or was cancelled.
    const nextYielded = async (): Promise<RetrieveInstance | undefined> => {
      if (taken >= total) return undefined;
      taken++;
      const next = await take(it, signal, channel, kind);
      if (next === CANCELLED) return undefined;
      if ("status" in next) {
        ending = { ...next, counts };
        return undefined;
      }
      if ("done" in next) {
        finished = true;
        return undefined;
      }
      const item = next.value;
      if (item instanceof Dataset || typeof item === "string") return item;
      const st = endingStatus(item);
      ending = st
        ? { ...st, counts }
        : { status: fail.badYield, errorComment: `the C_${kind} handler yielded an invalid instance`, counts };
      return undefined;
    };
    let pending: Promise<void> | undefined;
    if (target !== undefined) {
      pending = (await storeEach(target, nextYielded, signal, counts, options, respond)).written;
    } else {
      for (let item = await nextYielded(); item !== undefined; item = await nextYielded()) batch.push(item);
    }
    if (kind === "MOVE" && destination !== undefined && batch.length > 0 && !signal.aborted && ending === undefined) {
      const infos = await readInfos(batch);
      const opened = await openSubAssociation(channel, destination, req.command.moveDestination ?? "", infos);
      if (typeof opened === "string") return { status: MOVE_DESTINATION_UNKNOWN, errorComment: opened };
      sub = opened;
      let at = 0;
      pending = (await storeEach(sub, async () => batch[at++], signal, counts, options, respond)).written;
    }
    await pending;
    if (signal.aborted) return { status: CANCEL, counts };
    return ending ?? { status: counts.finalStatus(), counts };
  } finally {
    if (!finished) closeIterator(it, channel.logger);
    if (sub?.isEstablished) await sub.release().catch(() => {});
  }
}

/**
 * The sub-operations, one at a time, each followed by its pending response (PS3.4 C.4.2.3,
 * C.4.3.3), the instances coming from `next` (undefined: no more). While a C-STORE waits for its
 * response, the next instance is taken and its file's first read done (see {@link readAhead}),
 * so that the next request leaves as soon as the response is in instead of after the disk read.
 * Resolves with the last pending response's write (wrapped), to be awaited by the caller.
 */
async function storeEach(
  target: DimseChannel,
  next: () => Promise<RetrieveInstance | undefined>,
  signal: AbortSignal,
  counts: SubOperationCounts,
  options: SubOperationOptions,
  respond: Responder,
): Promise<{ written: Promise<void> | undefined }> {
  let pending: Promise<void> | undefined;
  let item = await next();
  let started: FileStart | undefined;
  try {
    while (item !== undefined && !signal.aborted) {
      const storing = storeThenReport(target, item, started, counts, options, respond, pending);
      // Awaited below, after the next instance is taken: a rejection meanwhile is not unhandled.
      storing.catch(() => {});
      started = undefined;
      item = await next();
      if (item !== undefined && !signal.aborted) started = await readAhead(item);
      pending = (await storing).written;
    }
  } finally {
    // A read done ahead for a sub-operation that will not run (cancel, failure) is given up.
    if (started !== undefined) dropFile(started);
  }
  return { written: pending };
}

/**
 * One sub-operation, then its pending response: the C-STORE-RQ starts before the previous
 * pending response's write is awaited, so the two overlap instead of each instance waiting for
 * both in turn. Returns the new pending response's write (wrapped); throws what the previous one
 * threw, once this C-STORE is over (nothing is left outstanding on the way out).
 */
async function storeThenReport(
  target: DimseChannel,
  item: RetrieveInstance,
  started: FileStart | undefined,
  counts: SubOperationCounts,
  options: SubOperationOptions,
  respond: Responder,
  previous: Promise<void> | undefined,
): Promise<{ written: Promise<void> }> {
  const [, reported] = await Promise.allSettled([storeInstance(target, item, counts, options, started), previous]);
  if (reported.status === "rejected") throw reported.reason;
  // The counters are read now, as this response is built.
  const next = respond.pending(counts);
  // Awaited by the next call or at the end; a rejection seen only then is not unhandled.
  next.catch(() => {});
  // Wrapped: an async function returning the promise itself would wait for it.
  return { written: next };
}

/** Files read at once for their heads: a few, never one per instance (a move may name 65535). */
const HEAD_READS_AT_ONCE = 8;
/** Heads read between two turns given to the event loop (most are read synchronously). */
const HEADS_PER_TURN = 64;

/** What identifies each instance, in order; file heads are read a few at a time. */
async function readInfos(batch: readonly RetrieveInstance[]): Promise<InstanceInfo[]> {
  const out: InstanceInfo[] = new Array(batch.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < batch.length; i = next++) {
      // A usual file meta is read synchronously: without a turn now and then, a move of
      // thousands of instances would hold up every other association (and a C-CANCEL).
      if (i % HEADS_PER_TURN === HEADS_PER_TURN - 1) await new Promise((resolve) => setImmediate(resolve));
      out[i] = await instanceInfo(batch[i] as RetrieveInstance);
    }
  };
  await Promise.all(Array.from({ length: Math.min(HEAD_READS_AT_ONCE, batch.length) }, worker));
  return out;
}

/** The association to the Move Destination, or why it could not be made. */
async function openSubAssociation(
  channel: DimseChannel,
  destination: MoveDestination,
  moveDestination: string,
  infos: readonly InstanceInfo[],
): Promise<SubAssociation | string> {
  if (!channel.associateForMove) return "this SCP cannot open associations";
  const contexts = contextsFor(infos);
  if (contexts.length === 0) return "no instance has a SOP Class UID";
  try {
    const sub = await channel.associateForMove(
      { address: destination.address, port: destination.port, aeTitle: destination.aeTitle ?? moveDestination },
      contexts,
    );
    if (sub.isEstablished) return sub;
    return `the move destination did not accept the association: ${sub.reason ?? "no reason"}`.slice(0, 64);
  } catch (err) {
    channel.logger.error?.("cannot associate with the move destination", err);
    return `cannot reach the move destination: ${commentOf(err)}`.slice(0, 64);
  }
}
