// Service classes (PS3.4) as SCU and SCP halves over the DimseChannel seam.
export type { DimseChannel, DimseMessage, RequestOptions } from "./channel.js";
export {
  type IncomingRequest,
  type InvokeHandler,
  isRequest,
  ProcessingFailure,
  refusal,
  type ScpService,
  SopClassNotSupported,
  scpServices,
  serveRequest,
  UnrecognizedOperation,
} from "./dispatch.js";
export { AssociationNotEstablishedError, DimseTimeoutError, NoPresentationContextError } from "./errors.js";
export * from "./verification/index.js";
