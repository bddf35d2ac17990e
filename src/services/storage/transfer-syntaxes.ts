// The transfer syntaxes an accept-any-storage SCP accepts: the uncompressed ones and the common
// compressed ones (kept as received; netdicom does not transcode).
import { ts } from "../../dataset/uids.js";

/** Uncompressed first (PS3.5 A.1-A.3, A.5), then JPEG, JPEG-LS, JPEG 2000, HTJ2K and RLE (PS3.5 A.4). */
export const storageTransferSyntaxes: readonly string[] = Object.freeze([
  ts.ExplicitVRLittleEndian,
  ts.ImplicitVRLittleEndian,
  ts.DeflatedExplicitVRLittleEndian,
  ts.ExplicitVRBigEndian,
  ts.JPEGBaseline8Bit,
  ts.JPEGExtended12Bit,
  ts.JPEGLossless,
  ts.JPEGLosslessSV1,
  ts.JPEGLSLossless,
  ts.JPEGLSNearLossless,
  ts.JPEG2000Lossless,
  ts.JPEG2000,
  ts.HTJ2KLossless,
  ts.HTJ2KLosslessRPCL,
  ts.HTJ2K,
  ts.RLELossless,
]);
