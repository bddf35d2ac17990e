// The acceptor's A-ASSOCIATE-AC: assembled and encoded once while the same request comes with the
// same settings and outcome, anew as soon as any of them changes (on 127.0.0.1).
import assert from "node:assert/strict";
import { test } from "node:test";
import { AE } from "../src/ae.js";
import type { Association } from "../src/association.js";
import { sop, ts } from "../src/dataset/uids.js";
import { type AAssociateAc, PduType } from "../src/pdu/index.js";

type T = { after: (fn: () => Promise<unknown>) => void };

async function once(ae: AE, port: number): Promise<Association> {
  const assoc = await ae.associate("127.0.0.1", port, { aeTitle: "AC_SCP" });
  assert.equal(assoc.isEstablished, true);
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
  await assoc.release();
  return assoc;
}

/** Starts a server of `scp` that records the A-ASSOCIATE-AC of each association it serves a C-ECHO on. */
async function recordingServer(t: T, scp: AE, answers: AAssociateAc[]): Promise<number> {
  const server = await scp.startServer({
    host: "127.0.0.1",
    handlers: {
      C_ECHO: (event) => {
        const ac = event.assoc.acceptor.primitive;
        if (ac?.type === PduType.AAssociateAc) answers.push(ac);
        return 0x0000;
      },
    },
  });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  return server.port;
}

test("the same request twice: the acceptor answers with one frozen A-ASSOCIATE-AC; a change of its settings gives a new one", async (t: T) => {
  const scp = new AE({ aeTitle: "AC_SCP" });
  scp.addSupportedContext(sop.Verification, [ts.ExplicitVRLittleEndian]);
  const answers: AAssociateAc[] = [];
  const port = await recordingServer(t, scp, answers);
  const scu = new AE({ aeTitle: "AC_SCU" });
  scu.addRequestedContext(sop.Verification, [ts.ImplicitVRLittleEndian, ts.ExplicitVRLittleEndian]);
  const a = await once(scu, port);
  const b = await once(scu, port);
  assert.equal(answers.length, 2);
  assert.equal(answers[1], answers[0], "assembled once");
  assert.ok(Object.isFrozen(answers[0]));
  assert.equal(a.acceptedContexts[0]?.transferSyntax, ts.ExplicitVRLittleEndian);
  assert.equal(b.acceptedContexts[0]?.transferSyntax, ts.ExplicitVRLittleEndian);

  // The server now supports only implicit VR for the same request: the answer must say so.
  scp.removeSupportedContext(sop.Verification);
  scp.addSupportedContext(sop.Verification, [ts.ImplicitVRLittleEndian]);
  const port2 = await recordingServer(t, scp, answers);
  const c = await once(scu, port2);
  assert.equal(answers.length, 3);
  assert.notEqual(answers[2], answers[0]);
  assert.equal(answers[2]?.presentationContexts[0]?.transferSyntax, ts.ImplicitVRLittleEndian);
  assert.equal(c.acceptedContexts[0]?.transferSyntax, ts.ImplicitVRLittleEndian);

  // A different maximum PDU length on the acceptor's side: a new answer carrying it.
  scp.maximumPduSize = 65536;
  const port3 = await recordingServer(t, scp, answers);
  const d = await once(scu, port3);
  assert.equal(answers.length, 4);
  assert.notEqual(answers[3], answers[2]);
  assert.equal(answers[3]?.userInformation.maximumLength, 65536);
  assert.equal(d.acceptor.maximumLength, 65536, "the requestor read it");
});
