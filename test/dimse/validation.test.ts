// Encode-side validation (DimseEncodeError) and decode-side validation (DimseDecodeError with the
// PS3.7 Annex C status to answer with, or abort).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CommandField,
  cEchoRq,
  cEchoRsp,
  cFindRsp,
  cGetRsp,
  cStoreRq,
  type DimseCommand,
  DimseDecodeError,
  DimseEncodeError,
  decodeCommand,
  encodeCommand,
} from "../../src/dimse/index.js";
import { hex } from "../pdu/hex.js";

function encodeThrows(cmd: DimseCommand, pattern: RegExp): void {
  assert.throws(
    () => encodeCommand(cmd),
    (e: unknown) => e instanceof DimseEncodeError && e.code === "ERR_DIMSE_ENCODE" && pattern.test(e.message),
  );
}

const store = cStoreRq({ messageId: 1, affectedSopClassUid: "1.2.3", affectedSopInstanceUid: "1.2.3.4" });

test("encode: a missing mandatory field", () => {
  const { affectedSopInstanceUid: _, ...rest } = store;
  encodeThrows(rest as DimseCommand, /requires affectedSopInstanceUid/);
});
test("encode: a field the message does not have", () => {
  encodeThrows({ ...cEchoRq({ messageId: 1 }), moveDestination: "X" }, /C-ECHO-RQ has no moveDestination/);
});
test("encode: a data set on a message that has none, and none where one is needed", () => {
  encodeThrows({ ...cEchoRq({ messageId: 1 }), hasDataset: true }, /has no data set/);
  encodeThrows({ ...store, hasDataset: false }, /needs a data set/);
});
test("encode: values out of range", () => {
  encodeThrows(cEchoRq({ messageId: 65536 }), /Message ID .* 0 to 65535/);
  encodeThrows(cEchoRq({ messageId: 1.5 }), /Message ID/);
  encodeThrows(cEchoRq({ messageId: 1, affectedSopClassUid: "1.2.x" }), /UID of digits and dots/);
  encodeThrows(cEchoRq({ messageId: 1, affectedSopClassUid: `1.${"2".repeat(63)}` }), /UID/);
  encodeThrows({ ...store, moveOriginatorApplicationEntityTitle: "SEVENTEEN_CHARS_X" }, /AE title/);
  encodeThrows({ ...store, moveOriginatorApplicationEntityTitle: "   " }, /AE title/);
  encodeThrows({ ...store, moveOriginatorApplicationEntityTitle: "A\\B" }, /AE title/);
  encodeThrows(cEchoRsp({ messageIdBeingRespondedTo: 1, status: 0, errorComment: "x".repeat(65) }), /64/);
  encodeThrows(cEchoRsp({ messageIdBeingRespondedTo: 1, status: 0, offendingElement: [-1] }), /list of tags/);
});
test("encode: an unknown command field", () => {
  encodeThrows({ commandField: 0x0031 as never, hasDataset: false, messageId: 1 }, /unknown command field/);
});
test("encode: conditional rules (pending C-FIND-RSP has an identifier, pending C-GET-RSP a remaining count)", () => {
  encodeThrows(cFindRsp({ messageIdBeingRespondedTo: 1, status: 0xff00, hasDataset: false }), /Pending C-FIND-RSP/);
  encodeThrows(cGetRsp({ messageIdBeingRespondedTo: 1, status: 0xff00 }), /Remaining/);
  assert.ok(
    encodeCommand(cGetRsp({ messageIdBeingRespondedTo: 1, status: 0xff00, numberOfRemainingSuboperations: 0 })),
  );
});

// Builds a command set by hand: elements as [element, hexValue], group length computed.
function raw(elements: [number, string][]): Uint8Array {
  const parts = elements.map(([el, v]) => {
    const value = hex(v);
    const b = new Uint8Array(8 + value.length);
    const dv = new DataView(b.buffer);
    dv.setUint16(2, el, true);
    dv.setUint32(4, value.length, true);
    b.set(value, 8);
    return b;
  });
  const body = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(12 + body);
  const dv = new DataView(out.buffer);
  dv.setUint32(4, 4, true);
  dv.setUint32(8, body, true);
  let at = 12;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function decodeFails(
  bytes: Uint8Array,
  expect: { status?: number; abort: boolean; offendingElement?: number },
): DimseDecodeError {
  let caught: unknown;
  try {
    decodeCommand(bytes);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof DimseDecodeError, `expected DimseDecodeError, got ${String(caught)}`);
  assert.equal(caught.code, "ERR_DIMSE_DECODE");
  assert.equal(caught.abort, expect.abort);
  assert.equal(caught.status, expect.status);
  if (expect.offendingElement !== undefined) assert.equal(caught.offendingElement, expect.offendingElement);
  return caught;
}

const uid123 = "312e322e3300";

test("decode: unknown command field in a request → 0x0211 Unrecognized Operation, with the message ID", () => {
  const e = decodeFails(
    raw([
      [0x0002, uid123],
      [0x0100, "3100"],
      [0x0110, "0900"],
      [0x0800, "0101"],
    ]),
    { status: 0x0211, abort: false },
  );
  assert.equal(e.messageId, 9);
  assert.equal(e.commandField, 0x0031);
  assert.equal(e.affectedSopClassUid, "1.2.3");
});
test("decode: unknown command field without a message ID → abort", () => {
  decodeFails(
    raw([
      [0x0100, "3100"],
      [0x0800, "0101"],
    ]),
    { abort: true },
  );
});
test("decode: unknown response command field → abort", () => {
  decodeFails(
    raw([
      [0x0100, "3180"],
      [0x0120, "0100"],
      [0x0800, "0101"],
    ]),
    { abort: true },
  );
});
test("decode: missing mandatory element of a request → 0x0120 Missing Attribute, naming it", () => {
  // C-STORE-RQ without Affected SOP Instance UID (0000,1000).
  const e = decodeFails(
    raw([
      [0x0002, uid123],
      [0x0100, "0100"],
      [0x0110, "0200"],
      [0x0700, "0000"],
      [0x0800, "0100"],
    ]),
    { status: 0x0120, abort: false, offendingElement: 0x1000 },
  );
  assert.equal(e.hasDataset, true);
  assert.match(e.message, /Affected SOP Instance UID \(0000,1000\)/);
});
test("decode: a US value of the wrong length → 0x0212 Mistyped Argument", () => {
  decodeFails(
    raw([
      [0x0002, uid123],
      [0x0100, "3000"],
      [0x0110, "0100"],
      [0x0700, "000000"],
      [0x0800, "0101"],
    ]),
    { status: 0x0212, abort: false, offendingElement: 0x0700 },
  );
});
test("decode: C-ECHO-RQ announcing a data set → 0x0115 Invalid Argument Value", () => {
  decodeFails(
    raw([
      [0x0002, uid123],
      [0x0100, "3000"],
      [0x0110, "0100"],
      [0x0800, "0100"],
    ]),
    { status: 0x0115, abort: false, offendingElement: 0x0800 },
  );
});
test("decode: C-STORE-RQ without a data set → 0x0115", () => {
  decodeFails(
    raw([
      [0x0002, uid123],
      [0x0100, "0100"],
      [0x0110, "0200"],
      [0x0700, "0000"],
      [0x0800, "0101"],
      [0x1000, uid123],
    ]),
    { status: 0x0115, abort: false },
  );
});
test("decode: a request without Message ID cannot be answered → abort", () => {
  decodeFails(
    raw([
      [0x0002, uid123],
      [0x0100, "3000"],
      [0x0800, "0101"],
    ]),
    { abort: true },
  );
});
test("decode: a response missing its status → abort (nothing answers a response)", () => {
  decodeFails(
    raw([
      [0x0100, "3080"],
      [0x0120, "0100"],
      [0x0800, "0101"],
    ]),
    { abort: true },
  );
});
test("decode: C-CANCEL-RQ without Message ID Being Responded To → abort", () => {
  decodeFails(
    raw([
      [0x0100, "ff0f"],
      [0x0800, "0101"],
    ]),
    { abort: true },
  );
});
test("decode: no CommandField, no CommandDataSetType → abort", () => {
  decodeFails(
    raw([
      [0x0002, uid123],
      [0x0110, "0100"],
      [0x0800, "0101"],
    ]),
    { abort: true },
  );
  decodeFails(
    raw([
      [0x0002, uid123],
      [0x0100, "3000"],
      [0x0110, "0100"],
    ]),
    { abort: true },
  );
});
test("decode: CommandField of the wrong length → abort", () => {
  decodeFails(
    raw([
      [0x0100, "300000"],
      [0x0110, "0100"],
      [0x0800, "0101"],
    ]),
    { abort: true },
  );
});
test("decode: truncated bytes, a length past the end, a wrong group length → abort", () => {
  const good = encodeCommand(cEchoRq({ messageId: 1 }));
  for (let n = 1; n < good.length; n++) decodeFails(good.subarray(0, n), { abort: true });
  const overrun = good.slice();
  new DataView(overrun.buffer).setUint32(16, 0xfffffff0, true); // the UID's length field
  decodeFails(overrun, { abort: true });
  const badLength = good.slice();
  new DataView(badLength.buffer).setUint32(8, 57, true);
  decodeFails(badLength, { abort: true });
  decodeFails(new Uint8Array(0), { abort: true });
});
test("decode: unknown and retired group 0000 elements and other groups are skipped", () => {
  const cmd = decodeCommand(
    raw([
      [0x0002, "312e322e3300"],
      [0x0100, "3000"],
      [0x0110, "0100"],
      [0x0800, "0101"],
      [0x4000, "414243 20"], // retired (0000,4000)
      [0x5010, "4142"], // retired (0000,5010)
    ]),
  );
  assert.deepEqual(cmd, {
    commandField: CommandField.C_ECHO_RQ,
    hasDataset: false,
    affectedSopClassUid: "1.2.3",
    messageId: 1,
  });
});
test("decode: any CommandDataSetType other than 0x0101 means a data set (PS3.7 E.1)", () => {
  for (const v of ["0000", "0100", "0201", "feff"]) {
    const cmd = decodeCommand(
      raw([
        [0x0002, uid123],
        [0x0100, "2000"],
        [0x0110, "0100"],
        [0x0700, "0000"],
        [0x0800, v],
      ]),
    );
    assert.equal(cmd.hasDataset, true, v);
  }
});
