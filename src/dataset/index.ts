export { Dataset, defaultVr, resolveTag, type TagKey } from "./dataset.js";
export {
  type DictionaryEntry,
  formatTag,
  isPrivateCreator,
  isPrivateTag,
  keywordForTag,
  lookupKeyword,
  lookupTag,
  parseTag,
  tagForKeyword,
} from "./dictionary.js";
export { DataElement } from "./element.js";
export { DicomEncodeError, DicomParseError } from "./errors.js";
export {
  type DicomFileHead,
  type PixelDataLocation,
  readDicomFile,
  readDicomFileHead,
  writeDicomFile,
} from "./file.js";
export { type FileMetaSummary, scanFileMeta, scanFileMetaOfFile } from "./file-meta-scan.js";
export {
  type DatasetFromJsonOptions,
  type DatasetToJsonOptions,
  type DicomJsonAttribute,
  DicomJsonError,
  type DicomJsonObject,
  type DicomJsonPersonName,
  type DicomJsonValue,
  datasetFromJson,
  datasetToJson,
  jsonTag,
} from "./json.js";
export {
  buildFileMeta,
  encodingOf,
  IMPLEMENTATION_CLASS_UID,
  IMPLEMENTATION_VERSION_NAME,
  type Part10,
  type ReadPart10Options,
  readFileMeta,
  readPart10,
  type WritePart10Options,
  writeFileMetaBytes,
  writePart10,
} from "./part10.js";
export { PersonName, type PersonNameComponents } from "./person-name.js";
export {
  ITEM,
  ITEM_DELIMITATION,
  PIXEL_DATA,
  type ReadDatasetOptions,
  type ReadDatasetResult,
  readDataset,
  SEQUENCE_DELIMITATION,
} from "./reader.js";
export { DatasetStreamReader, type DatasetStreamReaderOptions } from "./stream-reader.js";
export {
  isTransferSyntax,
  sop,
  storageSopClasses,
  type TransferSyntaxInfo,
  transferSyntaxInfo,
  ts,
  type UidEntry,
  uidEntry,
  uidName,
  uids,
  wellKnown,
} from "./uids.js";
export { decodeValue, type EncapsulatedPixelData, encodeValue, formatDecimalString, type Value } from "./values.js";
export { ALL_VRS, isVr, type VR, VR_INFO, type VrInfo } from "./vr.js";
export { type WriteDatasetOptions, writeDataset, writeElements } from "./writer.js";
