// Service classes (PS3.4) as SCU and SCP halves over the DimseChannel seam.
export type {
  DatasetSink,
  DatasetSource,
  DimseChannel,
  DimseMessage,
  OutgoingDataset,
  RequestOptions,
  StorageSettings,
} from "./channel.js";
export {
  type IncomingRequest,
  type InvokeHandler,
  isRequest,
  OutOfResources,
  openDatasetSink,
  ProcessingFailure,
  ResourceLimitation,
  refusal,
  type ScpService,
  SopClassNotSupported,
  scpServices,
  serveRequest,
  UnrecognizedOperation,
} from "./dispatch.js";
export { AssociationNotEstablishedError, DimseTimeoutError, NoPresentationContextError } from "./errors.js";
export * from "./query-retrieve/index.js";
export * from "./storage/index.js";
export * from "./verification/index.js";
