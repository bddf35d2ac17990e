// The requestor's A-ASSOCIATE-RQ: built once and reused while the request asks for the same,
// built afresh as soon as anything that goes into it changes (on 127.0.0.1).
import assert from "node:assert/strict";
import { test } from "node:test";
import { buildContext } from "../src/acse/index.js";
import { AE } from "../src/ae.js";
import type { Association } from "../src/association.js";
import { sop, ts } from "../src/dataset/uids.js";
import type { AAssociateRq } from "../src/pdu/index.js";

type T = { after: (fn: () => Promise<unknown>) => void };

/** A Verification and CT SCP that records the A-ASSOCIATE-RQ of every association it accepts. */
async function recordingServer(t: T): Promise<{ port: number; requests: AAssociateRq[] }> {
  const ae = new AE({ aeTitle: "RQ_SCP" });
  ae.addSupportedContext(sop.Verification);
  ae.addSupportedContext(sop.CTImageStorage);
  const requests: AAssociateRq[] = [];
  const server = await ae.startServer({
    host: "127.0.0.1",
    onAssociationRequest: (info) => {
      const rq = info.assoc.requestor.primitive;
      if (rq?.type === 0x01) requests.push(rq);
      return true;
    },
  });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  return { port: server.port, requests };
}

async function echoOnce(assoc: Association): Promise<void> {
  assert.equal(assoc.isEstablished, true);
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
  await assoc.release();
}

test("the same request twice: one frozen A-ASSOCIATE-RQ object, and the acceptor reads the same values", async (t) => {
  const { port, requests } = await recordingServer(t);
  const ae = new AE({ aeTitle: "RQ_SCU" });
  ae.addRequestedContext(sop.Verification);
  const a = await ae.associate("127.0.0.1", port, { aeTitle: "RQ_SCP" });
  await echoOnce(a);
  const b = await ae.associate("127.0.0.1", port, { aeTitle: "RQ_SCP" });
  await echoOnce(b);
  assert.ok(a.requestor.primitive, "the request is the requestor's primitive");
  assert.equal(a.requestor.primitive, b.requestor.primitive, "built once");
  assert.ok(Object.isFrozen(a.requestor.primitive), "shared, so frozen");
  assert.ok(Object.isFrozen((a.requestor.primitive as AAssociateRq).presentationContexts[0]));
  assert.equal(requests.length, 2);
  assert.deepEqual(requests[1], requests[0]);
  assert.equal(requests[1]?.callingAeTitle.trim(), "RQ_SCU");
});

test("anything that goes into the request changes it: called AE title, maximum PDU, a context added, a context changed", async (t) => {
  const { port, requests } = await recordingServer(t);
  const ae = new AE({ aeTitle: "RQ_SCU" });
  ae.addRequestedContext(sop.Verification);
  await echoOnce(await ae.associate("127.0.0.1", port, { aeTitle: "RQ_SCP" }));
  await echoOnce(await ae.associate("127.0.0.1", port, { aeTitle: "OTHER_TITLE" }));
  await echoOnce(await ae.associate("127.0.0.1", port, { aeTitle: "OTHER_TITLE", maxPdu: 32768 }));
  // Added in place to the AE's own list: the same array object, one more context.
  ae.addRequestedContext(sop.CTImageStorage);
  await echoOnce(await ae.associate("127.0.0.1", port, { aeTitle: "OTHER_TITLE", maxPdu: 32768 }));
  // A context object of the caller's, changed between two requests.
  const cx = buildContext(sop.Verification, [ts.ImplicitVRLittleEndian]);
  await echoOnce(await ae.associate("127.0.0.1", port, { aeTitle: "RQ_SCP", contexts: [cx] }));
  cx.transferSyntaxes = [ts.ExplicitVRLittleEndian];
  await echoOnce(await ae.associate("127.0.0.1", port, { aeTitle: "RQ_SCP", contexts: [cx] }));

  assert.equal(requests.length, 6);
  assert.deepEqual(
    requests.map((rq) => rq.calledAeTitle.trim()),
    ["RQ_SCP", "OTHER_TITLE", "OTHER_TITLE", "OTHER_TITLE", "RQ_SCP", "RQ_SCP"],
  );
  assert.deepEqual(
    requests.map((rq) => rq.userInformation.maximumLength),
    [16382, 16382, 32768, 32768, 16382, 16382],
  );
  assert.deepEqual(
    requests.map((rq) => rq.presentationContexts.map((pc) => pc.abstractSyntax)),
    [
      [sop.Verification],
      [sop.Verification],
      [sop.Verification],
      [sop.Verification, sop.CTImageStorage],
      [sop.Verification],
      [sop.Verification],
    ],
  );
  assert.deepEqual(requests[4]?.presentationContexts[0]?.transferSyntaxes, [ts.ImplicitVRLittleEndian]);
  assert.deepEqual(requests[5]?.presentationContexts[0]?.transferSyntaxes, [ts.ExplicitVRLittleEndian]);
});

test("a request with extended negotiation items is built afresh each time (not shared)", async (t) => {
  const { port, requests } = await recordingServer(t);
  const ae = new AE({ aeTitle: "RQ_SCU", maxAsyncOperations: { invoked: 4, performed: 4 } });
  ae.addRequestedContext(sop.Verification);
  const a = await ae.associate("127.0.0.1", port, { aeTitle: "RQ_SCP" });
  await echoOnce(a);
  const b = await ae.associate("127.0.0.1", port, { aeTitle: "RQ_SCP" });
  await echoOnce(b);
  assert.notEqual(a.requestor.primitive, b.requestor.primitive);
  assert.equal(requests.length, 2);
  assert.deepEqual(requests[0]?.userInformation.asynchronousOperationsWindow, {
    maxOperationsInvoked: 4,
    maxOperationsPerformed: 4,
  });
});
