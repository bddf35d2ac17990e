// OutstandingRequests: a C-FIND-like request whose reader falls behind asks the receiver to stop
// reading (backpressure) past the high-water mark, and lets it go on once the reader catches up.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandField, type DimseCommand } from "../src/dimse/index.js";
import { OutstandingRequests, UNREAD_RESPONSES_HIGH_WATER } from "../src/outstanding-requests.js";
import type { DimseMessage } from "../src/services/channel.js";

const rq: DimseCommand = { commandField: CommandField.C_FIND_RQ, messageId: 7, hasDataset: true };
const pendingRsp: DimseMessage = {
  contextId: 1,
  command: { commandField: CommandField.C_FIND_RSP, messageIdBeingRespondedTo: 7, status: 0xff00, hasDataset: false },
  dataset: [],
};

test("pending responses past the high-water mark hold the receiver until the reader is halfway back", async () => {
  const requests = new OutstandingRequests({
    notEstablished: () => undefined,
    dimseTimeoutMs: () => 0,
    send: () => Promise.resolve(),
    timedOut: () => {},
  });
  const stream = requests.requestMany(1, rq);
  const entry = requests.get(7);
  assert.ok(entry?.pending);
  let held: Promise<void> | undefined;
  for (let i = 0; i < UNREAD_RESPONSES_HIGH_WATER; i++) {
    held = entry.pending(pendingRsp);
    if (i < UNREAD_RESPONSES_HIGH_WATER - 1) assert.equal(held, undefined, `response ${i + 1} holds nothing`);
  }
  assert.ok(held, "the response that reaches the mark holds the receiver");
  let released = false;
  void held.then(() => {
    released = true;
  });
  for (let i = 0; i < UNREAD_RESPONSES_HIGH_WATER / 2; i++) await stream.next();
  await Promise.resolve();
  assert.equal(released, false, "half the mark still unread: still held");
  await stream.next();
  await held;
  assert.equal(released, true);
  await stream.return?.();
});
