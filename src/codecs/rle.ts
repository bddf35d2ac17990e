// RLE Lossless (PS3.5 Annex G; transfer syntax 1.2.840.10008.1.2.5), both ways. A frame is a
// 64-byte header (segment count, then 15 segment offsets) followed by one PackBits segment per
// byte of each sample: sample by sample, most significant byte first (G.2).
import { ts } from "../dataset/uids.js";
import { type Codec, CodecError, type DecodedFrame, type EncodedFrame, type ImagePixelInfo } from "./codec.js";

const HEADER_BYTES = 64;
/** G.4: at most 15 segments, so at most 15 byte planes (e.g. 3 samples of 32 bits do not fit). */
const MAX_SEGMENTS = 15;

function layout(info: ImagePixelInfo): { bytesPerSample: number; segments: number; pixels: number } {
  if (info.bitsAllocated % 8 !== 0 || info.bitsAllocated === 0) {
    throw new CodecError(`RLE: Bits Allocated ${info.bitsAllocated} is not a whole number of bytes`);
  }
  const bytesPerSample = info.bitsAllocated / 8;
  const segments = bytesPerSample * info.samplesPerPixel;
  if (segments < 1 || segments > MAX_SEGMENTS) {
    throw new CodecError(
      `RLE: ${info.samplesPerPixel} samples of ${info.bitsAllocated} bits need ${segments} segments (1-15)`,
    );
  }
  return { bytesPerSample, segments, pixels: info.rows * info.columns };
}

/**
 * Where byte `b` (0 = most significant) of sample `s` of pixel 0 lives in a native frame, and the
 * step from one pixel to the next: native data is little endian, interleaved or by plane.
 */
function placement(info: ImagePixelInfo, bytesPerSample: number, pixels: number, s: number, b: number) {
  const byteInSample = bytesPerSample - 1 - b;
  if (info.planarConfiguration === 1 && info.samplesPerPixel > 1) {
    return { start: s * pixels * bytesPerSample + byteInSample, step: bytesPerSample };
  }
  return { start: s * bytesPerSample + byteInSample, step: bytesPerSample * info.samplesPerPixel };
}

/** Unpacks one PackBits segment (G.3.2) into every `step`-th byte of `out` from `start`, `count` bytes. */
function unpackSegment(seg: Uint8Array, out: Uint8Array, start: number, step: number, count: number): void {
  let i = 0;
  let n = 0;
  let o = start;
  while (n < count && i < seg.byteLength) {
    const h = seg[i++] as number;
    if (h < 128) {
      // copy the next h + 1 bytes literally
      const len = Math.min(h + 1, count - n, seg.byteLength - i);
      for (let k = 0; k < len; k++, o += step) out[o] = seg[i + k] as number;
      i += h + 1;
      n += len;
    } else if (h > 128) {
      // repeat the next byte 257 - h times
      if (i >= seg.byteLength) break;
      const v = seg[i++] as number;
      const len = Math.min(257 - h, count - n);
      for (let k = 0; k < len; k++, o += step) out[o] = v;
      n += len;
    }
    // h === 128 (-128): no operation
  }
  if (n < count) throw new CodecError(`RLE: a segment decodes to ${n} bytes, ${count} expected`);
}

/** Decodes one RLE frame into native pixel data laid out as `info` says. */
export function decodeRleFrame(frame: Uint8Array, info: ImagePixelInfo): Uint8Array {
  const { bytesPerSample, segments, pixels } = layout(info);
  if (frame.byteLength < HEADER_BYTES) throw new CodecError(`RLE: a frame of ${frame.byteLength} bytes has no header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const count = view.getUint32(0, true);
  if (count !== segments) {
    throw new CodecError(`RLE: the frame has ${count} segments, ${segments} expected for the image pixel module`);
  }
  const offsets: number[] = [];
  for (let k = 0; k < count; k++) offsets.push(view.getUint32(4 + 4 * k, true));
  // PackBits expands at most 64-fold (2 bytes give 128): a frame too small for its image is
  // refused before the image-sized buffer is allocated (the sizes come from the peer).
  if (pixels * segments > (frame.byteLength - HEADER_BYTES) * 64) {
    throw new CodecError(`RLE: a frame of ${frame.byteLength} bytes cannot hold ${pixels * segments} bytes of pixels`);
  }
  const out = new Uint8Array(pixels * segments);
  for (let k = 0; k < count; k++) {
    const from = offsets[k] as number;
    const to = k + 1 < count ? (offsets[k + 1] as number) : frame.byteLength;
    if (from < HEADER_BYTES || to > frame.byteLength || from > to) {
      throw new CodecError(`RLE: segment ${k + 1} offset ${from} is outside the frame of ${frame.byteLength} bytes`);
    }
    const s = Math.floor(k / bytesPerSample);
    const { start, step } = placement(info, bytesPerSample, pixels, s, k % bytesPerSample);
    unpackSegment(frame.subarray(from, to), out, start, step, pixels);
  }
  return out;
}

/**
 * Packs `count` bytes (every `step`-th from `start`) of one row with PackBits (G.3.1) into `out`
 * from `at`; returns the new end. `out` has room for the worst case: one header per 128 bytes.
 */
function packRow(src: Uint8Array, start: number, step: number, count: number, out: Uint8Array, at: number): number {
  let i = 0;
  let o = at;
  const end = start + count * step;
  while (i < count) {
    const p = start + i * step;
    const v = src[p] as number;
    // A run of 3 or more equal bytes is worth a replicate run (2 bytes for up to 128).
    let run = 1;
    while (i + run < count && run < 128 && src[p + run * step] === v) run++;
    if (run >= 3) {
      out[o++] = 257 - run;
      out[o++] = v;
      i += run;
      continue;
    }
    // Otherwise a literal run, up to the next run of 3 equal bytes or 128 bytes.
    let len = 0;
    let q = p;
    while (i + len < count && len < 128) {
      if (q + 2 * step < end && src[q] === src[q + step] && src[q] === src[q + 2 * step]) break;
      len++;
      q += step;
    }
    out[o++] = len - 1;
    for (let k = 0, r = p; k < len; k++, r += step) out[o++] = src[r] as number;
    i += len;
  }
  return o;
}

/** Encodes one native frame (laid out as `info` says) as an RLE frame, each row packed on its own (G.3.1). */
export function encodeRleFrame(pixels: Uint8Array, info: ImagePixelInfo): Uint8Array {
  const { bytesPerSample, segments, pixels: count } = layout(info);
  if (pixels.byteLength < count * segments) {
    throw new CodecError(
      `RLE: a frame needs ${count * segments} bytes of native pixel data, ${pixels.byteLength} given`,
    );
  }
  // Worst case per segment: every row literal, one header byte per 128, plus one pad byte.
  const worst = info.rows * (info.columns + Math.ceil(info.columns / 128)) + 1;
  const buf = new Uint8Array(HEADER_BYTES + segments * worst);
  const view = new DataView(buf.buffer);
  view.setUint32(0, segments, true);
  let o = HEADER_BYTES;
  for (let k = 0; k < segments; k++) {
    view.setUint32(4 + 4 * k, o, true);
    const s = Math.floor(k / bytesPerSample);
    const { start, step } = placement(info, bytesPerSample, count, s, k % bytesPerSample);
    const segStart = o;
    for (let r = 0; r < info.rows; r++)
      o = packRow(pixels, start + r * info.columns * step, step, info.columns, buf, o);
    // G.5: each segment is an even number of bytes
    if ((o - segStart) % 2 === 1) buf[o++] = 0;
  }
  return buf.slice(0, o);
}

/** The built-in RLE Lossless codec (registered by default). */
export const rleCodec: Codec = {
  name: "rle",
  transferSyntaxes: [ts.RLELossless],
  decode: (frame: Uint8Array, info: ImagePixelInfo): DecodedFrame => ({ pixels: decodeRleFrame(frame, info) }),
  encode: (pixels: Uint8Array, info: ImagePixelInfo): EncodedFrame => ({ data: encodeRleFrame(pixels, info) }),
};
