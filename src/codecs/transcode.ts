// Transcoding a data set between a compressed transfer syntax and a native one through the
// registered codecs: frame by frame, with the Image Pixel Module attributes updated as PS3.5 8.2
// and PS3.3 C.7.6.3 call for. The whole pixel data is held in memory (compressed and native):
// compressed instances are decoded whole, never streamed.
import { Dataset } from "../dataset/dataset.js";
import { transferSyntaxInfo, uidName } from "../dataset/uids.js";
import type { EncapsulatedPixelData } from "../dataset/values.js";
import { ensureCodec } from "./autoload.js";
import { CodecError, type DecodedFrame, frameLength, type ImagePixelInfo } from "./codec.js";
import { DCMJS_CODECS_PACKAGE, dcmjsCodecsTransferSyntaxes } from "./dcmjs-codecs.js";
import { encapsulate, framesOf } from "./frames.js";
import { findDecoder, findEncoder } from "./registry.js";

/** Default limit of the native pixel data one transcode may produce: 1 GiB. */
export const DEFAULT_MAX_PIXEL_BYTES = 1024 * 1024 * 1024;

/** Options of {@link transcodeDataset}. */
export interface TranscodeOptions {
  /** Largest native pixel data accepted (bytes; default {@link DEFAULT_MAX_PIXEL_BYTES}); larger images fail with a `CodecError`. */
  readonly maxPixelBytes?: number;
}

const EXTENDED_OFFSET_TABLE = 0x7fe00001;
const EXTENDED_OFFSET_TABLE_LENGTHS = 0x7fe00002;
const ENCAPSULATED_TOTAL_LENGTH = 0x7fe00003;

function need(ds: Dataset, keyword: string): number {
  const n = ds.number(keyword);
  if (n === undefined) throw new CodecError(`the data set has no ${keyword}, which decoding pixel data needs`);
  return n;
}

/** The Image Pixel Module attributes of `ds`, checked enough to size buffers from them. */
export function imagePixelInfo(ds: Dataset, maxPixelBytes = DEFAULT_MAX_PIXEL_BYTES): ImagePixelInfo {
  const info: ImagePixelInfo = {
    rows: need(ds, "Rows"),
    columns: need(ds, "Columns"),
    samplesPerPixel: ds.number("SamplesPerPixel") ?? 1,
    bitsAllocated: need(ds, "BitsAllocated"),
    bitsStored: ds.number("BitsStored") ?? need(ds, "BitsAllocated"),
    highBit: ds.number("HighBit") ?? (ds.number("BitsStored") ?? need(ds, "BitsAllocated")) - 1,
    pixelRepresentation: ds.number("PixelRepresentation") ?? 0,
    planarConfiguration: ds.number("PlanarConfiguration") ?? 0,
    photometricInterpretation: ds.string("PhotometricInterpretation") ?? "MONOCHROME2",
    numberOfFrames: Math.max(1, ds.number("NumberOfFrames") ?? 1),
  };
  const { rows, columns, samplesPerPixel: spp, bitsAllocated: ba, numberOfFrames: nf } = info;
  if (![rows, columns, spp, ba, nf].every((n) => Number.isInteger(n) && n > 0) || spp > 4 || ba % 8 !== 0 || ba > 64) {
    throw new CodecError(
      `unsupported image: ${rows}x${columns}, ${spp} samples of ${ba} bits, ${nf} frames (whole bytes per sample, 1-4 samples)`,
    );
  }
  const total = frameLength(info) * nf;
  if (total > maxPixelBytes) {
    throw new CodecError(`the native pixel data would take ${total} bytes, above the limit of ${maxPixelBytes}`);
  }
  return info;
}

function copyDataset(ds: Dataset): Dataset {
  const out = new Dataset();
  for (const el of ds) out.setElement(el);
  return out;
}

/** The message for a transfer syntax no registered codec handles: which syntax, and where a codec can come from. */
export function noCodecMessage(transferSyntax: string, direction: "decode" | "encode"): string {
  const what = `no codec is registered to ${direction} ${uidName(transferSyntax)} (${transferSyntax})`;
  if (dcmjsCodecsTransferSyntaxes.includes(transferSyntax)) {
    return `${what}; install the optional package ${DCMJS_CODECS_PACKAGE} ("npm install ${DCMJS_CODECS_PACKAGE}"), which netdicom loads when needed, or register a codec with registerCodec()`;
  }
  return `${what}; register one with registerCodec()`;
}

async function decodePixels(ds: Dataset, from: string, options: TranscodeOptions): Promise<void> {
  await ensureCodec(from, "decode");
  const codec = findDecoder(from);
  if (!codec) throw new CodecError(noCodecMessage(from, "decode"));
  const px = ds.get("PixelData");
  if (px === undefined) return; // no image: nothing to decode
  if (px instanceof Uint8Array || Array.isArray(px)) {
    throw new CodecError(`the Pixel Data of a ${uidName(from)} data set is not encapsulated`);
  }
  const info = imagePixelInfo(ds, options.maxPixelBytes);
  const frames = framesOf(px as EncapsulatedPixelData, info.numberOfFrames);
  const size = frameLength(info);
  const total = size * frames.length;
  // Allocated once the first frame has decoded: data that is not what its attributes claim
  // fails before a buffer sized from those (peer-given) attributes exists.
  let out: Uint8Array | undefined;
  let first: DecodedFrame | undefined;
  for (let i = 0; i < frames.length; i++) {
    let decoded: DecodedFrame;
    try {
      decoded = await codec.decode(frames[i] as Uint8Array, info, from);
    } catch (err) {
      if (err instanceof CodecError) throw err;
      throw new CodecError(`the ${codec.name} codec could not decode frame ${i + 1} of ${uidName(from)}`, {
        cause: err,
      });
    }
    if (decoded.pixels.byteLength < size) {
      throw new CodecError(
        `the ${codec.name} codec gave ${decoded.pixels.byteLength} bytes for frame ${i + 1}, ${size} expected`,
      );
    }
    out ??= new Uint8Array(total + (total % 2));
    out.set(decoded.pixels.subarray(0, size), i * size);
    first ??= decoded;
  }
  if (!out) throw new CodecError("encapsulated pixel data has no frames");
  ds.delete(EXTENDED_OFFSET_TABLE);
  ds.delete(EXTENDED_OFFSET_TABLE_LENGTHS);
  ds.delete(ENCAPSULATED_TOTAL_LENGTH);
  // PS3.5 8.2: native Pixel Data is OB for 8-bit samples, OW otherwise (either is valid for 8 bits in explicit VR)
  ds.set("PixelData", out, info.bitsAllocated <= 8 ? "OB" : "OW");
  // PS3.5 8.2.1: a JPEG decoder that converts YBR_FULL_422 to RGB changes the Photometric Interpretation
  if (first?.photometricInterpretation !== undefined) {
    ds.set("PhotometricInterpretation", first.photometricInterpretation);
  } else if (info.photometricInterpretation === "YBR_FULL_422") {
    // Decoded without colour conversion the chrominance is no longer subsampled: native
    // YBR_FULL_422 would mean a subsampled layout (PS3.3 C.7.6.3.1.2), so it is YBR_FULL.
    ds.set("PhotometricInterpretation", "YBR_FULL");
  }
  if (info.samplesPerPixel > 1) {
    ds.set("PlanarConfiguration", first?.planarConfiguration ?? info.planarConfiguration);
  }
  // Lossy Image Compression (0028,2110) is kept as it was: once lossy, always lossy (PS3.3 C.7.6.1.1.5).
}

async function encodePixels(ds: Dataset, to: string, options: TranscodeOptions): Promise<void> {
  await ensureCodec(to, "encode");
  const codec = findEncoder(to);
  if (!codec?.encode) throw new CodecError(noCodecMessage(to, "encode"));
  const px = ds.get("PixelData");
  if (px === undefined) return;
  if (!(px instanceof Uint8Array)) throw new CodecError("the Pixel Data to encode is not native");
  const info = imagePixelInfo(ds, options.maxPixelBytes);
  const size = frameLength(info);
  if (px.byteLength < size * info.numberOfFrames) {
    throw new CodecError(`Pixel Data has ${px.byteLength} bytes, ${size * info.numberOfFrames} expected`);
  }
  const frames: Uint8Array[] = [];
  let lossy = false;
  let photometric: string | undefined;
  for (let i = 0; i < info.numberOfFrames; i++) {
    const e = await codec.encode(px.subarray(i * size, (i + 1) * size), info, to);
    frames.push(e.data);
    lossy ||= e.lossy === true;
    photometric ??= e.photometricInterpretation;
  }
  ds.set("PixelData", encapsulate(frames), "OB");
  if (photometric !== undefined) ds.set("PhotometricInterpretation", photometric);
  if (lossy) ds.set("LossyImageCompression", "01");
}

/**
 * `ds` (whose data set is in `from`) made ready to be encoded in `to`: compressed pixel data
 * decoded to native when `from` is encapsulated, native pixel data encoded when `to` is, both
 * through the registered codecs (an installed dcmjs-codecs is registered on first need, see
 * `ensureCodec`); the Image Pixel Module attributes follow. Returns a new
 * Dataset sharing the untouched elements with `ds`; between two native syntaxes it returns `ds`
 * itself. Throws `CodecError` when no codec is registered for a syntax (the message names it),
 * or when the pixel data cannot be decoded.
 */
export async function transcodeDataset(
  ds: Dataset,
  from: string,
  to: string,
  options: TranscodeOptions = {},
): Promise<Dataset> {
  const src = transferSyntaxInfo(from);
  const dst = transferSyntaxInfo(to);
  if (!src) throw new CodecError(`unknown transfer syntax ${from}`);
  if (!dst) throw new CodecError(`unknown transfer syntax ${to}`);
  if (from === to || (!src.encapsulated && !dst.encapsulated)) return ds;
  const out = copyDataset(ds);
  if (src.encapsulated) await decodePixels(out, from, options);
  if (dst.encapsulated) await encodePixels(out, to, options);
  return out;
}

/** True when registered codecs can take a data set from `from` to `to` (native syntaxes need none). */
export function canTranscode(from: string, to: string): boolean {
  const src = transferSyntaxInfo(from);
  const dst = transferSyntaxInfo(to);
  if (!src || !dst) return false;
  if (from === to) return true;
  return (!src.encapsulated || findDecoder(from) !== undefined) && (!dst.encapsulated || findEncoder(to) !== undefined);
}
