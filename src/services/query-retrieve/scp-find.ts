// C-FIND as SCP (PS3.7 9.1.2, PS3.4 C.4.1.3): the C_FIND handler yields matches, each answered by
// a pending response as it comes, then the final status; a C-CANCEL-RQ ends it with 0xFE00.
import { Dataset } from "../../dataset/dataset.js";
import { cFindRsp, status as statusTable } from "../../dimse/index.js";
import type { DimseChannel } from "../channel.js";
import type { IncomingRequest, InvokeHandler } from "../dispatch.js";
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
import type { QueryStatusResult } from "./types.js";

const fail = QueryRetrieveFailure.FIND;

/**
 * Answers a C-FIND-RQ. The handler's yields: a Dataset → pending 0xFF00 with it; `{ status }`
 * pending (0xFF00/0xFF01) → a pending response, any other status → the final response. The end
 * of the iteration → 0x0000; a C-CANCEL-RQ (or the handler stopping after one) → 0xFE00
 * (PS3.4 C.4.1.3.2); no handler, a throw or a value that is neither → 0xC311/0xC312 with an Error
 * Comment; an identifier that cannot be decoded → 0xC310. Never throws for the peer's request.
 */
export async function serveCFind(channel: DimseChannel, req: IncomingRequest, invoke: InvokeHandler): Promise<void> {
  const rq = req.command;
  const transferSyntax = req.context.transferSyntax ?? "";
  const respond = (status: number, data?: Uint8Array, errorComment?: string) =>
    channel.send(
      req.contextId,
      cFindRsp({
        messageIdBeingRespondedTo: rq.messageId ?? 0,
        affectedSopClassUid: rq.affectedSopClassUid ?? req.context.abstractSyntax ?? "",
        status,
        hasDataset: data !== undefined,
        ...(errorComment === undefined ? {} : { errorComment: errorComment.slice(0, 64) }),
      }),
      data,
    );
  const opened = openQuery(channel, req, "FIND");
  if (!("operation" in opened)) return respond(opened.status, undefined, opened.errorComment);
  const { operation, payload } = opened;
  try {
    if (!invoke) {
      channel.logger.warn?.("no C_FIND handler is bound; answering 0xC311");
      return await respond(fail.handlerFailed, undefined, "no C_FIND handler");
    }
    let it: ReturnType<typeof iteratorOf>;
    try {
      it = iteratorOf(await invoke(payload));
    } catch (err) {
      channel.logger.error?.("the C_FIND handler threw", err);
      return await respond(fail.handlerFailed, undefined, commentOf(err));
    }
    if (it === undefined) {
      channel.logger.error?.("the C_FIND handler returned something that is not iterable");
      return await respond(fail.badYield, undefined, "the C_FIND handler result is not iterable");
    }
    const final = await relayMatches(it, operation.signal, channel, transferSyntax, respond);
    if (final === undefined) return await respond(operation.signal.aborted ? CANCEL : 0x0000);
    return await respond(final.status, final.data, final.errorComment);
  } finally {
    operation.done();
  }
}

/**
 * Sends a pending response per match until the handler ends (undefined), yields a final status,
 * fails, or the operation is cancelled (undefined, the signal aborted).
 */
async function relayMatches(
  it: Iterator<unknown> | AsyncIterator<unknown>,
  signal: AbortSignal,
  channel: DimseChannel,
  transferSyntax: string,
  respond: (status: number, data?: Uint8Array, errorComment?: string) => Promise<void>,
): Promise<Final | undefined> {
  let finished = false;
  const encode = (ds: Dataset): Uint8Array | Final => {
    try {
      return encodeIdentifier(ds, transferSyntax);
    } catch (err) {
      channel.logger.error?.("a C_FIND match cannot be encoded", err);
      return { status: fail.badYield, errorComment: commentOf(err) };
    }
  };
  try {
    for (;;) {
      let r: Awaited<ReturnType<typeof nextOrCancel>>;
      try {
        r = await nextOrCancel(it, signal);
      } catch (err) {
        finished = true;
        if (signal.aborted) return undefined;
        channel.logger.error?.("the C_FIND handler failed", err);
        return { status: fail.handlerFailed, errorComment: commentOf(err) };
      }
      if (r === CANCELLED || signal.aborted) return undefined;
      if (r.done) {
        finished = true;
        return undefined;
      }
      const st: QueryStatusResult | undefined =
        r.value instanceof Dataset ? { status: 0xff00, identifier: r.value } : statusResult(r.value);
      if (st === undefined) {
        channel.logger.error?.("the C_FIND handler yielded something that is neither a Dataset nor a status");
        return { status: fail.badYield, errorComment: "the C_FIND handler yielded an invalid value" };
      }
      const pending = statusTable.category(st.status) === "pending";
      // PS3.7 9.1.2.1.6: a pending response carries an identifier.
      const ds = st.identifier ?? (pending ? new Dataset() : undefined);
      const data = ds === undefined ? undefined : encode(ds);
      if (data !== undefined && !(data instanceof Uint8Array)) return data;
      if (!pending) return { status: st.status, data, errorComment: st.errorComment };
      await respond(st.status, data);
    }
  } finally {
    if (!finished) closeIterator(it, channel.logger);
  }
}

/** The final response a handler asked for. */
interface Final {
  readonly status: number;
  readonly data?: Uint8Array | undefined;
  readonly errorComment?: string | undefined;
}
