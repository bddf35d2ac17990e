// PS3.8 9.3.2.3 and Annex D.1, PS3.7 Annex D.3.3: the User Information item (0x50) and its sub-items.
import type { ByteReader } from "../util/byte-reader.js";
import type { ByteWriter } from "../util/byte-writer.js";
import { forEachItem, writeItem } from "./fields.js";
import { ItemType } from "./pdu-type.js";
import {
  type AsynchronousOperationsWindowItem,
  decodeAsynchronousOperationsWindow,
  describeAsynchronousOperationsWindow,
  encodeAsynchronousOperationsWindow,
} from "./user-info/asynchronous-operations-window.js";
import {
  decodeImplementationClassUid,
  decodeImplementationVersionName,
  encodeImplementationClassUid,
  encodeImplementationVersionName,
} from "./user-info/implementation.js";
import { decodeMaximumLength, describeMaximumLength, encodeMaximumLength } from "./user-info/maximum-length.js";
import {
  decodeRoleSelection,
  describeRoleSelection,
  encodeRoleSelection,
  type RoleSelectionItem,
} from "./user-info/role-selection.js";
import {
  decodeSopClassCommonExtendedNegotiation,
  decodeSopClassExtendedNegotiation,
  describeSopClassCommonExtendedNegotiation,
  describeSopClassExtendedNegotiation,
  encodeSopClassCommonExtendedNegotiation,
  encodeSopClassExtendedNegotiation,
  type SopClassCommonExtendedNegotiationItem,
  type SopClassExtendedNegotiationItem,
} from "./user-info/sop-class-extended-negotiation.js";
import {
  decodeUserIdentityAc,
  decodeUserIdentityRq,
  describeUserIdentityAc,
  describeUserIdentityRq,
  encodeUserIdentityAc,
  encodeUserIdentityRq,
  type UserIdentityAcItem,
  type UserIdentityRqItem,
} from "./user-info/user-identity.js";

/** A user information sub-item this version does not interpret, kept as received. */
export interface UnknownUserItem {
  readonly itemType: number;
  /** The item body (after its 4-byte header). Aliases the decoded input. */
  readonly data: Uint8Array;
}

/** The sub-items of a User Information item; each is absent when not sent. */
export interface UserInformation {
  /** 0x51: largest P-DATA-TF body the sender accepts; 0 means no limit. */
  readonly maximumLength?: number;
  /** 0x52 */
  readonly implementationClassUid?: string;
  /** 0x53 */
  readonly asynchronousOperationsWindow?: AsynchronousOperationsWindowItem;
  /** 0x54 */
  readonly roleSelections?: readonly RoleSelectionItem[];
  /** 0x55 */
  readonly implementationVersionName?: string;
  /** 0x56 */
  readonly sopClassExtendedNegotiations?: readonly SopClassExtendedNegotiationItem[];
  /** 0x57 */
  readonly sopClassCommonExtendedNegotiations?: readonly SopClassCommonExtendedNegotiationItem[];
  /** 0x58 (A-ASSOCIATE-RQ only) */
  readonly userIdentityRq?: UserIdentityRqItem;
  /** 0x59 (A-ASSOCIATE-AC only) */
  readonly userIdentityAc?: UserIdentityAcItem;
  /** Sub-items of types not listed above: kept and skipped (PS3.8 9.3.1, Annex D.1). */
  readonly unknownItems?: readonly UnknownUserItem[];
}

/**
 * Writes a User Information item. Sub-items go in increasing type order (PS3.8 9.3.1), with the
 * unknown ones, which have no defined place, last.
 */
export function encodeUserInformation(w: ByteWriter, info: UserInformation): void {
  writeItem(w, ItemType.UserInformation, (b) => {
    if (info.maximumLength !== undefined) encodeMaximumLength(b, info.maximumLength);
    if (info.implementationClassUid !== undefined) encodeImplementationClassUid(b, info.implementationClassUid);
    if (info.asynchronousOperationsWindow) encodeAsynchronousOperationsWindow(b, info.asynchronousOperationsWindow);
    for (const item of info.roleSelections ?? []) encodeRoleSelection(b, item);
    if (info.implementationVersionName !== undefined)
      encodeImplementationVersionName(b, info.implementationVersionName);
    for (const item of info.sopClassExtendedNegotiations ?? []) encodeSopClassExtendedNegotiation(b, item);
    for (const item of info.sopClassCommonExtendedNegotiations ?? []) encodeSopClassCommonExtendedNegotiation(b, item);
    if (info.userIdentityRq) encodeUserIdentityRq(b, info.userIdentityRq);
    if (info.userIdentityAc) encodeUserIdentityAc(b, info.userIdentityAc);
    for (const item of info.unknownItems ?? []) writeItem(b, item.itemType, (c) => c.bytes(item.data));
  });
}

/** Reads a User Information item body. Sub-items may come in any order; a repeated single-valued one keeps the last. */
export function decodeUserInformation(r: ByteReader): UserInformation {
  const info: {
    -readonly [K in keyof UserInformation]: UserInformation[K] extends readonly (infer T)[] | undefined
      ? T[]
      : UserInformation[K];
  } = {};
  forEachItem(r, (type, body) => {
    switch (type) {
      case ItemType.MaximumLength:
        info.maximumLength = decodeMaximumLength(body);
        return;
      case ItemType.ImplementationClassUid:
        info.implementationClassUid = decodeImplementationClassUid(body);
        return;
      case ItemType.AsynchronousOperationsWindow:
        info.asynchronousOperationsWindow = decodeAsynchronousOperationsWindow(body);
        return;
      case ItemType.RoleSelection:
        (info.roleSelections ??= []).push(decodeRoleSelection(body));
        return;
      case ItemType.ImplementationVersionName:
        info.implementationVersionName = decodeImplementationVersionName(body);
        return;
      case ItemType.SopClassExtendedNegotiation:
        (info.sopClassExtendedNegotiations ??= []).push(decodeSopClassExtendedNegotiation(body));
        return;
      case ItemType.SopClassCommonExtendedNegotiation:
        (info.sopClassCommonExtendedNegotiations ??= []).push(decodeSopClassCommonExtendedNegotiation(body));
        return;
      case ItemType.UserIdentityRq: {
        const data = body.bytes.subarray(body.offset, body.end);
        const item = decodeUserIdentityRq(body);
        if (item) info.userIdentityRq = item;
        else (info.unknownItems ??= []).push({ itemType: type, data });
        return;
      }
      case ItemType.UserIdentityAc:
        info.userIdentityAc = decodeUserIdentityAc(body);
        return;
      default:
        (info.unknownItems ??= []).push({ itemType: type, data: body.bytesView(body.remaining) });
    }
  });
  return info;
}

/** Log lines for a User Information item, one sub-item after another. */
export function describeUserInformation(info: UserInformation): string[] {
  const lines: string[] = [];
  if (info.maximumLength !== undefined) lines.push(...describeMaximumLength(info.maximumLength));
  if (info.implementationClassUid !== undefined) {
    lines.push(`Implementation Class UID: ${info.implementationClassUid}`);
  }
  if (info.implementationVersionName !== undefined) {
    lines.push(`Implementation Version Name: ${info.implementationVersionName}`);
  }
  if (info.asynchronousOperationsWindow) {
    lines.push(...describeAsynchronousOperationsWindow(info.asynchronousOperationsWindow));
  }
  for (const item of info.roleSelections ?? []) lines.push(...describeRoleSelection(item));
  for (const item of info.sopClassExtendedNegotiations ?? []) lines.push(...describeSopClassExtendedNegotiation(item));
  for (const item of info.sopClassCommonExtendedNegotiations ?? []) {
    lines.push(...describeSopClassCommonExtendedNegotiation(item));
  }
  if (info.userIdentityRq) lines.push(...describeUserIdentityRq(info.userIdentityRq));
  if (info.userIdentityAc) lines.push(...describeUserIdentityAc(info.userIdentityAc));
  for (const item of info.unknownItems ?? []) {
    lines.push(`Unknown User Information Item: type 0x${hex2(item.itemType)}, ${item.data.byteLength} bytes`);
  }
  return lines;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}
