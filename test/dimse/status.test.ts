// Status codes: category by code (PS3.7 Annex C), meaning per service (PS3.4).
import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandField, status } from "../../src/dimse/index.js";

const cases: [code: number, context: Parameters<typeof status.describe>[1], category: string, meaning: RegExp][] = [
  [0x0000, undefined, "success", /^Success$/],
  [0xff00, { commandField: CommandField.C_FIND_RSP }, "pending", /current match supplied/],
  [0xff01, { commandField: CommandField.C_FIND_RSP }, "pending", /optional keys were not supported/],
  [0xff00, { commandField: CommandField.C_MOVE_RSP }, "pending", /sub-operations are continuing/],
  [0xfe00, { commandField: CommandField.C_FIND_RSP }, "cancel", /matching terminated/],
  [0xfe00, { commandField: CommandField.C_GET_RSP }, "cancel", /sub-operations terminated/],
  // Storage, PS3.4 B.2.3, including ranges
  [0xa700, { commandField: CommandField.C_STORE_RSP }, "failure", /out of resources/],
  [0xa7ff, { commandField: CommandField.C_STORE_RQ }, "failure", /out of resources/],
  [0xa912, { commandField: CommandField.C_STORE_RSP }, "failure", /data set does not match SOP Class/],
  [0xc123, { commandField: CommandField.C_STORE_RSP }, "failure", /cannot understand/],
  [0xb000, { commandField: CommandField.C_STORE_RSP }, "warning", /coercion of data elements/],
  [0xb006, { commandField: CommandField.C_STORE_RSP }, "warning", /elements discarded/],
  [0xb007, { commandField: CommandField.C_STORE_RSP }, "warning", /does not match SOP Class/],
  // Q/R: the same codes mean something else
  [0xa700, { commandField: CommandField.C_FIND_RSP }, "failure", /out of resources/],
  [0xa900, { commandField: CommandField.C_FIND_RSP }, "failure", /identifier does not match/],
  [0xc001, { commandField: CommandField.C_FIND_RSP }, "failure", /unable to process/],
  [0xb000, { commandField: CommandField.C_MOVE_RSP }, "warning", /one or more failures/],
  [0xa801, { commandField: CommandField.C_MOVE_RSP }, "failure", /move destination unknown/],
  [0xa701, { commandField: CommandField.C_GET_RSP }, "failure", /unable to calculate number of matches/],
  [0xa702, { commandField: CommandField.C_MOVE_RSP }, "failure", /unable to perform sub-operations/],
  [0xaa02, { commandField: CommandField.C_GET_RSP }, "failure", /extract frames/],
  // Worklist, by SOP class
  [0xff01, { sopClassUid: "1.2.840.10008.5.1.4.31" }, "pending", /optional keys were not supported/],
  // MPPS, PS3.4 F
  [0x0110, { sopClassUid: "1.2.840.10008.3.1.2.3.3" }, "failure", /may no longer be updated/],
  [0x0110, undefined, "failure", /^Processing failure$/],
  // Print, PS3.4 H
  [0xb605, { sopClassUid: "1.2.840.10008.5.1.1.2" }, "warning", /density/],
  [0xc600, { sopClassUid: "1.2.840.10008.5.1.1.1" }, "failure", /Film Session/],
  // UPS, PS3.4 CC
  [0xc301, { sopClassUid: "1.2.840.10008.5.1.4.34.6.1" }, "failure", /Transaction UID/],
  [0xb304, { sopClassUid: "1.2.840.10008.5.1.4.34.6.1" }, "warning", /CANCELED/],
  // Media creation, application event logging, RT machine verification
  [0xa510, { sopClassUid: "1.2.840.10008.5.1.1.33" }, "failure", /Initiate Media Creation/],
  [0xc102, { sopClassUid: "1.2.840.10008.1.40" }, "failure", /template/],
  [0xc227, { sopClassUid: "1.2.840.10008.5.1.4.34.8" }, "failure", /RT Plan not found/],
  // Q/R by SOP class alone (registry keyword ends in Move)
  [0xb000, { sopClassUid: "1.2.840.10008.5.1.4.1.2.2.2" }, "warning", /one or more failures/],
  // Storage by SOP class alone
  [0xb000, { sopClassUid: "1.2.840.10008.5.1.4.1.1.2" }, "warning", /coercion/],
  // General, PS3.7 Annex C
  [0x0107, undefined, "warning", /Attribute list error/],
  [0x0116, undefined, "warning", /out of range/],
  [0x0001, undefined, "warning", /optional attributes/],
  [0x0105, undefined, "failure", /No such attribute/],
  [0x0106, undefined, "failure", /Invalid attribute value/],
  [0x0111, undefined, "failure", /Duplicate SOP Instance/],
  [0x0112, undefined, "failure", /No such SOP Instance/],
  [0x0117, undefined, "failure", /Invalid SOP Instance/],
  [0x0118, undefined, "failure", /No such SOP Class/],
  [0x0119, undefined, "failure", /Class-instance conflict/],
  [0x0120, undefined, "failure", /Missing attribute/],
  [0x0121, undefined, "failure", /Missing attribute value/],
  [0x0122, { commandField: CommandField.C_STORE_RSP }, "failure", /SOP Class not supported/],
  [0x0123, undefined, "failure", /No such action/],
  [0x0124, undefined, "failure", /not authorized/],
  [0x0210, undefined, "failure", /Duplicate invocation/],
  [0x0211, undefined, "failure", /Unrecognized operation/],
  [0x0212, undefined, "failure", /Mistyped argument/],
  [0x0213, undefined, "failure", /Resource limitation/],
  // No context: the shared meanings
  [0xa7ff, undefined, "failure", /out of resources/],
  [0xcfff, undefined, "failure", /cannot understand or unable to process/],
  [0xb123, undefined, "warning", /^Warning$/],
  [0x1234, undefined, "failure", /Unknown status 0x1234/],
];

for (const [code, context, category, meaning] of cases) {
  test(`status 0x${code.toString(16).padStart(4, "0")} ${JSON.stringify(context ?? {})}: ${category}, ${meaning}`, () => {
    const info = status.describe(code, context);
    assert.equal(info.code, code);
    assert.equal(info.category, category);
    assert.match(info.meaning, meaning);
    assert.equal(status.category(code), category);
  });
}

test("named constants and keywords", () => {
  assert.equal(status.Success, 0x0000);
  assert.equal(status.Pending, 0xff00);
  assert.equal(status.Cancel, 0xfe00);
  assert.equal(status.OutOfResources, 0xa700);
  assert.equal(status.UnrecognizedOperation, 0x0211);
  assert.equal(status.MoveDestinationUnknown, 0xa801);
  assert.equal(status.describe(0xa801).keyword, "MoveDestinationUnknown");
  assert.equal(status.describe(0x0120).keyword, "MissingAttribute");
  assert.equal(status.describe(0x4321).keyword, undefined);
});

test("category boundaries", () => {
  assert.equal(status.category(0xafff), "failure");
  assert.equal(status.category(0xb000), "warning");
  assert.equal(status.category(0xbfff), "warning");
  assert.equal(status.category(0xc000), "failure");
  assert.equal(status.category(0xfe01), "failure");
  assert.equal(status.category(0xff02), "failure");
});

test("descriptions are frozen, reused for listed codes, and still depend on the service", () => {
  const storage = { commandField: CommandField.C_STORE_RQ };
  const move = { commandField: CommandField.C_MOVE_RQ };
  const first = status.describe(0xb000, storage);
  assert.ok(Object.isFrozen(first));
  assert.equal(status.describe(0xb000, storage), first);
  // Asked in the other order too: one service's cached text never answers for another.
  const forMove = status.describe(0xb000, move);
  assert.notEqual(forMove.meaning, first.meaning);
  assert.equal(status.describe(0xb000, storage).meaning, first.meaning);
  assert.equal(status.describe(0xb000, move), forMove);
  // A code only a range explains is described afresh each time (a peer sending every code of a
  // range grows nothing), with the same content.
  const ranged = status.describe(0xa7f3, storage);
  assert.notEqual(status.describe(0xa7f3, storage), ranged);
  assert.deepEqual(status.describe(0xa7f3, storage), ranged);
  assert.ok(Object.isFrozen(ranged));
});
