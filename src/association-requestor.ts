// Association establishment as requestor (PS3.8 7.1, 9.3.2-9.3.4): send the A-ASSOCIATE-RQ built
// from the requestor service user, and turn the answer into an established, rejected or aborted
// association.
import {
  assembleAAssociateRq,
  type ExtendedNegotiationItem,
  negotiateAsRequestor,
  type PresentationContext,
} from "./acse/index.js";
import type { Association } from "./association.js";
import { AbortSource } from "./dul/errors.js";
import type { UpperLayer } from "./dul/provider.js";
import { PduType } from "./pdu/index.js";
import { NetdicomError } from "./util/errors.js";

/** No A-ASSOCIATE answer (or A-RELEASE answer) came within the ACSE timeout. */
export class AcseTimeoutError extends NetdicomError {
  override readonly name = "TimeoutError";
  constructor(
    /** The ACSE timeout that expired (ms). */
    readonly timeoutMs: number,
  ) {
    super("ERR_TIMEOUT", `acse timer expired after ${timeoutMs} ms without an answer to the A-ASSOCIATE-RQ`);
  }
}

/** The acceptor accepted none of the proposed presentation contexts, so the requestor aborted. */
export class NoAcceptedContextsError extends NetdicomError {
  override readonly name = "NoAcceptedContextsError";
  constructor() {
    super("ERR_NO_ACCEPTED_CONTEXTS", "the acceptor accepted none of the proposed presentation contexts");
  }
}

/** What the requestor proposes. */
export interface RequestParams {
  readonly callingAeTitle: string;
  readonly calledAeTitle: string;
  readonly address: string;
  readonly port: number;
  readonly contexts: readonly PresentationContext[];
  /** Maximum Length announced (bytes; 0 = no limit). */
  readonly maximumLength: number;
  readonly implementationClassUid: string;
  readonly implementationVersionName: string | undefined;
  readonly extendedNegotiation: readonly ExtendedNegotiationItem[];
  readonly acseTimeoutMs: number;
  readonly signal: AbortSignal | undefined;
}

/**
 * Requests the association on a connected upper layer and resolves with `assoc` in its final
 * negotiation state: established, rejected (`rejection` set) or aborted (`abortError` set).
 * Throws only for a request that cannot be built (missing or invalid values); the connection is
 * closed first.
 */
export async function requestAssociation(assoc: Association, ul: UpperLayer, p: RequestParams): Promise<Association> {
  assoc.attach(ul);
  const t = ul.transport;
  // The peer's address costs a system call: read only for someone listening.
  if (assoc.isObserved("CONN_OPEN")) {
    assoc.fire("CONN_OPEN", { address: t.remoteAddress ?? p.address, port: t.remotePort ?? p.port });
  }
  const rq = (() => {
    try {
      const me = assoc.requestor;
      me.aeTitle = p.callingAeTitle;
      // Read when first asked: a system call (getsockname) most associations never need.
      me.setEndpointSource(() => ({ address: t.localAddress ?? "0.0.0.0", port: t.localPort ?? 0 }));
      me.maximumLength = p.maximumLength;
      me.implementationClassUid = p.implementationClassUid;
      me.implementationVersionName = p.implementationVersionName;
      me.requestedContexts = p.contexts;
      for (const item of p.extendedNegotiation) me.addNegotiationItem(item);
      const peer = assoc.acceptor;
      peer.aeTitle = p.calledAeTitle;
      peer.address = p.address;
      peer.port = p.port;
      return assembleAAssociateRq(me, peer);
    } catch (err) {
      t.destroy();
      throw err;
    }
  })();
  assoc.startNegotiation();
  assoc.requestor.setPrimitive(rq);
  assoc.fire("REQUESTED", {});

  // One promise settled by the answer, the ACSE timer or the signal, whichever comes first: no
  // race and no second promise per association (PS3.8 leaves the requestor's wait to the user;
  // pynetdicom bounds it with its ACSE timeout, as here).
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  let answer: Awaited<ReturnType<UpperLayer["requestAssociation"]>> | Error;
  try {
    answer = await new Promise<Awaited<ReturnType<UpperLayer["requestAssociation"]>> | Error>((resolve, reject) => {
      ul.requestAssociation(rq).then(resolve, reject);
      if (p.acseTimeoutMs > 0)
        timer = setTimeout(() => resolve(new AcseTimeoutError(p.acseTimeoutMs)), p.acseTimeoutMs);
      const signal = p.signal;
      if (signal === undefined) return;
      onAbort = () => resolve(asError(signal.reason));
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    });
  } catch (err) {
    assoc.markAborted(asError(err));
    await assoc.closed;
    return assoc;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (onAbort) p.signal?.removeEventListener("abort", onAbort);
  }
  if (answer instanceof Error) {
    assoc.markAborted(answer);
    await ul.abort(AbortSource.ServiceUser, 0);
    return assoc;
  }
  assoc.acceptor.setPrimitive(answer);
  if (answer.type === PduType.AAssociateRj) {
    assoc.markRejected({ result: answer.result, source: answer.source, reason: answer.reason });
    await assoc.closed;
    return assoc;
  }
  let contexts: PresentationContext[];
  try {
    contexts = negotiateAsRequestor(
      assoc.requestor.getContexts("pcdl"),
      answer.presentationContexts,
      answer.userInformation.roleSelections ?? [],
      rq.userInformation.roleSelections ?? [],
    );
  } catch (err) {
    assoc.markAborted(asError(err));
    await ul.abort(AbortSource.ServiceProvider, 6);
    return assoc;
  }
  if (!contexts.some((cx) => cx.result === 0)) {
    // Nothing can be done on this association: abort it, as pynetdicom does.
    assoc.setContexts(contexts);
    assoc.markAborted(new NoAcceptedContextsError());
    await ul.abort(AbortSource.ServiceUser, 0);
    return assoc;
  }
  assoc.markEstablished(contexts);
  return assoc;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
