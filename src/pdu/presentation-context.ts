// PS3.8 9.3.2.2 and 9.3.3.2: Presentation Context items of A-ASSOCIATE-RQ (0x20) and -AC (0x21),
// with their Abstract Syntax (0x30) and Transfer Syntax (0x40) sub-items.
import type { ByteReader } from "../util/byte-reader.js";
import type { ByteWriter } from "../util/byte-writer.js";
import { PduDecodeError } from "./errors.js";
import { forEachItem, readUid, writeItem, writeUidItem } from "./fields.js";
import { ItemType } from "./pdu-type.js";
import { uidName } from "./uid-names.js";

/** A proposed presentation context: one abstract syntax and the transfer syntaxes offered for it. */
export interface PresentationContextRqItem {
  /** Odd integer 1–255 (PS3.8 9.3.2.2). */
  readonly contextId: number;
  readonly abstractSyntax: string;
  readonly transferSyntaxes: readonly string[];
}

/** The acceptor's answer to one proposed presentation context. */
export interface PresentationContextAcItem {
  readonly contextId: number;
  /** 0 acceptance, 1 user-rejection, 2 no-reason, 3 abstract syntax not supported, 4 transfer syntaxes not supported. */
  readonly result: number;
  /** The accepted transfer syntax; not significant unless `result` is 0 (PS3.8 9.3.3.2). */
  readonly transferSyntax: string;
}

/** Names of the presentation context results (PS3.8 Table 9-18). */
export const presentationContextResultNames: Readonly<Record<number, string>> = {
  0: "Accepted",
  1: "User Rejection",
  2: "Provider Rejection (no reason)",
  3: "Abstract Syntax Not Supported",
  4: "Transfer Syntaxes Not Supported",
};

/** Writes a proposed Presentation Context item. */
export function encodePresentationContextRq(w: ByteWriter, item: PresentationContextRqItem): void {
  writeItem(w, ItemType.PresentationContextRq, (b) => {
    b.u8(item.contextId).zeros(3);
    writeUidItem(b, ItemType.AbstractSyntax, item.abstractSyntax);
    for (const ts of item.transferSyntaxes) writeUidItem(b, ItemType.TransferSyntax, ts);
  });
}

/**
 * Reads a proposed Presentation Context item body. Sub-items may come in any order; unknown
 * ones are skipped (PS3.8 9.3.1). Exactly one abstract syntax is required.
 */
export function decodePresentationContextRq(r: ByteReader): PresentationContextRqItem {
  const at = r.position;
  const contextId = r.u8();
  r.skip(3); // reserved, not tested on receipt (PS3.8 9.3.1)
  let abstractSyntax: string | undefined;
  const transferSyntaxes: string[] = [];
  forEachItem(r, (type, body) => {
    if (type === ItemType.AbstractSyntax) {
      if (abstractSyntax !== undefined) {
        throw new PduDecodeError(`presentation context ${contextId} has more than one abstract syntax`, body.position);
      }
      abstractSyntax = readUid(body, body.remaining);
    } else if (type === ItemType.TransferSyntax) {
      transferSyntaxes.push(readUid(body, body.remaining));
    }
  });
  if (abstractSyntax === undefined) {
    throw new PduDecodeError(`presentation context ${contextId} has no abstract syntax`, at);
  }
  return { contextId, abstractSyntax, transferSyntaxes };
}

/** Writes a Presentation Context answer item; the transfer syntax sub-item is always present. */
export function encodePresentationContextAc(w: ByteWriter, item: PresentationContextAcItem): void {
  writeItem(w, ItemType.PresentationContextAc, (b) => {
    b.u8(item.contextId).u8(0).u8(item.result).u8(0);
    writeUidItem(b, ItemType.TransferSyntax, item.transferSyntax);
  });
}

/** Reads a Presentation Context answer item body; a missing transfer syntax reads as "". */
export function decodePresentationContextAc(r: ByteReader): PresentationContextAcItem {
  const contextId = r.u8();
  r.skip(1);
  const result = r.u8();
  r.skip(1);
  let transferSyntax = "";
  forEachItem(r, (type, body) => {
    if (type === ItemType.TransferSyntax) transferSyntax = readUid(body, body.remaining);
  });
  return { contextId, result, transferSyntax };
}

/** Log lines for a proposed presentation context. */
export function describePresentationContextRq(item: PresentationContextRqItem): string[] {
  return [
    `  Context ID:        ${item.contextId} (Proposed)`,
    `    Abstract Syntax: ${uidName(item.abstractSyntax)}`,
    "    Proposed Transfer Syntaxes:",
    ...item.transferSyntaxes.map((ts) => `      ${uidName(ts)}`),
  ];
}

/** Log lines for a presentation context answer. */
export function describePresentationContextAc(item: PresentationContextAcItem): string[] {
  const result = presentationContextResultNames[item.result] ?? `Unknown result ${item.result}`;
  const lines = [`  Context ID:        ${item.contextId} (${result})`];
  if (item.result === 0) lines.push(`    Accepted Transfer Syntax: ${uidName(item.transferSyntax)}`);
  return lines;
}
