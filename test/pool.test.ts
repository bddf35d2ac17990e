// AssociationPool on 127.0.0.1: reuse of one association, the per-peer limit, release (not
// abort) when idle, recovery after the SCP aborts, and close.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AE, type AEOptions } from "../src/ae.js";
import { Dataset } from "../src/dataset/dataset.js";
import { sop } from "../src/dataset/uids.js";
import { Event, type Handlers } from "../src/events.js";
import { AssociationPool, PoolAssociationError, PoolClosedError } from "../src/pool.js";
import type { AssociationServer } from "../src/server.js";

const CT = sop.CTImageStorage;

/** What the SCP saw: associations established, released, aborted, and the most open at once. */
interface Seen {
  established: number;
  released: number;
  aborted: number;
  open: number;
  maxOpen: number;
  /** Resolves at the next change. */
  next: () => Promise<void>;
}

async function scp(
  t: { after: (fn: () => Promise<unknown>) => void },
  handlers: Handlers = {},
  options: AEOptions = {},
): Promise<{ server: AssociationServer; seen: Seen }> {
  let changed: (() => void)[] = [];
  const next = () => new Promise<void>((r) => changed.push(r));
  const seen: Seen = { established: 0, released: 0, aborted: 0, open: 0, maxOpen: 0, next };
  const notify = () => {
    const c = changed;
    changed = [];
    for (const f of c) f();
  };
  const ae = new AE({ aeTitle: "SCP", storageFsync: false, ...options });
  ae.addSupportedContext(sop.Verification);
  ae.addSupportedContext(CT);
  const server = await ae.startServer({
    host: "127.0.0.1",
    handlers: {
      [Event.ESTABLISHED]: () => {
        seen.established++;
        seen.open++;
        seen.maxOpen = Math.max(seen.maxOpen, seen.open);
        notify();
      },
      [Event.RELEASED]: () => {
        seen.released++;
        notify();
      },
      [Event.ABORTED]: () => {
        seen.aborted++;
        notify();
      },
      [Event.CONN_CLOSE]: () => {
        seen.open--;
        notify();
      },
      ...handlers,
    },
  });
  t.after(() => server.shutdown({ deadlineMs: 2000 }));
  return { server, seen };
}

function pool(
  t: { after: (fn: () => Promise<unknown>) => void },
  port: number,
  options: Partial<ConstructorParameters<typeof AssociationPool>[1]> = {},
  aeOptions: AEOptions = {},
): AssociationPool {
  const ae = new AE({ aeTitle: "SCU", ...aeOptions });
  ae.addRequestedContext(sop.Verification);
  ae.addRequestedContext(CT);
  const p = new AssociationPool(ae, { address: "127.0.0.1", port, aeTitle: "SCP", ...options });
  t.after(() => p.close());
  return p;
}

let n = 0;
function image(): Dataset {
  n++;
  return new Dataset({ SOPClassUID: CT, SOPInstanceUID: `2.25.${process.pid}${Date.now()}${n}`, PatientID: `P${n}` });
}

/** Resolves once `check()` holds, checked after each change the SCP sees (at most 20). */
async function until(seen: Seen, check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 20 && !check(); i++) await seen.next();
  assert.ok(check(), what);
}

test("pool: ten sequential C-STOREs use one association", async (t) => {
  const { server, seen } = await scp(t, { [Event.C_STORE]: () => 0x0000 });
  const p = pool(t, server.port);
  for (let i = 0; i < 10; i++) assert.equal((await p.sendCStore(image())).status, 0x0000);
  assert.equal(seen.established, 1);
  assert.equal(p.associationsOpened, 1);
  assert.equal(p.size, 1);
});

test("pool: at most maxAssociations at once; operations beyond wait and all complete", async (t) => {
  let running = 0;
  let maxRunning = 0;
  const waiting: (() => void)[] = [];
  const { server, seen } = await scp(t, {
    [Event.C_ECHO]: async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      for (const w of waiting.splice(0)) w();
      // The first waits (1 s at most) for a second to run beside it, so that a slow second
      // association setup cannot hide the concurrency; it never waits for a third.
      if (running === 1 && maxRunning === 1) {
        await new Promise<void>((r) => {
          const timer = setTimeout(r, 1000);
          waiting.push(() => {
            clearTimeout(timer);
            r();
          });
        });
      }
      await new Promise((r) => setTimeout(r, 20));
      running--;
      return 0x0000;
    },
  });
  const p = pool(t, server.port, { maxAssociations: 2 });
  const results = await Promise.all(Array.from({ length: 8 }, () => p.sendCEcho()));
  assert.deepEqual(
    results.map((r) => r.status),
    Array(8).fill(0),
  );
  assert.equal(seen.established, 2);
  assert.equal(seen.maxOpen, 2);
  assert.equal(maxRunning, 2);
});

test("pool: an association with a window of 4 carries 4 operations before another is opened", async (t) => {
  const w = { invoked: 4, performed: 4 };
  const { server, seen } = await scp(
    t,
    {
      [Event.C_ECHO]: async () => {
        await new Promise((r) => setTimeout(r, 20));
        return 0x0000;
      },
    },
    { maxAsyncOperations: w },
  );
  const p = pool(t, server.port, { maxAssociations: 3 }, { maxAsyncOperations: w });
  await Promise.all(Array.from({ length: 4 }, () => p.sendCEcho()));
  assert.equal(seen.established, 1);
  await Promise.all(Array.from({ length: 6 }, () => p.sendCEcho()));
  assert.equal(seen.established, 2);
});

test("pool: an idle association is released (A-RELEASE, not abort) after idleTimeoutMs", async (t) => {
  const { server, seen } = await scp(t);
  const p = pool(t, server.port, { idleTimeoutMs: 30 });
  assert.equal((await p.sendCEcho()).status, 0x0000);
  await until(seen, () => seen.released === 1 && seen.open === 0, "the SCP saw the release");
  assert.equal(seen.aborted, 0);
  assert.equal(p.size, 0);
  // The next operation opens a new one.
  assert.equal((await p.sendCEcho()).status, 0x0000);
  assert.equal(seen.established, 2);
});

test("pool: after the SCP aborts, the operation in flight rejects and the next one gets a new association", async (t) => {
  let abortNext = true;
  const { server, seen } = await scp(t, {
    [Event.C_STORE]: async (e) => {
      if (abortNext) {
        abortNext = false;
        await e.assoc.abort();
      }
      return 0x0000;
    },
  });
  const p = pool(t, server.port);
  assert.equal((await p.sendCEcho()).status, 0x0000);
  await assert.rejects(p.sendCStore(image()));
  const r = await p.sendCStore(image());
  assert.equal(r.status, 0x0000);
  assert.equal(seen.established, 2);
  assert.equal(seen.aborted, 1);
});

test("pool: a rejected association rejects the operation with PoolAssociationError; close releases all and refuses more", async (t) => {
  const { server, seen } = await scp(t, {}, { requireCallingAet: ["SOMEONE"] });
  const p = pool(t, server.port);
  const err = await p.sendCEcho().catch((e: unknown) => e);
  assert.ok(err instanceof PoolAssociationError);
  assert.equal(err.association?.isRejected, true);
  assert.equal(p.size, 0);

  const { server: ok, seen: okSeen } = await scp(t);
  const q = pool(t, ok.port, { maxAssociations: 2 });
  await Promise.all([q.sendCEcho(), q.sendCEcho()]);
  assert.equal(okSeen.established, 2);
  await q.close();
  assert.equal(okSeen.released, 2);
  assert.equal(okSeen.aborted, 0);
  await assert.rejects(q.sendCEcho(), PoolClosedError);
  assert.equal(seen.established, 0);
});

test("pool: a signal gives up waiting for room; the queue moves on", async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const { server } = await scp(t, {
    [Event.C_ECHO]: async () => {
      await gate;
      return 0x0000;
    },
  });
  const p = pool(t, server.port, { maxAssociations: 1 });
  const first = p.sendCEcho();
  const ac = new AbortController();
  const gaveUp = p.sendCEcho({ signal: ac.signal });
  const third = p.sendCEcho();
  ac.abort(new Error("no longer needed"));
  await assert.rejects(gaveUp, /no longer needed/);
  release();
  assert.equal((await first).status, 0x0000);
  assert.equal((await third).status, 0x0000);
});

test("pool: giving up while an association is being opened for it leaves the room to the next operation", async (t) => {
  // The first request is rejected; the second is held until the waiting operation has given up.
  let calls = 0;
  let opening!: () => void;
  const secondOpening = new Promise<void>((r) => {
    opening = r;
  });
  let letIn!: () => void;
  const gate = new Promise<void>((r) => {
    letIn = r;
  });
  const ae = new AE({ aeTitle: "SCP" });
  ae.addSupportedContext(sop.Verification);
  const server = await ae.startServer({
    host: "127.0.0.1",
    onAssociationRequest: async () => {
      calls++;
      if (calls === 1) return false;
      opening();
      await gate;
      return true;
    },
  });
  t.after(() => server.shutdown({ deadlineMs: 2000 }));
  const p = pool(t, server.port, { maxAssociations: 1 });
  const first = p.sendCEcho();
  const ac = new AbortController();
  const gaveUp = p.sendCEcho({ signal: ac.signal });
  await assert.rejects(first, PoolAssociationError);
  await secondOpening;
  ac.abort(new Error("gave up"));
  await assert.rejects(gaveUp, /gave up/);
  letIn();
  // Bounded: without the room given back this would wait for ever.
  const r = await p.sendCEcho({ signal: AbortSignal.timeout(10_000) });
  assert.equal(r.status, 0x0000);
  assert.equal(calls, 2);
  assert.equal(p.size, 1);
});
