// The codec plug-in interface: a codec turns one frame of encapsulated pixel data into native
// pixel data and, optionally, back. Frames, not whole data sets, so that a codec needs to know
// nothing of DICOM encoding beyond the Image Pixel Module attributes it is given.
import { NetdicomError } from "../util/errors.js";

/**
 * The Image Pixel Module attributes (PS3.3 C.7.6.3) a codec needs to read or write one frame.
 * Native pixel data is little endian, one frame after the other (PS3.5 8.1.1), interleaved
 * (R1 G1 B1 R2…) when `planarConfiguration` is 0, colour-by-plane when it is 1.
 */
export interface ImagePixelInfo {
  /** Rows (0028,0010). */
  readonly rows: number;
  /** Columns (0028,0011). */
  readonly columns: number;
  /** Samples per Pixel (0028,0002): 1 for grayscale, 3 for colour. */
  readonly samplesPerPixel: number;
  /** Bits Allocated (0028,0100): 1, 8, 16 or 32. */
  readonly bitsAllocated: number;
  /** Bits Stored (0028,0101). */
  readonly bitsStored: number;
  /** High Bit (0028,0102). */
  readonly highBit: number;
  /** 0 unsigned, 1 two's complement. */
  readonly pixelRepresentation: number;
  /** 0 interleaved, 1 colour-by-plane (only meaningful with more than one sample). */
  readonly planarConfiguration: number;
  /** Photometric Interpretation (0028,0004): MONOCHROME2, RGB, YBR_FULL… */
  readonly photometricInterpretation: string;
  /** Number of Frames (0028,0008); 1 when absent. */
  readonly numberOfFrames: number;
}

/** One decoded frame, and what the decoder changed about how its pixels are to be read. */
export interface DecodedFrame {
  /** Native pixel data of one frame (little endian; {@link ImagePixelInfo} layout). */
  readonly pixels: Uint8Array;
  /**
   * The Photometric Interpretation of `pixels` when the decoder converted the colour space (a
   * JPEG baseline decoder turning YBR_FULL_422 into RGB, PS3.5 8.2.1); undefined when unchanged.
   */
  readonly photometricInterpretation?: string | undefined;
  /** The Planar Configuration of `pixels` when the decoder chose another one; undefined when unchanged. */
  readonly planarConfiguration?: number | undefined;
}

/** One encoded frame, and the attributes the encoded form calls for. */
export interface EncodedFrame {
  /** The frame's compressed bytes (one or more fragments' worth; netdicom puts it in one fragment). */
  readonly data: Uint8Array;
  /** The Photometric Interpretation of the encoded frame, when the encoder changed it. */
  readonly photometricInterpretation?: string | undefined;
  /** True when the encoding lost information: Lossy Image Compression (0028,2110) becomes "01" (PS3.3 C.7.6.1.1.5). */
  readonly lossy?: boolean | undefined;
}

/**
 * A codec for one or more encapsulated transfer syntaxes (PS3.5 A.4). Register it with
 * `registerCodec`; the storage SCU then decompresses instances whose compressed syntax the
 * peer did not accept, and the storage SCP can store in a syntax it prefers.
 *
 * @example
 * ```ts
 * registerCodec({
 *   name: "my-jpeg-ls",
 *   transferSyntaxes: [ts.JPEGLSLossless],
 *   decode: (frame, info) => ({ pixels: myCharls.decode(frame) }),
 * });
 * ```
 */
export interface Codec {
  /** A short name for messages ("rle", "dcmjs-codecs"). */
  readonly name: string;
  /** The transfer syntax UIDs this codec decodes (and encodes, when it has {@link encode}). */
  readonly transferSyntaxes: readonly string[];
  /** Decodes one frame; may be asynchronous (e.g. a WebAssembly module loaded on first use). */
  decode(frame: Uint8Array, info: ImagePixelInfo, transferSyntax: string): DecodedFrame | Promise<DecodedFrame>;
  /** Encodes one frame of native pixel data in `transferSyntax`; absent when the codec only decodes. */
  encode?(pixels: Uint8Array, info: ImagePixelInfo, transferSyntax: string): EncodedFrame | Promise<EncodedFrame>;
}

/** A frame or pixel data set could not be decoded or encoded (malformed data, unsupported layout, missing codec). */
export class CodecError extends NetdicomError {
  override readonly name = "CodecError";
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_CODEC", message, options);
  }
}

/** The bytes one native frame takes. */
export function frameLength(info: ImagePixelInfo): number {
  return info.rows * info.columns * info.samplesPerPixel * (info.bitsAllocated / 8);
}
