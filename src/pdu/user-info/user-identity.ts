// PS3.7 Annex D.3.3.7: User Identity Negotiation sub-items, request (0x58) and response (0x59).
import type { ByteReader } from "../../util/byte-reader.js";
import type { ByteWriter } from "../../util/byte-writer.js";
import { expectEnd, writeBytesWithLength, writeItem } from "../fields.js";
import { ItemType } from "../pdu-type.js";

/** The user identity a requestor asserts (PS3.7 Table D.3-14). */
export interface UserIdentityRqItem {
  /** 1 username, 2 username and passcode, 3 Kerberos service ticket, 4 SAML assertion, 5 JSON web token. */
  readonly identityType: 1 | 2 | 3 | 4 | 5;
  readonly positiveResponseRequested: boolean;
  /** Aliases the decoded input. */
  readonly primaryField: Uint8Array;
  /** The passcode for type 2, empty otherwise. Aliases the decoded input. */
  readonly secondaryField: Uint8Array;
}

/** The acceptor's answer to a user identity request that asked for one (PS3.7 Table D.3-15). */
export interface UserIdentityAcItem {
  /** Kerberos server ticket, SAML response or JWT; empty for types 1 and 2. Aliases the decoded input. */
  readonly serverResponse: Uint8Array;
}

/** Readable names of the user identity types. */
export const userIdentityTypeNames: Readonly<Record<number, string>> = {
  1: "Username",
  2: "Username and passcode",
  3: "Kerberos Service ticket",
  4: "SAML Assertion",
  5: "JSON Web Token",
};

/** Writes a User Identity Negotiation request sub-item. */
export function encodeUserIdentityRq(w: ByteWriter, item: UserIdentityRqItem): void {
  writeItem(w, ItemType.UserIdentityRq, (b) => {
    b.u8(item.identityType).u8(item.positiveResponseRequested ? 1 : 0);
    writeBytesWithLength(b, item.primaryField, "user identity primary field");
    writeBytesWithLength(b, item.secondaryField, "user identity secondary field");
  });
}

/**
 * Reads a User Identity Negotiation request sub-item body, or returns undefined for an identity
 * type this version does not know, so the caller keeps the item as unknown rather than aborting.
 */
export function decodeUserIdentityRq(r: ByteReader): UserIdentityRqItem | undefined {
  const identityType = r.u8();
  if (identityType < 1 || identityType > 5) return undefined;
  const positiveResponseRequested = r.u8() === 1;
  const primaryField = r.bytesView(r.u16());
  const secondaryField = r.bytesView(r.u16());
  expectEnd(r, "user identity sub-item");
  return {
    identityType: identityType as UserIdentityRqItem["identityType"],
    positiveResponseRequested,
    primaryField,
    secondaryField,
  };
}

/** Writes a User Identity Negotiation response sub-item. */
export function encodeUserIdentityAc(w: ByteWriter, item: UserIdentityAcItem): void {
  writeItem(w, ItemType.UserIdentityAc, (b) =>
    writeBytesWithLength(b, item.serverResponse, "user identity server response"),
  );
}

/** Reads a User Identity Negotiation response sub-item body. */
export function decodeUserIdentityAc(r: ByteReader): UserIdentityAcItem {
  const serverResponse = r.bytesView(r.u16());
  expectEnd(r, "user identity response sub-item");
  return { serverResponse };
}

const latin1 = new TextDecoder("latin1");

/** Log lines for a user identity request. Only a username is shown; passcodes and tokens never are. */
export function describeUserIdentityRq(item: UserIdentityRqItem): string[] {
  const lines = [
    "User Identity:",
    `  Type: ${userIdentityTypeNames[item.identityType] ?? item.identityType}`,
    `  Positive Response Requested: ${item.positiveResponseRequested ? "yes" : "no"}`,
  ];
  if (item.identityType === 1 || item.identityType === 2) {
    lines.push(`  Username: ${latin1.decode(item.primaryField)}`);
    if (item.identityType === 2) lines.push("  Passcode: ********");
  } else {
    lines.push(`  Primary Field: (${item.primaryField.byteLength} bytes, not shown)`);
  }
  return lines;
}

/** Log lines for a user identity response; the server response is a credential and is not shown. */
export function describeUserIdentityAc(item: UserIdentityAcItem): string[] {
  return [`User Identity Server Response: (${item.serverResponse.byteLength} bytes, not shown)`];
}
