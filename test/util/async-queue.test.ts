// AsyncQueue: values in order whether they come before or after the read, end and fail after the
// queued values, return() stops the producer once.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AsyncQueue } from "../../src/util/async-queue.js";

test("values pushed before and after a read come out in order, then the end", async () => {
  const q = new AsyncQueue<number>();
  q.push(1);
  const second = q.next();
  const firstRead = await second;
  assert.deepEqual(firstRead, { value: 1, done: false });
  const pending = q.next();
  q.push(2);
  q.push(3);
  q.end();
  q.push(4); // ignored after the end
  assert.deepEqual(await pending, { value: 2, done: false });
  const rest: number[] = [];
  for await (const v of q) rest.push(v);
  assert.deepEqual(rest, [3]);
  assert.equal(q.closed, true);
});

test("fail() rejects the read after the queued values; a waiting read rejects at once", async () => {
  const q = new AsyncQueue<string>();
  q.push("a");
  q.fail(new Error("gone"));
  assert.deepEqual(await q.next(), { value: "a", done: false });
  await assert.rejects(q.next(), /gone/);
  const w = new AsyncQueue<string>();
  const read = w.next();
  w.fail(new RangeError("timeout"));
  await assert.rejects(read, RangeError);
});

test("return() ends the iteration, drops queued values and calls onReturn once", async () => {
  const q = new AsyncQueue<number>();
  let stopped = 0;
  q.onReturn = () => stopped++;
  q.push(1);
  const waiting = new AsyncQueue<number>();
  const read = waiting.next();
  await waiting.return();
  assert.deepEqual(await read, { value: undefined, done: true });
  for await (const v of q) {
    assert.equal(v, 1);
    break;
  }
  assert.equal(stopped, 1);
  await q.return();
  assert.equal(stopped, 1);
  assert.deepEqual(await q.next(), { value: undefined, done: true });
});

test("whenRoom resolves once the reader has brought the queue below the mark, or it closes", async () => {
  const q = new AsyncQueue<number>();
  for (let i = 0; i < 4; i++) q.push(i);
  assert.equal(q.size, 4);
  let roomy = false;
  const room = q.whenRoom(2).then(() => {
    roomy = true;
  });
  await q.next();
  await q.next();
  await Promise.resolve();
  assert.equal(roomy, false, "2 unread is not below 2");
  await q.next();
  await room;
  assert.equal(q.size, 1);
  const closed = new AsyncQueue<number>();
  closed.push(1);
  const waiting = closed.whenRoom(1);
  closed.fail(new Error("gone"));
  await waiting; // a closed queue never holds its producer
});
