// Storage Service Class (PS3.4 Annex B): C-STORE as SCU (streamed from files) and SCP (streamed to files).
export { chooseContext, convertibleTransferSyntaxes, isConvertible } from "./context-choice.js";
export type { CStoreEventPayload, SaveToOptions } from "./event.js";
export { FileSink, type ReceivedFile } from "./file-sink.js";
export { MAX_FILE_NAME_LENGTH, safeJoin, sanitiseFileName } from "./filename.js";
export { DEFAULT_MAX_DATASET_BYTES, MemorySink } from "./memory-sink.js";
export {
  openStoreSink,
  receivedFileMeta,
  StoreHandlerFailure,
  StoreOutOfResources,
  serveCStore,
  storeAnswer,
} from "./scp.js";
export { type CStoreOptions, type CStoreResult, sendCStore } from "./scu.js";
export { storageTransferSyntaxes } from "./transfer-syntaxes.js";
