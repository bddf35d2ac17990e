// The DIMSE-N services (PS3.7 10) as SCU and SCP, for every normalized service class of PS3.4.
export { decodeNDataset, encodeNDataset } from "./codec.js";
export type {
  NActionEventPayload,
  NCreateEventPayload,
  NDeleteEventPayload,
  NEventBase,
  NEventReportEventPayload,
  NGetEventPayload,
  NServiceAnswer,
  NSetEventPayload,
} from "./event.js";
export { nServiceAnswer, type ParsedNServiceAnswer, serveN } from "./scp.js";
export {
  isNRequest,
  type NServiceOptions,
  type NServiceResult,
  sendNAction,
  sendNCreate,
  sendNDelete,
  sendNEventReport,
  sendNGet,
  sendNSet,
} from "./scu.js";
export {
  type CommitmentFailure,
  type CommitmentReference,
  type CommitmentResult,
  readStorageCommitment,
  STORAGE_COMMITMENT_FAILURES,
  STORAGE_COMMITMENT_REQUEST,
  STORAGE_COMMITMENT_SUCCESS,
  storageCommitmentRequest,
  storageCommitmentResult,
} from "./storage-commitment.js";
export { generateUid } from "./uid.js";
