// The SCU side: ae.associate, sendCEcho and sendCStore against a scripted fake SCP that stalls,
// talks garbage, aborts, floods, or answers what was not asked. Each ends in a typed error within
// the configured timeouts, and the peer sees the A-ABORT PS3.8 prescribes where one is due.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AE } from "../../src/ae.js";
import { AcseTimeoutError } from "../../src/association-requestor.js";
import { Dataset, sop, ts } from "../../src/dataset/index.js";
import { cEchoRsp, decodeCommand, encodeCommand } from "../../src/dimse/index.js";
import { AssociationAbortedError } from "../../src/dul/errors.js";
import { decodePdu, encodePdu, type Pdu, PduType } from "../../src/pdu/index.js";
import type { PresentationContextAcItem } from "../../src/pdu/presentation-context.js";
import { NetdicomError } from "../../src/util/errors.js";
import { type FakePeer, listenPeer } from "../helpers/peer.js";
import { abortBytes, appContext, pData } from "./hostile-helpers.js";

type T = { after: (fn: () => unknown) => void };

const TIMEOUT_MS = 300;
/** Slack over a timeout for the test to call it "within": generous for a loaded CI machine. */
const SLACK_MS = 3000;

async function setup(t: T) {
  const { server, port, next } = await listenPeer();
  t.after(() => server.close());
  const ae = new AE({
    aeTitle: "HOSTILE_SCU",
    acseTimeoutMs: TIMEOUT_MS,
    dimseTimeoutMs: TIMEOUT_MS,
    networkTimeoutMs: 0,
  });
  ae.addRequestedContext(sop.Verification, ts.ImplicitVRLittleEndian);
  ae.addRequestedContext(sop.CTImageStorage, ts.ImplicitVRLittleEndian);
  return { ae, port, next };
}

/** The i-th whole PDU the peer received, decoded. */
function received(peer: FakePeer, i: number): Pdu {
  let at = 0;
  const pdus = peer.pdus();
  for (let k = 0; k < i; k++) at += 6 + pdus[k]!.body.byteLength;
  return decodePdu(peer.received.subarray(at, at + 6 + pdus[i]!.body.byteLength));
}

/** Answers the peer's A-ASSOCIATE-RQ with an AC accepting every context (or `contexts`). */
async function acceptRq(peer: FakePeer, contexts?: PresentationContextAcItem[]): Promise<void> {
  await peer.waitForPdu(PduType.AAssociateRq);
  const rq = received(peer, 0);
  assert.equal(rq.type, PduType.AAssociateRq);
  if (rq.type !== PduType.AAssociateRq) return;
  peer.send(
    encodePdu({
      type: PduType.AAssociateAc,
      protocolVersion: 1,
      calledAeTitle: rq.calledAeTitle,
      callingAeTitle: rq.callingAeTitle,
      applicationContextName: appContext,
      presentationContexts:
        contexts ??
        rq.presentationContexts.map((c) => ({
          contextId: c.contextId,
          result: 0,
          transferSyntax: ts.ImplicitVRLittleEndian,
        })),
      userInformation: { maximumLength: 16382, implementationClassUid: "1.2.3.4" },
    }),
  );
}

/** Resolves with the rejection of `p` and how long it took; fails if `p` resolves. */
async function rejection(p: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const start = performance.now();
  try {
    await p;
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
  assert.fail("expected a rejection");
}

/** Waits for the A-ABORT from the SCU and returns its hex; closes our end. */
async function abortFromScu(peer: FakePeer): Promise<string> {
  const pdu = await peer.waitForPdu(PduType.AAbort);
  peer.end();
  await peer.closed;
  return `0700${(4).toString(16).padStart(8, "0")}${Buffer.from(pdu.body).toString("hex")}`;
}

test("an SCP that never answers the A-ASSOCIATE-RQ: AcseTimeoutError within acseTimeoutMs, then A-ABORT", async (t) => {
  const { ae, port, next } = await setup(t);
  const start = performance.now();
  const assocP = ae.associate("127.0.0.1", port, { aeTitle: "SILENT" });
  const peer = await next();
  const assoc = await assocP;
  const ms = performance.now() - start;
  // pynetdicom's contract: associate() resolves, not established, with the typed cause.
  assert.equal(assoc.isEstablished, false);
  assert.ok(assoc.abortError instanceof AcseTimeoutError, String(assoc.abortError));
  assert.equal(assoc.abortError.code, "ERR_TIMEOUT");
  assert.ok(ms >= TIMEOUT_MS - 5 && ms < TIMEOUT_MS + SLACK_MS, `${ms} ms`);
  // A-ABORT from the service-user (PS3.8 9.3.8: reason not significant, 0).
  assert.equal(await abortFromScu(peer), abortBytes(0, 0));
  await assoc.closed;
});

test("an SCP that answers garbage: a typed error, and the SCU sends A-ABORT (2,1)", async (t) => {
  const { ae, port, next } = await setup(t);
  const assocP = ae.associate("127.0.0.1", port, { aeTitle: "GARBAGE" });
  const peer = await next();
  await peer.waitForPdu(PduType.AAssociateRq);
  peer.send(new Uint8Array([0x48, 0x00, 0x00, 0x00, 0x00, 0x02, 0x41, 0x42]));
  const assoc = await assocP;
  assert.equal(assoc.isEstablished, false);
  assert.ok(assoc.abortError instanceof NetdicomError, String(assoc.abortError));
  // Unknown PDU type 0x48 in Sta5: A-ABORT, service-provider, unrecognized PDU (PS3.8 9.3.8).
  assert.equal(await abortFromScu(peer), abortBytes(2, 1));
  await assoc.closed;
});

test("an SCP that aborts in the middle of a C-ECHO: AssociationAbortedError", async (t) => {
  const { ae, port, next } = await setup(t);
  const assocP = ae.associate("127.0.0.1", port, { aeTitle: "ABORTER" });
  const peer = await next();
  await acceptRq(peer);
  const assoc = await assocP;
  assert.equal(assoc.isEstablished, true);
  const echo = assoc.sendCEcho();
  await peer.waitForPdu(PduType.PDataTf);
  peer.send(new Uint8Array([0x07, 0, 0, 0, 0, 4, 0, 0, 0, 0]));
  const { error } = await rejection(echo);
  assert.ok(error instanceof AssociationAbortedError, String(error));
  assert.equal(error.by, "peer");
  peer.end();
  await assoc.closed;
});

test("an SCP that accepts, then never answers a C-ECHO: DIMSE timeout, then A-ABORT", async (t) => {
  const { ae, port, next } = await setup(t);
  const assocP = ae.associate("127.0.0.1", port, { aeTitle: "MUTE" });
  const peer = await next();
  await acceptRq(peer);
  const assoc = await assocP;
  const { error, ms } = await rejection(assoc.sendCEcho());
  assert.ok(error instanceof NetdicomError, String(error));
  assert.match(error.code, /TIMEOUT/);
  assert.ok(ms < TIMEOUT_MS + SLACK_MS, `${ms} ms`);
  assert.equal((await abortFromScu(peer)).slice(0, 16), "0700000000040000");
  await assoc.closed;
});

test("an SCP that never answers the A-RELEASE-RQ: release() aborts within acseTimeoutMs", async (t) => {
  const { ae, port, next } = await setup(t);
  const assocP = ae.associate("127.0.0.1", port, { aeTitle: "NO-RP" });
  const peer = await next();
  await acceptRq(peer);
  const assoc = await assocP;
  const events: string[] = [];
  assoc.on("released", () => events.push("released"));
  assoc.on("aborted", () => events.push("aborted"));
  const start = performance.now();
  const released = assoc.release();
  await peer.waitForPdu(PduType.AReleaseRq);
  await released;
  const ms = performance.now() - start;
  assert.ok(ms >= TIMEOUT_MS - 5 && ms < TIMEOUT_MS + SLACK_MS, `${ms} ms`);
  assert.deepEqual([assoc.isReleased, assoc.isAborted], [false, true]);
  assert.deepEqual(events, ["aborted"]);
  // A-ABORT from the service-user (PS3.8 9.3.8: reason not significant, 0).
  assert.equal(await abortFromScu(peer), abortBytes(0, 0));
});

test("an SCP that sends a PDU announcing 4 GB: A-ABORT (2,6) at the header, nothing buffered", async (t) => {
  const { ae, port, next } = await setup(t);
  const assocP = ae.associate("127.0.0.1", port, { aeTitle: "FLOODER" });
  const peer = await next();
  await acceptRq(peer);
  const assoc = await assocP;
  const echo = assoc.sendCEcho();
  await peer.waitForPdu(PduType.PDataTf);
  peer.send(new Uint8Array([PduType.PDataTf, 0, 0xff, 0xff, 0xff, 0xf0, 0, 0, 0]));
  const { error } = await rejection(echo);
  assert.ok(error instanceof AssociationAbortedError, String(error));
  assert.equal(await abortFromScu(peer), abortBytes(2, 6));
  await assoc.closed;
});

test("an A-ASSOCIATE-AC accepting a context ID that was never proposed: ignored, never used", async (t) => {
  const { ae, port, next } = await setup(t);
  const assocP = ae.associate("127.0.0.1", port, { aeTitle: "LIAR" });
  const peer = await next();
  // Context 1 (Verification) accepted; 3 not answered; 77 was never proposed.
  await acceptRq(peer, [
    { contextId: 1, result: 0, transferSyntax: ts.ImplicitVRLittleEndian },
    { contextId: 77, result: 0, transferSyntax: ts.ImplicitVRLittleEndian },
  ]);
  const assoc = await assocP;
  assert.equal(assoc.isEstablished, true, assoc.reason);
  assert.deepEqual(
    assoc.acceptedContexts.map((c) => c.contextId),
    [1],
  );
  // Storage was not accepted: a C-STORE is refused locally with a typed error, nothing is sent.
  const ds = new Dataset({ SOPClassUID: sop.CTImageStorage, SOPInstanceUID: "2.25.77" });
  const { error } = await rejection(assoc.sendCStore(ds));
  assert.ok(error instanceof NetdicomError, String(error));
  assert.equal(error.code, "ERR_NO_PRESENTATION_CONTEXT");
  assert.equal(peer.pdus().filter((p) => p.type === PduType.PDataTf).length, 0);
  await assoc.abort();
  await assoc.closed;
});

test("a C-ECHO-RSP with the wrong Message ID Being Responded To: not taken as the answer", async (t) => {
  const { ae, port, next } = await setup(t);
  const assocP = ae.associate("127.0.0.1", port, { aeTitle: "WRONGID" });
  const peer = await next();
  await acceptRq(peer);
  const assoc = await assocP;
  const echo = assoc.sendCEcho();
  await peer.waitForPdu(PduType.PDataTf);
  const rq = received(peer, 1);
  assert.equal(rq.type, PduType.PDataTf);
  if (rq.type !== PduType.PDataTf) return;
  const id = decodeCommand(rq.values[0]!.data).messageId ?? 0;
  const wrong = encodeCommand(cEchoRsp({ messageIdBeingRespondedTo: (id + 1000) & 0xffff, status: 0 }));
  peer.send(pData(rq.values[0]!.contextId, 0x03, wrong));
  // Either the SCU aborts at once (a response nobody asked for) or times out: a typed error, never success.
  const { error, ms } = await rejection(echo);
  assert.ok(error instanceof NetdicomError, String(error));
  assert.ok(ms < TIMEOUT_MS + SLACK_MS, `${ms} ms`);
  await abortFromScu(peer);
  await assoc.closed;
});

test("an SCP that aborts while a C-STORE data set is being sent: AssociationAbortedError", async (t) => {
  const { ae, port, next } = await setup(t);
  const assocP = ae.associate("127.0.0.1", port, { aeTitle: "STOREABORT" });
  const peer = await next();
  await acceptRq(peer);
  const assoc = await assocP;
  const ds = new Dataset({
    SOPClassUID: sop.CTImageStorage,
    SOPInstanceUID: "2.25.31337",
    PatientName: "Abort^Me",
  });
  ds.set("PixelData", new Uint8Array(256 * 1024), "OW");
  const store = assoc.sendCStore(ds);
  await peer.waitForPdu(PduType.PDataTf);
  peer.send(new Uint8Array([0x07, 0, 0, 0, 0, 4, 0, 0, 2, 0]));
  const { error } = await rejection(store);
  assert.ok(error instanceof AssociationAbortedError, String(error));
  peer.end();
  await assoc.closed;
});
