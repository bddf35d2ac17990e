// Which accepted presentation context carries a C-STORE (PS3.4 B.4.1: the SCU picks one the
// association accepted for the SOP class), and whether the data set must be converted for it.
import type { PresentationContext } from "../../acse/index.js";
import { canTranscode, findDecoder, noCodecMessage } from "../../codecs/index.js";
import { transferSyntaxInfo, ts, uidName } from "../../dataset/uids.js";
import type { DimseChannel } from "../channel.js";
import { NoPresentationContextError } from "../errors.js";

/** The transfer syntaxes netdicom converts between (PS3.5 A.1, A.2, A.3, A.5). */
export const convertibleTransferSyntaxes: readonly string[] = [
  ts.ExplicitVRLittleEndian,
  ts.ImplicitVRLittleEndian,
  ts.DeflatedExplicitVRLittleEndian,
  ts.ExplicitVRBigEndian,
];

/** True when netdicom can convert a data set to or from `uid`. */
export function isConvertible(uid: string): boolean {
  return convertibleTransferSyntaxes.includes(uid);
}

/** True when `uid` has encapsulated (compressed) pixel data, so a codec is needed to go to or from it. */
function isEncapsulated(uid: string): boolean {
  return transferSyntaxInfo(uid)?.encapsulated === true;
}

/**
 * True when a data set in `from` can be sent in `to`: the same syntax, a conversion between the
 * uncompressed ones, or a transcode through the registered codecs (decompressing, compressing).
 */
export function canSendIn(from: string, to: string): boolean {
  if (from === to) return true;
  const known = (uid: string) => isConvertible(uid) || isEncapsulated(uid);
  return known(from) && known(to) && canTranscode(from, to);
}

/** True when sending `from` in `to` goes through a codec (and so through memory, whole). */
export function needsCodec(from: string, to: string): boolean {
  return from !== to && (isEncapsulated(from) || isEncapsulated(to));
}

function names(contexts: readonly PresentationContext[]): string {
  return contexts.map((cx) => uidName(cx.transferSyntax ?? "")).join(", ");
}

/**
 * The context to send an instance of `sopClassUid` encoded in `sourceTs` on (undefined: an
 * in-memory data set that can be encoded in any uncompressed syntax): `preferred` when accepted
 * and reachable, then the source's own syntax, then a conversion target (explicit LE, implicit LE,
 * deflated, explicit BE; a compressed source is decompressed when a registered codec decodes
 * it), then a compressed syntax a registered codec encodes. Throws `NoPresentationContextError`
 * naming the SOP class and the missing syntax (and the missing codec) when none fits.
 */
export function chooseContext(
  channel: DimseChannel,
  sopClassUid: string,
  sourceTs: string | undefined,
  preferred?: string,
): PresentationContext {
  const accepted = channel.acceptedContexts ?? [channel.contextFor(sopClassUid, "scu")];
  const usable = accepted.filter((cx) => cx.abstractSyntax === sopClassUid && cx.asScu !== false);
  // Named only for an error: this runs for every instance sent.
  const what = () =>
    sourceTs === undefined ? uidName(sopClassUid) : `${uidName(sopClassUid)} in ${uidName(sourceTs)}`;
  if (usable.length === 0) {
    const offered = accepted.some((cx) => cx.abstractSyntax === sopClassUid);
    throw new NoPresentationContextError(
      sopClassUid,
      "scu",
      `${what()} (${sopClassUid}${sourceTs === undefined ? "" : `, ${sourceTs}`})${offered ? ": accepted, but not as SCU" : ""}`,
    );
  }
  const reachable = (cx: PresentationContext): boolean => {
    const t = cx.transferSyntax ?? "";
    return sourceTs === undefined ? isConvertible(t) : canSendIn(sourceTs, t);
  };
  if (preferred !== undefined) {
    const p = usable.find((cx) => cx.transferSyntax === preferred);
    if (p && (reachable(p) || sourceTs === undefined)) return p;
  }
  if (sourceTs !== undefined) {
    const same = usable.find((cx) => cx.transferSyntax === sourceTs);
    if (same) return same;
  }
  for (const t of convertibleTransferSyntaxes) {
    const cx = usable.find((c) => c.transferSyntax === t);
    if (cx && reachable(cx)) return cx;
  }
  // Last, compressing into a syntax the peer accepted (only when a codec encodes it).
  const encoded = usable.find(reachable);
  if (encoded) return encoded;
  let why = "and no conversion reaches one of them";
  if (sourceTs !== undefined && isEncapsulated(sourceTs) && findDecoder(sourceTs) === undefined) {
    why = `and ${noCodecMessage(sourceTs, "decode")}`;
  }
  throw new NoPresentationContextError(
    sopClassUid,
    "scu",
    `${what()} (${sourceTs ?? "uncompressed"}): the peer accepted ${uidName(sopClassUid)} only in ${names(usable)} ${why}`,
  );
}
