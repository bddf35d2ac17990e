import assert from "node:assert/strict";
import { test } from "node:test";
import { decodePdu, PduDecodeError } from "../../src/pdu/index.js";
import { NetdicomError } from "../../src/util/errors.js";
import { a, hex } from "./hex.js";

const ae = (title: string) => a(title.padEnd(16, " "));
const fixed = `0001 0000 ${ae("ANY")} ${ae("SCU")} ${"00".repeat(32)}`;
const appContext = `10 00 0015 ${a("1.2.840.10008.3.1.1.1")}`;
const context = `20 00 002e 01 00 00 00 30 00 0011 ${a("1.2.840.10008.1.1")} 40 00 0011 ${a("1.2.840.10008.1.2")}`;

// Each case: bytes that must be refused with a PduDecodeError and the A-ABORT reason it carries.
const cases: { name: string; hex: string; reason: number; offset?: number; message?: RegExp }[] = [
  { name: "empty input", hex: "", reason: 6, message: /truncated/ },
  { name: "truncated header", hex: "07 00 0000", reason: 6 },
  { name: "truncated body (length field says 4, 2 bytes follow)", hex: "07 00 00000004 0000", reason: 6, offset: 2 },
  {
    name: "bytes after the PDU's announced end",
    hex: "07 00 00000004 00000206 00",
    reason: 6,
    offset: 2,
    message: /disagrees/,
  },
  { name: "unrecognized PDU type 0x08", hex: "08 00 00000004 00000000", reason: 1, offset: 0 },
  { name: "unrecognized PDU type 0x00", hex: "00 00 00000000", reason: 1, offset: 0 },
  { name: "A-ASSOCIATE-RJ with a fifth byte", hex: "03 00 00000005 00 01 01 07 00", reason: 6, message: /trailing/ },
  { name: "A-RELEASE-RQ with a short body", hex: "05 00 00000002 0000", reason: 6 },
  {
    name: "P-DATA-TF item length past the PDU end",
    hex: "04 00 0000000a 00000010 01 03 01020304",
    reason: 6,
    offset: 10,
    message: /truncated/,
  },
  {
    name: "P-DATA-TF item length below 2",
    hex: "04 00 00000005 00000001 01",
    reason: 6,
    offset: 6,
    message: /below the minimum/,
  },
  { name: "P-DATA-TF with a dangling partial item header", hex: "04 00 00000002 0000", reason: 6 },
  {
    name: "A-ASSOCIATE-RQ cut inside the AE titles",
    hex: `01 00 00000010 ${fixed.replace(/ /g, "").slice(0, 32)}`,
    reason: 6,
  },
  {
    name: "A-ASSOCIATE-RQ item length past the PDU end",
    hex: `01 00 0000008f ${fixed} ${appContext} ${context.replace("20 00 002e", "20 00 00ff")}`,
    reason: 6,
    offset: 68 + 25 + 4 + 6, // start of the item body that the length field overruns
    message: /truncated/,
  },
  {
    name: "A-ASSOCIATE-RQ sub-item length past its item's end",
    hex: `01 00 0000008f ${fixed} ${appContext} ${context.replace("30 00 0011", "30 00 0040")}`,
    reason: 6,
    message: /truncated/,
  },
  {
    name: "A-ASSOCIATE-RQ without an application context item",
    hex: `01 00 00000076 ${fixed} ${context}`,
    reason: 6,
    message: /no application context/,
  },
  {
    name: "presentation context without an abstract syntax",
    hex: `01 00 0000007a ${fixed} ${appContext} 20 00 0019 01 00 00 00 40 00 0011 ${a("1.2.840.10008.1.2")}`,
    reason: 6,
    message: /no abstract syntax/,
  },
  {
    name: "maximum length sub-item of 3 bytes",
    hex: `01 00 0000009a ${fixed} ${appContext} ${context} 50 00 0007 51 00 0003 004000`,
    reason: 6,
    message: /truncated/,
  },
  {
    name: "role selection whose UID length runs past the sub-item",
    hex: `01 00 0000009a ${fixed} ${appContext} ${context} 50 00 0007 54 00 0003 00ff01`,
    reason: 6,
    message: /truncated/,
  },
];

for (const c of cases) {
  test(`malformed: ${c.name}`, () => {
    assert.throws(
      () => decodePdu(hex(c.hex)),
      (e: unknown) => {
        assert.ok(e instanceof PduDecodeError, `expected PduDecodeError, got ${String(e)}`);
        assert.ok(e instanceof NetdicomError);
        assert.equal(e.code, "ERR_PDU_INVALID");
        assert.deepEqual(e.abort, { source: 2, reason: c.reason });
        if (c.offset !== undefined) assert.equal(e.offset, c.offset);
        if (c.message) assert.match(e.message, c.message);
        return true;
      },
    );
  });
}

test("malformed: the fixtures above are otherwise well formed (a fixed length field decodes)", () => {
  // Guards the table: with the one fault repaired the same pieces decode.
  const ok = decodePdu(hex(`01 00 0000008f ${fixed} ${appContext} ${context}`));
  assert.equal(ok.type, 1);
});
