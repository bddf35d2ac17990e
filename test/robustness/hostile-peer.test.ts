// Raw sockets against a netdicom SCP: garbage, unknown and oversized PDUs, broken items, PDVs that
// lie, silence, storms, too many associations, odd requests and aborted stores. After each case
// the peer got what PS3.8 prescribes (exact bytes), and a well-formed C-ECHO still succeeds.
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { AE, type AEOptions } from "../../src/ae.js";
import { sop, ts } from "../../src/dataset/index.js";
import { Event } from "../../src/events.js";
import { decodePdu, PduType } from "../../src/pdu/index.js";
import type { AssociationServer } from "../../src/server.js";
import { connectPeer, type FakePeer } from "../helpers/peer.js";
import {
  abortBytes,
  associateRq,
  defaultContexts,
  echoCommand,
  echoStillWorks,
  pData,
  receivedHex,
  rejectBytes,
  storeCommand,
  untilClosed,
} from "./hostile-helpers.js";

type T = { after: (fn: () => unknown) => void };

interface Scp {
  server: AssociationServer;
  port: number;
  stored: string[];
  temp: string;
  out: string;
  opened: Counter;
}

/** Counts events and lets a test await a count (no polling, no sleeps). */
class Counter {
  count = 0;
  private waiters: { n: number; resolve: () => void }[] = [];
  bump(): void {
    this.count++;
    const ready = this.waiters.filter((w) => w.n <= this.count);
    this.waiters = this.waiters.filter((w) => w.n > this.count);
    for (const w of ready) w.resolve();
  }
  reach(n: number): Promise<void> {
    return n <= this.count ? Promise.resolve() : new Promise((resolve) => this.waiters.push({ n, resolve }));
  }
}

async function tempDir(t: T, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** An SCP with C-ECHO and C-STORE handlers (stores into `out`, temporary files in `temp`). */
async function startScp(t: T, options: AEOptions = {}): Promise<Scp> {
  const temp = await tempDir(t, "netdicom-hostile-temp-");
  const out = await tempDir(t, "netdicom-hostile-out-");
  const ae = new AE({ aeTitle: "HOSTILE_SCP", storageDirectory: temp, acseTimeoutMs: 5000, ...options });
  ae.addSupportedContext(sop.Verification);
  ae.addSupportedContext(sop.CTImageStorage, ts.ImplicitVRLittleEndian);
  const stored: string[] = [];
  const opened = new Counter();
  const server = await ae.startServer({
    host: "127.0.0.1",
    handlers: {
      [Event.CONN_OPEN]: () => opened.bump(),
      [Event.C_ECHO]: () => 0x0000,
      [Event.C_STORE]: async (event) => {
        stored.push(await event.saveTo(out));
        return 0x0000;
      },
    },
  });
  t.after(() => server.shutdown({ deadlineMs: 2000 }));
  return { server, port: server.port, stored, temp, out, opened };
}

/** Waits for the A-ABORT, checks it is exactly the one expected and all that came, then closes. */
async function expectAbort(peer: FakePeer, source: number, reason: number, before = ""): Promise<void> {
  await peer.waitForPdu(PduType.AAbort);
  peer.end(); // PS3.8 AA-3: on A-ABORT the peer closes the transport
  const got = await untilClosed(peer);
  assert.equal(got, before + abortBytes(source, reason));
}

/** Connects, associates with a well-formed request, and returns the peer after the A-ASSOCIATE-AC. */
async function associated(port: number): Promise<FakePeer> {
  const peer = await connectPeer(port);
  peer.send(associateRq());
  await peer.waitForPdu(PduType.AAssociateAc);
  return peer;
}

/** Hex of what came before the A-ABORT on an associated peer (the A-ASSOCIATE-AC). */
function acHex(peer: FakePeer): string {
  const ac = peer.pdus()[0]!;
  assert.equal(ac.type, PduType.AAssociateAc);
  return receivedHex(peer).slice(0, (6 + ac.body.byteLength) * 2);
}

test("hostile peers against an SCP", async (t) => {
  const scp = await startScp(t);
  const { port } = scp;

  await t.test("garbage bytes (an HTTP request): A-ABORT (2,6) for an impossible PDU length, then close", async () => {
    const peer = await connectPeer(port);
    // 'G' is no PDU type; "T / " read as the length is 1.4 GB, over the limit: invalid PDU parameter.
    peer.send(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    await expectAbort(peer, 2, 6);
    await echoStillWorks(port);
  });

  await t.test("every unknown PDU type before association: A-ABORT (2,1) unrecognized PDU", async () => {
    for (let type = 0; type <= 0xff; type++) {
      if (type >= PduType.AAssociateRq && type <= PduType.AAbort) continue;
      const peer = await connectPeer(port);
      peer.send(new Uint8Array([type, 0, 0, 0, 0, 4, 1, 2, 3, 4]));
      await expectAbort(peer, 2, 1);
    }
    await echoStillWorks(port);
  });

  await t.test("an unknown PDU type on an established association: A-ABORT (2,1)", async () => {
    const peer = await associated(port);
    peer.send(new Uint8Array([0x08, 0, 0, 0, 0, 0]));
    await expectAbort(peer, 2, 1, acHex(peer));
    await echoStillWorks(port);
  });

  await t.test("PDU length 0xFFFFFFFF with no body: A-ABORT (2,6) at once, nothing buffered", async () => {
    for (const type of [PduType.AAssociateRq, PduType.PDataTf, 0x42]) {
      const peer = await connectPeer(port);
      peer.send(new Uint8Array([type, 0, 0xff, 0xff, 0xff, 0xff]));
      await expectAbort(peer, 2, 6);
    }
    await echoStillWorks(port);
  });

  await t.test("a presentation context item whose length overflows the A-ASSOCIATE-RQ: A-ABORT (2,6)", async () => {
    const rq = associateRq();
    const at = findItem(rq, 0x20);
    new DataView(rq.buffer, rq.byteOffset).setUint16(at + 2, 0xffff);
    const peer = await connectPeer(port);
    peer.send(rq);
    await expectAbort(peer, 2, 6);
    await echoStillWorks(port);
  });

  await t.test("a user information sub-item whose length overflows its item: A-ABORT (2,6)", async () => {
    const rq = associateRq();
    const user = findItem(rq, 0x50);
    // The first sub-item (Maximum Length, 0x51) claims 0xFFFF bytes.
    assert.equal(rq[user + 4], 0x51);
    new DataView(rq.buffer, rq.byteOffset).setUint16(user + 6, 0xffff);
    const peer = await connectPeer(port);
    peer.send(rq);
    await expectAbort(peer, 2, 6);
    await echoStillWorks(port);
  });

  await t.test("P-DATA before association: A-ABORT (2,2) unexpected PDU (Evt10 in Sta2 -> AA-1)", async () => {
    const peer = await connectPeer(port);
    peer.send(pData(1, 0x03, echoCommand()));
    await expectAbort(peer, 2, 2);
    await echoStillWorks(port);
  });

  await t.test("P-DATA on a context ID that was not accepted: A-ABORT, no response", async () => {
    const peer = await associated(port);
    peer.send(pData(99, 0x03, echoCommand()));
    await peer.waitForPdu(PduType.AAbort);
    peer.end();
    await untilClosed(peer);
    const pdus = peer.pdus();
    assert.deepEqual(
      pdus.map((p) => p.type),
      [PduType.AAssociateAc, PduType.AAbort],
    );
    // Service-provider source (PS3.8 9.3.8); no P-DATA answer was sent on the unknown context.
    assert.equal(pdus[1]!.body[2], 2);
    await echoStillWorks(port);
  });

  await t.test("a PDV longer than its PDU: A-ABORT (2,6)", async () => {
    const peer = await associated(port);
    const pdu = pData(1, 0x03, echoCommand());
    new DataView(pdu.buffer).setUint32(6, 0x1000); // PDV item length past the PDU's end
    peer.send(pdu);
    await expectAbort(peer, 2, 6, acHex(peer));
    await echoStillWorks(port);
  });

  await t.test("a PDV item length below 2 (no room for its header): A-ABORT (2,6)", async () => {
    const peer = await associated(port);
    const pdu = pData(1, 0x03, echoCommand());
    new DataView(pdu.buffer).setUint32(6, 1);
    peer.send(pdu);
    await expectAbort(peer, 2, 6, acHex(peer));
    await echoStillWorks(port);
  });

  await t.test("a message control header with reserved bits set: not tested (PS3.8 E.2), bits 0-1 rule", async () => {
    const peer = await associated(port);
    peer.send(pData(1, 0xf3, echoCommand()));
    await peer.waitForPdu(PduType.PDataTf);
    const rsp = peer.pdus()[1]!;
    // One PDV on context 1, command + last, a C-ECHO-RSP (0x8030) with status 0x0000.
    assert.equal(rsp.body[4], 1);
    assert.equal(rsp.body[5], 0x03);
    peer.destroy();
    await peer.closed;
    await echoStillWorks(port);
  });

  await t.test("a message control header out of sequence (command not last, then data): A-ABORT", async () => {
    const peer = await associated(port);
    const cmd = echoCommand();
    peer.send(pData(1, 0x01, cmd.subarray(0, 10)));
    peer.send(pData(1, 0x02, new Uint8Array(4)));
    await peer.waitForPdu(PduType.AAbort);
    peer.end();
    await untilClosed(peer);
    assert.deepEqual(
      peer.pdus().map((p) => [p.type, p.body[2]]),
      [
        [PduType.AAssociateAc, 0],
        [PduType.AAbort, 2],
      ],
    );
    await echoStillWorks(port);
  });

  await t.test("a data set fragment where a command is due: A-ABORT from the service-provider", async () => {
    const peer = await associated(port);
    peer.send(pData(1, 0x02, new Uint8Array(8)));
    await peer.waitForPdu(PduType.AAbort);
    peer.end();
    await untilClosed(peer);
    assert.equal(peer.pdus()[1]!.body[2], 2);
    await echoStillWorks(port);
  });

  await t.test("connect/close storm: 200 connections opened and dropped at once", async () => {
    const openedBefore = scp.opened.count;
    const peers = await Promise.all(Array.from({ length: 200 }, () => connectPeer(port)));
    for (const p of peers) p.destroy();
    await Promise.all(peers.map((p) => p.closed));
    // The server saw all 200 (CONN_OPEN) and let go of every one (each close awaited, not slept on).
    await scp.opened.reach(openedBefore + 200);
    await Promise.all(scp.server.activeAssociations.map((a) => a.closed));
    assert.equal(scp.server.activeAssociations.length, 0);
    await echoStillWorks(port);
  });

  await t.test("an A-ASSOCIATE-RQ with no presentation context: A-ASSOCIATE-RJ (1,1,1)", async () => {
    const peer = await connectPeer(port);
    peer.send(associateRq({ contexts: [] }));
    await peer.waitForPdu(PduType.AAssociateRj);
    peer.end();
    // PS3.8 9.3.2: one or more presentation context items; with none there is nothing to accept.
    assert.equal(await untilClosed(peer), rejectBytes(1, 1, 1));
    await echoStillWorks(port);
  });

  await t.test("an A-ASSOCIATE-RQ with 300 presentation contexts: an answer, and the server stays up", async () => {
    const contexts = Array.from({ length: 300 }, (_, i) => ({
      ...defaultContexts[0]!,
      contextId: (2 * i + 1) & 0xff,
    }));
    const peer = await connectPeer(port);
    peer.send(associateRq({ contexts }));
    const ac = await peer.waitForPdu(PduType.AAssociateAc);
    peer.destroy();
    await peer.closed;
    // PS3.8 9.3.2.2: context IDs are odd 1-255, so 300 items repeat IDs; each ID is answered once.
    const decoded = decodePdu(peer.received.subarray(0, 6 + ac.body.byteLength));
    assert.equal(decoded.type, PduType.AAssociateAc);
    if (decoded.type === PduType.AAssociateAc) {
      const ids = decoded.presentationContexts.map((c) => c.contextId);
      assert.equal(ids.length, 128);
      assert.equal(new Set(ids).size, 128);
    }
    await echoStillWorks(port);
  });

  for (const [field, from] of [
    ["called", 10],
    ["calling", 26],
  ] as const) {
    await t.test(
      `an A-ASSOCIATE-RQ whose ${field} AE title is 16 non-ASCII bytes: A-ASSOCIATE-RJ (1,2,1)`,
      async () => {
        const rq = associateRq();
        rq.fill(0xe9, from, from + 16); // PS3.8 9.3.2: the AE title fields are bytes 11-26 and 27-42
        const peer = await connectPeer(port);
        peer.send(rq);
        await peer.waitForPdu(PduType.AAssociateRj);
        peer.end();
        // PS3.5 Table 6.2-1: AE titles are default repertoire only; refused by the ACSE provider.
        assert.equal(await untilClosed(peer), rejectBytes(1, 2, 1));
        await echoStillWorks(port);
      },
    );
  }

  await t.test("a C-STORE cut short by an A-ABORT: no file left, handler not called", async () => {
    const before = scp.stored.length;
    const peer = await associated(port);
    const [assoc] = scp.server.activeAssociations;
    assert.ok(assoc);
    peer.send(pData(3, 0x03, storeCommand("2.25.7777")));
    // Half a data set: PatientName and the start of a long element.
    const partial = new Uint8Array([0x10, 0, 0x10, 0, 4, 0, 0, 0, 0x44, 0x6f, 0x65, 0x20, 0xe0, 0x7f, 0x10, 0]);
    peer.send(pData(3, 0x00, partial));
    peer.send(new Uint8Array([0x07, 0, 0, 0, 0, 4, 0, 0, 0, 0]));
    peer.end();
    await untilClosed(peer);
    await assoc.closed;
    assert.equal(scp.stored.length, before, "handler must not run");
    assert.deepEqual(await readdir(scp.out), []);
    assert.deepEqual(await readdir(scp.temp), []);
    await echoStillWorks(port);
  });
});

test("more associations than allowed: the next request is rejected (2,3,2), the server serves again after", async (t) => {
  const scp = await startScp(t, { maximumAssociations: 2 });
  const held = [await associated(scp.port), await associated(scp.port)];
  const third = await connectPeer(scp.port);
  third.send(associateRq());
  await third.waitForPdu(PduType.AAssociateRj);
  third.end();
  // PS3.8 9.3.4: rejected-transient, service-provider (presentation), local-limit-exceeded.
  assert.equal(await untilClosed(third), rejectBytes(2, 3, 2));
  for (const p of held) p.destroy();
  await Promise.all(held.map((p) => p.closed));
  await Promise.all(scp.server.activeAssociations.map((a) => a.closed));
  await echoStillWorks(scp.port);
});

test("half a PDU then silence: the SCP gives up within its timeouts", async (t) => {
  const scp = await startScp(t, { acseTimeoutMs: 300, networkTimeoutMs: 300 });

  await t.test("before association: ARTIM expires and the connection is closed with nothing sent", async () => {
    const peer = await connectPeer(scp.port);
    peer.send(associateRq().subarray(0, 40));
    // PS3.8 9.1.5, Evt18 in Sta2 -> AA-2: close the transport, no A-ABORT.
    assert.equal(await untilClosed(peer, 3000), "");
    await echoStillWorks(scp.port);
  });

  await t.test("on an established association: the network timeout aborts it", async () => {
    const peer = await associated(scp.port);
    peer.send(pData(1, 0x03, echoCommand()).subarray(0, 9));
    await peer.waitForPdu(PduType.AAbort);
    peer.end();
    const got = await untilClosed(peer, 3000);
    assert.equal(got, acHex(peer) + abortBytes(2, 0));
    await echoStillWorks(scp.port);
  });

  await t.test("silence right after connecting: closed by ARTIM", async () => {
    const peer = await connectPeer(scp.port);
    assert.equal(await untilClosed(peer, 3000), "");
  });
});

/** Offset of the first item of `type` in an A-ASSOCIATE-RQ (items start after the 74-byte header). */
function findItem(rq: Uint8Array, type: number): number {
  const v = new DataView(rq.buffer, rq.byteOffset, rq.byteLength);
  for (let at = 74; at + 4 <= rq.byteLength; at += 4 + v.getUint16(at + 2)) if (rq[at] === type) return at;
  throw new Error(`no item 0x${type.toString(16)}`);
}
