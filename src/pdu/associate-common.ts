// The layout A-ASSOCIATE-RQ (PS3.8 9.3.2) and A-ASSOCIATE-AC (9.3.3) share: protocol version,
// two AE title fields, 32 reserved bytes, then the variable items.
import type { ByteReader } from "../util/byte-reader.js";
import type { ByteWriter } from "../util/byte-writer.js";
import { PduDecodeError } from "./errors.js";
import { forEachItem, readAeTitle, readUid, writeAeTitle, writeItem, writeUidItem } from "./fields.js";
import { ItemType } from "./pdu-type.js";
import {
  decodeUserInformation,
  describeUserInformation,
  encodeUserInformation,
  type UnknownUserItem,
  type UserInformation,
} from "./user-information.js";

/** The fields of an A-ASSOCIATE-RQ or -AC apart from its type, generic in the presentation context item. */
export interface AssociateFields<P> {
  readonly protocolVersion: number;
  readonly calledAeTitle: string;
  readonly callingAeTitle: string;
  readonly applicationContextName: string;
  readonly presentationContexts: readonly P[];
  readonly userInformation: UserInformation;
  /** Variable items of unknown type, kept and skipped (PS3.8 9.3.1); absent when there were none. */
  readonly unknownItems?: readonly UnknownUserItem[];
}

/** Writes a whole A-ASSOCIATE-RQ/AC PDU: header, fixed fields, then items in increasing type order (PS3.8 9.3.1). */
export function encodeAssociate<P>(
  w: ByteWriter,
  type: number,
  pdu: AssociateFields<P>,
  encodeContext: (w: ByteWriter, item: P) => void,
): void {
  w.u8(type).u8(0).u32(0);
  const start = w.length;
  w.u16(pdu.protocolVersion).u16(0);
  writeAeTitle(w, pdu.calledAeTitle, "called AE title");
  writeAeTitle(w, pdu.callingAeTitle, "calling AE title");
  w.zeros(32);
  writeUidItem(w, ItemType.ApplicationContext, pdu.applicationContextName);
  for (const pc of pdu.presentationContexts) encodeContext(w, pc);
  encodeUserInformation(w, pdu.userInformation);
  for (const item of pdu.unknownItems ?? []) writeItem(w, item.itemType, (b) => b.bytes(item.data));
  w.setU32(start - 4, w.length - start);
}

/**
 * Reads the body of an A-ASSOCIATE-RQ/AC. Items may come in any order; the application context
 * item is required. PS3.8 9.3.2: only bit 0 of the protocol version is meaningful, and whether to
 * accept it is the acceptor's decision, so the value is returned as is.
 */
export function decodeAssociate<P>(
  r: ByteReader,
  contextType: number,
  decodeContext: (r: ByteReader) => P,
  what: string,
): AssociateFields<P> {
  const at = r.position;
  const protocolVersion = r.u16();
  r.skip(2); // reserved, not tested (PS3.8 9.3.1)
  const calledAeTitle = readAeTitle(r);
  const callingAeTitle = readAeTitle(r);
  r.skip(32);
  let applicationContextName: string | undefined;
  const presentationContexts: P[] = [];
  let userInformation: UserInformation = {};
  const unknownItems: UnknownUserItem[] = [];
  forEachItem(r, (type, body) => {
    if (type === ItemType.ApplicationContext) applicationContextName = readUid(body, body.remaining);
    else if (type === contextType) presentationContexts.push(decodeContext(body));
    else if (type === ItemType.UserInformation) userInformation = decodeUserInformation(body);
    else unknownItems.push({ itemType: type, data: body.bytesView(body.remaining) });
  });
  if (applicationContextName === undefined) {
    throw new PduDecodeError(`${what} has no application context item`, at);
  }
  const fields = {
    protocolVersion,
    calledAeTitle,
    callingAeTitle,
    applicationContextName,
    presentationContexts,
    userInformation,
  };
  return unknownItems.length > 0 ? { ...fields, unknownItems } : fields;
}

/** Log lines for the parts both A-ASSOCIATE PDUs share, with the presentation contexts rendered by `describeContext`. */
export function describeAssociate<P>(
  name: string,
  pdu: AssociateFields<P>,
  describeContext: (item: P) => string[],
): string[] {
  const rule = "=".repeat(22);
  const lines = [
    `${rule} BEGIN ${name} ${rule}`,
    `Protocol Version: ${pdu.protocolVersion}`,
    `Called Application Name:  ${pdu.calledAeTitle}`,
    `Calling Application Name: ${pdu.callingAeTitle}`,
    `Application Context Name: ${pdu.applicationContextName}`,
    "Presentation Contexts:",
  ];
  if (pdu.presentationContexts.length === 0) lines.push("  (none)");
  for (const pc of pdu.presentationContexts) lines.push(...describeContext(pc));
  lines.push("User Information:");
  lines.push(...describeUserInformation(pdu.userInformation).map((l) => `  ${l}`));
  for (const item of pdu.unknownItems ?? []) {
    lines.push(`Unknown Item: type 0x${item.itemType.toString(16).padStart(2, "0")}, ${item.data.byteLength} bytes`);
  }
  lines.push(`${rule}= END ${name} ${rule}=`);
  return lines;
}
