// Building the A-ASSOCIATE-RQ and -AC PDUs (PS3.8 9.3.2, 9.3.3) from the two service users.
import type { AAssociateAc, AAssociateRq } from "../pdu/index.js";
import { PduType } from "../pdu/index.js";
import { assignContextIds, checkContextLimit } from "./context-lists.js";
import {
  type AsynchronousOperationsWindowNegotiation,
  ImplementationClassUIDNotification,
  ImplementationVersionNameNotification,
  MaximumLengthNotification,
  SCPSCURoleSelectionNegotiation,
  type SOPClassExtendedNegotiation,
  toUserInformation,
  type UserIdentityNegotiation,
  type UserInformationItem,
} from "./negotiation-items.js";
import { type PresentationContext, toAcItem, toRqItem } from "./presentation-context.js";
import { dicomApplicationContextName } from "./rejection.js";
import { type ServiceUser, ServiceUserError } from "./service-user.js";

function checkPair(requestor: ServiceUser, acceptor: ServiceUser): void {
  if (!requestor.isRequestor || !acceptor.isAcceptor) {
    throw new ServiceUserError("ERR_SERVICE_USER_MODE", "pass the requestor service user first, then the acceptor");
  }
}

/**
 * The requested contexts with IDs: kept when every context has one (and they are distinct),
 * otherwise numbered 1, 3, 5… in order. Throws beyond 128 contexts (PS3.8 9.3.2.2).
 */
export function numberContexts(contexts: readonly PresentationContext[]): PresentationContext[] {
  checkContextLimit(contexts);
  if (contexts.every((cx) => cx.contextId !== undefined)) {
    const ids = new Set(contexts.map((cx) => cx.contextId));
    if (ids.size === contexts.length) return [...contexts];
    throw new ServiceUserError("ERR_CONTEXT_ID", "two requested presentation contexts have the same ID");
  }
  return assignContextIds(contexts);
}

/**
 * The A-ASSOCIATE-RQ the requestor sends: protocol version 1, called AE title the acceptor's,
 * calling AE title the requestor's, the DICOM application context, the requested contexts
 * (numbered by {@link numberContexts}) and the requestor's User Information. A context whose
 * `scuRole` and `scpRole` are both set adds a role selection item for its abstract syntax unless
 * one was added explicitly. Throws when either service user is not valid.
 */
export function assembleAAssociateRq(requestor: ServiceUser, acceptor: ServiceUser): AAssociateRq {
  checkPair(requestor, acceptor);
  const missing = [
    ...requestor.missing().map((m) => `requestor ${m}`),
    ...acceptor.missing().map((m) => `acceptor ${m}`),
  ];
  if (missing.length > 0) {
    throw new ServiceUserError(
      "ERR_SERVICE_USER_INVALID",
      `can't request an association without ${missing.join(", ")}`,
    );
  }
  const contexts = numberContexts(requestor.requestedContexts);
  const items: UserInformationItem[] = requestor.userInformation;
  // Looked up only when a context sets both roles (most set none).
  let roles: Map<string, SCPSCURoleSelectionNegotiation> | undefined;
  for (const cx of contexts) {
    const uid = cx.abstractSyntax;
    if (uid === undefined || cx.scuRole === undefined || cx.scpRole === undefined) continue;
    roles ??= new Map(requestor.roleSelection);
    if (!roles.has(uid)) {
      const role = new SCPSCURoleSelectionNegotiation(uid, { scuRole: cx.scuRole, scpRole: cx.scpRole });
      items.push(role);
      roles.set(uid, role);
    }
  }
  return {
    type: PduType.AAssociateRq,
    protocolVersion: 1,
    calledAeTitle: acceptor.aeTitle,
    callingAeTitle: requestor.aeTitle,
    applicationContextName: dicomApplicationContextName,
    presentationContexts: contexts.map(toRqItem),
    userInformation: toUserInformation(items, "rq"),
  };
}

/** The acceptor's answers that go into its A-ASSOCIATE-AC beside its own notifications. */
export interface AcceptorAnswer {
  /** The negotiated contexts (from `negotiateAsAcceptor`). */
  readonly contexts: readonly PresentationContext[];
  /** Role selection answers (from `negotiateAsAcceptor`). */
  readonly roles?: readonly SCPSCURoleSelectionNegotiation[];
  /** The asynchronous operations window answer, when the requestor proposed one. */
  readonly asynchronousOperations?: AsynchronousOperationsWindowNegotiation;
  /** The user identity answer (server response), when the requestor asked for a positive response. */
  readonly userIdentity?: UserIdentityNegotiation;
  /** SOP class extended negotiation answers. */
  readonly sopClassExtended?: readonly SOPClassExtendedNegotiation[];
}

/**
 * The A-ASSOCIATE-AC the acceptor sends. The AE title fields repeat those of the request
 * (PS3.8 9.3.3: same values as the A-ASSOCIATE-RQ, not tested on receipt) when the requestor's
 * primitive is known, else the two service users' titles. User Information: the acceptor's
 * maximum length, implementation class UID and version name, then the answers.
 */
export function assembleAAssociateAc(
  requestor: ServiceUser,
  acceptor: ServiceUser,
  answer: AcceptorAnswer,
): AAssociateAc {
  checkPair(requestor, acceptor);
  const rq = requestor.primitive?.type === PduType.AAssociateRq ? requestor.primitive : undefined;
  const items: UserInformationItem[] = [];
  if (acceptor.maximumLength !== undefined) items.push(new MaximumLengthNotification(acceptor.maximumLength));
  if (acceptor.implementationClassUid === undefined) {
    throw new ServiceUserError("ERR_SERVICE_USER_INVALID", "the acceptor has no implementation class UID");
  }
  items.push(new ImplementationClassUIDNotification(acceptor.implementationClassUid));
  if (acceptor.implementationVersionName !== undefined) {
    items.push(new ImplementationVersionNameNotification(acceptor.implementationVersionName));
  }
  if (answer.asynchronousOperations) items.push(answer.asynchronousOperations);
  items.push(...(answer.roles ?? []));
  items.push(...(answer.sopClassExtended ?? []));
  if (answer.userIdentity) items.push(answer.userIdentity);
  return {
    type: PduType.AAssociateAc,
    protocolVersion: 1,
    calledAeTitle: rq?.calledAeTitle ?? acceptor.aeTitle,
    callingAeTitle: rq?.callingAeTitle ?? requestor.aeTitle,
    applicationContextName: dicomApplicationContextName,
    presentationContexts: answer.contexts.map(toAcItem),
    userInformation: toUserInformation(items, "ac"),
  };
}
