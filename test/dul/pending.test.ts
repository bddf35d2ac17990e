import assert from "node:assert/strict";
import { test } from "node:test";
import { Pending } from "../../src/dul/pending.js";

test("Pending: settled before anyone asks, the promise carries the value; later settlements are ignored", async () => {
  const p = new Pending<number>();
  p.resolve(7);
  p.resolve(8);
  p.reject(new Error("late"));
  assert.equal(await p.promise, 7);
  assert.equal(p.promise, p.promise, "the same promise each time");
});

test("Pending: asked before it settles, the promise follows the settlement", async () => {
  const p = new Pending<string>();
  const promise = p.promise;
  p.resolve("yes");
  assert.equal(await promise, "yes");
});

test("Pending: a failure given as a function is made only when the promise is asked for, once", async () => {
  let made = 0;
  const make = () => {
    made++;
    return new Error("closed");
  };
  const unasked = new Pending<void>();
  unasked.reject(make);
  assert.equal(made, 0, "nobody asked: no Error built");

  const asked = new Pending<void>();
  asked.reject(make);
  await assert.rejects(asked.promise, /closed/);
  await assert.rejects(asked.promise, /closed/);
  assert.equal(made, 1);

  const waiting = new Pending<void>();
  const promise = waiting.promise;
  waiting.reject(make);
  await assert.rejects(promise, /closed/);
  assert.equal(made, 2);
});

test("Pending: a rejection nobody handles is not reported as unhandled", async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  try {
    const p = new Pending<void>();
    void p.promise;
    p.reject(new Error("nobody listens"));
    const q = new Pending<void>();
    q.reject(new Error("nobody listens either"));
    void q.promise;
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});
