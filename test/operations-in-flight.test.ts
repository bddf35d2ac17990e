import assert from "node:assert/strict";
import { test } from "node:test";
import { OperationsInFlight } from "../src/operations-in-flight.js";

function window() {
  const w = { released: 0, release: () => void w.released++ };
  return w;
}

test("an operation that ends frees its window slot and is counted as answered or failed", () => {
  const w = window();
  const ops = new OperationsInFlight(w);
  const a = ops.start(0x0001);
  const b = ops.start(0x0030);
  assert.equal(ops.size, 2);
  ops.end(a, true);
  ops.end(b, false);
  assert.equal(ops.size, 0);
  assert.equal(w.released, 2);
  assert.deepEqual(ops.counts, { completed: 1, failed: 1, abortedInFlight: 0 });
});

test("ending an operation twice counts it once", () => {
  const w = window();
  const ops = new OperationsInFlight(w);
  const a = ops.start(0x0001);
  ops.end(a, true);
  ops.end(a, false);
  assert.equal(w.released, 1);
  assert.deepEqual(ops.counts, { completed: 1, failed: 0, abortedInFlight: 0 });
});

test("whenIdle resolves at once when idle, else once the last operation ends", async () => {
  const ops = new OperationsInFlight(window());
  await ops.whenIdle();
  const a = ops.start(0x0001);
  const b = ops.start(0x0001);
  let idle = false;
  const waiting = ops.whenIdle().then(() => {
    idle = true;
  });
  ops.end(a, true);
  await Promise.resolve();
  assert.equal(idle, false);
  ops.end(b, true);
  await waiting;
  assert.equal(idle, true);
});

test("cut counts every operation in flight as aborted, wakes the idle waiters, and later ends are ignored", async () => {
  const w = window();
  const ops = new OperationsInFlight(w);
  const a = ops.start(0x0001);
  ops.start(0x0020);
  const idle = ops.whenIdle();
  ops.cut();
  await idle;
  ops.end(a, true);
  assert.equal(ops.size, 0);
  assert.equal(w.released, 0);
  assert.deepEqual(ops.counts, { completed: 0, failed: 0, abortedInFlight: 2 });
});

test("counts is a copy", () => {
  const ops = new OperationsInFlight(window());
  const before = ops.counts;
  ops.end(ops.start(0x0001), true);
  assert.equal(before.completed, 0);
  assert.equal(ops.counts.completed, 1);
});
