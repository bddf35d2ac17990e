import assert from "node:assert/strict";
import { test } from "node:test";
import { forEachItem } from "../../src/pdu/fields.js";
import { ItemType } from "../../src/pdu/pdu-type.js";
import { decodeUserInformation, encodeUserInformation, type UserInformation } from "../../src/pdu/user-information.js";
import { ByteReader } from "../../src/util/byte-reader.js";
import { ByteWriter } from "../../src/util/byte-writer.js";
import { a, bytes, hex, toHex } from "./hex.js";

const ctImage = "1.2.840.10008.5.1.4.1.1.2"; // 25 characters: odd, and not NUL padded
const enhancedSr = "1.2.840.10008.5.1.4.1.1.88.22"; // 29
const basicTextSr = "1.2.840.10008.5.1.4.1.1.88.11"; // 29
const comprehensiveSr = "1.2.840.10008.5.1.4.1.1.88.33"; // 29
const storageService = "1.2.840.10008.4.2"; // 17

/** Decodes one whole User Information item (header included). */
function decodeItem(b: Uint8Array): UserInformation {
  let info: UserInformation | undefined;
  forEachItem(new ByteReader(b), (type, body) => {
    assert.equal(type, ItemType.UserInformation);
    info = decodeUserInformation(body);
  });
  assert.ok(info);
  return info;
}

function encodeItem(info: UserInformation): string {
  const w = new ByteWriter();
  encodeUserInformation(w, info);
  return toHex(w.toUint8Array());
}

// Each fixture is one whole User Information item (PS3.8 D.1, PS3.7 D.3.3), driving decode and encode.
const cases: { name: string; hex: string; info: UserInformation }[] = [
  {
    name: "maximum length 16384",
    hex: `50 00 0008            # user information, length 8
          51 00 0004 00004000  # maximum length 0x4000`,
    info: { maximumLength: 16384 },
  },
  {
    name: "maximum length 0 (no limit)",
    hex: "50 00 0008 51 00 0004 00000000",
    info: { maximumLength: 0 },
  },
  {
    name: "implementation class UID (odd length, unpadded) and version name",
    hex: `50 00 0019                       # length 25
          52 00 0009 ${a("1.2.3.4.5")}     # implementation class UID, 9 bytes
          55 00 0008 ${a("NETDICOM")}      # implementation version name`,
    info: { implementationClassUid: "1.2.3.4.5", implementationVersionName: "NETDICOM" },
  },
  {
    name: "asynchronous operations window",
    hex: `50 00 0008
          53 00 0004 0005 0003   # invoked 5, performed 3`,
    info: { asynchronousOperationsWindow: { maxOperationsInvoked: 5, maxOperationsPerformed: 3 } },
  },
  {
    name: "two role selections",
    hex: `50 00 0042                          # 2 × 33
          54 00 001d 0019 ${a(ctImage)} 01 00 # SCU only
          54 00 001d 0019 ${a(ctImage)} 00 01 # SCP only`,
    info: {
      roleSelections: [
        { sopClassUid: ctImage, scuRole: true, scpRole: false },
        { sopClassUid: ctImage, scuRole: false, scpRole: true },
      ],
    },
  },
  {
    name: "SOP class extended negotiation",
    hex: `50 00 0022
          56 00 001e 0019 ${a(ctImage)} 01 00 01   # 3 bytes of application information`,
    info: { sopClassExtendedNegotiations: [{ sopClassUid: ctImage, applicationInformation: hex("01 00 01") }] },
  },
  {
    name: "SOP class common extended negotiation with two related general SOP classes",
    hex: `50 00 0076
          57 00 0072                       # sub-item version 0, length 114
          001d ${a(enhancedSr)}            # SOP class
          0011 ${a(storageService)}        # service class
          003e                             # related general SOP class identification, 62 bytes
            001d ${a(basicTextSr)}
            001d ${a(comprehensiveSr)}`,
    info: {
      sopClassCommonExtendedNegotiations: [
        {
          sopClassUid: enhancedSr,
          serviceClassUid: storageService,
          relatedGeneralSopClassUids: [basicTextSr, comprehensiveSr],
        },
      ],
    },
  },
  {
    name: "SOP class common extended negotiation without related general SOP classes",
    hex: `50 00 0038
          57 00 0034 001d ${a(enhancedSr)} 0011 ${a(storageService)} 0000`,
    info: {
      sopClassCommonExtendedNegotiations: [
        { sopClassUid: enhancedSr, serviceClassUid: storageService, relatedGeneralSopClassUids: [] },
      ],
    },
  },
  {
    name: "user identity 1 (username), no response requested",
    hex: `50 00 000f
          58 00 000b 01 00 0005 ${a("alice")} 0000   # type 1, no positive response, empty secondary`,
    info: {
      userIdentityRq: {
        identityType: 1,
        positiveResponseRequested: false,
        primaryField: bytes("alice"),
        secondaryField: new Uint8Array(0),
      },
    },
  },
  {
    name: "user identity 2 (username and passcode), response requested",
    hex: `50 00 0015
          58 00 0011 02 01 0005 ${a("alice")} 0006 ${a("secret")}`,
    info: {
      userIdentityRq: {
        identityType: 2,
        positiveResponseRequested: true,
        primaryField: bytes("alice"),
        secondaryField: bytes("secret"),
      },
    },
  },
  {
    name: "user identity 3 (Kerberos service ticket)",
    hex: "50 00 000e 58 00 000a 03 01 0004 deadbeef 0000",
    info: {
      userIdentityRq: {
        identityType: 3,
        positiveResponseRequested: true,
        primaryField: hex("deadbeef"),
        secondaryField: new Uint8Array(0),
      },
    },
  },
  {
    name: "user identity 4 (SAML assertion)",
    hex: `50 00 0011 58 00 000d 04 00 0007 ${a("<saml/>")} 0000`,
    info: {
      userIdentityRq: {
        identityType: 4,
        positiveResponseRequested: false,
        primaryField: bytes("<saml/>"),
        secondaryField: new Uint8Array(0),
      },
    },
  },
  {
    name: "user identity 5 (JSON web token)",
    hex: `50 00 0011 58 00 000d 05 01 0007 ${a("eyJ.a.b")} 0000`,
    info: {
      userIdentityRq: {
        identityType: 5,
        positiveResponseRequested: true,
        primaryField: bytes("eyJ.a.b"),
        secondaryField: new Uint8Array(0),
      },
    },
  },
  {
    name: "user identity response with a server response",
    hex: `50 00 0009 59 00 0005 0003 ${a("tkt")}`,
    info: { userIdentityAc: { serverResponse: bytes("tkt") } },
  },
  {
    name: "user identity response, empty (types 1 and 2)",
    hex: "50 00 0006 59 00 0002 0000",
    info: { userIdentityAc: { serverResponse: new Uint8Array(0) } },
  },
  {
    name: "an unknown sub-item is kept",
    hex: `50 00 000f
          51 00 0004 00008000
          7f 00 0003 010203     # type 0x7f, not defined: kept as is`,
    info: { maximumLength: 0x8000, unknownItems: [{ itemType: 0x7f, data: hex("010203") }] },
  },
];

for (const c of cases) {
  test(`user information, ${c.name}: decodes`, () => assert.deepEqual(decodeItem(hex(c.hex)), c.info));
  test(`user information, ${c.name}: encodes`, () => assert.equal(encodeItem(c.info), toHex(hex(c.hex))));
}

test("user information: sub-items in any order decode the same (PS3.8 9.3.1)", () => {
  const info = decodeItem(hex(`50 00 0019 55 00 0008 ${a("NETDICOM")} 52 00 0009 ${a("1.2.3.4.5")}`));
  assert.deepEqual(info, { implementationVersionName: "NETDICOM", implementationClassUid: "1.2.3.4.5" });
});

test("user information: a trailing NUL a peer padded a UID with is dropped", () => {
  const info = decodeItem(hex(`50 00 000e 52 00 000a ${a("1.2.3.4.5")} 00`));
  assert.equal(info.implementationClassUid, "1.2.3.4.5");
});

test("user information: a user identity type outside 1-5 is kept as an unknown item, not fatal", () => {
  const info = decodeItem(hex("50 00 000c 58 00 0008 09 00 0001 41 0001 42"));
  assert.equal(info.userIdentityRq, undefined);
  assert.deepEqual(info.unknownItems, [{ itemType: 0x58, data: hex("09 00 0001 41 0001 42") }]);
});

test("user information: a decoded extended negotiation aliases the input, not a copy", () => {
  const input = hex(`50 00 0022 56 00 001e 0019 ${a(ctImage)} 01 00 01`);
  const info = decodeItem(input);
  const appInfo = info.sopClassExtendedNegotiations?.[0]?.applicationInformation;
  assert.ok(appInfo);
  assert.equal(appInfo.buffer, input.buffer);
});
