// Association negotiation (PS3.8 9.3.2-9.3.4, PS3.7 Annex D.3): the pure pieces the association composes.

export {
  type AcceptorAnswer,
  assembleAAssociateAc,
  assembleAAssociateRq,
  numberContexts,
} from "./assemble.js";
export {
  assignContextIds,
  basicWorklistManagementPresentationContexts,
  checkContextLimit,
  maxPresentationContexts,
  type PrioritisedContexts,
  prioritiseContexts,
  queryRetrievePresentationContexts,
  type SplitOptions,
  splitContexts,
  storagePresentationContexts,
  TooManyContextsError,
  verificationPresentationContexts,
} from "./context-lists.js";
export {
  type AcceptorNegotiation,
  type AcceptorNegotiationOptions,
  ContextResult,
  negotiateAsAcceptor,
  negotiateAsRequestor,
  negotiateRqItemsAsAcceptor,
} from "./negotiation.js";
export {
  AsynchronousOperationsWindowNegotiation,
  type ExtendedNegotiationItem,
  fromUserInformation,
  ImplementationClassUIDNotification,
  ImplementationVersionNameNotification,
  isExtendedNegotiationItem,
  MaximumLengthNotification,
  SCPSCURoleSelectionNegotiation,
  SOPClassCommonExtendedNegotiation,
  SOPClassExtendedNegotiation,
  toUserInformation,
  type UserIdentityInit,
  UserIdentityNegotiation,
  type UserInformationItem,
} from "./negotiation-items.js";
export {
  buildContext,
  buildRole,
  checkContextId,
  defaultTransferSyntaxes,
  fromRqItem,
  PresentationContext,
  type PresentationContextInit,
  toAcItem,
  toRqItem,
} from "./presentation-context.js";
export {
  type AssociationPolicy,
  type AssociationVerdict,
  assembleAAssociateRj,
  describeRejection,
  dicomApplicationContextName,
  evaluateAssociationRequest,
  type Rejection,
  Rejections,
  RejectResult,
  RejectSource,
} from "./rejection.js";
export { contextRejected, defaultRole, type RoleOutcome, type RolePair, roleOutcome } from "./roles.js";
export {
  type AcceptedCommonExtended,
  type AssociatePrimitive,
  type ContextType,
  defaultMaximumLength,
  ServiceUser,
  ServiceUserError,
  type ServiceUserInfo,
  type ServiceUserMode,
  type ServiceUserOptions,
  type ServiceUserOwner,
} from "./service-user.js";
export { checkUid, isValidUid, NegotiationValueError } from "./uid.js";
