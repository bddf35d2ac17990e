import assert from "node:assert/strict";
import { test } from "node:test";
import { type AAssociateAc, decodePdu, describePdu, encodePdu, PduType } from "../../src/pdu/index.js";
import { a, bytes, hex, toHex } from "./hex.js";

const ae = (title: string) => a(title.padEnd(16, " "));
const appContext = "1.2.840.10008.3.1.1.1";
const explicitLe = "1.2.840.10008.1.2.1"; // 19 bytes

const accepted: AAssociateAc = {
  type: PduType.AAssociateAc,
  protocolVersion: 1,
  calledAeTitle: "STORE_SCP",
  callingAeTitle: "NETDICOM",
  applicationContextName: appContext,
  presentationContexts: [
    { contextId: 1, result: 0, transferSyntax: explicitLe },
    { contextId: 3, result: 3, transferSyntax: "" },
  ],
  userInformation: {
    maximumLength: 32768,
    implementationClassUid: "1.2.3.4.5",
    userIdentityAc: { serverResponse: bytes("tkt") },
  },
};

const acceptedHex = `
  02 00 000000aa                      # A-ASSOCIATE-AC, body 170 bytes
  0001 0000 ${ae("STORE_SCP")} ${ae("NETDICOM")} ${"00".repeat(32)}
  10 00 0015 ${a(appContext)}
  21 00 001b 01 00 00 00              # context 1, result 0 acceptance
    40 00 0013 ${a(explicitLe)}       #   the accepted transfer syntax
  21 00 0008 03 00 03 00              # context 3, result 3 abstract syntax not supported
    40 00 0000                        #   transfer syntax not significant: empty
  50 00 001e
    51 00 0004 00008000
    52 00 0009 ${a("1.2.3.4.5")}
    59 00 0005 0003 ${a("tkt")}       #   user identity server response
`;

test("A-ASSOCIATE-AC: decodes", () => assert.deepEqual(decodePdu(hex(acceptedHex)), accepted));
test("A-ASSOCIATE-AC: encodes", () => assert.equal(toHex(encodePdu(accepted)), toHex(hex(acceptedHex))));

test("A-ASSOCIATE-AC: a rejected context without a transfer syntax sub-item reads as an empty one", () => {
  const pdu = decodePdu(
    hex(`02 00 000000a6 0001 0000 ${ae("STORE_SCP")} ${ae("NETDICOM")} ${"00".repeat(32)}
         10 00 0015 ${a(appContext)}
         21 00 001b 01 00 00 00 40 00 0013 ${a(explicitLe)}
         21 00 0004 03 00 03 00
         50 00 001e 51 00 0004 00008000 52 00 0009 ${a("1.2.3.4.5")} 59 00 0005 0003 ${a("tkt")}`),
  );
  assert.deepEqual(pdu, accepted);
});

test("A-ASSOCIATE-AC: describePdu names results and hides the server response", () => {
  const lines = describePdu(accepted);
  for (const expected of [
    "  Context ID:        1 (Accepted)",
    "    Accepted Transfer Syntax: =Explicit VR Little Endian",
    "  Context ID:        3 (Abstract Syntax Not Supported)",
    "  Maximum PDU Length: 32768",
    "  User Identity Server Response: (3 bytes, not shown)",
  ]) {
    assert.ok(lines.includes(expected), `missing line ${JSON.stringify(expected)} in\n${lines.join("\n")}`);
  }
  assert.ok(!lines.some((l) => l.includes("tkt")));
});

test("decodePdu: the same A-ASSOCIATE-AC bytes give the same frozen answer, decoded from a copy of its own", () => {
  const wire = encodePdu(accepted);
  const buffer = Uint8Array.from(wire);
  const first = decodePdu(buffer);
  assert.equal(decodePdu(Uint8Array.from(wire)), first, "one object for the same bytes");
  assert.ok(Object.isFrozen(first));
  assert.ok(first.type === PduType.AAssociateAc && Object.isFrozen(first.userInformation));
  buffer.fill(0);
  assert.deepEqual(decodePdu(Uint8Array.from(wire)), accepted);
  const other = decodePdu(encodePdu({ ...accepted, calledAeTitle: "ELSEWHERE" }));
  assert.notEqual(other, first);
  assert.equal(other.type === PduType.AAssociateAc && other.calledAeTitle, "ELSEWHERE");
});
