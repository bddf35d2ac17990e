// The codecs netdicom knows of, by transfer syntax: RLE Lossless built in, others registered by
// the application (e.g. `registerCodec(await loadDcmjsCodecs())`).
import { uidName } from "../dataset/uids.js";
import type { Codec } from "./codec.js";
import { rleCodec } from "./rle.js";

const codecs: Codec[] = [rleCodec];

/**
 * Registers a codec. A codec registered later wins for the transfer syntaxes it shares with an
 * earlier one (so an application can replace the built-in RLE codec). Returns a function that
 * unregisters it.
 */
export function registerCodec(codec: Codec): () => void {
  if (!codec || typeof codec.decode !== "function" || !Array.isArray(codec.transferSyntaxes)) {
    throw new TypeError("a codec needs transferSyntaxes and a decode function");
  }
  codecs.unshift(codec);
  return () => unregisterCodec(codec);
}

/** Unregisters a codec (the built-in RLE codec too, when asked). */
export function unregisterCodec(codec: Codec): void {
  const at = codecs.indexOf(codec);
  if (at >= 0) codecs.splice(at, 1);
}

/** The registered codecs, most recently registered first. */
export function registeredCodecs(): readonly Codec[] {
  return [...codecs];
}

/** The codec that decodes `transferSyntax`, if one is registered. */
export function findDecoder(transferSyntax: string): Codec | undefined {
  return codecs.find((c) => c.transferSyntaxes.includes(transferSyntax));
}

/** The codec that encodes into `transferSyntax`, if one is registered. */
export function findEncoder(transferSyntax: string): Codec | undefined {
  return codecs.find((c) => c.transferSyntaxes.includes(transferSyntax) && typeof c.encode === "function");
}

/** A readable list of the syntaxes with a decoder ("RLE Lossless, JPEG-LS Lossless…"). */
export function decodableSyntaxNames(): string {
  const all = new Set(codecs.flatMap((c) => c.transferSyntaxes));
  return [...all].map(uidName).join(", ");
}
