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

test("consumer: called synchronously on each push while idle; a PDU pushed while it is busy waits as a copy", async () => {
  const calls: string[] = [];
  const inbox = new PDataInbox(
    () => calls.push("pause"),
    () => calls.push("resume"),
  );
  const seen: number[] = [];
  let release!: () => void;
  const busy = new Promise<void>((r) => {
    release = r;
  });
  let ended: Error | undefined | "not yet" = "not yet";
  inbox.consume(
    (p) => {
      seen.push(p.values[0]?.data[0] ?? -1);
      return seen.length === 1 ? busy : undefined;
    },
    (e) => {
      ended = e;
    },
  );
  // One reused buffer, as the socket's read buffer is: each push overwrites the previous bytes.
  const shared = new Uint8Array(1);
  const push = (n: number) => {
    shared[0] = n;
    inbox.push({ type: PduType.PDataTf, values: [{ contextId: 1, isCommand: false, isLast: true, data: shared }] });
  };
  push(1);
  assert.deepEqual(seen, [1], "handed over at once");
  for (let i = 2; i < 2 + P_DATA_HIGH_WATER; i++) push(i);
  assert.deepEqual(seen, [1], "the consumer is busy: the rest waits");
  assert.deepEqual(calls, ["pause"], "paused at the high-water mark");
  inbox.end();
  assert.equal(ended, "not yet", "the end waits for the queue");
  release();
  await busy;
  await new Promise<void>((r) => setImmediate(r));
  assert.deepEqual(
    seen,
    Array.from({ length: 1 + P_DATA_HIGH_WATER }, (_, i) => i + 1),
    "each queued PDU kept its own bytes, in order",
  );
  assert.equal(ended, undefined);
  assert.deepEqual(calls, ["pause"], "no resume after the end");
});

test("consumer: a rejected promise ends the consumption with its error; later PDUs are dropped", async () => {
  const inbox = new PDataInbox(
    () => {},
    () => {},
  );
  const seen: number[] = [];
  const ended: (Error | undefined)[] = [];
  inbox.consume(
    (p) => {
      seen.push(p.values[0]?.data[0] ?? -1);
      return seen.length === 1 ? Promise.reject(new Error("disk gone")) : undefined;
    },
    (e) => ended.push(e),
  );
  inbox.push(pdu(1));
  inbox.push(pdu(2));
  await new Promise<void>((r) => setImmediate(r));
  inbox.push(pdu(3));
  inbox.end();
  assert.deepEqual(seen, [1]);
  assert.equal(ended.length, 1);
  assert.equal(ended[0]?.message, "disk gone");
});

test("consumer: PDUs pushed before it is set are handed over (as copies) when it is, then the end", () => {
  const inbox = new PDataInbox(
    () => {},
    () => {},
  );
  const shared = new Uint8Array([5]);
  inbox.push({ type: PduType.PDataTf, values: [{ contextId: 1, isCommand: false, isLast: true, data: shared }] });
  shared[0] = 0;
  inbox.end(new Error("aborted"));
  const seen: number[] = [];
  let ended: Error | undefined;
  inbox.consume(
    (p) => {
      seen.push(p.values[0]?.data[0] ?? -1);
      return undefined;
    },
    (e) => {
      ended = e;
    },
  );
  assert.deepEqual(seen, [5]);
  assert.equal(ended?.message, "aborted");
});

test("iterator: a reader gets copies, never views of a buffer that is reused", async () => {
  const inbox = new PDataInbox(
    () => {},
    () => {},
  );
  const it = inbox.iterate();
  const waiting = it.next();
  const shared = new Uint8Array([9]);
  inbox.push({ type: PduType.PDataTf, values: [{ contextId: 1, isCommand: false, isLast: true, data: shared }] });
  shared[0] = 0;
  assert.equal((await waiting).value?.values[0]?.data[0], 9);
});
