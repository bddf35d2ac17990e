import assert from "node:assert/strict";
import { test } from "node:test";
import { type AAssociateRq, decodePdu, describePdu, encodePdu, PduType } from "../../src/pdu/index.js";
import { a, bytes, hex, toHex } from "./hex.js";

const ae = (title: string) => a(title.padEnd(16, " "));
const appContext = "1.2.840.10008.3.1.1.1"; // 21 bytes
const verification = "1.2.840.10008.1.1"; // 17
const implicitLe = "1.2.840.10008.1.2"; // 17
const explicitLe = "1.2.840.10008.1.2.1"; // 19
const ctImage = "1.2.840.10008.5.1.4.1.1.2"; // 25

const minimal: AAssociateRq = {
  type: PduType.AAssociateRq,
  protocolVersion: 1,
  calledAeTitle: "ANY",
  callingAeTitle: "SCU",
  applicationContextName: appContext,
  presentationContexts: [{ contextId: 1, abstractSyntax: verification, transferSyntaxes: [implicitLe] }],
  userInformation: { maximumLength: 16384, implementationClassUid: "1.2.3.4.5", implementationVersionName: "NETDICOM" },
};

const minimalHex = `
  01 00 000000b4                      # A-ASSOCIATE-RQ, body 180 bytes
  0001 0000                           # protocol version 1, reserved
  ${ae("ANY")}                        # called AE title, space padded
  ${ae("SCU")}                        # calling AE title
  ${"00".repeat(32)}                  # reserved
  10 00 0015 ${a(appContext)}         # application context item
  20 00 002e 01 00 00 00              # presentation context 1, length 46
    30 00 0011 ${a(verification)}     #   abstract syntax
    40 00 0011 ${a(implicitLe)}       #   transfer syntax
  50 00 0021                          # user information, length 33
    51 00 0004 00004000               #   maximum length 16384
    52 00 0009 ${a("1.2.3.4.5")}      #   implementation class UID (odd, unpadded)
    55 00 0008 ${a("NETDICOM")}       #   implementation version name
`;

const full: AAssociateRq = {
  type: PduType.AAssociateRq,
  protocolVersion: 1,
  calledAeTitle: "STORE_SCP",
  callingAeTitle: "NETDICOM",
  applicationContextName: appContext,
  presentationContexts: [
    { contextId: 1, abstractSyntax: ctImage, transferSyntaxes: [implicitLe, explicitLe] },
    { contextId: 3, abstractSyntax: verification, transferSyntaxes: [implicitLe] },
  ],
  userInformation: {
    maximumLength: 0,
    implementationClassUid: "1.2.3.4.5",
    asynchronousOperationsWindow: { maxOperationsInvoked: 2, maxOperationsPerformed: 1 },
    roleSelections: [{ sopClassUid: ctImage, scuRole: true, scpRole: true }],
    implementationVersionName: "NETDICOM",
    userIdentityRq: {
      identityType: 2,
      positiveResponseRequested: true,
      primaryField: bytes("alice"),
      secondaryField: bytes("secret"),
    },
  },
};

const fullHex = `
  01 00 00000143                      # A-ASSOCIATE-RQ, body 323 bytes
  0001 0000 ${ae("STORE_SCP")} ${ae("NETDICOM")} ${"00".repeat(32)}
  10 00 0015 ${a(appContext)}
  20 00 004d 01 00 00 00              # presentation context 1, length 77
    30 00 0019 ${a(ctImage)}
    40 00 0011 ${a(implicitLe)}
    40 00 0013 ${a(explicitLe)}
  20 00 002e 03 00 00 00              # presentation context 3
    30 00 0011 ${a(verification)}
    40 00 0011 ${a(implicitLe)}
  50 00 005f                          # user information, length 95
    51 00 0004 00000000               #   maximum length 0: no limit
    52 00 0009 ${a("1.2.3.4.5")}
    53 00 0004 0002 0001              #   asynchronous operations window 2/1
    54 00 001d 0019 ${a(ctImage)} 01 01   # role selection SCU and SCP
    55 00 0008 ${a("NETDICOM")}
    58 00 0011 02 01 0005 ${a("alice")} 0006 ${a("secret")}   # user identity: username + passcode
`;

const cases = [
  { name: "minimal (one context, the user information DCMTK sends)", hex: minimalHex, pdu: minimal },
  { name: "two contexts, role selection, async window, user identity", hex: fullHex, pdu: full },
  {
    name: "an unknown variable item is kept and written last",
    hex: `${minimalHex.replace("000000b4", "000000ba")} 7e 00 0002 abcd`,
    pdu: { ...minimal, unknownItems: [{ itemType: 0x7e, data: hex("abcd") }] },
  },
];

for (const c of cases) {
  test(`A-ASSOCIATE-RQ, ${c.name}: decodes`, () => assert.deepEqual(decodePdu(hex(c.hex)), c.pdu));
  test(`A-ASSOCIATE-RQ, ${c.name}: encodes`, () => assert.equal(toHex(encodePdu(c.pdu)), toHex(hex(c.hex))));
}

test("A-ASSOCIATE-RQ: items in any order, reserved fields not tested, protocol version kept", () => {
  const shuffled = hex(`
    01 00 000000b4
    0003 ffff                           # protocol version 3 (bit 0 set: the acceptor decides), reserved junk
    ${a("  ANY".padEnd(16))}            # leading spaces are trimmed too
    ${ae("SCU")}
    ${"ff".repeat(32)}                  # reserved, "not tested when received" (PS3.8 9.3.1)
    50 00 0021 51 00 0004 00004000 52 00 0009 ${a("1.2.3.4.5")} 55 00 0008 ${a("NETDICOM")}
    20 00 002e 01 ff ff ff 40 00 0011 ${a(implicitLe)} 30 00 0011 ${a(verification)}
    10 00 0015 ${a(appContext)}
  `);
  assert.deepEqual(decodePdu(shuffled), { ...minimal, protocolVersion: 3 });
});

test("A-ASSOCIATE-RQ: NUL-padded UIDs from a peer are read without the NUL", () => {
  const padded = hex(`
    01 00 000000b6 0001 0000 ${ae("ANY")} ${ae("SCU")} ${"00".repeat(32)}
    10 00 0016 ${a(appContext)} 00
    20 00 002f 01 00 00 00 30 00 0012 ${a(verification)} 00 40 00 0011 ${a(implicitLe)}
    50 00 0021 51 00 0004 00004000 52 00 0009 ${a("1.2.3.4.5")} 55 00 0008 ${a("NETDICOM")}
  `);
  assert.deepEqual(decodePdu(padded), minimal);
});

test("A-ASSOCIATE-RQ: describePdu reads like a debug log and hides the passcode", () => {
  const lines = describePdu(decodePdu(hex(fullHex)));
  for (const expected of [
    "Called Application Name:  STORE_SCP",
    "Calling Application Name: NETDICOM",
    "Application Context Name: 1.2.840.10008.3.1.1.1",
    "  Context ID:        1 (Proposed)",
    "    Abstract Syntax: 1.2.840.10008.5.1.4.1.1.2",
    "      =Implicit VR Little Endian",
    "      =Explicit VR Little Endian",
    "    Abstract Syntax: =Verification SOP Class",
    "  Maximum PDU Length: 0 (unlimited)",
    "  Implementation Class UID: 1.2.3.4.5",
    "  Implementation Version Name: NETDICOM",
    "    Maximum Invoked Operations:   2",
    "  SCP/SCU Role Selection: 1.2.840.10008.5.1.4.1.1.2 SCU=yes SCP=yes",
    "    Type: Username and passcode",
    "    Username: alice",
    "    Passcode: ********",
  ]) {
    assert.ok(lines.includes(expected), `missing line ${JSON.stringify(expected)} in\n${lines.join("\n")}`);
  }
  assert.ok(!lines.some((l) => l.includes("secret")), "the passcode must never be logged");
  assert.match(lines[0] ?? "", /BEGIN A-ASSOCIATE-RQ/);
});

test("A-ASSOCIATE-RQ: an AE title over 16 characters is refused on encode", () => {
  assert.throws(
    () => encodePdu({ ...minimal, calledAeTitle: "A_TITLE_THAT_IS_TOO_LONG" }),
    (e: unknown) => e instanceof Error && "code" in e && e.code === "ERR_PDU_ENCODE",
  );
});

test("decodePdu: the same A-ASSOCIATE-RQ bytes give the same frozen request, decoded from a copy of its own", () => {
  const wire = encodePdu(minimal);
  const buffer = new Uint8Array(wire.byteLength);
  buffer.set(wire);
  const first = decodePdu(buffer);
  const again = decodePdu(Uint8Array.from(wire));
  assert.equal(again, first, "one object for the same bytes");
  assert.ok(Object.isFrozen(first));
  assert.ok(first.type === PduType.AAssociateRq && Object.isFrozen(first.presentationContexts[0]));
  assert.deepEqual(first, minimal);
  // The caller's buffer reused for something else changes nothing already decoded or to come.
  buffer.fill(0);
  assert.deepEqual(decodePdu(Uint8Array.from(wire)), minimal);
  // Other bytes, another request.
  const other = decodePdu(encodePdu({ ...minimal, callingAeTitle: "OTHER" }));
  assert.notEqual(other, first);
  assert.equal(other.type === PduType.AAssociateRq && other.callingAeTitle, "OTHER");
  assert.equal(decodePdu(Uint8Array.from(wire)) === first, false, "only the last request is kept");
  assert.deepEqual(decodePdu(Uint8Array.from(wire)), minimal);
});

test("decodePdu: a request over 64 KiB is not kept (decoded afresh, not frozen)", () => {
  const big: AAssociateRq = {
    ...minimal,
    unknownItems: [
      { itemType: 0x70, data: new Uint8Array(40_000).fill(1) },
      { itemType: 0x71, data: new Uint8Array(40_000).fill(2) },
    ],
  };
  const wire = encodePdu(big);
  assert.ok(wire.byteLength > 64 * 1024);
  const first = decodePdu(Uint8Array.from(wire));
  const again = decodePdu(Uint8Array.from(wire));
  assert.notEqual(again, first);
  assert.equal(Object.isFrozen(first), false);
  assert.equal(first.type === PduType.AAssociateRq && first.unknownItems?.length, 2);
});

test("decodePdu: an A-ASSOCIATE-RQ keeps no view of the caller's bytes, which may be reused at once", () => {
  for (const size of [100, 40_000]) {
    const rq: AAssociateRq = {
      ...minimal,
      callingAeTitle: `SIZE${size}`,
      unknownItems: [
        { itemType: 0x70, data: new Uint8Array(size).fill(1) },
        { itemType: 0x71, data: new Uint8Array(size).fill(2) },
      ],
    };
    const input = Uint8Array.from(encodePdu(rq));
    const pdu = decodePdu(input);
    // What a read buffer does with its memory after the PDU was handled.
    input.fill(0xee);
    assert.ok(pdu.type === PduType.AAssociateRq);
    assert.equal(pdu.callingAeTitle, `SIZE${size}`);
    assert.deepEqual(
      pdu.unknownItems?.map((u) => [u.itemType, u.data.byteLength, u.data.every((b) => b === u.itemType - 0x6f)]),
      [
        [0x70, size, true],
        [0x71, size, true],
      ],
    );
    for (const u of pdu.unknownItems ?? []) assert.notEqual(u.data.buffer, input.buffer);
  }
});
