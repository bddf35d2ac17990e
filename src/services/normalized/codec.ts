// The data sets of the DIMSE-N messages (Attribute List, Modification List, Action/Event
// Information and Reply): encoded in, and decoded from, the presentation context's transfer
// syntax (PS3.7 10.3: "encoded according to the transfer syntax of the presentation context").
import { Dataset } from "../../dataset/dataset.js";
import { DicomParseError } from "../../dataset/errors.js";
import { readDataset } from "../../dataset/reader.js";
import { transferSyntaxInfo } from "../../dataset/uids.js";
import { zlib } from "../../util/builtins.js";
import { NetdicomError } from "../../util/errors.js";
import { DEFAULT_MAX_DATASET_BYTES } from "../storage/memory-sink.js";
import { encodeDataset } from "../storage/source.js";

function encodingFor(transferSyntax: string) {
  const enc = transferSyntaxInfo(transferSyntax);
  if (!enc) throw new NetdicomError("ERR_UNKNOWN_TRANSFER_SYNTAX", `unknown transfer syntax ${transferSyntax}`);
  return enc;
}

/** Encodes `ds` in `transferSyntax` (deflated when the syntax says so, PS3.5 A.5). */
export function encodeNDataset(ds: Dataset, transferSyntax: string): Uint8Array {
  return encodeDataset(ds, encodingFor(transferSyntax));
}

/**
 * Decodes a received data set (its fragments as they arrived) in `transferSyntax`. A deflated
 * data set is inflated up to `maxBytes` only, so a small compressed payload cannot balloon.
 * Throws `DicomParseError` on malformed bytes.
 */
export function decodeNDataset(
  chunks: readonly Uint8Array[],
  transferSyntax: string,
  maxBytes = DEFAULT_MAX_DATASET_BYTES,
): Dataset {
  const enc = encodingFor(transferSyntax);
  let bytes: Uint8Array = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  if (enc.deflated) {
    try {
      bytes = zlib().inflateRawSync(bytes, { maxOutputLength: maxBytes });
    } catch (e) {
      throw new DicomParseError("deflated data set cannot be inflated", { offset: 0 }, { cause: e });
    }
  }
  return readDataset(bytes, { explicitVr: enc.explicitVr, littleEndian: enc.littleEndian }).dataset;
}

/** A lazily decoded data set: decoded once, on first call; undefined when none was received. */
export function lazyDataset(
  chunks: readonly Uint8Array[],
  present: boolean,
  transferSyntax: string,
  maxBytes?: number,
): () => Dataset | undefined {
  let cached: Dataset | undefined;
  return () => {
    if (!present) return undefined;
    cached ??= decodeNDataset(chunks, transferSyntax, maxBytes);
    return cached;
  };
}

/** `new Dataset()` when given nothing (an empty data set is still a data set). */
export function emptyDataset(): Dataset {
  return new Dataset();
}
