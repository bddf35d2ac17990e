// The Verification service halves and the SCP dispatch, over a fake channel (no sockets).
import assert from "node:assert/strict";
import { test } from "node:test";
import { PresentationContext } from "../../src/acse/index.js";
import { sop } from "../../src/dataset/uids.js";
import { CommandField, cEchoRq, cEchoRsp, type DimseCommand } from "../../src/dimse/index.js";
import type { DimseChannel, DimseMessage } from "../../src/services/channel.js";
import { refusal, serveRequest } from "../../src/services/dispatch.js";
import { NoPresentationContextError } from "../../src/services/errors.js";
import { echoStatus, sendCEcho, serveCEcho } from "../../src/services/verification/index.js";

const verification = new PresentationContext({
  contextId: 1,
  abstractSyntax: sop.Verification,
  transferSyntaxes: ["1.2.840.10008.1.2"],
  result: 0,
  asScu: true,
  asScp: true,
});

function fakeChannel(answer?: (cmd: DimseCommand) => DimseCommand) {
  const sent: { contextId: number; command: DimseCommand }[] = [];
  const errors: unknown[] = [];
  let id = 0;
  const channel: DimseChannel = {
    logger: { error: (...a: unknown[]) => void errors.push(a), warn: () => {} },
    contextFor(abstractSyntax, role) {
      if (abstractSyntax !== sop.Verification) throw new NoPresentationContextError(abstractSyntax, role, "x");
      return verification;
    },
    nextMessageId: () => ++id,
    async request(contextId, command): Promise<DimseMessage> {
      sent.push({ contextId, command });
      if (!answer) throw new Error("no answer");
      return { contextId, command: answer(command), dataset: [] };
    },
    async send(contextId, command) {
      sent.push({ contextId, command });
    },
  };
  return { channel, sent, errors };
}

test("sendCEcho: sends C-ECHO-RQ on the Verification context; resolves with the status, failure included", async () => {
  const { channel, sent } = fakeChannel((rq) =>
    cEchoRsp({ messageIdBeingRespondedTo: rq.messageId ?? 0, affectedSopClassUid: sop.Verification, status: 0x0211 }),
  );
  const r = await sendCEcho(channel);
  assert.equal(r.status, 0x0211);
  assert.equal(r.statusInfo.category, "failure");
  assert.equal(r.messageId, 1);
  assert.equal(sent[0]?.command.commandField, CommandField.C_ECHO_RQ);
  assert.equal(sent[0]?.command.affectedSopClassUid, sop.Verification);
  assert.equal(sent[0]?.contextId, 1);
});

const request = (command: DimseCommand = cEchoRq({ messageId: 7, affectedSopClassUid: sop.Verification })) => ({
  contextId: 1,
  command,
  dataset: [],
  context: verification,
});

test("serveCEcho: no handler → 0x0000; handler status; throwing or bad answer → 0x0110 and logged", async () => {
  for (const [invoke, want, logs] of [
    [undefined, 0x0000, 0],
    [async () => 0x0122, 0x0122, 0],
    [async () => undefined, 0x0000, 0],
    [
      async () => {
        throw new Error("x");
      },
      0x0110,
      1,
    ],
    [async () => "nope", 0x0110, 1],
  ] as const) {
    const { channel, sent, errors } = fakeChannel();
    await serveCEcho(channel, request(), invoke);
    assert.equal(sent.length, 1);
    const rsp = sent[0]!.command;
    assert.equal(rsp.commandField, CommandField.C_ECHO_RSP);
    assert.equal(rsp.messageIdBeingRespondedTo, 7);
    assert.equal(rsp.status, want);
    assert.equal(errors.length, logs);
  }
});

test("echoStatus accepts 16-bit integers only", () => {
  assert.equal(echoStatus(undefined), 0);
  assert.equal(echoStatus(0xc000), 0xc000);
  assert.equal(echoStatus(0x10000), undefined);
  assert.equal(echoStatus(1.5), undefined);
});

test("dispatch: an operation the SOP class does not have gets 0x0211; a SOP class not of the context 0x0122", async () => {
  const { channel, sent } = fakeChannel();
  // PS3.4 A: Verification has C-ECHO only.
  const nGet: DimseCommand = {
    commandField: CommandField.N_GET_RQ,
    hasDataset: false,
    messageId: 3,
    requestedSopClassUid: sop.Verification,
    requestedSopInstanceUid: "1.2.3.4",
  };
  await serveRequest(channel, request(nGet), undefined);
  assert.equal(sent[0]?.command.commandField, CommandField.N_GET_RSP);
  assert.equal(sent[0]?.command.status, 0x0211);
  assert.equal(sent[0]?.command.messageIdBeingRespondedTo, 3);
  await serveRequest(channel, request(cEchoRq({ messageId: 4, affectedSopClassUid: sop.CTImageStorage })), undefined);
  assert.equal(sent[1]?.command.status, 0x0122);
  await serveRequest(channel, request(), async () => 0x0000);
  assert.equal(sent[2]?.command.status, 0x0000);
});

test("refusal: response field, IDs and a bounded error comment", () => {
  const rsp = refusal(cEchoRq({ messageId: 9, affectedSopClassUid: sop.Verification }), 0x0211, "x".repeat(100));
  assert.equal(rsp.commandField, CommandField.C_ECHO_RSP);
  assert.equal(rsp.messageIdBeingRespondedTo, 9);
  assert.equal(rsp.affectedSopClassUid, sop.Verification);
  assert.equal(rsp.errorComment?.length, 64);
});
