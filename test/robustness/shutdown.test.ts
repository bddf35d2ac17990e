// Graceful shutdown (issue 8, "no data lost"): the server stops accepting at once, lets requests in
// flight finish, releases, aborts what is left at the deadline, and reports what happened.
import assert from "node:assert/strict";
import { readdir, stat } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { writeCorpusFile } from "../../bench/corpus.js";
import { AE } from "../../src/ae.js";
import { sop, ts } from "../../src/dataset/uids.js";
import { Event } from "../../src/events.js";
import { PduType } from "../../src/pdu/index.js";
import { connectPeer } from "../helpers/peer.js";
import { storeClient, storeServer, tempDir } from "../services/storage/helpers.js";
import { abortBytes, associateRq, pData, storeCommand, untilClosed } from "./hostile-helpers.js";

const CT = sop.CTImageStorage;
const IMPLICIT = ts.ImplicitVRLittleEndian;

/** A promise and the function that settles it: lets a test hold a handler and release it later. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Resolves when a TCP connect to `port` is refused (the listener is closed); rejects if it connects. */
function refused(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      reject(new Error("the server still accepts connections"));
    });
    socket.once("error", (err: NodeJS.ErrnoException) => {
      socket.destroy();
      if (err.code === "ECONNREFUSED") resolve();
      else reject(err);
    });
  });
}

/** Counts events and lets a test await a count (no polling, no sleeps). */
class Counter {
  count = 0;
  #waiters: { n: number; resolve: () => void }[] = [];
  bump(by = 1): void {
    this.count += by;
    const ready = this.#waiters.filter((w) => w.n <= this.count);
    this.#waiters = this.#waiters.filter((w) => w.n > this.count);
    for (const w of ready) w.resolve();
  }
  reach(n: number): Promise<void> {
    return n <= this.count ? Promise.resolve() : new Promise((resolve) => this.#waiters.push({ n, resolve }));
  }
}

test("shutdown: a slow C_STORE handler in flight completes and is acknowledged before the release", async (t) => {
  const src = await tempDir(t);
  const out = await tempDir(t);
  const file = join(src, "ct.dcm");
  await writeCorpusFile(file, { rows: 64, cols: 64, syntax: "implicit-le" }, 0);
  const entered = gate();
  const hold = gate();
  const { server } = await storeServer(t, [[CT, [IMPLICIT]]], {
    [Event.C_STORE]: async (e) => {
      entered.open();
      await hold.promise;
      await e.saveTo(out);
      return 0x0000;
    },
  });
  const port = server.port;
  const assoc = await storeClient(t, port, [[CT, [IMPLICIT]]]);
  // What the SCU receives, in order: the C-STORE-RSP (P-DATA-TF) must come before the A-RELEASE-RQ.
  const order: number[] = [];
  assoc.on("pduReceived", (e) => order.push(e.pdu.type));
  const stored = assoc.sendCStore(file);
  await entered.promise;
  const shutdown = server.shutdown({ deadlineMs: 10_000 });
  // Stops accepting at once, while the handler is still running.
  await refused(port);
  assert.deepEqual(order, []);
  hold.open();
  const report = await shutdown;
  const result = await stored;
  await assoc.closed;
  assert.equal(result.status, 0x0000);
  assert.deepEqual(order, [PduType.PDataTf, PduType.AReleaseRq]);
  assert.equal(assoc.isReleased, true);
  assert.deepEqual(report.associations, { released: 1, aborted: 0 });
  assert.deepEqual(report.operations, { completed: 1, failed: 0, abortedInFlight: 0 });
  assert.equal(report.deadlineReached, false);
  assert.ok(report.durationMs >= 0 && report.durationMs < 10_000);
  const saved = join(out, `${result.sopInstanceUid}.dcm`);
  assert.ok((await stat(saved)).size > 64 * 64 * 2, "the acknowledged instance is on disk, whole");
});

test("shutdown: a data set still arriving at the deadline is aborted, unacknowledged, and leaves no file", async (t) => {
  const out = await tempDir(t);
  const handled: string[] = [];
  const received = new Counter();
  const { server, temp } = await storeServer(t, [[CT, [IMPLICIT]]], {
    [Event.C_STORE]: async (e) => {
      handled.push(await e.saveTo(out));
      return 0x0000;
    },
    [Event.DATA_RECV]: (e) => {
      // A PDV split across socket chunks comes as several fragments: count bytes, not PDVs.
      if (e.isCommand) return;
      received.bump(e.data.byteLength);
    },
  });
  const peer = await connectPeer(server.port);
  t.after(() => peer.destroy());
  peer.send(associateRq());
  await peer.waitForPdu(PduType.AAssociateAc);
  const acBytes = peer.received.byteLength;
  peer.send(pData(3, 0x03, storeCommand("2.25.424242")));
  // Over 1 MiB of data set (a first write batch), never the last fragment. The receive loop
  // waits for that batch's write before taking the next fragment: once the last byte is seen,
  // the temporary file exists.
  const piece = new Uint8Array(16_000);
  for (let i = 0; i < 72; i++) peer.send(pData(3, 0x00, piece));
  await received.reach(72 * 16_000);
  assert.equal((await readdir(temp)).length, 1, "the partial data set is in a temporary file");
  const [assoc] = server.activeAssociations;
  assert.equal(assoc?.operationsInFlight, 1);

  const report = await server.shutdown({ deadlineMs: 200 });
  assert.deepEqual(report.associations, { released: 0, aborted: 1 });
  assert.deepEqual(report.operations, { completed: 0, failed: 0, abortedInFlight: 1 });
  assert.equal(report.deadlineReached, true);
  assert.ok(report.durationMs >= 150, `aborted at the deadline, not before (${report.durationMs} ms)`);
  assert.deepEqual(handled, []);
  assert.deepEqual(await readdir(out), []);
  assert.deepEqual(await readdir(temp), [], "the temporary file is gone");
  // Nothing but an A-ABORT (service-user) after the A-ASSOCIATE-AC: no C-STORE-RSP.
  peer.end();
  const hex = await untilClosed(peer);
  assert.equal(hex.slice(acBytes * 2), abortBytes(0, 0));
});

test("ae.shutdown: idle associations released, one still negotiating aborted, a slow C-ECHO answered", async (t) => {
  const entered = gate();
  const hold = gate();
  const opened = new Counter();
  const scp = new AE({ aeTitle: "ECHO_SCP" });
  scp.addSupportedContext(sop.Verification);
  const server = await scp.startServer({
    host: "127.0.0.1",
    handlers: {
      [Event.CONN_OPEN]: () => opened.bump(),
      [Event.C_ECHO]: async () => {
        entered.open();
        await hold.promise;
        return 0x0000;
      },
    },
  });
  t.after(() => scp.shutdown({ deadlineMs: 1000 }));
  const scu = new AE({ aeTitle: "ECHO_SCU" });
  scu.addRequestedContext(sop.Verification);
  const idle = await scu.associate("127.0.0.1", server.port, { aeTitle: "ECHO_SCP" });
  const busy = await scu.associate("127.0.0.1", server.port, { aeTitle: "ECHO_SCP" });
  t.after(() => scu.shutdown());
  const negotiating = await connectPeer(server.port);
  t.after(() => negotiating.destroy());
  await opened.reach(3);
  const echo = busy.sendCEcho();
  await entered.promise;
  const shutdown = scp.shutdown({ deadlineMs: 10_000 });
  hold.open();
  const report = await shutdown;
  assert.equal((await echo).status, 0x0000);
  assert.equal(idle.isReleased, true);
  assert.equal(busy.isReleased, true);
  negotiating.end();
  await untilClosed(negotiating);
  assert.deepEqual(report.associations, { released: 2, aborted: 1 });
  assert.deepEqual(report.operations, { completed: 1, failed: 0, abortedInFlight: 0 });
  assert.equal(report.deadlineReached, false);
  assert.equal(server.activeAssociations.length, 0);
});
