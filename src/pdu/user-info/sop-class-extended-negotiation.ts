// PS3.7 Annex D.3.3.5 and D.3.3.6: SOP Class Extended Negotiation (0x56) and SOP Class Common
// Extended Negotiation (0x57) sub-items.
import type { ByteReader } from "../../util/byte-reader.js";
import type { ByteWriter } from "../../util/byte-writer.js";
import { PduEncodeError } from "../errors.js";
import { readUidWithLength, writeItem, writeUidWithLength } from "../fields.js";
import { ItemType } from "../pdu-type.js";

/** Service-class specific application information for one SOP class (PS3.7 D.3.3.5). */
export interface SopClassExtendedNegotiationItem {
  readonly sopClassUid: string;
  /** Aliases the decoded input. */
  readonly applicationInformation: Uint8Array;
}

/** The service class and related general SOP classes of a specialized SOP class (PS3.7 D.3.3.6). */
export interface SopClassCommonExtendedNegotiationItem {
  readonly sopClassUid: string;
  readonly serviceClassUid: string;
  readonly relatedGeneralSopClassUids: readonly string[];
}

/** Writes a SOP Class Extended Negotiation sub-item. */
export function encodeSopClassExtendedNegotiation(w: ByteWriter, item: SopClassExtendedNegotiationItem): void {
  writeItem(w, ItemType.SopClassExtendedNegotiation, (b) => {
    writeUidWithLength(b, item.sopClassUid);
    b.bytes(item.applicationInformation);
  });
}

/** Reads a SOP Class Extended Negotiation sub-item body; the application information is the rest of the item. */
export function decodeSopClassExtendedNegotiation(r: ByteReader): SopClassExtendedNegotiationItem {
  const sopClassUid = readUidWithLength(r);
  return { sopClassUid, applicationInformation: r.bytesView(r.remaining) };
}

/** Writes a SOP Class Common Extended Negotiation sub-item (sub-item version 0). */
export function encodeSopClassCommonExtendedNegotiation(
  w: ByteWriter,
  item: SopClassCommonExtendedNegotiationItem,
): void {
  writeItem(w, ItemType.SopClassCommonExtendedNegotiation, (b) => {
    writeUidWithLength(b, item.sopClassUid);
    writeUidWithLength(b, item.serviceClassUid);
    const at = b.length;
    b.u16(0);
    for (const uid of item.relatedGeneralSopClassUids) writeUidWithLength(b, uid);
    const length = b.length - at - 2;
    if (length > 0xffff) throw new PduEncodeError("related general SOP class identification is too long");
    b.setU16(at, length);
  });
}

/**
 * Reads a SOP Class Common Extended Negotiation sub-item body. PS3.7 D.3.3.6: bytes after the
 * related general SOP class identification are reserved and ignored.
 */
export function decodeSopClassCommonExtendedNegotiation(r: ByteReader): SopClassCommonExtendedNegotiationItem {
  const sopClassUid = readUidWithLength(r);
  const serviceClassUid = readUidWithLength(r);
  const related = r.sub(r.u16());
  const relatedGeneralSopClassUids: string[] = [];
  while (related.remaining > 0) relatedGeneralSopClassUids.push(readUidWithLength(related));
  return { sopClassUid, serviceClassUid, relatedGeneralSopClassUids };
}

/** Log lines for a SOP class extended negotiation. */
export function describeSopClassExtendedNegotiation(item: SopClassExtendedNegotiationItem): string[] {
  const hex = Array.from(item.applicationInformation.subarray(0, 32), (b) => b.toString(16).padStart(2, "0")).join(" ");
  const more = item.applicationInformation.byteLength > 32 ? " …" : "";
  return [
    "SOP Class Extended Negotiation:",
    `  SOP Class: ${item.sopClassUid}`,
    `  Application Information (${item.applicationInformation.byteLength} bytes): ${hex}${more}`,
  ];
}

/** Log lines for a SOP class common extended negotiation. */
export function describeSopClassCommonExtendedNegotiation(item: SopClassCommonExtendedNegotiationItem): string[] {
  const lines = [
    "SOP Class Common Extended Negotiation:",
    `  SOP Class:     ${item.sopClassUid}`,
    `  Service Class: ${item.serviceClassUid}`,
  ];
  if (item.relatedGeneralSopClassUids.length === 0) lines.push("  Related General SOP Classes: none");
  else {
    lines.push("  Related General SOP Classes:");
    for (const uid of item.relatedGeneralSopClassUids) lines.push(`    ${uid}`);
  }
  return lines;
}
