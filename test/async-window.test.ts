// The Asynchronous Operations Window (PS3.7 D.3.3.3): the counting rules, the negotiation end to
// end, the SCU pipelining up to its window and the SCP serving at most its window at once.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AsynchronousOperationsWindowNegotiation } from "../src/acse/index.js";
import { AE, type AEOptions } from "../src/ae.js";
import type { Association } from "../src/association.js";
import {
  AheadLine,
  type AsyncOperationsWindow,
  answerProposal,
  minWindow,
  OperationWindow,
  WindowClosedError,
} from "../src/async-window.js";
import { Dataset } from "../src/dataset/dataset.js";
import { sop } from "../src/dataset/uids.js";
import { CommandField, cEchoRq } from "../src/dimse/index.js";
import { Event, type Handlers } from "../src/events.js";
import { AssociationNotEstablishedError } from "../src/services/errors.js";

const CT = sop.CTImageStorage;

test("minWindow: 0 is unlimited, otherwise the smaller", () => {
  assert.equal(minWindow(0, 0), 0);
  assert.equal(minWindow(0, 7), 7);
  assert.equal(minWindow(5, 0), 5);
  assert.equal(minWindow(5, 3), 3);
});

test("answerProposal: each answer field is capped by the proposal and the acceptor's opposite limit", () => {
  const a = answerProposal({ invoked: 8, performed: 2 }, { invoked: 0, performed: 4 });
  assert.equal(a.maximumNumberOperationsInvoked, 4); // the acceptor performs at most 4 at once
  assert.equal(a.maximumNumberOperationsPerformed, 2); // the requestor performs at most 2
  const unlimited = answerProposal({ invoked: 0, performed: 0 }, { invoked: 0, performed: 0 });
  assert.deepEqual([unlimited.maximumNumberOperationsInvoked, unlimited.maximumNumberOperationsPerformed], [0, 0]);
});

test("OperationWindow: at most `limit` holders, waiters let in first come first served", async () => {
  const w = new OperationWindow(2);
  assert.equal(w.tryAcquire(), true);
  assert.equal(w.tryAcquire(), true);
  assert.equal(w.tryAcquire(), false);
  const order: number[] = [];
  const a = w.acquire().then(() => order.push(1));
  const b = w.acquire().then(() => order.push(2));
  assert.equal(w.waiting, 2);
  w.release();
  await a;
  assert.deepEqual(order, [1]);
  assert.equal(w.held, 2);
  w.release();
  await b;
  assert.deepEqual(order, [1, 2]);
});

test("OperationWindow: a signal gives up the place; close rejects waiters and later acquires", async () => {
  const w = new OperationWindow(1);
  w.tryAcquire();
  const ac = new AbortController();
  const gaveUp = w.acquire(ac.signal);
  const waiting = w.acquire();
  ac.abort(new Error("stop"));
  await assert.rejects(gaveUp, /stop/);
  assert.equal(w.waiting, 1);
  w.close(new WindowClosedError("aborted"));
  await assert.rejects(waiting, WindowClosedError);
  await assert.rejects(w.acquire(), WindowClosedError);
  const unlimited = new OperationWindow(0);
  for (let i = 0; i < 100; i++) assert.equal(unlimited.tryAcquire(), true);
});

/** Resolves after the event loop's check phase (when `AheadLine` starts work ahead) has run. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

test("AheadLine: only the first waiting call works ahead, the next when it leaves; the work goes to run", async () => {
  const w = new OperationWindow(1);
  const line = new AheadLine();
  const started: string[] = [];
  const dropped: string[] = [];
  const ahead = (name: string) => ({
    start: () => {
      started.push(name);
      return name;
    },
    drop: (done: string) => dropped.push(done),
  });
  const got: (string | undefined)[] = [];
  let finishFirst!: () => void;
  const first = line.inWindow(w, undefined, ahead("a"), (done) => {
    got.push(done);
    return new Promise<void>((resolve) => {
      finishFirst = resolve;
    });
  });
  let finishSecond!: () => void;
  const second = line.inWindow(w, undefined, ahead("b"), (done) => {
    got.push(done);
    return new Promise<void>((resolve) => {
      finishSecond = resolve;
    });
  });
  const third = line.inWindow(w, undefined, ahead("c"), async (done) => {
    got.push(done);
  });
  assert.equal(line.waiting, 2);
  await nextTurn();
  await nextTurn();
  // The call with a free slot did nothing ahead; of the two waiting, only the first did.
  assert.deepEqual(started, ["b"]);
  finishFirst();
  await first;
  await nextTurn();
  assert.deepEqual(started, ["b", "c"], "the next in line works ahead once the first leaves");
  finishSecond();
  await Promise.all([second, third]);
  assert.deepEqual(got, [undefined, "b", "c"]);
  assert.deepEqual(dropped, []);
  assert.equal(w.held, 0);
  assert.equal(line.waiting, 0);
});

test("AheadLine: a call that never gets its slot drops its work; one not started has nothing to drop", async () => {
  const w = new OperationWindow(1);
  const line = new AheadLine();
  const dropped: string[] = [];
  const ahead = (name: string) => ({ start: () => name, drop: (done: string) => dropped.push(done) });
  assert.equal(w.tryAcquire(), true);
  const ac = new AbortController();
  const ran: string[] = [];
  const run = (name: string) => async () => {
    ran.push(name);
  };
  const aborted = line.inWindow(w, ac.signal, ahead("a"), run("a"));
  const closed = line.inWindow(w, undefined, ahead("b"), run("b"));
  const notStarted = line.inWindow(w, undefined, ahead("c"), run("c"));
  await nextTurn();
  ac.abort(new Error("stop"));
  await assert.rejects(aborted, /stop/);
  assert.deepEqual(dropped, ["a"]);
  // "b" is now first in line: its work starts on the next turn, then the window closes.
  await nextTurn();
  w.close(new WindowClosedError("aborted"));
  await assert.rejects(closed, WindowClosedError);
  await assert.rejects(notStarted, WindowClosedError);
  assert.deepEqual(dropped, ["a", "b"]);
  assert.deepEqual(ran, []);
  assert.equal(line.waiting, 0);
});

test("AheadLine: work ahead that throws is ignored; the call runs without it in turn", async () => {
  const w = new OperationWindow(1);
  const line = new AheadLine();
  assert.equal(w.tryAcquire(), true);
  let tried = 0;
  const ahead = {
    start: (): string => {
      tried++;
      throw new Error("no head start");
    },
    drop: () => assert.fail("nothing to drop"),
  };
  const got: (string | undefined)[] = [];
  const queued = line.inWindow(w, undefined, ahead, async (done) => {
    got.push(done);
  });
  await nextTurn();
  assert.equal(tried, 1);
  w.release();
  await queued;
  assert.deepEqual(got, [undefined]);
});

async function pair(
  t: { after: (fn: () => Promise<unknown>) => void },
  scu: AEOptions,
  scp: AEOptions,
  handlers: Handlers,
): Promise<{ assoc: Association; served: () => Association[] }> {
  const scpAe = new AE({ aeTitle: "SCP", storageFsync: false, ...scp });
  scpAe.addSupportedContext(sop.Verification);
  scpAe.addSupportedContext(CT);
  const server = await scpAe.startServer({ host: "127.0.0.1", handlers });
  t.after(() => server.shutdown({ deadlineMs: 2000 }));
  const scuAe = new AE({ aeTitle: "SCU", ...scu });
  scuAe.addRequestedContext(sop.Verification);
  scuAe.addRequestedContext(CT);
  const assoc = await scuAe.associate("127.0.0.1", server.port, { aeTitle: "SCP" });
  t.after(() => assoc.abort());
  assert.equal(assoc.isEstablished, true);
  return { assoc, served: () => scpAe.activeAssociations.filter((a) => a.isAcceptor) };
}

for (const c of [
  {
    name: "(8,2) proposed, acceptor (0,4)",
    scu: { invoked: 8, performed: 2 },
    scp: { invoked: 0, performed: 4 },
    requestor: { invoked: 4, performed: 2 },
  },
  {
    name: "unlimited both ways",
    scu: { invoked: 0, performed: 0 },
    scp: { invoked: 0, performed: 0 },
    requestor: { invoked: 0, performed: 0 },
  },
  {
    name: "acceptor synchronous",
    scu: { invoked: 16, performed: 16 },
    scp: { invoked: 1, performed: 1 },
    requestor: { invoked: 1, performed: 1 },
  },
] as const) {
  test(`negotiation: ${c.name} gives the requestor ${JSON.stringify(c.requestor)}, the acceptor the mirror`, async (t) => {
    const { assoc, served } = await pair(t, { maxAsyncOperations: c.scu }, { maxAsyncOperations: c.scp }, {});
    assert.deepEqual(assoc.asyncOperationsWindow, c.requestor);
    const [acceptor] = served();
    assert.ok(acceptor);
    assert.deepEqual(acceptor.asyncOperationsWindow, {
      invoked: c.requestor.performed,
      performed: c.requestor.invoked,
    });
  });
}

test("negotiation: the default (1,1) sends no item, and the window is (1,1)", async (t) => {
  const { assoc } = await pair(t, {}, { maxAsyncOperations: { invoked: 0, performed: 0 } }, {});
  const items = assoc.requestor.extendedNegotiation.filter((i) => i instanceof AsynchronousOperationsWindowNegotiation);
  assert.equal(items.length, 0);
  assert.deepEqual(assoc.asyncOperationsWindow, { invoked: 1, performed: 1 });
});

test("negotiation: an ASYNC_OPS handler's [invoked, performed] answers instead of the AE's limits", async (t) => {
  const handlers: Handlers = { [Event.ASYNC_OPS]: () => [1, 3] as const };
  const { assoc } = await pair(
    t,
    { maxAsyncOperations: { invoked: 10, performed: 10 } },
    { maxAsyncOperations: { invoked: 0, performed: 0 } },
    handlers,
  );
  assert.deepEqual(assoc.asyncOperationsWindow, { invoked: 3, performed: 1 });
  assert.throws(() => new AE({ maxAsyncOperations: { invoked: -1, performed: 1 } }), /0-65535/);
});

const uidBase = `2.25.${process.pid}${Date.now()}`;
/** Instance `i`: its SOP Instance UID ends in `i + 1000`. */
function image(i: number): Dataset {
  return new Dataset({ SOPClassUID: CT, SOPInstanceUID: `${uidBase}${i + 1000}`, PatientID: `P${i}` });
}
function indexOf(sopInstanceUid: string): number {
  return Number(sopInstanceUid.slice(uidBase.length)) - 1000;
}

/** A C_STORE handler that takes `ms` and answers a status that depends on the instance. */
function slowStore(ms: number, seen: { now: number; max: number; order: number[]; waiting: (() => void)[] }) {
  return async (e: { sopInstanceUid: string }) => {
    seen.now++;
    seen.max = Math.max(seen.max, seen.now);
    const id = indexOf(e.sopInstanceUid);
    const started = seen.now;
    for (const w of seen.waiting.splice(0)) w();
    // The first instance also waits (1 s at most) for another to start: with a window above 1 one
    // does at once, so a loaded machine cannot make the overlap look absent; with 1 none can.
    if (id === 0 && started === 1) {
      await new Promise<void>((r) => {
        const timer = setTimeout(r, 1000);
        seen.waiting.push(() => {
          clearTimeout(timer);
          r();
        });
      });
    }
    await new Promise((r) => setTimeout(r, ms));
    seen.now--;
    seen.order.push(id);
    // Odd instances get a warning (PS3.4 B.2.3, coercion of data elements), so each answer is tied to its request.
    return id % 2 === 0 ? 0x0000 : 0xb000;
  };
}

for (const window of [1, 8]) {
  test(`window ${window}: 20 C-STOREs at once to a slow SCP (50 ms each) ${window === 1 ? "run one at a time" : "overlap"}, each answer tied to its request`, async (t) => {
    const seen = { now: 0, max: 0, order: [] as number[], waiting: [] as (() => void)[] };
    const w = { invoked: window, performed: window };
    const { assoc } = await pair(
      t,
      { maxAsyncOperations: w },
      { maxAsyncOperations: w },
      {
        [Event.C_STORE]: slowStore(50, seen),
      },
    );
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => assoc.sendCStore(image(i))));
    t.diagnostic(`window ${window}: ${(performance.now() - started).toFixed(0)} ms for 20`);
    for (const [i, r] of results.entries()) {
      assert.equal(r.sopInstanceUid, image(i).string("SOPInstanceUID"));
      assert.equal(r.status, i % 2 === 0 ? 0x0000 : 0xb000, `instance ${i}`);
      assert.equal(r.response.messageIdBeingRespondedTo, r.messageId);
    }
    assert.equal(new Set(results.map((r) => r.messageId)).size, 20);
    if (window === 1) assert.equal(seen.max, 1);
    else {
      assert.ok(seen.max >= 2, `the handler ran ${seen.max} at once`);
      assert.ok(seen.max <= window, `the handler ran ${seen.max} at once, above the window`);
    }
  });
}

test("window 4: the SCP answers in any order, the SCU matches answers by Message ID Being Responded To", async (t) => {
  // The first instance's handler waits until the second's has answered: the answers cross.
  let secondDone!: () => void;
  const second = new Promise<void>((r) => {
    secondDone = r;
  });
  const answered: number[] = [];
  const w = { invoked: 4, performed: 4 };
  const { assoc, served } = await pair(
    t,
    { maxAsyncOperations: w },
    { maxAsyncOperations: w },
    {
      [Event.C_STORE]: async (e) => {
        const id = indexOf(e.sopInstanceUid);
        if (id === 0) await second;
        return id === 0 ? 0xb000 : 0x0000;
      },
    },
  );
  served()[0]?.on("dimseSent", (e) => {
    if (e.message.commandField === CommandField.C_STORE_RSP) {
      answered.push(e.message.messageIdBeingRespondedTo ?? -1);
      if (answered.length === 1) secondDone();
    }
  });
  const [a, b] = await Promise.all([assoc.sendCStore(image(0)), assoc.sendCStore(image(1))]);
  assert.deepEqual(answered, [b.messageId, a.messageId]);
  assert.equal(a.status, 0xb000);
  assert.equal(b.status, 0x0000);
});

test("SCP: a peer exceeding the window is served at most `performed` at once; the rest wait, all are answered", async (t) => {
  const seen = { now: 0, max: 0 };
  const waiting: (() => void)[] = [];
  const { assoc } = await pair(
    t,
    { maxAsyncOperations: { invoked: 8, performed: 1 } },
    { maxAsyncOperations: { invoked: 1, performed: 2 } },
    {
      [Event.C_ECHO]: async () => {
        seen.now++;
        seen.max = Math.max(seen.max, seen.now);
        for (const w of waiting.splice(0)) w();
        // The first waits (1 s at most) for a second beside it, so a slow read cannot hide it.
        if (seen.now === 1 && seen.max === 1) {
          await new Promise<void>((r) => {
            const timer = setTimeout(r, 1000);
            waiting.push(() => {
              clearTimeout(timer);
              r();
            });
          });
        }
        await new Promise((r) => setTimeout(r, 20));
        seen.now--;
        return 0x0000;
      },
    },
  );
  assert.deepEqual(assoc.asyncOperationsWindow, { invoked: 2, performed: 1 });
  const answers = new Set<number>();
  const all = new Promise<void>((resolve) =>
    assoc.on("dimseReceived", (e) => {
      answers.add(e.message.messageIdBeingRespondedTo ?? -1);
      if (answers.size === 6) resolve();
    }),
  );
  // send() bypasses the window, as a misbehaving peer would.
  await Promise.all([1, 2, 3, 4, 5, 6].map((id) => assoc.send(1, cEchoRq({ messageId: 1000 + id }))));
  await all;
  assert.deepEqual([...answers].sort(), [1001, 1002, 1003, 1004, 1005, 1006]);
  assert.equal(seen.max, 2);
});

/** Resolves after `n` turns of the event loop (no timer): long enough for anything already queued to go out. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

test("SCU: requests beyond the window wait their turn; when the association closes the waiters reject", async (t) => {
  let release!: () => void;
  let gate = new Promise<void>((r) => {
    release = r;
  });
  const w: AsyncOperationsWindow = { invoked: 2, performed: 2 };
  const { assoc } = await pair(
    t,
    { maxAsyncOperations: w },
    { maxAsyncOperations: w },
    {
      [Event.C_ECHO]: async () => {
        await gate;
        return 0x0000;
      },
    },
  );
  let sent = 0;
  let twoSent!: () => void;
  let two = new Promise<void>((r) => {
    twoSent = r;
  });
  assoc.on("dimseSent", () => {
    if (++sent % 3 === 2) twoSent();
  });
  const first = [assoc.sendCEcho(), assoc.sendCEcho(), assoc.sendCEcho()];
  await two;
  await turns(20);
  assert.equal(sent, 2, "the third request waits while two are outstanding");
  release();
  const results = await Promise.all(first);
  assert.deepEqual(
    results.map((r) => r.status),
    [0, 0, 0],
  );
  assert.equal(sent, 3);

  gate = new Promise<void>(() => {}); // the SCP never answers now
  two = new Promise<void>((r) => {
    twoSent = r;
  });
  const second = [assoc.sendCEcho(), assoc.sendCEcho(), assoc.sendCEcho()];
  for (const c of second) c.catch(() => {});
  await two;
  await assoc.abort();
  for (const c of second) await assert.rejects(c);
  assert.equal(sent, 5, "the waiting request was never sent");
});

test("after release, a request rejects at once with AssociationNotEstablishedError, as without a window", async (t) => {
  const w = { invoked: 4, performed: 4 };
  const { assoc } = await pair(t, { maxAsyncOperations: w }, { maxAsyncOperations: w }, {});
  await assoc.release();
  await assert.rejects(assoc.sendCEcho(), AssociationNotEstablishedError);
  await assert.rejects(assoc.sendCStore(image(0)), AssociationNotEstablishedError);
});
