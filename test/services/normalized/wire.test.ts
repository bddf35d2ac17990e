// Byte-level fixtures of the DIMSE-N exchange (PS3.7 10.3 command sets, Implicit VR Little
// Endian, group 0000 in ascending tag order after its group length, PS3.7 E.1), as the SCU
// functions and the SCP service put them on the wire, computed by hand. DCMTK's command-line
// tools speak none of the N- services, so these fixtures are the second implementation.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PresentationContext } from "../../../src/acse/index.js";
import { Dataset } from "../../../src/dataset/dataset.js";
import { ts } from "../../../src/dataset/uids.js";
import { type DimseCommand, encodeCommand } from "../../../src/dimse/index.js";
import type { DimseChannel, DimseMessage, OutgoingDataset } from "../../../src/services/channel.js";
import { serveRequest } from "../../../src/services/dispatch.js";
import {
  type NServiceAnswer,
  sendNAction,
  sendNCreate,
  sendNDelete,
  sendNEventReport,
  sendNGet,
  sendNSet,
  serveN,
} from "../../../src/services/normalized/index.js";
import { hex, toHex } from "../../pdu/hex.js";

const CLS = "0000 0200 06000000 312e322e3300 # (0000,0002) Affected SOP Class UID '1.2.3' + NUL: 14 bytes";
const RCLS = "0000 0300 06000000 312e322e3300 # (0000,0003) Requested SOP Class UID '1.2.3': 14";
const INST = "0000 0010 08000000 312e322e332e3400 # (0000,1000) Affected SOP Instance UID '1.2.3.4' + NUL: 16";
const RINST = "0000 0110 08000000 312e322e332e3400 # (0000,1001) Requested SOP Instance UID '1.2.3.4': 16";
const MID = "0000 1001 02000000 0700 # (0000,0110) Message ID 7: 10";
const MIDR = "0000 2001 02000000 0700 # (0000,0120) Message ID Being Responded To 7: 10";
const DS = "0000 0008 02000000 0100 # (0000,0800) CommandDataSetType: a data set follows: 10";
const NO_DS = "0000 0008 02000000 0101 # (0000,0800) CommandDataSetType 0x0101: none: 10";
const OK = "0000 0009 02000000 0000 # (0000,0900) Status 0x0000: 10";
const field = (le: string) => `0000 0001 02000000 ${le} # (0000,0100) Command Field: 10`;
const length = (n: number) =>
  `0000 0000 04000000 ${toHex(new Uint8Array(new Uint32Array([n]).buffer))} # (0000,0000) group length ${n}`;

const context = new PresentationContext({
  contextId: 1,
  abstractSyntax: "1.2.3",
  transferSyntaxes: [ts.ImplicitVRLittleEndian],
  result: 0,
  asScu: true,
  asScp: true,
});

function dataBytes(d: OutgoingDataset | undefined): string {
  return d instanceof Uint8Array ? toHex(d) : "";
}

/** A channel that records what is sent and answers every request with `answer`. */
function fakeChannel(answer: DimseMessage["command"]) {
  const sent: { command: DimseCommand; data: string }[] = [];
  const channel: DimseChannel = {
    logger: {},
    contextFor: () => context,
    nextMessageId: () => 7,
    async request(contextId, command, options): Promise<DimseMessage> {
      sent.push({ command, data: dataBytes(options?.dataset) });
      return { contextId, command: answer, dataset: [] };
    },
    async send(_contextId, command, dataset) {
      sent.push({ command, data: dataBytes(dataset) });
    },
  };
  return { channel, sent };
}

const okRsp: DimseCommand = { commandField: 0x8100, hasDataset: false, messageIdBeingRespondedTo: 7, status: 0 };

// (0040,0252) Performed Procedure Step Status "COMPLETED" padded with a space (CS), Implicit VR LE.
const MODIFICATION = "4000 5202 0a000000 434f4d504c4554454420";

const requests: { name: string; send: (c: DimseChannel) => Promise<unknown>; command: string; data: string }[] = [
  {
    name: "N-EVENT-REPORT-RQ, event type 1 with Event Information",
    send: (c) => sendNEventReport(c, new Dataset({ PerformedProcedureStepStatus: "COMPLETED" }), 1, "1.2.3", "1.2.3.4"),
    command: [
      length(70),
      CLS,
      field("0001"),
      MID,
      DS,
      INST,
      "0000 0210 02000000 0100 # (0000,1002) Event Type ID 1",
    ].join("\n"),
    data: MODIFICATION,
  },
  {
    name: "N-GET-RQ with an Attribute Identifier List of two tags",
    send: (c) => sendNGet(c, ["PatientName", 0x00400252], "1.2.3", "1.2.3.4"),
    command: [
      length(76),
      RCLS,
      field("1001"),
      MID,
      NO_DS,
      RINST,
      "0000 0510 08000000 1000 1000 4000 5202 # (0000,1005) AT (0010,0010) (0040,0252)",
    ].join("\n"),
    data: "",
  },
  {
    name: "N-GET-RQ for all attributes leaves the list out",
    send: (c) => sendNGet(c, [], "1.2.3", "1.2.3.4"),
    command: [length(60), RCLS, field("1001"), MID, NO_DS, RINST].join("\n"),
    data: "",
  },
  {
    name: "N-SET-RQ with its Modification List",
    send: (c) => sendNSet(c, new Dataset({ PerformedProcedureStepStatus: "COMPLETED" }), "1.2.3", "1.2.3.4"),
    command: [length(60), RCLS, field("2001"), MID, DS, RINST].join("\n"),
    data: MODIFICATION,
  },
  {
    name: "N-ACTION-RQ, action type 1 without Action Information",
    send: (c) => sendNAction(c, undefined, 1, "1.2.3", "1.2.3.4"),
    command: [
      length(70),
      RCLS,
      field("3001"),
      MID,
      NO_DS,
      RINST,
      "0000 0810 02000000 0100 # (0000,1008) Action Type ID 1",
    ].join("\n"),
    data: "",
  },
  {
    name: "N-CREATE-RQ leaving the instance UID to the SCP",
    send: (c) => sendNCreate(c, new Dataset({ PerformedProcedureStepStatus: "COMPLETED" }), "1.2.3"),
    command: [length(44), CLS, field("4001"), MID, DS].join("\n"),
    data: MODIFICATION,
  },
  {
    name: "N-DELETE-RQ",
    send: (c) => sendNDelete(c, "1.2.3", "1.2.3.4"),
    command: [length(60), RCLS, field("5001"), MID, NO_DS, RINST].join("\n"),
    data: "",
  },
];

for (const r of requests) {
  test(`SCU wire: ${r.name}`, async () => {
    const { channel, sent } = fakeChannel(okRsp);
    await r.send(channel);
    assert.equal(sent.length, 1);
    assert.equal(toHex(encodeCommand(sent[0]!.command)), toHex(hex(r.command)));
    assert.equal(sent[0]!.data, r.data.replaceAll(" ", ""));
  });
}

const incoming = (command: DimseCommand, dataset: readonly Uint8Array[] = []) => ({
  contextId: 1,
  command,
  dataset,
  context,
});

const responses: { name: string; rq: DimseCommand; answer: NServiceAnswer; command: string; data: string }[] = [
  {
    name: "N-EVENT-REPORT-RSP echoes the class, instance and event type",
    rq: {
      commandField: 0x0100,
      hasDataset: false,
      messageId: 7,
      affectedSopClassUid: "1.2.3",
      affectedSopInstanceUid: "1.2.3.4",
      eventTypeId: 2,
    },
    answer: 0,
    command: [length(80), CLS, field("0081"), MIDR, NO_DS, OK, INST, "0000 0210 02000000 0200 # Event Type ID 2"].join(
      "\n",
    ),
    data: "",
  },
  {
    name: "N-GET-RSP with its Attribute List",
    rq: {
      commandField: 0x0110,
      hasDataset: false,
      messageId: 7,
      requestedSopClassUid: "1.2.3",
      requestedSopInstanceUid: "1.2.3.4",
    },
    answer: { status: 0, attributeList: new Dataset({ PerformedProcedureStepStatus: "COMPLETED" }) },
    command: [length(70), CLS, field("1081"), MIDR, DS, OK, INST].join("\n"),
    data: MODIFICATION,
  },
  {
    name: "N-SET-RSP 0x0110 with Error Comment and Error ID 0xA710 (PS3.4 F.7.2.2.2), no data set on failure",
    rq: {
      commandField: 0x0120,
      hasDataset: true,
      messageId: 7,
      requestedSopClassUid: "1.2.3",
      requestedSopInstanceUid: "1.2.3.4",
    },
    answer: { status: 0x0110, errorId: 0xa710, errorComment: "x", attributeList: new Dataset({ Modality: "CT" }) },
    command: [
      length(90),
      CLS,
      field("2081"),
      MIDR,
      NO_DS,
      "0000 0009 02000000 1001 # Status 0x0110",
      "0000 0209 02000000 7820 # (0000,0902) Error Comment 'x' + space",
      "0000 0309 02000000 10a7 # (0000,0903) Error ID 0xA710",
      INST,
    ].join("\n"),
    data: "",
  },
  {
    name: "N-ACTION-RSP 0x0106 with Offending Element",
    rq: {
      commandField: 0x0130,
      hasDataset: false,
      messageId: 7,
      requestedSopClassUid: "1.2.3",
      requestedSopInstanceUid: "1.2.3.4",
      actionTypeId: 1,
    },
    answer: { status: 0x0106, offendingElement: ["TransactionUID"] },
    command: [
      length(92),
      CLS,
      field("3081"),
      MIDR,
      NO_DS,
      "0000 0009 02000000 0601 # Status 0x0106",
      "0000 0109 04000000 0800 9511 # (0000,0901) Offending Element (0008,1195)",
      INST,
      "0000 0810 02000000 0100 # Action Type ID 1",
    ].join("\n"),
    data: "",
  },
  {
    name: "N-CREATE-RSP names the instance the handler assigned (PS3.7 10.1.5.1.4)",
    rq: { commandField: 0x0140, hasDataset: false, messageId: 7, affectedSopClassUid: "1.2.3" },
    answer: { status: 0, sopInstanceUid: "1.2.3.4" },
    command: [length(70), CLS, field("4081"), MIDR, NO_DS, OK, INST].join("\n"),
    data: "",
  },
  {
    name: "N-DELETE-RSP 0x0112 No such SOP Instance",
    rq: {
      commandField: 0x0150,
      hasDataset: false,
      messageId: 7,
      requestedSopClassUid: "1.2.3",
      requestedSopInstanceUid: "1.2.3.4",
    },
    answer: 0x0112,
    command: [length(70), CLS, field("5081"), MIDR, NO_DS, "0000 0009 02000000 1201 # Status 0x0112", INST].join("\n"),
    data: "",
  },
];

for (const r of responses) {
  test(`SCP wire: ${r.name}`, async () => {
    const { channel, sent } = fakeChannel(okRsp);
    await serveN(channel, incoming(r.rq), async () => r.answer);
    assert.equal(sent.length, 1);
    assert.equal(toHex(encodeCommand(sent[0]!.command)), toHex(hex(r.command)));
    assert.equal(sent[0]!.data, r.data.replaceAll(" ", ""));
  });
}

test("SCP: the handler sees the decoded Modification List of the request", async () => {
  const { channel } = fakeChannel(okRsp);
  let status: string | undefined;
  await serveN(
    channel,
    incoming(
      {
        commandField: 0x0120,
        hasDataset: true,
        messageId: 7,
        requestedSopClassUid: "1.2.3",
        requestedSopInstanceUid: "1.2.3.4",
      },
      [hex(MODIFICATION)],
    ),
    async (extra) => {
      status = (extra as { modificationList(): Dataset }).modificationList().string("PerformedProcedureStepStatus");
      return 0;
    },
  );
  assert.equal(status, "COMPLETED");
});

test("SCP: a malformed data set makes the accessor throw, answered 0x0110 without a crash", async () => {
  const { channel, sent } = fakeChannel(okRsp);
  await serveN(
    channel,
    incoming(
      { commandField: 0x0140, hasDataset: true, messageId: 7, affectedSopClassUid: "1.2.3" },
      [hex("4000 5202 ffffff7f 41")], // a length far beyond the bytes that follow
    ),
    async (extra) => {
      (extra as { attributeList(): Dataset | undefined }).attributeList();
      return 0;
    },
  );
  assert.equal(sent[0]?.command.status, 0x0110);
  assert.equal(sent[0]?.command.affectedSopInstanceUid, undefined);
});

test("dispatch: an N-EVENT-REPORT is served only where this side is the SCU of the SOP class (PS3.7 10.1.1)", async () => {
  const report: DimseCommand = {
    commandField: 0x0100,
    hasDataset: false,
    messageId: 7,
    affectedSopClassUid: "1.2.3",
    affectedSopInstanceUid: "1.2.3.4",
    eventTypeId: 1,
  };
  const asScpOnly = context.with({ asScu: false, asScp: true });
  const { channel, sent } = fakeChannel(okRsp);
  let calls = 0;
  const invoke = async () => {
    calls++;
    return 0;
  };
  await serveRequest(channel, { ...incoming(report), context: asScpOnly }, invoke);
  assert.equal(sent[0]?.command.status, 0x0122);
  assert.equal(calls, 0);
  await serveRequest(channel, { ...incoming(report), context: context.with({ asScu: true, asScp: false }) }, invoke);
  assert.equal(sent[1]?.command.status, 0x0000);
  assert.equal(calls, 1);
  // Any other N- request needs the SCP role.
  const get: DimseCommand = {
    commandField: 0x0110,
    hasDataset: false,
    messageId: 8,
    requestedSopClassUid: "1.2.3",
    requestedSopInstanceUid: "1.2.3.4",
  };
  await serveRequest(channel, { ...incoming(get), context: context.with({ asScu: true, asScp: false }) }, invoke);
  assert.equal(sent[2]?.command.status, 0x0122);
  assert.equal(calls, 1);
});
