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
export { generateUid } from "./uid.js";
