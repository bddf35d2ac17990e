// Pixel data codecs (PS3.5 A.4, Annex G): the plug-in interface, the registry, RLE Lossless built
// in, the transcoder the storage services use, and the optional dcmjs-codecs adapter.
export { ensureCodec, setCodecAutoload } from "./autoload.js";
export {
  type Codec,
  CodecError,
  type DecodedFrame,
  type EncodedFrame,
  frameLength,
  type ImagePixelInfo,
} from "./codec.js";
export {
  DCMJS_CODECS_PACKAGE,
  type DcmjsCodecsOptions,
  dcmjsCodecsTransferSyntaxes,
  loadDcmjsCodecs,
} from "./dcmjs-codecs.js";
export { encapsulate, framesOf } from "./frames.js";
export {
  decodableSyntaxNames,
  findDecoder,
  findEncoder,
  registerCodec,
  registeredCodecs,
  unregisterCodec,
} from "./registry.js";
export { decodeRleFrame, encodeRleFrame, rleCodec } from "./rle.js";
export {
  canTranscode,
  DEFAULT_MAX_PIXEL_BYTES,
  imagePixelInfo,
  noCodecMessage,
  type TranscodeOptions,
  transcodeDataset,
} from "./transcode.js";
