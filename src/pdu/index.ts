// The upper layer's PDUs (PS3.8 9.3, Annex D; PS3.7 Annex D.3.3): types, codecs, framer, logs.

export { type AAbort, abortReasonName, decodeAAbort, describeAAbort, encodeAAbort } from "./a-abort.js";
export { type AAssociateAc, decodeAAssociateAc, describeAAssociateAc, encodeAAssociateAc } from "./a-associate-ac.js";
export {
  type AAssociateRj,
  decodeAAssociateRj,
  describeAAssociateRj,
  encodeAAssociateRj,
  rejectReasonName,
} from "./a-associate-rj.js";
export { type AAssociateRq, decodeAAssociateRq, describeAAssociateRq, encodeAAssociateRq } from "./a-associate-rq.js";
export {
  type AReleaseRp,
  type AReleaseRq,
  decodeAReleaseRp,
  decodeAReleaseRq,
  describeARelease,
  encodeARelease,
} from "./a-release.js";
export type { AssociateFields } from "./associate-common.js";
export { decodePdu, describePdu, encodePdu, freezePdu, type Pdu, pduHeaderLength } from "./codec.js";
export { type AbortParameters, AbortReason, PduDecodeError, PduEncodeError, PduTooLargeError } from "./errors.js";
export { defaultMaxPduLength, type FramedPdu, PduFramer, type PduFramerOptions } from "./framer.js";
export {
  decodePDataTf,
  decodePDataTfItems,
  describePDataTf,
  encodePDataTf,
  type PDataTf,
  type PresentationDataValue,
  pDataTfHeader,
  pDataTfHeaderLength,
  writePDataTfHeader,
} from "./p-data-tf.js";
export { ItemType, PduType, pduTypeName } from "./pdu-type.js";
export {
  type PresentationContextAcItem,
  type PresentationContextRqItem,
  presentationContextResultNames,
} from "./presentation-context.js";
export { PduReadBuffer, type PduReadBufferOptions } from "./read-buffer.js";
export type { AsynchronousOperationsWindowItem } from "./user-info/asynchronous-operations-window.js";
export type { RoleSelectionItem } from "./user-info/role-selection.js";
export type {
  SopClassCommonExtendedNegotiationItem,
  SopClassExtendedNegotiationItem,
} from "./user-info/sop-class-extended-negotiation.js";
export { type UserIdentityAcItem, type UserIdentityRqItem, userIdentityTypeNames } from "./user-info/user-identity.js";
export type { UnknownUserItem, UserInformation } from "./user-information.js";
