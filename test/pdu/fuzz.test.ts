import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { decodePdu, encodePdu, type Pdu, PduType } from "../../src/pdu/index.js";
import { NetdicomError } from "../../src/util/errors.js";
import { a, bytes, hex } from "./hex.js";

// Valid PDUs to mutate: every kind, with most user information sub-items.
const seeds: Uint8Array[] = [
  encodePdu({
    type: PduType.AAssociateRq,
    protocolVersion: 1,
    calledAeTitle: "STORE_SCP",
    callingAeTitle: "NETDICOM",
    applicationContextName: "1.2.840.10008.3.1.1.1",
    presentationContexts: [
      {
        contextId: 1,
        abstractSyntax: "1.2.840.10008.5.1.4.1.1.2",
        transferSyntaxes: ["1.2.840.10008.1.2", "1.2.840.10008.1.2.1"],
      },
    ],
    userInformation: {
      maximumLength: 16384,
      implementationClassUid: "1.2.3.4.5",
      asynchronousOperationsWindow: { maxOperationsInvoked: 2, maxOperationsPerformed: 1 },
      roleSelections: [{ sopClassUid: "1.2.840.10008.5.1.4.1.1.2", scuRole: true, scpRole: false }],
      implementationVersionName: "NETDICOM",
      sopClassExtendedNegotiations: [{ sopClassUid: "1.2.3", applicationInformation: hex("010001") }],
      sopClassCommonExtendedNegotiations: [
        { sopClassUid: "1.2.3", serviceClassUid: "1.2.4", relatedGeneralSopClassUids: ["1.2.5", "1.2.6"] },
      ],
      userIdentityRq: {
        identityType: 2,
        positiveResponseRequested: true,
        primaryField: bytes("u"),
        secondaryField: bytes("p"),
      },
      unknownItems: [{ itemType: 0x7f, data: hex("00") }],
    },
  }),
  encodePdu({
    type: PduType.AAssociateAc,
    protocolVersion: 1,
    calledAeTitle: "STORE_SCP",
    callingAeTitle: "NETDICOM",
    applicationContextName: "1.2.840.10008.3.1.1.1",
    presentationContexts: [{ contextId: 1, result: 0, transferSyntax: "1.2.840.10008.1.2" }],
    userInformation: { maximumLength: 0, userIdentityAc: { serverResponse: bytes("r") } },
  }),
  hex("03 00 00000004 00 01 01 07"),
  hex("04 00 00000011 00000004 03 00 aabb 00000005 03 02 ccddee"),
  hex("05 00 00000004 00000000"),
  hex("06 00 00000004 00000000"),
  hex("07 00 00000004 00 00 02 06"),
  hex(`10 00 0005 ${a("1.2.3")}`), // a bare item: not a PDU at all
];

/** decodePdu must return a PDU or throw a NetdicomError; anything else fails the property. */
function decodesOrRefuses(input: Uint8Array): Pdu | undefined {
  try {
    return decodePdu(input);
  } catch (e) {
    if (!(e instanceof NetdicomError)) throw e;
    assert.equal(e.code, "ERR_PDU_INVALID");
    return undefined;
  }
}

/** A decoded PDU either re-encodes to something that decodes the same, or is refused by encode with a typed error. */
function roundTrips(pdu: Pdu): void {
  let again: Uint8Array;
  try {
    again = encodePdu(pdu);
  } catch (e) {
    if (!(e instanceof NetdicomError)) throw e;
    return;
  }
  assert.deepEqual(decodePdu(again), pdu);
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
);

function mutate(
  seed: Uint8Array,
  ops: readonly { kind: string; at: number; value?: number }[],
  fixLength: boolean,
): Uint8Array {
  let b = Uint8Array.from(seed);
  for (const op of ops) {
    const at = b.byteLength === 0 ? 0 : op.at % b.byteLength;
    if (op.kind === "set") b[at] = op.value ?? 0;
    else if (op.kind === "cut") b = b.subarray(0, at);
    else b = Uint8Array.from([...b.subarray(0, at), op.value ?? 0, ...b.subarray(at)]);
  }
  // Optionally repair the PDU length field so mutations reach the items rather than stop at the header.
  if (fixLength && b.byteLength >= 6) new DataView(b.buffer, b.byteOffset).setUint32(2, b.byteLength - 6);
  return b;
}

test("fuzz: random bytes decode to a PDU or a PduDecodeError, nothing else", () => {
  const started = Date.now();
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (input) => {
      decodesOrRefuses(input);
    }),
    { numRuns: 5000 },
  );
  assert.ok(Date.now() - started < 5000, "5000 runs took too long");
});

test("fuzz: random bodies behind a valid header reach every PDU decoder and only typed errors come out", () => {
  const started = Date.now();
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 7 }), fc.uint8Array({ maxLength: 300 }), (type, body) => {
      const input = new Uint8Array(6 + body.byteLength);
      input[0] = type;
      new DataView(input.buffer).setUint32(2, body.byteLength);
      input.set(body, 6);
      const pdu = decodesOrRefuses(input);
      if (pdu) roundTrips(pdu);
    }),
    { numRuns: 5000 },
  );
  assert.ok(Date.now() - started < 5000, "5000 runs took too long");
});

test("fuzz: mutated valid PDUs decode or are refused with a typed error, and what decodes round-trips", () => {
  const started = Date.now();
  fc.assert(
    fc.property(
      fc.constantFrom(...seeds),
      fc.array(mutation, { minLength: 1, maxLength: 4 }),
      fc.boolean(),
      (seed, ops, fixLength) => {
        const pdu = decodesOrRefuses(mutate(seed, ops, fixLength));
        if (pdu) roundTrips(pdu);
      },
    ),
    { numRuns: 5000 },
  );
  assert.ok(Date.now() - started < 5000, "5000 runs took too long");
});

test("fuzz: the seeds themselves decode and round-trip", () => {
  for (const seed of seeds.slice(0, -1)) {
    const pdu = decodePdu(seed);
    assert.deepEqual(encodePdu(pdu), seed);
  }
});
