// Identifiers on the wire: encoded and decoded in the transfer syntax of the presentation context
// they travel on (PS3.7 9.1.2.1.3: the identifier is a data set like any other).
import type { Dataset } from "../../dataset/dataset.js";
import { DicomParseError } from "../../dataset/errors.js";
import { readDataset } from "../../dataset/reader.js";
import { transferSyntaxInfo } from "../../dataset/uids.js";
import { zlib } from "../../util/builtins.js";
import { encodeDataset } from "../storage/source.js";

/** Largest inflated identifier accepted from a deflated transfer syntax (bytes). */
export const MAX_INFLATED_IDENTIFIER_BYTES = 64 * 1024 * 1024;

function encodingOf(transferSyntax: string) {
  const enc = transferSyntaxInfo(transferSyntax);
  if (enc === undefined || enc.encapsulated) {
    // An identifier has no pixel data: the encapsulated syntaxes encode it as explicit VR LE (PS3.5 A.4).
    return enc === undefined ? undefined : { ...enc, encapsulated: false };
  }
  return enc;
}

/** `ds` encoded in `transferSyntax`. Throws a DicomParseError for an unknown transfer syntax. */
export function encodeIdentifier(ds: Dataset, transferSyntax: string): Uint8Array {
  const enc = encodingOf(transferSyntax);
  if (enc === undefined) throw new DicomParseError(`unknown transfer syntax ${transferSyntax}`, { offset: 0 });
  return encodeDataset(ds, enc);
}

/**
 * The identifier received as `chunks` (the data set's fragments), decoded in `transferSyntax`.
 * Throws DicomParseError when it cannot be decoded (values are decoded lazily, on access).
 */
export function decodeIdentifier(chunks: readonly Uint8Array[], transferSyntax: string): Dataset {
  const enc = encodingOf(transferSyntax);
  if (enc === undefined) throw new DicomParseError(`unknown transfer syntax ${transferSyntax}`, { offset: 0 });
  let bytes: Uint8Array = chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
  if (enc.deflated) {
    try {
      bytes = zlib().inflateRawSync(bytes, { maxOutputLength: MAX_INFLATED_IDENTIFIER_BYTES });
    } catch (err) {
      throw new DicomParseError("the deflated identifier cannot be inflated", { offset: 0 }, { cause: err });
    }
  }
  return readDataset(bytes, { explicitVr: enc.explicitVr, littleEndian: enc.littleEndian }).dataset;
}
