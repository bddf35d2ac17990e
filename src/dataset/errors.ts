import { NetdicomError } from "../util/errors.js";

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, "0");
}

/** "(GGGG,EEEE)" for a numeric tag; kept here so errors need nothing from the dictionary. */
export function tagString(tag: number): string {
  return `(${hex4(tag >>> 16)},${hex4(tag & 0xffff)})`;
}

/**
 * A dataset or file that cannot be read: truncated, a length past the end, an unknown VR, a
 * nesting too deep. Names the tag being read (when known) and the byte offset.
 */
export class DicomParseError extends NetdicomError {
  /** "DicomParseError": the name of this error class. */
  override readonly name = "DicomParseError";
  /** The tag being read, when known. */
  readonly tag: number | undefined;
  /** The byte offset in the input where reading failed. */
  readonly offset: number;
  constructor(message: string, where: { tag?: number | undefined; offset: number }, options?: ErrorOptions) {
    const at = where.tag === undefined ? "" : ` in ${tagString(where.tag)}`;
    super("ERR_DICOM_PARSE", `${message}${at} at byte ${where.offset}`, options);
    this.tag = where.tag;
    this.offset = where.offset;
  }
}

/** A value that cannot be encoded as the VR requires (wrong type, too long, not representable). */
export class DicomEncodeError extends NetdicomError {
  /** "DicomEncodeError": the name of this error class. */
  override readonly name = "DicomEncodeError";
  constructor(
    message: string,
    /** The tag of the element that could not be encoded, when known. */
    readonly tag?: number,
    options?: ErrorOptions,
  ) {
    super("ERR_DICOM_ENCODE", tag === undefined ? message : `${message} in ${tagString(tag)}`, options);
  }
}
