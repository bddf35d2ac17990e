/**
 * netdicom: the DICOM networking protocol for Node.js. This module is the public API; the
 * command-line apps import only from here.
 */

export {
  AsynchronousOperationsWindowNegotiation,
  basicWorklistManagementPresentationContexts,
  buildContext,
  buildRole,
  type ExtendedNegotiationItem,
  ImplementationClassUIDNotification,
  ImplementationVersionNameNotification,
  MaximumLengthNotification,
  PresentationContext,
  type PresentationContextInit,
  type PrioritisedContexts,
  prioritiseContexts,
  queryRetrievePresentationContexts,
  type Rejection,
  Rejections,
  SCPSCURoleSelectionNegotiation,
  ServiceUser,
  SOPClassCommonExtendedNegotiation,
  SOPClassExtendedNegotiation,
  type SplitOptions,
  splitContexts,
  storagePresentationContexts,
  TooManyContextsError,
  type UserIdentityInit,
  UserIdentityNegotiation,
  type UserInformationItem,
  verificationPresentationContexts,
} from "./acse/index.js";
export type {
  AcceptedCommonExtended,
  ContextType,
  ServiceUserInfo,
  ServiceUserMode,
  ServiceUserOptions,
  ServiceUserOwner,
} from "./acse/service-user.js";
export { AE, type AEOptions, type AssociateOptions } from "./ae.js";
export { Association, type AssociationEvents, type OperationCounts } from "./association.js";
export type {
  AssociationRequestDecision,
  AssociationRequestHook,
  AssociationRequestInfo,
} from "./association-acceptor.js";
export { type CollectMetricsOptions, collectMetrics, type MetricsCollection } from "./association-metrics.js";
export { AcseTimeoutError, NoAcceptedContextsError } from "./association-requestor.js";
export {
  type AssociationStatistics,
  collectStatistics,
  getStatistics,
  trackStatistics,
} from "./association-statistics.js";
export { type AsyncOperationsWindow, OperationWindow, WindowClosedError } from "./async-window.js";
export * from "./codecs/index.js";
export * from "./dataset/index.js";
export type { VrKind } from "./dataset/vr.js";
export {
  CommandField,
  type CommandFieldValue,
  type DimseCommand,
  type StatusCategory,
  type StatusInfo,
} from "./dimse/index.js";
export { AssociationAbortedError, TimeoutError, TransportClosedError } from "./dul/errors.js";
export {
  isTlsProfile,
  profileCiphers,
  type TlsOptions,
  type TlsProfile,
  type TlsProfileSettings,
  tlsProfileNames,
  tlsProfiles,
} from "./dul/transport/tls.js";
export {
  type CFindEvent,
  type CGetEvent,
  type CMoveEvent,
  type CStoreAnswer,
  type CStoreEvent,
  type DimseRequestEvent,
  Event,
  type EventBase,
  type EventName,
  type EventOf,
  type EventPayloads,
  type Handler,
  type Handlers,
  InterventionEvent,
  type InterventionEventName,
  type InterventionResults,
  NotificationEvent,
  type NotificationEventName,
  type UserIdentityVerdict,
} from "./events.js";
export * from "./metrics/index.js";
export { AssociationPool, type AssociationPoolOptions, PoolAssociationError, PoolClosedError } from "./pool.js";
export { AssociationServer, type ServerOptions, type ShutdownOptions, type ShutdownReport } from "./server.js";
export type { ResponseStream, SubAssociation, SubAssociationTarget } from "./services/channel.js";
export {
  AssociationNotEstablishedError,
  type CEchoOptions,
  type CEchoResult,
  type DatasetSink,
  type DatasetSource,
  type DimseChannel,
  type DimseMessage,
  DimseTimeoutError,
  type IncomingRequest,
  type InvokeHandler,
  NoPresentationContextError,
  type OutgoingDataset,
  type RequestOptions,
  type StorageSettings,
} from "./services/index.js";
export * from "./services/normalized/index.js";
export * from "./services/query-retrieve/index.js";
export * from "./services/registry.js";
export * from "./services/service-contexts.js";
export {
  type CStoreEventPayload,
  type CStoreOptions,
  type CStoreResult,
  convertibleTransferSyntaxes,
  MAX_FILE_NAME_LENGTH,
  type SaveToOptions,
  StoreHandlerFailure,
  StoreOutOfResources,
  safeJoin,
  sanitiseFileName,
  storageTransferSyntaxes,
} from "./services/storage/index.js";
export { type StorageCommitmentResultOptions, sendStorageCommitmentResult } from "./storage-commitment.js";
export { ByteReader } from "./util/byte-reader.js";
export { ByteWriter } from "./util/byte-writer.js";
export { NetdicomError, OutOfBoundsError } from "./util/errors.js";
export { consoleLogger, getLogger, type Logger, setLogger } from "./util/logger.js";
