// pDataTfHeader: the 12 bytes before a single PDV's data are exactly what encodePdu writes for
// that P-DATA-TF, for every flag combination and for lengths that use every byte of the fields.
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodePdu, PduType, pDataTfHeader } from "../../src/pdu/index.js";

const toHex = (b: Uint8Array) => Buffer.from(b).toString("hex");

for (const length of [0, 1, 255, 256, 65_530, 70_000, 0x01_02_03_04]) {
  for (const [isCommand, isLast] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    test(`pDataTfHeader: context 7, ${isCommand ? "command" : "data set"}, ${isLast ? "last" : "more"}, ${length} bytes`, () => {
      // Only the first 12 bytes of the encoding matter; a short data array keeps the test small,
      // so the expected header is built from a real encoding of `min(length, 300)` bytes and
      // the lengths patched to what `length` gives (PS3.8 9.3.5: PDU length 6 + n, item length 2 + n).
      const n = Math.min(length, 300);
      const whole = encodePdu({
        type: PduType.PDataTf,
        values: [{ contextId: 7, isCommand, isLast, data: new Uint8Array(n) }],
      });
      const expected = Buffer.from(whole.subarray(0, 12));
      expected.writeUInt32BE(6 + length, 2);
      expected.writeUInt32BE(2 + length, 6);
      assert.equal(toHex(pDataTfHeader(7, isCommand, isLast, length)), toHex(expected));
      if (n === length) assert.equal(toHex(pDataTfHeader(7, isCommand, isLast, length)), toHex(whole.subarray(0, 12)));
    });
  }
}
