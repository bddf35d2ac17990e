/**
 * netdicom: the DICOM networking protocol for Node.js. This module is the public API; the
 * command-line apps import only from here.
 */

export {
  AsynchronousOperationsWindowNegotiation,
  buildContext,
  buildRole,
  PresentationContext,
  prioritiseContexts,
  type Rejection,
  Rejections,
  SCPSCURoleSelectionNegotiation,
  ServiceUser,
  SOPClassCommonExtendedNegotiation,
  SOPClassExtendedNegotiation,
  splitContexts,
  storagePresentationContexts,
  TooManyContextsError,
  UserIdentityNegotiation,
  verificationPresentationContexts,
} from "./acse/index.js";
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
  Event,
  type EventName,
  type EventOf,
  type EventPayloads,
  type Handler,
  type Handlers,
  InterventionEvent,
  type InterventionEventName,
  NotificationEvent,
  type NotificationEventName,
  type UserIdentityVerdict,
} from "./events.js";
export * from "./metrics/index.js";
export { AssociationPool, type AssociationPoolOptions, PoolAssociationError, PoolClosedError } from "./pool.js";
export { AssociationServer, type ServerOptions, type ShutdownOptions, type ShutdownReport } from "./server.js";
export {
  AssociationNotEstablishedError,
  type CEchoOptions,
  type CEchoResult,
  DimseTimeoutError,
  NoPresentationContextError,
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
