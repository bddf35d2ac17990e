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
import { type AAssociateRq, encodePdu, freezePdu, PduType } from "./pdu/index.js";
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
  const built = (() => {
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
      return builtRequest(p, () => assembleAAssociateRq(me, peer));
    } catch (err) {
      t.destroy();
      throw err;
    }
  })();
  const rq = built.rq;
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
      ul.requestAssociation(rq, built.encoded).then(resolve, reject);
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

/** An A-ASSOCIATE-RQ and, when it may be reused, its encoding. */
interface BuiltRequest {
  readonly rq: AAssociateRq;
  readonly encoded: Uint8Array | undefined;
}

/** What of {@link RequestParams} goes into an A-ASSOCIATE-RQ without extended items (contexts as values). */
interface RequestInputs {
  readonly callingAeTitle: string;
  readonly calledAeTitle: string;
  readonly maximumLength: number;
  readonly implementationClassUid: string;
  readonly implementationVersionName: string | undefined;
  readonly contexts: readonly {
    readonly contextId: number | undefined;
    readonly abstractSyntax: string | undefined;
    readonly transferSyntaxes: readonly string[];
    readonly scuRole: boolean | undefined;
    readonly scpRole: boolean | undefined;
  }[];
}

/**
 * The last request built from parameters without extended negotiation items, frozen, with its
 * encoding and what it was built from. An SCU opening association after association with the
 * same AE titles, contexts and user information (a forwarder, a modality sending study after
 * study, the echo benchmark) builds and encodes its A-ASSOCIATE-RQ once. The service users are
 * still set (and their values checked) every time.
 */
let lastRequest: { readonly inputs: RequestInputs; readonly built: BuiltRequest } | undefined;

/** The request for `p`: the last one when `p` asks for the same, else `build()`'s (kept when reusable). */
function builtRequest(p: RequestParams, build: () => AAssociateRq): BuiltRequest {
  // Extended items are objects with state of their own: a request carrying any is built afresh.
  if (p.extendedNegotiation.length > 0) return { rq: build(), encoded: undefined };
  if (lastRequest !== undefined && sameInputs(lastRequest.inputs, p)) return lastRequest.built;
  const rq = freezePdu(build());
  const built = { rq, encoded: encodePdu(rq) };
  lastRequest = { inputs: inputsOf(p), built };
  return built;
}

/** A copy of the values of `p` the request is built from (the contexts are mutable objects). */
function inputsOf(p: RequestParams): RequestInputs {
  return {
    callingAeTitle: p.callingAeTitle,
    calledAeTitle: p.calledAeTitle,
    maximumLength: p.maximumLength,
    implementationClassUid: p.implementationClassUid,
    implementationVersionName: p.implementationVersionName,
    contexts: p.contexts.map((cx) => ({
      contextId: cx.contextId,
      abstractSyntax: cx.abstractSyntax,
      transferSyntaxes: [...cx.transferSyntaxes],
      scuRole: cx.scuRole,
      scpRole: cx.scpRole,
    })),
  };
}

/** True when `p` would build the request `a` was taken from. */
function sameInputs(a: RequestInputs, p: RequestParams): boolean {
  if (
    a.callingAeTitle !== p.callingAeTitle ||
    a.calledAeTitle !== p.calledAeTitle ||
    a.maximumLength !== p.maximumLength ||
    a.implementationClassUid !== p.implementationClassUid ||
    a.implementationVersionName !== p.implementationVersionName ||
    a.contexts.length !== p.contexts.length
  ) {
    return false;
  }
  for (let i = 0; i < a.contexts.length; i++) {
    const x = a.contexts[i]!;
    const cx = p.contexts[i]!;
    if (
      x.contextId !== cx.contextId ||
      x.abstractSyntax !== cx.abstractSyntax ||
      x.scuRole !== cx.scuRole ||
      x.scpRole !== cx.scpRole
    ) {
      return false;
    }
    const ts = cx.transferSyntaxes;
    if (x.transferSyntaxes.length !== ts.length) return false;
    for (let j = 0; j < ts.length; j++) if (x.transferSyntaxes[j] !== ts[j]) return false;
  }
  return true;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
