/**
 * netdicom: the DICOM networking protocol for Node.js. This module is the public API; the
 * command-line apps import only from here.
 */
export * from "./dataset/index.js";
export { ByteReader } from "./util/byte-reader.js";
export { ByteWriter } from "./util/byte-writer.js";
export { NetdicomError, OutOfBoundsError } from "./util/errors.js";
export { consoleLogger, getLogger, type Logger, setLogger } from "./util/logger.js";
