// Association establishment as acceptor (PS3.8 7.1, 9.3.2-9.3.4; PS3.7 D.3.3): check the
// A-ASSOCIATE-RQ, run the extended negotiation handlers and the user's acceptance hook, negotiate
// the contexts, and answer with an A-ASSOCIATE-AC or -RJ.
import type { PeerCertificate } from "node:tls";
import {
  AsynchronousOperationsWindowNegotiation,
  assembleAAssociateAc,
  assembleAAssociateRj,
  evaluateAssociationRequest,
  fromRqItem,
  negotiateAsAcceptor,
  negotiateRqItemsAsAcceptor,
  type PresentationContext,
  type Rejection,
  Rejections,
  SOPClassCommonExtendedNegotiation,
  SOPClassExtendedNegotiation,
  UserIdentityNegotiation,
} from "./acse/index.js";
import type { Association } from "./association.js";
import { answerProposal, checkWindow } from "./async-window.js";
import type { UpperLayer } from "./dul/provider.js";
import type { UserIdentityVerdict } from "./events.js";
import { type AAssociateAc, type AAssociateRq, encodePdu, freezePdu } from "./pdu/index.js";

/** What `onAssociationRequest` sees of a request, after the standard checks and extended negotiation. */
export interface AssociationRequestInfo {
  /** The association being negotiated (its `requestor` service user holds the request). */
  readonly assoc: Association;
  /** The peer's IP address. */
  readonly address: string;
  /** The peer's port (undefined when the transport has none). */
  readonly port: number | undefined;
  /** The Called AE Title of the request: the AE title the peer asked for (ours, normally). */
  readonly calledAeTitle: string;
  /** The Calling AE Title of the request: the peer's own AE title. */
  readonly callingAeTitle: string;
  /** The peer's TLS certificate, on a TLS connection where it sent one. */
  readonly peerCertificate: PeerCertificate | undefined;
  /** The requestor's user identity item, if any (already verified by a USER_ID handler when bound). */
  readonly userIdentity: UserIdentityNegotiation | undefined;
  /** The proposed presentation contexts. */
  readonly requestedContexts: readonly PresentationContext[];
}

/** The answer of `onAssociationRequest`: accept (undefined, true, "accept") or reject with a result/source/reason. */
export type AssociationRequestDecision =
  | undefined
  | boolean
  | "accept"
  | {
      /** The A-ASSOCIATE-RJ to send: result, source and reason (PS3.8 9.3.4); `Rejections` has the usual ones. */
      readonly reject: Rejection;
    };

/** The async acceptance hook of a server. */
export type AssociationRequestHook = (
  info: AssociationRequestInfo,
) => AssociationRequestDecision | Promise<AssociationRequestDecision>;

/** What the acceptor needs to know. */
export interface AcceptParams {
  readonly aeTitle: string;
  readonly requireCalledAet: boolean;
  readonly requireCallingAet: readonly string[];
  readonly maximumAssociations: number;
  /** Associations admitted so far (not counting this one). */
  readonly admitted: () => number;
  /** Counts this association as admitted (until it closes). */
  readonly admit: () => void;
  readonly supportedContexts: readonly PresentationContext[];
  /** The port the server listens on (stands in for the local port once the socket is closed). */
  readonly listenPort?: number | undefined;
  readonly maximumLength: number;
  readonly implementationClassUid: string;
  readonly implementationVersionName: string | undefined;
  readonly onAssociationRequest: AssociationRequestHook | undefined;
  /** Reject requests without a verified user identity (default: the AE's `requireUserIdentity`). */
  readonly requireUserIdentity?: boolean;
}

/**
 * The answer to a user identity that is missing (when required) or fails verification:
 * rejected-transient, DICOM UL service-provider (ACSE related function), no-reason-given, as
 * pynetdicom's acceptor sends it. PS3.7 D.3.3.7 only names the source (ACSE related function);
 * pynetdicom's documentation says "permanent" but its code sends (2,2,1), and so do we.
 */
const identityRejected: Rejection = Object.freeze({ result: 2, source: 2, reason: 1 });

/**
 * Negotiates as acceptor on an upper layer that has just accepted a connection. Never throws:
 * every failure ends as a rejection or an abort recorded on `assoc`.
 */
export async function acceptAssociation(assoc: Association, ul: UpperLayer, p: AcceptParams): Promise<void> {
  let rq: AAssociateRq;
  try {
    rq = await ul.associateRequest();
  } catch {
    return; // no request came (ARTIM, peer closed): the upper layer has closed the connection
  }
  const t = ul.transport;
  const reject = async (r: Rejection) => {
    const rj = assembleAAssociateRj(r);
    assoc.acceptor.setPrimitive(rj);
    assoc.markRejected(r);
    await ul.reject(rj).catch(() => {});
  };
  try {
    const peer = assoc.requestor;
    peer.address = t.remoteAddress ?? "unknown";
    peer.port = t.remotePort;
    const me = assoc.acceptor;
    me.aeTitle = p.aeTitle;
    // Read when first asked (a system call most associations never need); once the socket is
    // gone the port we listen on stands in.
    me.setEndpointSource(() => ({ address: t.localAddress ?? "0.0.0.0", port: t.localPort ?? p.listenPort }));
    me.maximumLength = p.maximumLength;
    me.implementationClassUid = p.implementationClassUid;
    me.implementationVersionName = p.implementationVersionName;
    me.supportedContexts = p.supportedContexts;
    peer.setPrimitive(rq);
    assoc.startNegotiation();
    assoc.fire("REQUESTED", {});

    const verdict = evaluateAssociationRequest(rq, {
      aeTitle: p.aeTitle,
      requireCalledAet: p.requireCalledAet,
      requireCallingAet: p.requireCallingAet,
      activeAssociations: p.admitted(),
      maximumAssociations: p.maximumAssociations,
    });
    if (!verdict.accept) return await reject(verdict.rejection);
    // Counted at once, in the same tick as the check, so concurrent requests cannot overshoot.
    p.admit();

    // First of the handlers: with identity required no other handler (nor the acceptance hook,
    // nor any DIMSE handler, which needs an established association) sees an unverified peer.
    // Each check is awaited only when it has something to look at (most requests carry none of
    // these items, or only the window proposal).
    const required = p.requireUserIdentity ?? assoc.ae.requireUserIdentity;
    const items = assoc.requestor.extendedNegotiation;
    // Which kinds were proposed, in one pass (none, as a rule).
    let hasIdentity = false;
    let hasAsyncOps = false;
    let hasSopExtended = false;
    let hasSopCommon = false;
    for (const i of items) {
      if (i instanceof UserIdentityNegotiation) hasIdentity = true;
      else if (i instanceof AsynchronousOperationsWindowNegotiation) hasAsyncOps = true;
      else if (i instanceof SOPClassExtendedNegotiation) hasSopExtended = true;
      else if (i instanceof SOPClassCommonExtendedNegotiation) hasSopCommon = true;
    }
    const identity = required || hasIdentity ? await checkUserIdentity(assoc, required) : undefined;
    if (identity === "rejected") return await reject(identityRejected);
    const asyncOps = hasAsyncOps ? await checkAsyncOps(assoc) : undefined;
    const sopClassExtended = hasSopExtended ? await checkSopExtended(assoc) : [];
    if (hasSopCommon) await checkSopCommon(assoc);

    // Made for the hook only (which may look at them, or even change them before negotiation).
    const requestedContexts = p.onAssociationRequest ? rq.presentationContexts.map(fromRqItem) : undefined;
    if (p.onAssociationRequest && requestedContexts) {
      let decision: AssociationRequestDecision;
      try {
        decision = await p.onAssociationRequest({
          assoc,
          address: peer.address,
          port: peer.port,
          calledAeTitle: rq.calledAeTitle.trim(),
          callingAeTitle: rq.callingAeTitle.trim(),
          peerCertificate: t.peerCertificate(),
          userIdentity: peer.userIdentity,
          requestedContexts,
        });
      } catch (err) {
        assoc.logger.error?.("onAssociationRequest threw; rejecting the association", err);
        decision = { reject: Rejections.NoReasonGiven };
      }
      if (decision === false) return await reject(Rejections.NoReasonGiven);
      if (typeof decision === "object") return await reject(decision.reject);
    }

    const roleSelections = rq.userInformation.roleSelections ?? [];
    const { contexts, roles } = requestedContexts
      ? negotiateAsAcceptor(requestedContexts, p.supportedContexts, roleSelections)
      : negotiateRqItemsAsAcceptor(rq.presentationContexts, p.supportedContexts, roleSelections);
    // PS3.8 leaves "nothing acceptable" to the acceptor; like DCMTK's SCPs we reject it outright
    // (permanent, service-user, no reason given) rather than establish a useless association.
    if (!contexts.some((cx) => cx.result === 0)) return await reject(Rejections.NoReasonGiven);
    const plain = items.length === 0 && roles.length === 0;
    const answer = plain ? lastAnswer(rq, p, contexts) : undefined;
    const ac =
      answer?.ac ??
      assembleAAssociateAc(peer, me, {
        contexts,
        roles,
        ...(asyncOps ? { asynchronousOperations: asyncOps } : {}),
        ...(identity ? { userIdentity: identity } : {}),
        sopClassExtended,
      });
    me.setPrimitive(ac);
    await ul.accept(ac, plain ? (answer ?? keepAnswer(rq, p, contexts, ac)).encoded : undefined);
    assoc.markEstablished(contexts);
  } catch (err) {
    assoc.logger.error?.("association negotiation failed", err);
    if (!assoc.isRejected && ul.state === "Sta3") await reject(Rejections.ProviderNoReasonGiven);
    else if (!assoc.isEstablished && !assoc.isRejected) await ul.abort().catch(() => {});
  }
}

/**
 * The last A-ASSOCIATE-AC sent to a request without extended negotiation items, frozen, with
 * its encoding and what it was made from. The request object itself is the key: `decodePdu`
 * gives the same frozen object for the same bytes, so an SCP asked for the same association
 * again and again (one SCU, the same contexts) assembles and encodes its answer once.
 */
let lastAccepted:
  | {
      readonly rq: AAssociateRq;
      readonly supported: readonly PresentationContext[];
      readonly maximumLength: number;
      readonly implementationClassUid: string;
      readonly implementationVersionName: string | undefined;
      readonly results: readonly (number | string | undefined)[];
      readonly ac: AAssociateAc;
      readonly encoded: Uint8Array;
    }
  | undefined;

/** The answer given last, when it answered this very request with the same settings and outcome. */
function lastAnswer(
  rq: AAssociateRq,
  p: AcceptParams,
  contexts: readonly PresentationContext[],
): { readonly ac: AAssociateAc; readonly encoded: Uint8Array } | undefined {
  const last = lastAccepted;
  if (
    last === undefined ||
    last.rq !== rq ||
    last.supported !== p.supportedContexts ||
    last.maximumLength !== p.maximumLength ||
    last.implementationClassUid !== p.implementationClassUid ||
    last.implementationVersionName !== p.implementationVersionName ||
    last.results.length !== contexts.length * 3
  ) {
    return undefined;
  }
  for (let i = 0; i < contexts.length; i++) {
    const cx = contexts[i]!;
    const r = last.results;
    if (r[3 * i] !== cx.contextId || r[3 * i + 1] !== cx.result || r[3 * i + 2] !== cx.transferSyntax) return undefined;
  }
  return last;
}

/** Keeps `ac` (frozen) and its encoding as the answer to `rq`; returns them. */
function keepAnswer(
  rq: AAssociateRq,
  p: AcceptParams,
  contexts: readonly PresentationContext[],
  ac: AAssociateAc,
): { readonly ac: AAssociateAc; readonly encoded: Uint8Array } {
  const frozen = freezePdu(ac);
  const kept = {
    rq,
    supported: p.supportedContexts,
    maximumLength: p.maximumLength,
    implementationClassUid: p.implementationClassUid,
    implementationVersionName: p.implementationVersionName,
    results: contexts.flatMap((cx) => [cx.contextId, cx.result, cx.transferSyntax]),
    ac: frozen,
    encoded: encodePdu(frozen),
  };
  // Only a request that decodePdu shares (frozen) can come back as the same object, and only a
  // frozen supported list (a server's, see AE.acceptorContexts) cannot change under the same one.
  if (Object.isFrozen(rq) && Object.isFrozen(p.supportedContexts)) lastAccepted = kept;
  return kept;
}

/**
 * USER_ID (PS3.7 D.3.3.7): with no handler the identity is accepted without answer, as in
 * pynetdicom; a handler that says no, or throws, rejects the association. When `required`, a
 * request without the item, or with no handler to verify it, is rejected too (fail closed).
 * Returns the answer item to send (when a positive response was requested), "rejected", or
 * undefined.
 */
async function checkUserIdentity(
  assoc: Association,
  required: boolean,
): Promise<UserIdentityNegotiation | "rejected" | undefined> {
  const item = assoc.requestor.userIdentity;
  const handler = assoc.handlers.intervention("USER_ID");
  if (required && (!item || !handler)) {
    assoc.logger.info?.(
      item
        ? "user identity required but no USER_ID handler is bound; rejecting"
        : "user identity required but none sent; rejecting",
    );
    return "rejected";
  }
  if (!item || !handler) return undefined;
  let verdict: UserIdentityVerdict;
  try {
    verdict = await handler({
      name: "USER_ID",
      assoc,
      timestamp: new Date(),
      userIdType: item.userIdentityType,
      primaryField: item.primaryField,
      secondaryField: item.secondaryField,
      positiveResponseRequested: item.positiveResponseRequested,
      item,
    });
  } catch (err) {
    assoc.logger.error?.("the USER_ID handler threw; rejecting the association", err);
    return "rejected";
  }
  const verified = typeof verdict === "boolean" ? verdict : verdict?.verified === true;
  if (!verified) return "rejected";
  if (!item.positiveResponseRequested) return undefined;
  // PS3.7 D.3.3.7.2: a server response is meaningful for Kerberos, SAML and JWT (types 3-5);
  // for username (and passcode) the positive answer carries an empty one.
  const type = item.userIdentityType ?? 1;
  const response = typeof verdict === "object" && type >= 3 ? verdict.response : undefined;
  return new UserIdentityNegotiation({ serverResponse: response ?? new Uint8Array(0) });
}

/**
 * ASYNC_OPS (PS3.7 D.3.3.3): the answer to a proposed window is what the AE's
 * `maxAsyncOperations` allows (see `answerProposal`); a handler is told the proposal and may
 * return `[invoked, performed]` limits to use instead for this association.
 */
async function checkAsyncOps(assoc: Association): Promise<AsynchronousOperationsWindowNegotiation | undefined> {
  const proposed = assoc.requestor.extendedNegotiation.find(
    (i): i is AsynchronousOperationsWindowNegotiation => i instanceof AsynchronousOperationsWindowNegotiation,
  );
  if (!proposed) return undefined;
  const handler = assoc.handlers.intervention("ASYNC_OPS");
  let own = assoc.ae.maxAsyncOperations;
  if (handler) {
    try {
      const limits = await handler({
        name: "ASYNC_OPS",
        assoc,
        timestamp: new Date(),
        invoked: proposed.maximumNumberOperationsInvoked,
        performed: proposed.maximumNumberOperationsPerformed,
      });
      if (limits !== undefined) {
        const window = { invoked: limits[0], performed: limits[1] };
        checkWindow(window, "the ASYNC_OPS handler's answer");
        own = window;
      }
    } catch (err) {
      assoc.logger.error?.("the ASYNC_OPS handler failed; answering the AE's maxAsyncOperations", err);
    }
  }
  return answerProposal(
    { invoked: proposed.maximumNumberOperationsInvoked, performed: proposed.maximumNumberOperationsPerformed },
    own,
  );
}

/** SOP_EXTENDED (PS3.7 D.3.3.5): the handler's answers, for SOP classes the requestor named. */
async function checkSopExtended(assoc: Association): Promise<SOPClassExtendedNegotiation[]> {
  const requested = assoc.requestor.sopClassExtended;
  const handler = assoc.handlers.intervention("SOP_EXTENDED");
  if (requested.size === 0 || !handler) return [];
  try {
    const answer = await handler({ name: "SOP_EXTENDED", assoc, timestamp: new Date(), requested });
    if (!answer) return [];
    const entries = answer instanceof Map ? [...answer] : Object.entries(answer);
    return entries
      .filter(([uid]) => requested.has(uid))
      .map(([uid, info]) => new SOPClassExtendedNegotiation(uid, info as Uint8Array));
  } catch (err) {
    assoc.logger.error?.("the SOP_EXTENDED handler failed; no SOP class extended answers sent", err);
    return [];
  }
}

/** SOP_COMMON (PS3.7 D.3.3.6): records which common extended items the handler accepts (none are sent back). */
async function checkSopCommon(assoc: Association): Promise<void> {
  const requested = assoc.requestor.sopClassCommonExtended;
  const handler = assoc.handlers.intervention("SOP_COMMON");
  if (requested.size === 0 || !handler) return;
  try {
    const accepted = (await handler({ name: "SOP_COMMON", assoc, timestamp: new Date(), requested })) ?? [];
    const items = [...requested.values()].filter((i) => accepted.includes(i.sopClassUid));
    assoc.acceptor.setAcceptedCommonExtended(items);
  } catch (err) {
    assoc.logger.error?.("the SOP_COMMON handler failed; no common extended negotiation accepted", err);
  }
}
