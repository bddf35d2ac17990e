import assert from "node:assert/strict";
import { test } from "node:test";
import { decodePdu, describePdu, encodePdu, type Pdu, PduType, pDataTfHeader } from "../../src/pdu/index.js";
import { hex, toHex } from "./hex.js";

// The fixed-size PDUs and P-DATA-TF: one table drives decode and encode, byte-exact.
const cases: { name: string; hex: string; pdu: Pdu }[] = [
  {
    name: "A-ASSOCIATE-RJ, permanent, service-user, called AE title not recognized",
    hex: "03 00 00000004 00 01 01 07",
    pdu: { type: PduType.AAssociateRj, result: 1, source: 1, reason: 7 },
  },
  {
    name: "A-ASSOCIATE-RJ, transient, provider (presentation), temporary congestion",
    hex: "03 00 00000004 00 02 03 01",
    pdu: { type: PduType.AAssociateRj, result: 2, source: 3, reason: 1 },
  },
  { name: "A-RELEASE-RQ", hex: "05 00 00000004 00000000", pdu: { type: PduType.AReleaseRq } },
  { name: "A-RELEASE-RP", hex: "06 00 00000004 00000000", pdu: { type: PduType.AReleaseRp } },
  {
    name: "A-ABORT, service-user",
    hex: "07 00 00000004 00 00 00 00",
    pdu: { type: PduType.AAbort, source: 0, reason: 0 },
  },
  {
    name: "A-ABORT, service-provider, invalid PDU parameter value",
    hex: "07 00 00000004 00 00 02 06",
    pdu: { type: PduType.AAbort, source: 2, reason: 6 },
  },
  {
    name: "P-DATA-TF, one command PDV, last fragment",
    hex: `04 00 0000000a       # body 10
          00000006 01 03      # PDV length 6, context 1, control header: command (bit 0) + last (bit 1)
          01020304`,
    pdu: {
      type: PduType.PDataTf,
      values: [{ contextId: 1, isCommand: true, isLast: true, data: hex("01020304") }],
    },
  },
  {
    name: "P-DATA-TF, two dataset PDVs, the first not last",
    hex: `04 00 00000011
          00000004 03 00 aabb     # context 3, dataset, more to come
          00000005 03 02 ccddee   # context 3, dataset, last`,
    pdu: {
      type: PduType.PDataTf,
      values: [
        { contextId: 3, isCommand: false, isLast: false, data: hex("aabb") },
        { contextId: 3, isCommand: false, isLast: true, data: hex("ccddee") },
      ],
    },
  },
  {
    name: "P-DATA-TF, command, not last, empty data",
    hex: "04 00 00000006 00000002 05 01",
    pdu: { type: PduType.PDataTf, values: [{ contextId: 5, isCommand: true, isLast: false, data: new Uint8Array(0) }] },
  },
];

for (const c of cases) {
  test(`${c.name}: decodes`, () => assert.deepEqual(decodePdu(hex(c.hex)), c.pdu));
  test(`${c.name}: encodes`, () => assert.equal(toHex(encodePdu(c.pdu)), toHex(hex(c.hex))));
}

test("reserved bytes of fixed PDUs and reserved control header bits are not tested on receipt", () => {
  assert.deepEqual(decodePdu(hex("07 ff 00000004 ff ff 02 01")), { type: PduType.AAbort, source: 2, reason: 1 });
  assert.deepEqual(decodePdu(hex("05 00 00000004 deadbeef")), { type: PduType.AReleaseRq });
  const pdv = decodePdu(hex("04 00 00000007 00000003 01 fe 99"));
  assert.deepEqual(pdv, {
    type: PduType.PDataTf,
    values: [{ contextId: 1, isCommand: false, isLast: true, data: hex("99") }],
  });
});

test("P-DATA-TF values alias the decoded input", () => {
  const input = hex("04 00 0000000a 00000006 01 03 01020304");
  const pdu = decodePdu(input);
  assert.equal(pdu.type, PduType.PDataTf);
  const data = pdu.type === PduType.PDataTf ? pdu.values[0]?.data : undefined;
  assert.equal(data?.buffer, input.buffer);
  assert.equal(data?.byteOffset, 12);
});

test("pDataTfHeader + data equals the encoded single-PDV P-DATA-TF", () => {
  const data = hex("0102030405");
  for (const [isCommand, isLast] of [
    [true, true],
    [true, false],
    [false, true],
    [false, false],
  ] as const) {
    const header = pDataTfHeader(7, isCommand, isLast, data.byteLength);
    assert.equal(header.byteLength, 12);
    const whole = encodePdu({ type: PduType.PDataTf, values: [{ contextId: 7, isCommand, isLast, data }] });
    assert.equal(toHex(header) + toHex(data), toHex(whole));
  }
});

test("describePdu renders the small PDUs by name", () => {
  assert.deepEqual(describePdu({ type: PduType.AAssociateRj, result: 1, source: 1, reason: 7 }), [
    "A-ASSOCIATE-RJ",
    "  Result: Rejected (Permanent)",
    "  Source: Service User",
    "  Reason: Called AE title not recognised",
  ]);
  assert.deepEqual(describePdu({ type: PduType.AAbort, source: 2, reason: 6 }), [
    "A-ABORT",
    "  Source: Service Provider",
    "  Reason: Invalid PDU parameter value",
  ]);
  assert.deepEqual(describePdu({ type: PduType.AReleaseRp }), ["A-RELEASE-RP"]);
  assert.equal(
    describePdu(decodePdu(hex("04 00 0000000a 00000006 01 03 01020304")))[1],
    "  PDV: context ID 1, command, last fragment, 4 bytes",
  );
});
