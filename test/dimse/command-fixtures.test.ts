// Byte-exact command sets of every DIMSE message, computed by hand from PS3.5 (Implicit VR Little
// Endian: tag group/element as two LE u16, a u32 length, the value padded to even length) and
// PS3.7 Annex E (group 0000 only, CommandGroupLength first, ascending tags).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  cCancelRq,
  cEchoRq,
  cEchoRsp,
  cFindRq,
  cFindRsp,
  cGetRq,
  cGetRsp,
  cMoveRq,
  cMoveRsp,
  cStoreRq,
  cStoreRsp,
  type DimseCommand,
  decodeCommand,
  encodeCommand,
  nActionRq,
  nActionRsp,
  nCreateRq,
  nCreateRsp,
  nDeleteRq,
  nDeleteRsp,
  nEventReportRq,
  nEventReportRsp,
  nGetRq,
  nGetRsp,
  nSetRq,
  nSetRsp,
  Priority,
} from "../../src/dimse/index.js";
import { hex, toHex } from "../pdu/hex.js";

// Recurring elements, each "gggg eeee llllllll value" in little-endian byte order.
const CLS = "0000 0200 06000000 312e322e3300 # (0000,0002) Affected SOP Class UID '1.2.3' + NUL pad: 14 bytes";
const RCLS = "0000 0300 06000000 312e322e3300 # (0000,0003) Requested SOP Class UID '1.2.3': 14";
const INST = "0000 0010 08000000 312e322e332e3400 # (0000,1000) Affected SOP Instance UID '1.2.3.4' + NUL: 16";
const RINST = "0000 0110 08000000 312e322e332e3400 # (0000,1001) Requested SOP Instance UID: 16";
const MID = "0000 1001 02000000 0700 # (0000,0110) Message ID 7: 10";
const MIDR = "0000 2001 02000000 0700 # (0000,0120) Message ID Being Responded To 7: 10";
const DS = "0000 0008 02000000 0100 # (0000,0800) CommandDataSetType 0x0001, a data set follows: 10";
const NO_DS = "0000 0008 02000000 0101 # (0000,0800) CommandDataSetType 0x0101, no data set: 10";
const OK = "0000 0009 02000000 0000 # (0000,0900) Status 0x0000: 10";
const field = (v: string) => `0000 0001 02000000 ${v} # (0000,0100) CommandField: 10`;
const length = (n: number) =>
  `0000 0000 04000000 ${toHex(new Uint8Array(new Uint32Array([n]).buffer))} # (0000,0000) CommandGroupLength ${n}`;

const cls = "1.2.3";
const inst = "1.2.3.4";

interface Fixture {
  readonly name: string;
  readonly hex: string;
  readonly command: DimseCommand;
}

const fixtures: Fixture[] = [
  {
    name: "C-STORE-RQ with Move Originator",
    hex: [
      length(94),
      CLS,
      field("0100"),
      MID,
      "0000 0007 02000000 0000 # (0000,0700) Priority MEDIUM: 10",
      DS,
      INST,
      "0000 3010 06000000 4d4f56455220 # (0000,1030) Move Originator AE 'MOVER' + space pad: 14",
      "0000 3110 02000000 0300 # (0000,1031) Move Originator Message ID 3: 10",
    ].join("\n"),
    command: cStoreRq({
      messageId: 7,
      affectedSopClassUid: cls,
      affectedSopInstanceUid: inst,
      moveOriginatorApplicationEntityTitle: "MOVER",
      moveOriginatorMessageId: 3,
    }),
  },
  {
    name: "C-STORE-RSP success",
    hex: [length(70), CLS, field("0180"), MIDR, NO_DS, OK, INST].join("\n"),
    command: cStoreRsp({
      messageIdBeingRespondedTo: 7,
      status: 0,
      affectedSopClassUid: cls,
      affectedSopInstanceUid: inst,
    }),
  },
  {
    name: "C-FIND-RQ, high priority",
    hex: [length(54), CLS, field("2000"), MID, "0000 0007 02000000 0100 # Priority HIGH", DS].join("\n"),
    command: cFindRq({ messageId: 7, affectedSopClassUid: cls, priority: Priority.High }),
  },
  {
    name: "C-FIND-RSP pending, identifier follows",
    hex: [length(54), CLS, field("2080"), MIDR, DS, "0000 0009 02000000 00ff # Status 0xFF00"].join("\n"),
    command: cFindRsp({ messageIdBeingRespondedTo: 7, status: 0xff00, affectedSopClassUid: cls }),
  },
  {
    name: "C-GET-RQ, low priority",
    hex: [length(54), CLS, field("1000"), MID, "0000 0007 02000000 0200 # Priority LOW", DS].join("\n"),
    command: cGetRq({ messageId: 7, affectedSopClassUid: cls, priority: Priority.Low }),
  },
  {
    name: "C-GET-RSP pending with sub-operation counts",
    hex: [
      length(94),
      CLS,
      field("1080"),
      MIDR,
      NO_DS,
      "0000 0009 02000000 00ff # Status 0xFF00",
      "0000 2010 02000000 0500 # (0000,1020) remaining 5",
      "0000 2110 02000000 0200 # (0000,1021) completed 2",
      "0000 2210 02000000 0000 # (0000,1022) failed 0",
      "0000 2310 02000000 0100 # (0000,1023) warning 1",
    ].join("\n"),
    command: cGetRsp({
      messageIdBeingRespondedTo: 7,
      status: 0xff00,
      affectedSopClassUid: cls,
      numberOfRemainingSuboperations: 5,
      numberOfCompletedSuboperations: 2,
      numberOfFailedSuboperations: 0,
      numberOfWarningSuboperations: 1,
    }),
  },
  {
    name: "C-MOVE-RQ",
    hex: [
      length(66),
      CLS,
      field("2100"),
      MID,
      "0000 0006 04000000 44455354 # (0000,0600) Move Destination 'DEST': 12",
      "0000 0007 02000000 0000 # Priority MEDIUM",
      DS,
    ].join("\n"),
    command: cMoveRq({ messageId: 7, affectedSopClassUid: cls, moveDestination: "DEST" }),
  },
  {
    name: "C-MOVE-RSP move destination unknown, with error comment and failed list",
    hex: [
      length(76),
      CLS,
      field("2180"),
      MIDR,
      DS,
      "0000 0009 02000000 01a8 # Status 0xA801",
      "0000 0209 04000000 62616420 # (0000,0902) Error Comment 'bad' + space: 12",
      "0000 2210 02000000 0100 # (0000,1022) failed 1",
    ].join("\n"),
    command: cMoveRsp({
      messageIdBeingRespondedTo: 7,
      status: 0xa801,
      affectedSopClassUid: cls,
      errorComment: "bad",
      numberOfFailedSuboperations: 1,
      hasDataset: true,
    }),
  },
  {
    name: "C-ECHO-RQ",
    hex: [
      length(56),
      "0000 0200 12000000 312e322e3834302e31303030382e312e3100 # Affected SOP Class UID Verification + NUL: 26",
      field("3000"),
      "0000 1001 02000000 0100 # Message ID 1",
      NO_DS,
    ].join("\n"),
    command: cEchoRq({ messageId: 1 }),
  },
  {
    name: "C-ECHO-RSP",
    hex: [
      length(66),
      "0000 0200 12000000 312e322e3834302e31303030382e312e3100 # Verification: 26",
      field("3080"),
      "0000 2001 02000000 0100 # Message ID Being Responded To 1",
      NO_DS,
      OK,
    ].join("\n"),
    command: cEchoRsp({ messageIdBeingRespondedTo: 1, status: 0, affectedSopClassUid: "1.2.840.10008.1.1" }),
  },
  {
    name: "C-CANCEL-RQ",
    hex: [length(30), field("ff0f"), MIDR, NO_DS].join("\n"),
    command: cCancelRq({ messageIdBeingRespondedTo: 7 }),
  },
  {
    name: "N-EVENT-REPORT-RQ with event information",
    hex: [length(70), CLS, field("0001"), MID, DS, INST, "0000 0210 02000000 0100 # (0000,1002) Event Type ID 1"].join(
      "\n",
    ),
    command: nEventReportRq({
      messageId: 7,
      affectedSopClassUid: cls,
      affectedSopInstanceUid: inst,
      eventTypeId: 1,
      hasDataset: true,
    }),
  },
  {
    name: "N-EVENT-REPORT-RSP",
    hex: [length(80), CLS, field("0081"), MIDR, NO_DS, OK, INST, "0000 0210 02000000 0100 # Event Type ID 1"].join(
      "\n",
    ),
    command: nEventReportRsp({
      messageIdBeingRespondedTo: 7,
      status: 0,
      affectedSopClassUid: cls,
      affectedSopInstanceUid: inst,
      eventTypeId: 1,
    }),
  },
  {
    name: "N-GET-RQ with an attribute identifier list",
    hex: [
      length(76),
      RCLS,
      field("1001"),
      MID,
      NO_DS,
      RINST,
      "0000 0510 08000000 1000 1000 1000 2000 # (0000,1005) AT (0010,0010)\\(0010,0020): 16",
    ].join("\n"),
    command: nGetRq({
      messageId: 7,
      requestedSopClassUid: cls,
      requestedSopInstanceUid: inst,
      attributeIdentifierList: [0x00100010, 0x00100020],
    }),
  },
  {
    name: "N-GET-RSP attribute list error",
    hex: [
      length(82),
      CLS,
      field("1081"),
      MIDR,
      DS,
      "0000 0009 02000000 0701 # Status 0x0107",
      INST,
      "0000 0510 04000000 1000 1000 # Attribute Identifier List (0010,0010): 12",
    ].join("\n"),
    command: nGetRsp({
      messageIdBeingRespondedTo: 7,
      status: 0x0107,
      affectedSopClassUid: cls,
      affectedSopInstanceUid: inst,
      attributeIdentifierList: [0x00100010],
      hasDataset: true,
    }),
  },
  {
    name: "N-SET-RQ",
    hex: [length(60), RCLS, field("2001"), MID, DS, RINST].join("\n"),
    command: nSetRq({ messageId: 7, requestedSopClassUid: cls, requestedSopInstanceUid: inst }),
  },
  {
    name: "N-SET-RSP invalid attribute value with offending element and error ID",
    hex: [
      length(92),
      CLS,
      field("2081"),
      MIDR,
      NO_DS,
      "0000 0009 02000000 0601 # Status 0x0106",
      "0000 0109 04000000 1000 1000 # (0000,0901) Offending Element (0010,0010): 12",
      "0000 0309 02000000 0500 # (0000,0903) Error ID 5",
      INST,
    ].join("\n"),
    command: nSetRsp({
      messageIdBeingRespondedTo: 7,
      status: 0x0106,
      affectedSopClassUid: cls,
      affectedSopInstanceUid: inst,
      offendingElement: [0x00100010],
      errorId: 5,
    }),
  },
  {
    name: "N-ACTION-RQ with action information",
    hex: [
      length(70),
      RCLS,
      field("3001"),
      MID,
      DS,
      RINST,
      "0000 0810 02000000 0100 # (0000,1008) Action Type ID 1",
    ].join("\n"),
    command: nActionRq({
      messageId: 7,
      requestedSopClassUid: cls,
      requestedSopInstanceUid: inst,
      actionTypeId: 1,
      hasDataset: true,
    }),
  },
  {
    name: "N-ACTION-RSP",
    hex: [length(80), CLS, field("3081"), MIDR, NO_DS, OK, INST, "0000 0810 02000000 0100 # Action Type ID 1"].join(
      "\n",
    ),
    command: nActionRsp({
      messageIdBeingRespondedTo: 7,
      status: 0,
      affectedSopClassUid: cls,
      affectedSopInstanceUid: inst,
      actionTypeId: 1,
    }),
  },
  {
    name: "N-CREATE-RQ",
    hex: [length(60), CLS, field("4001"), MID, DS, INST].join("\n"),
    command: nCreateRq({ messageId: 7, affectedSopClassUid: cls, affectedSopInstanceUid: inst }),
  },
  {
    name: "N-CREATE-RSP",
    hex: [length(70), CLS, field("4081"), MIDR, NO_DS, OK, INST].join("\n"),
    command: nCreateRsp({
      messageIdBeingRespondedTo: 7,
      status: 0,
      affectedSopClassUid: cls,
      affectedSopInstanceUid: inst,
    }),
  },
  {
    name: "N-DELETE-RQ",
    hex: [length(60), RCLS, field("5001"), MID, NO_DS, RINST].join("\n"),
    command: nDeleteRq({ messageId: 7, requestedSopClassUid: cls, requestedSopInstanceUid: inst }),
  },
  {
    name: "N-DELETE-RSP no such SOP instance",
    hex: [length(70), CLS, field("5081"), MIDR, NO_DS, "0000 0009 02000000 1201 # Status 0x0112", INST].join("\n"),
    command: nDeleteRsp({
      messageIdBeingRespondedTo: 7,
      status: 0x0112,
      affectedSopClassUid: cls,
      affectedSopInstanceUid: inst,
    }),
  },
];

for (const f of fixtures) {
  test(`${f.name}: encodes byte for byte`, () => {
    assert.equal(toHex(encodeCommand(f.command)), toHex(hex(f.hex)));
  });
  test(`${f.name}: decodes to the command`, () => {
    assert.deepEqual(decodeCommand(hex(f.hex)), f.command);
  });
  test(`${f.name}: group length counts the bytes after it`, () => {
    const bytes = hex(f.hex);
    const declared = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
    assert.equal(declared, bytes.byteLength - 12);
  });
}

test("every command field has a fixture", () => {
  const covered = new Set(fixtures.map((f) => f.command.commandField));
  assert.equal(covered.size, 23);
});

test("a UID of even length gets no padding, an odd AE title one trailing space", () => {
  const bytes = encodeCommand(cEchoRq({ messageId: 1, affectedSopClassUid: "1.2.34" }));
  assert.equal(toHex(bytes.subarray(12, 26)), "0000020006000000312e322e3334");
  const move = encodeCommand(cMoveRq({ messageId: 1, affectedSopClassUid: "1.2", moveDestination: "ABC" }));
  assert.match(toHex(move), /000000060400000041424320/);
});

test("decode trims padding: trailing NULs and spaces, leading spaces of an AE title", () => {
  const cmd = decodeCommand(
    hex(
      [
        length(66),
        "0000 0200 04000000 312e3200 # Affected SOP Class UID '1.2' + NUL",
        field("2100"),
        MID,
        "0000 0006 06000000 2020 4142 2020 # Move Destination '  AB  '",
        "0000 0007 02000000 0000 # Priority",
        DS,
      ].join("\n"),
    ),
  );
  assert.equal(cmd.moveDestination, "AB");
  assert.equal(cmd.affectedSopClassUid, "1.2");
});
