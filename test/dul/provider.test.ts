import assert from "node:assert/strict";
import type { Server } from "node:net";
import { type TestContext, test } from "node:test";
import { ArtimTimeoutError, AssociationAbortedError, InvalidStateError } from "../../src/dul/errors.js";
import { type Transition, UpperLayer, type UpperLayerOptions } from "../../src/dul/provider.js";
import { createTcpServer } from "../../src/dul/transport/tcp.js";
import { type AAssociateAc, type AAssociateRj, type AAssociateRq, encodePdu, PduType } from "../../src/pdu/index.js";
import { connectPeer, hex } from "../helpers/peer.js";

const rq: AAssociateRq = {
  type: PduType.AAssociateRq,
  protocolVersion: 1,
  calledAeTitle: "ANY-SCP",
  callingAeTitle: "ECHOSCU",
  applicationContextName: "1.2.840.10008.3.1.1.1",
  presentationContexts: [
    { contextId: 1, abstractSyntax: "1.2.840.10008.1.1", transferSyntaxes: ["1.2.840.10008.1.2"] },
  ],
  userInformation: { maximumLength: 16384, implementationClassUid: "1.2.3.4" },
};
const ac: AAssociateAc = {
  type: PduType.AAssociateAc,
  protocolVersion: 1,
  calledAeTitle: "ANY-SCP",
  callingAeTitle: "ECHOSCU",
  applicationContextName: "1.2.840.10008.3.1.1.1",
  presentationContexts: [{ contextId: 1, result: 0, transferSyntax: "1.2.840.10008.1.2" }],
  userInformation: { maximumLength: 16384, implementationClassUid: "1.2.3.4" },
};
const rj: AAssociateRj = { type: PduType.AAssociateRj, result: 1, source: 1, reason: 7 };

/** A TCP server on 127.0.0.1:0 whose connections become acceptor UpperLayers. */
async function acceptorServer(options: Omit<UpperLayerOptions, "role"> = {}) {
  const layers: UpperLayer[] = [];
  const takers: ((u: UpperLayer) => void)[] = [];
  const server: Server = createTcpServer((t) => {
    const u = new UpperLayer(t, { ...options, role: "acceptor" });
    const taker = takers.shift();
    if (taker) taker(u);
    else layers.push(u);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const next = () => {
    const u = layers.shift();
    return u ? Promise.resolve(u) : new Promise<UpperLayer>((resolve) => takers.push(resolve));
  };
  return { server, port, next };
}

/** Requests the association from `requestor` and has the next acceptor accept it; resolves with that acceptor once confirmed. */
async function establish(t: TestContext, requestor: UpperLayer, next: () => Promise<UpperLayer>): Promise<UpperLayer> {
  const confirm = requestor.requestAssociation(rq);
  const acceptor = await next();
  t.after(() => acceptor.transport.destroy());
  await acceptor.associateRequest();
  await acceptor.accept(ac);
  await confirm;
  return acceptor;
}

function recordTransitions(u: UpperLayer): string[] {
  const log: string[] = [];
  u.on("transition", (t: Transition) => log.push(`${t.from}+${t.event}->${t.action ?? "-"}->${t.to}`));
  return log;
}

test("loopback: associate, P-DATA both ways, release; both end in Sta1", async (t) => {
  const { server, port, next } = await acceptorServer();
  t.after(() => server.close());
  const requestor = await UpperLayer.connect({ host: "127.0.0.1", port });
  t.after(() => requestor.transport.destroy());
  const rLog = recordTransitions(requestor);
  const sent: number[] = [];
  requestor.on("pduSent", (p) => sent.push(p.type));

  const confirm = requestor.requestAssociation(rq);
  const acceptor = await next();
  t.after(() => acceptor.transport.destroy());
  const aLog = recordTransitions(acceptor);
  const got = await acceptor.associateRequest();
  assert.equal(got.callingAeTitle, "ECHOSCU");
  assert.equal(acceptor.state, "Sta3");
  await acceptor.accept(ac);
  const answer = await confirm;
  assert.equal(answer.type, PduType.AAssociateAc);
  assert.equal(requestor.state, "Sta6");

  // requestor -> acceptor: a zero-copy PDV and a normal P-DATA-TF with two PDVs
  const big = new Uint8Array(100_000).map((_, i) => i & 0xff);
  const aIn = acceptor.pData();
  await requestor.sendPDataValue(1, true, true, new Uint8Array([1, 2, 3]));
  await requestor.sendPData([
    { contextId: 1, isCommand: false, isLast: false, data: big.subarray(0, 8000) },
    { contextId: 1, isCommand: false, isLast: true, data: big.subarray(8000, 16000) },
  ]);
  const first = await aIn.next();
  assert.equal(first.done, false);
  assert.deepEqual([...(first.value?.values[0]?.data ?? [])], [1, 2, 3]);
  assert.equal(first.value?.values[0]?.isCommand, true);
  const second = await aIn.next();
  assert.equal(second.value?.values.length, 2);
  assert.ok(Buffer.from(second.value?.values[1]?.data ?? []).equals(big.subarray(8000, 16000)));

  // acceptor -> requestor
  const rIn = requestor.pData();
  await acceptor.sendPDataValue(1, true, true, new Uint8Array([9, 8]));
  const back = await rIn.next();
  assert.deepEqual([...(back.value?.values[0]?.data ?? [])], [9, 8]);

  let releaseIndications = 0;
  acceptor.on("releaseRequest", (collision) => {
    releaseIndications++;
    assert.equal(collision, false);
    void acceptor.releaseResponse();
  });
  await requestor.release();
  assert.equal(requestor.state, "Sta1");
  assert.equal(await requestor.closed, undefined);
  assert.equal(await acceptor.closed, undefined);
  assert.equal(acceptor.state, "Sta1");
  assert.equal(releaseIndications, 1);
  assert.deepEqual(await aIn.next(), { value: undefined, done: true });
  assert.deepEqual(sent, [PduType.AAssociateRq, PduType.PDataTf, PduType.PDataTf, PduType.AReleaseRq]);
  assert.deepEqual(rLog, [
    "Sta1+Evt1->AE-1->Sta4",
    "Sta4+Evt2->AE-2->Sta5",
    "Sta5+Evt3->AE-3->Sta6",
    "Sta6+Evt9->DT-1->Sta6",
    "Sta6+Evt9->DT-1->Sta6",
    "Sta6+Evt10->DT-2->Sta6",
    "Sta6+Evt11->AR-1->Sta7",
    "Sta7+Evt13->AR-3->Sta1",
  ]);
  assert.deepEqual(aLog.slice(0, 2), ["Sta2+Evt6->AE-6->Sta3", "Sta3+Evt7->AE-7->Sta6"]);
  assert.deepEqual(aLog.slice(-3), ["Sta6+Evt12->AR-2->Sta8", "Sta8+Evt14->AR-4->Sta13", "Sta13+Evt17->AR-5->Sta1"]);
});

test("reject path: the requestor gets the A-ASSOCIATE-RJ and both close", async (t) => {
  const { server, port, next } = await acceptorServer();
  t.after(() => server.close());
  const requestor = await UpperLayer.connect({ host: "127.0.0.1", port });
  t.after(() => requestor.transport.destroy());
  const confirm = requestor.requestAssociation(rq);
  const acceptor = await next();
  t.after(() => acceptor.transport.destroy());
  await acceptor.associateRequest();
  await acceptor.reject(rj);
  assert.equal(acceptor.state, "Sta13");
  assert.deepEqual(await confirm, rj);
  await requestor.closed;
  await acceptor.closed;
  assert.equal(requestor.state, "Sta1");
  assert.equal(acceptor.state, "Sta1");
});

test("the service-provider rejects an unsupported protocol version itself (AE-6 -> Sta13)", async (t) => {
  const { server, port, next } = await acceptorServer();
  t.after(() => server.close());
  const requestor = await UpperLayer.connect({ host: "127.0.0.1", port });
  t.after(() => requestor.transport.destroy());
  const answer = await requestor.requestAssociation({ ...rq, protocolVersion: 2 });
  assert.deepEqual(answer, { type: PduType.AAssociateRj, result: 1, source: 2, reason: 2 });
  const acceptor = await next();
  await assert.rejects(acceptor.associateRequest());
  await acceptor.closed;
});

test("release collision: both sides release at once and both end in Sta1 with a clean close", async (t) => {
  const { server, port, next } = await acceptorServer();
  t.after(() => server.close());
  const requestor = await UpperLayer.connect({ host: "127.0.0.1", port });
  t.after(() => requestor.transport.destroy());
  const acceptor = await establish(t, requestor, next);
  const rLog = recordTransitions(requestor);
  const aLog = recordTransitions(acceptor);
  const collisions: string[] = [];
  requestor.on("releaseRequest", (c) => collisions.push(`R${c}`));
  acceptor.on("releaseRequest", (c) => collisions.push(`A${c}`));

  await Promise.all([requestor.release(), acceptor.release()]);
  assert.equal(await requestor.closed, undefined);
  assert.equal(await acceptor.closed, undefined);
  assert.equal(requestor.state, "Sta1");
  assert.equal(acceptor.state, "Sta1");
  assert.deepEqual(collisions.sort(), ["Atrue", "Rtrue"]);
  assert.deepEqual(rLog.slice(0, 4), [
    "Sta6+Evt11->AR-1->Sta7",
    "Sta7+Evt12->AR-8->Sta9",
    "Sta9+Evt14->AR-9->Sta11",
    "Sta11+Evt13->AR-3->Sta1",
  ]);
  assert.deepEqual(aLog, [
    "Sta6+Evt11->AR-1->Sta7",
    "Sta7+Evt12->AR-8->Sta10",
    "Sta10+Evt13->AR-10->Sta12",
    "Sta12+Evt14->AR-4->Sta13",
    "Sta13+Evt17->AR-5->Sta1",
  ]);
});

test("a peer A-ABORT rejects the pending release with its source and reason", async (t) => {
  const { server, port, next } = await acceptorServer();
  t.after(() => server.close());
  const requestor = await UpperLayer.connect({ host: "127.0.0.1", port });
  t.after(() => requestor.transport.destroy());
  const acceptor = await establish(t, requestor, next);
  const aborted: Error[] = [];
  requestor.on("aborted", (e) => aborted.push(e));
  acceptor.on("releaseRequest", () => {
    void acceptor.abort(2, 5);
  });
  await assert.rejects(requestor.release(), (e: unknown) => {
    assert.ok(e instanceof AssociationAbortedError);
    assert.equal(e.source, 2);
    assert.equal(e.reason, 5);
    assert.equal(e.by, "peer");
    assert.equal(e.code, "ERR_ASSOCIATION_ABORTED");
    return true;
  });
  await requestor.closed;
  await acceptor.closed;
  assert.equal(aborted.length, 1);
  await assert.rejects(requestor.sendPDataValue(1, true, true, new Uint8Array(1)), AssociationAbortedError);
});

test("primitives issued out of turn are refused with InvalidStateError and change nothing", async (t) => {
  const { server, port, next } = await acceptorServer();
  t.after(() => server.close());
  const requestor = await UpperLayer.connect({ host: "127.0.0.1", port });
  t.after(() => requestor.transport.destroy());
  await assert.rejects(requestor.sendPDataValue(1, true, true, new Uint8Array(1)), InvalidStateError);
  await assert.rejects(requestor.release(), InvalidStateError);
  await assert.rejects(requestor.accept(ac), InvalidStateError);
  assert.equal(requestor.state, "Sta1");
  const acceptor = await next();
  t.after(() => acceptor.transport.destroy());
  assert.equal(acceptor.state, "Sta2");
  await requestor.abort();
  await acceptor.closed;
  assert.equal(acceptor.state, "Sta1");
});

test("garbage (an unrecognized PDU type) gets A-ABORT source 2 reason 1, then the connection closes", async (t) => {
  const { server, port, next } = await acceptorServer();
  t.after(() => server.close());
  const peer = await connectPeer(port);
  t.after(() => peer.destroy());
  const acceptor = await next();
  peer.send(hex("09 00 00000004 DEADBEEF"));
  const abort = await peer.waitForPdu(PduType.AAbort);
  assert.deepEqual([...abort.body], [0, 0, 2, 1]);
  peer.end();
  await acceptor.closed;
  await peer.closed;
  assert.equal(acceptor.state, "Sta1");
});

test("P-DATA before association: A-ABORT source 2 reason 2 (unexpected PDU)", async (t) => {
  const { server, port, next } = await acceptorServer();
  t.after(() => server.close());
  const peer = await connectPeer(port);
  t.after(() => peer.destroy());
  const acceptor = await next();
  peer.send(hex("04 00 00000008 00000004 01 03 AABB"));
  const abort = await peer.waitForPdu(PduType.AAbort);
  assert.deepEqual([...abort.body], [0, 0, 2, 2]);
  assert.equal(acceptor.state, "Sta13");
  await assert.rejects(acceptor.associateRequest(), AssociationAbortedError);
  peer.end();
  await acceptor.closed;
});

test("a PDU larger than maxPduLength is refused from its header: A-ABORT reason 6, body never sent", async (t) => {
  const { server, port, next } = await acceptorServer({ maxPduLength: 1024 });
  t.after(() => server.close());
  const peer = await connectPeer(port);
  t.after(() => peer.destroy());
  const acceptor = await next();
  // An A-ASSOCIATE-RQ header announcing a 1 MB body, and just the first bytes of it.
  peer.send(hex("01 00 000F4240 0001 0000"));
  const abort = await peer.waitForPdu(PduType.AAbort);
  assert.deepEqual([...abort.body], [0, 0, 2, 6]);
  peer.end();
  const err = await acceptor.closed;
  assert.ok(err instanceof AssociationAbortedError);
});

test("an unexpected PDU in Sta6 gets AA-8: A-ABORT (2, 2) and an A-P-ABORT indication", async (t) => {
  const { server, port, next } = await acceptorServer();
  t.after(() => server.close());
  const peer = await connectPeer(port);
  t.after(() => peer.destroy());
  const acceptor = await next();
  peer.send(encodePdu(rq));
  await acceptor.associateRequest();
  await acceptor.accept(ac);
  await peer.waitForPdu(PduType.AAssociateAc);
  const aborted = new Promise<Error>((resolve) => acceptor.on("aborted", resolve));
  peer.send(encodePdu(rq)); // a second A-ASSOCIATE-RQ
  const abort = await peer
    .waitFor((p) => p.pdus().some((x) => x.type === PduType.AAbort))
    .then(() => peer.pdus().find((x) => x.type === PduType.AAbort));
  assert.deepEqual([...(abort?.body ?? [])], [0, 0, 2, 2]);
  const e = await aborted;
  assert.ok(e instanceof AssociationAbortedError);
  assert.equal(e.by, "local");
  assert.equal(acceptor.state, "Sta13");
  peer.end();
  await acceptor.closed;
});

test("a peer that sends half a PDU and stalls is dropped by ARTIM within the timeout", async (t) => {
  const { server, port, next } = await acceptorServer({ artimTimeoutMs: 200 });
  t.after(() => server.close());
  const peer = await connectPeer(port);
  t.after(() => peer.destroy());
  const acceptor = await next();
  const started = performance.now();
  peer.send(hex("01 00 00000044 0001"));
  const err = await acceptor.closed;
  const elapsed = performance.now() - started;
  assert.ok(err instanceof ArtimTimeoutError, String(err));
  assert.ok(elapsed >= 150 && elapsed < 5000, `closed after ${elapsed} ms`);
  await peer.closed;
  assert.equal(acceptor.state, "Sta1");
});

test("the idle timer aborts an association whose peer goes silent", async (t) => {
  const { server, port, next } = await acceptorServer({ idleTimeoutMs: 150, artimTimeoutMs: 150 });
  t.after(() => server.close());
  const peer = await connectPeer(port);
  t.after(() => peer.destroy());
  const acceptor = await next();
  peer.send(encodePdu(rq));
  await acceptor.associateRequest();
  await acceptor.accept(ac);
  const abort = await peer.waitForPdu(PduType.AAbort);
  assert.deepEqual([...abort.body], [0, 0, 2, 0]);
  const err = await acceptor.closed;
  assert.equal((err as { code?: string } | undefined)?.code, "ERR_TIMEOUT");
});

test("transition and pduSent listeners: once() hears one, off() stops them, others keep theirs", async (t) => {
  const { server, port, next } = await acceptorServer();
  t.after(() => server.close());
  const requestor = await UpperLayer.connect({ host: "127.0.0.1", port });
  t.after(() => requestor.transport.destroy());
  const firstOnly: string[] = [];
  requestor.once("transition", (x) => firstOnly.push(`${x.from}+${x.event}`));
  const stopped: number[] = [];
  const stop = (p: { type: number }) => stopped.push(p.type);
  requestor.on("pduSent", stop);
  const kept: number[] = [];
  requestor.on("pduSent", (p) => kept.push(p.type));

  await establish(t, requestor, next);
  requestor.off("pduSent", stop);
  await requestor.sendPData([{ contextId: 1, isCommand: true, isLast: true, data: new Uint8Array([1, 2]) }]);
  assert.deepEqual(firstOnly, ["Sta1+Evt1"]);
  assert.deepEqual(stopped, [PduType.AAssociateRq]);
  assert.deepEqual(kept, [PduType.AAssociateRq, PduType.PDataTf]);
  // The last listener gone: nothing is reported, the steps still happen.
  const late: string[] = [];
  const onStep = (x: Transition) => late.push(x.event);
  requestor.on("transition", onStep);
  requestor.off("transition", onStep);
  await requestor.release();
  assert.deepEqual(late, []);
  assert.equal(requestor.state, "Sta1");
});
