// Frames in encapsulated pixel data (PS3.5 A.4): which fragments make up each frame, and the
// other way, one fragment per frame with a Basic Offset Table.
import type { EncapsulatedPixelData } from "../dataset/values.js";
import { CodecError } from "./codec.js";

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/**
 * The frames of encapsulated pixel data: all fragments when there is one frame; by the Basic
 * Offset Table when it has one offset per frame (offsets count from the first fragment's item
 * tag, PS3.5 A.4); one fragment per frame when their numbers match. A single-fragment frame
 * aliases the input.
 */
export function framesOf(px: EncapsulatedPixelData, numberOfFrames: number): Uint8Array[] {
  const { fragments, basicOffsetTable: bot } = px;
  if (fragments.length === 0) throw new CodecError("encapsulated pixel data has no fragments");
  if (numberOfFrames <= 1) return [concat(fragments)];
  if (bot.byteLength >= 4 * numberOfFrames) {
    const view = new DataView(bot.buffer, bot.byteOffset, bot.byteLength);
    const offsets = Array.from({ length: numberOfFrames }, (_, i) => view.getUint32(4 * i, true));
    const starts: number[] = [];
    let pos = 0;
    for (const f of fragments) {
      starts.push(pos);
      pos += 8 + f.byteLength + (f.byteLength % 2);
    }
    const frames: Uint8Array[] = [];
    for (let i = 0; i < numberOfFrames; i++) {
      const from = offsets[i] as number;
      const to = i + 1 < numberOfFrames ? (offsets[i + 1] as number) : Number.POSITIVE_INFINITY;
      const parts = fragments.filter((_, k) => (starts[k] as number) >= from && (starts[k] as number) < to);
      if (parts.length === 0 || !starts.includes(from)) {
        throw new CodecError(`the Basic Offset Table's offset ${from} of frame ${i + 1} is not a fragment's start`);
      }
      frames.push(concat(parts));
    }
    return frames;
  }
  if (fragments.length === numberOfFrames) return [...fragments];
  throw new CodecError(
    `cannot tell ${numberOfFrames} frames apart in ${fragments.length} fragments without a Basic Offset Table`,
  );
}

/** Encapsulates frames one fragment each, with a Basic Offset Table (PS3.5 A.4). */
export function encapsulate(frames: readonly Uint8Array[]): EncapsulatedPixelData {
  const bot = new Uint8Array(4 * frames.length);
  const view = new DataView(bot.buffer);
  let pos = 0;
  frames.forEach((f, i) => {
    view.setUint32(4 * i, pos, true);
    // the writer pads odd fragments to even length (PS3.5 A.4)
    pos += 8 + f.byteLength + (f.byteLength % 2);
  });
  return { basicOffsetTable: bot, fragments: frames };
}
