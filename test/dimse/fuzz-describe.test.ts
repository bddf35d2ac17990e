// Property tests for the command decoder, and the log rendering.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  cFindRsp,
  cStoreRq,
  DimseDecodeError,
  decodeCommand,
  describeCommand,
  encodeCommand,
  messageSpecs,
} from "../../src/dimse/index.js";

test("property: random bytes into decodeCommand give a command or a DimseDecodeError, nothing else", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      try {
        decodeCommand(bytes);
      } catch (e) {
        assert.ok(e instanceof DimseDecodeError, String(e));
      }
    }),
    { numRuns: 3000 },
  );
});

const valid = encodeCommand(
  cStoreRq({
    messageId: 1,
    affectedSopClassUid: "1.2.840.10008.5.1.4.1.1.2",
    affectedSopInstanceUid: "1.2.3",
    moveOriginatorApplicationEntityTitle: "A",
    moveOriginatorMessageId: 2,
  }),
);

test("property: mutated valid command sets give a command or a DimseDecodeError", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 6,
      }),
      fc.nat({ max: valid.length }),
      (edits, cut) => {
        const bytes = valid.slice(0, Math.max(cut, 1));
        for (const [at, v] of edits) if (at < bytes.length) bytes[at] = v;
        try {
          const cmd = decodeCommand(bytes);
          assert.ok(messageSpecs.has(cmd.commandField));
        } catch (e) {
          assert.ok(e instanceof DimseDecodeError, String(e));
          assert.equal(typeof e.abort, "boolean");
          if (!e.abort) assert.equal(typeof e.status, "number");
        }
      },
    ),
    { numRuns: 3000 },
  );
});

test("property: whatever decodes re-encodes and decodes to the same command", () => {
  fc.assert(
    fc.property(fc.nat({ max: 0xffff }), fc.nat({ max: 0xffff }), (messageId, statusCode) => {
      const cmd = cFindRsp({ messageIdBeingRespondedTo: messageId, status: statusCode, affectedSopClassUid: "1.2" });
      assert.deepEqual(decodeCommand(encodeCommand(cmd)), cmd);
    }),
  );
});

test("describeCommand: header, UIDs with names, status with meaning, data set line", () => {
  const lines = describeCommand(decodeCommand(valid), "inbound");
  assert.equal(lines[0], "===== INBOUND C-STORE-RQ =====");
  assert.equal(lines.at(-1), "===== END C-STORE-RQ =====");
  assert.ok(
    lines.some((l) => /^Affected SOP Class UID\s+: 1\.2\.840\.10008\.5\.1\.4\.1\.1\.2 \(CT Image Storage\)$/.test(l)),
  );
  assert.ok(lines.some((l) => /^Message ID\s+: 1$/.test(l)));
  assert.ok(lines.some((l) => /^Priority\s+: Medium \(0\)$/.test(l)));
  assert.ok(lines.some((l) => /^Move Originator Application Entity Title\s+: A$/.test(l)));
  assert.ok(lines.some((l) => /^Data Set\s+: present$/.test(l)));
  const rsp = describeCommand(cFindRsp({ messageIdBeingRespondedTo: 1, status: 0xa900 }), "outbound");
  assert.equal(rsp[0], "===== OUTBOUND C-FIND-RSP =====");
  assert.ok(rsp.some((l) => /^Status\s+: 0xa900 \[failure\] Failed: identifier does not match SOP Class$/.test(l)));
  assert.ok(rsp.some((l) => /^Data Set\s+: none$/.test(l)));
});
