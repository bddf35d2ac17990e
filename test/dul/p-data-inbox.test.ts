import assert from "node:assert/strict";
import { test } from "node:test";
import { P_DATA_HIGH_WATER, PDataInbox } from "../../src/dul/p-data-inbox.js";
import { type PDataTf, PduType } from "../../src/pdu/index.js";

const pdu = (n: number): PDataTf => ({
  type: PduType.PDataTf,
  values: [{ contextId: 1, isCommand: false, isLast: true, data: new Uint8Array([n]) }],
});

test("a consumer that does not read pauses the socket at the high-water mark, resumes at half", async () => {
  const calls: string[] = [];
  const inbox = new PDataInbox(
    () => calls.push("pause"),
    () => calls.push("resume"),
  );
  for (let i = 0; i < P_DATA_HIGH_WATER - 1; i++) inbox.push(pdu(i));
  assert.deepEqual(calls, []);
  inbox.push(pdu(99));
  assert.deepEqual(calls, ["pause"]);
  const it = inbox.iterate();
  for (let i = 0; i < P_DATA_HIGH_WATER / 2 - 1; i++) await it.next();
  assert.deepEqual(calls, ["pause"]);
  await it.next();
  assert.deepEqual(calls, ["pause", "resume"]);
});

test("order is kept, a waiting reader is served directly, end() finishes after the queue", async () => {
  const inbox = new PDataInbox(
    () => {},
    () => {},
  );
  const it = inbox.iterate();
  const waiting = it.next();
  inbox.push(pdu(1));
  inbox.push(pdu(2));
  assert.equal((await waiting).value?.values[0]?.data[0], 1);
  inbox.end();
  assert.equal((await it.next()).value?.values[0]?.data[0], 2);
  assert.deepEqual(await it.next(), { value: undefined, done: true });
});

test("end(error) rejects the reader after the queue drains", async () => {
  const inbox = new PDataInbox(
    () => {},
    () => {},
  );
  inbox.push(pdu(1));
  inbox.end(new Error("aborted"));
  const it = inbox.iterate();
  assert.equal((await it.next()).done, false);
  await assert.rejects(it.next(), /aborted/);
});
