// Optional codec packages found at run time, as pydicom finds its pixel data handlers: when no
// registered codec handles a syntax the dcmjs-codecs adapter covers, the package is loaded once
// (if it is installed) and registered. Nothing is loaded until a compressed syntax needs it.
import { dcmjsCodecsTransferSyntaxes, loadDcmjsCodecs } from "./dcmjs-codecs.js";
import { findDecoder, findEncoder, registerCodec } from "./registry.js";

let attempt: Promise<boolean> | undefined;
let enabled = true;

/**
 * Turns the loading of optional codec packages on or off (default on). Off, only codecs given to
 * `registerCodec` (and the built-in RLE codec) are used.
 */
export function setCodecAutoload(on: boolean): void {
  enabled = on;
}

/**
 * Makes sure a codec that decodes (or encodes) `transferSyntax` is registered when one can be:
 * loads and registers dcmjs-codecs once when it covers the syntax and is installed. Resolves
 * with whether such a codec is registered now; never rejects.
 */
export async function ensureCodec(transferSyntax: string, direction: "decode" | "encode" = "decode"): Promise<boolean> {
  const find = direction === "decode" ? findDecoder : findEncoder;
  if (find(transferSyntax)) return true;
  if (!enabled || !dcmjsCodecsTransferSyntaxes.includes(transferSyntax)) return false;
  attempt ??= loadDcmjsCodecs().then(
    (codec) => {
      registerCodec(codec);
      return true;
    },
    () => false, // not installed: remembered, so that each instance does not try again
  );
  await attempt;
  return find(transferSyntax) !== undefined;
}
