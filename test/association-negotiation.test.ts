// Association negotiation end to end on 127.0.0.1: transfer syntax choice, each rejection as
// the requestor sees it, role selection, extended negotiation through the handlers, the hook.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  AsynchronousOperationsWindowNegotiation,
  buildRole,
  SOPClassCommonExtendedNegotiation,
  SOPClassExtendedNegotiation,
  UserIdentityNegotiation,
} from "../src/acse/index.js";
import { AE } from "../src/ae.js";
import type { Association } from "../src/association.js";
import { sop, ts } from "../src/dataset/uids.js";
import { Event } from "../src/events.js";
import { type AAssociateRq, decodePdu, encodePdu, PduType } from "../src/pdu/index.js";
import type { AssociationServer, ServerOptions } from "../src/server.js";
import { connectPeer } from "./helpers/peer.js";

const CT = sop.CTImageStorage;

async function serve(
  t: { after: (fn: () => Promise<unknown>) => void },
  setup: (ae: AE) => void,
  options: ServerOptions = {},
): Promise<{ ae: AE; server: AssociationServer }> {
  const ae = new AE({ aeTitle: "SCP" });
  ae.addSupportedContext(sop.Verification);
  setup(ae);
  const server = await ae.startServer({ host: "127.0.0.1", ...options });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  return { ae, server };
}

function requestor(setup?: (ae: AE) => void): AE {
  const ae = new AE({ aeTitle: "SCU" });
  if (setup) setup(ae);
  else ae.addRequestedContext(sop.Verification);
  return ae;
}

async function open(
  t: { after: (fn: () => Promise<void>) => void },
  ae: AE,
  port: number,
  options: Parameters<AE["associate"]>[2] = {},
): Promise<Association> {
  const assoc = await ae.associate("127.0.0.1", port, options);
  t.after(() => assoc.abort());
  return assoc;
}

test("transfer syntax: the first of the requestor's list that the acceptor supports", async (t) => {
  const { server } = await serve(t, (ae) =>
    ae.addSupportedContext(CT, [ts.ExplicitVRLittleEndian, ts.ImplicitVRLittleEndian]),
  );
  const ae = requestor((a) =>
    a.addRequestedContext(CT, [ts.ExplicitVRBigEndian, ts.ImplicitVRLittleEndian, ts.ExplicitVRLittleEndian]),
  );
  const assoc = await open(t, ae, server.port);
  assert.equal(assoc.isEstablished, true);
  assert.equal(assoc.acceptedContexts.length, 1);
  assert.equal(assoc.acceptedContexts[0]!.transferSyntax, ts.ImplicitVRLittleEndian);
  assert.equal(assoc.acceptedContexts[0]!.abstractSyntax, CT);
  await assoc.release();
  assert.equal(assoc.isReleased, true);
});

test("per-context results: abstract syntax and transfer syntax not supported are rejected contexts", async (t) => {
  const { server } = await serve(t, (ae) => ae.addSupportedContext(CT, ts.ExplicitVRLittleEndian));
  const ae = requestor((a) => {
    a.addRequestedContext(sop.Verification);
    a.addRequestedContext(CT, ts.ImplicitVRLittleEndian);
    a.addRequestedContext(sop.MRImageStorage);
  });
  const assoc = await open(t, ae, server.port);
  assert.equal(assoc.isEstablished, true);
  assert.deepEqual(
    assoc.rejectedContexts.map((cx) => [cx.abstractSyntax, cx.result]),
    [
      [CT, 4],
      [sop.MRImageStorage, 3],
    ],
  );
  assert.deepEqual(
    assoc.acceptedContexts.map((cx) => cx.abstractSyntax),
    [sop.Verification],
  );
});

for (const c of [
  {
    name: "called AE title not recognised (1,1,7)",
    scp: { requireCalledAet: true },
    called: "WRONG",
    want: { result: 1, source: 1, reason: 7 },
  },
  {
    name: "calling AE title not recognised (1,1,3)",
    scp: { requireCallingAet: ["OTHER"] },
    called: "SCP",
    want: { result: 1, source: 1, reason: 3 },
  },
]) {
  test(`rejection: ${c.name}`, async (t) => {
    const { server } = await serve(t, (ae) => Object.assign(ae, c.scp));
    const ae = requestor();
    const rejected: unknown[] = [];
    const assoc = await open(t, ae, server.port, {
      aeTitle: c.called,
      handlers: { [Event.REJECTED]: (e) => void rejected.push([e.result, e.source, e.reason]) },
    });
    assert.equal(assoc.isRejected, true);
    assert.equal(assoc.isEstablished, false);
    assert.deepEqual({ ...assoc.rejection }, c.want);
    assert.deepEqual(rejected, [[c.want.result, c.want.source, c.want.reason]]);
    assert.match(assoc.reason ?? "", /rejected-permanent/);
  });
}

test("rejection: no acceptable presentation context (1,1,1)", async (t) => {
  const { server } = await serve(t, () => {});
  const ae = requestor((a) => a.addRequestedContext(CT));
  const assoc = await open(t, ae, server.port);
  assert.equal(assoc.isRejected, true);
  assert.deepEqual({ ...assoc.rejection }, { result: 1, source: 1, reason: 1 });
});

test("rejection: too many associations is (2,3,2), the extra ones rejected, not dropped", async (t) => {
  const { server } = await serve(t, (ae) => {
    ae.maximumAssociations = 2;
  });
  const ae = requestor();
  const all = await Promise.all(Array.from({ length: 5 }, () => open(t, ae, server.port)));
  const established = all.filter((a) => a.isEstablished);
  const rejected = all.filter((a) => a.isRejected);
  assert.equal(established.length, 2);
  assert.equal(rejected.length, 3);
  for (const a of rejected) assert.deepEqual({ ...a.rejection }, { result: 2, source: 3, reason: 2 });
  // Once one is released, a new one gets in.
  await established[0]!.release();
  const again = await open(t, ae, server.port);
  assert.equal(again.isEstablished, true);
});

function rawRq(overrides: Partial<AAssociateRq>): Uint8Array {
  const rq: AAssociateRq = {
    type: PduType.AAssociateRq,
    protocolVersion: 1,
    calledAeTitle: "SCP",
    callingAeTitle: "RAW",
    applicationContextName: "1.2.840.10008.3.1.1.1",
    presentationContexts: [
      { contextId: 1, abstractSyntax: sop.Verification, transferSyntaxes: [ts.ImplicitVRLittleEndian] },
    ],
    userInformation: { maximumLength: 16382, implementationClassUid: "1.2.3.4" },
    ...overrides,
  };
  return encodePdu(rq);
}

for (const c of [
  { name: "protocol version not supported (1,2,2)", rq: { protocolVersion: 2 }, want: [1, 2, 2] },
  { name: "application context name not supported (1,1,2)", rq: { applicationContextName: "1.2.3" }, want: [1, 1, 2] },
]) {
  test(`rejection: ${c.name}, to a raw peer`, async (t) => {
    const { server } = await serve(t, () => {});
    const peer = await connectPeer(server.port);
    t.after(() => peer.destroy());
    peer.send(rawRq(c.rq));
    const rj = await peer.waitForPdu(PduType.AAssociateRj);
    const pdu = decodePdu(new Uint8Array([rj.type, 0, 0, 0, 0, rj.body.byteLength, ...rj.body]));
    assert.equal(pdu.type, PduType.AAssociateRj);
    if (pdu.type !== PduType.AAssociateRj) return;
    assert.deepEqual([pdu.result, pdu.source, pdu.reason], c.want);
    // PS3.8 9.2 (Sta13): after an A-ASSOCIATE-RJ the requestor closes the connection.
    peer.end();
    await peer.closed;
  });
}

test("role selection: SCP role proposed and granted gives the requestor SCP, the acceptor SCU", async (t) => {
  const { server } = await serve(t, (ae) => ae.addSupportedContext(CT, undefined, true, true));
  const ae = requestor((a) => a.addRequestedContext(CT));
  const assoc = await open(t, ae, server.port, {
    extendedNegotiation: [buildRole(CT, { scuRole: false, scpRole: true })],
  });
  assert.equal(assoc.isEstablished, true);
  const cx = assoc.acceptedContexts[0]!;
  assert.equal(cx.asScp, true);
  assert.equal(cx.asScu, false);
  const [peerSide] = server.activeAssociations;
  assert.equal(peerSide?.acceptedContexts[0]?.asScu, true);
  assert.equal(peerSide?.acceptedContexts[0]?.asScp, false);
});

test("role selection: a proposal the acceptor declines entirely rejects the context", async (t) => {
  const { server } = await serve(t, (ae) => ae.addSupportedContext(CT, undefined, false, false));
  const ae = requestor((a) => {
    a.addRequestedContext(sop.Verification);
    a.addRequestedContext(CT);
  });
  const assoc = await open(t, ae, server.port, {
    extendedNegotiation: [buildRole(CT, { scuRole: false, scpRole: true })],
  });
  assert.equal(assoc.isEstablished, true);
  assert.deepEqual(
    assoc.rejectedContexts.map((cx) => [cx.abstractSyntax, cx.result]),
    [[CT, 1]],
  );
});

const identity = (type: 1 | 2 | 3, positive = false) =>
  new UserIdentityNegotiation({
    userIdentityType: type,
    primaryField: "alice",
    ...(type === 2 ? { secondaryField: "secret" } : {}),
    positiveResponseRequested: positive,
  });

test("user identity: the handler sees the fields and accepts", async (t) => {
  const seen: unknown[] = [];
  const { server } = await serve(t, () => {}, {
    handlers: {
      [Event.USER_ID]: (e) => {
        seen.push([e.userIdType, new TextDecoder().decode(e.primaryField), new TextDecoder().decode(e.secondaryField)]);
        return true;
      },
    },
  });
  const assoc = await open(t, requestor(), server.port, { extendedNegotiation: [identity(2)] });
  assert.equal(assoc.isEstablished, true);
  assert.deepEqual(seen, [[2, "alice", "secret"]]);
  assert.equal(assoc.acceptor.userIdentity, undefined);
});

test("user identity: not verified rejects (2,2,1); a throwing handler too", async (t) => {
  for (const handler of [() => ({ verified: false }), () => Promise.reject(new Error("ldap down"))]) {
    const { server } = await serve(t, () => {}, { handlers: { [Event.USER_ID]: handler } });
    const assoc = await open(t, requestor(), server.port, { extendedNegotiation: [identity(1)] });
    assert.equal(assoc.isRejected, true);
    assert.deepEqual({ ...assoc.rejection }, { result: 2, source: 2, reason: 1 });
  }
});

test("user identity: a positive response carries the handler's server response (type 3)", async (t) => {
  const { server } = await serve(t, () => {}, {
    handlers: { [Event.USER_ID]: () => ({ verified: true, response: "ticket-ok" }) },
  });
  const assoc = await open(t, requestor(), server.port, { extendedNegotiation: [identity(3, true)] });
  assert.equal(assoc.isEstablished, true);
  const rsp = assoc.acceptor.userIdentity?.serverResponse;
  assert.ok(rsp);
  assert.equal(new TextDecoder().decode(rsp), "ticket-ok");
});

test("asynchronous operations window: the handler sees the proposal, the answer is (1,1)", async (t) => {
  const seen: unknown[] = [];
  const { server } = await serve(t, () => {}, {
    handlers: { [Event.ASYNC_OPS]: (e) => void seen.push([e.invoked, e.performed]) },
  });
  const assoc = await open(t, requestor(), server.port, {
    extendedNegotiation: [new AsynchronousOperationsWindowNegotiation(5, 3)],
  });
  assert.equal(assoc.isEstablished, true);
  assert.deepEqual(seen, [[5, 3]]);
  assert.deepEqual(assoc.requestor.asynchronousOperations, [5, 3]);
  assert.deepEqual(assoc.acceptor.asynchronousOperations, [1, 1]);
});

test("SOP class extended negotiation: the handler's answers are sent back for requested classes only", async (t) => {
  const { server } = await serve(t, (ae) => ae.addSupportedContext(CT), {
    handlers: {
      [Event.SOP_EXTENDED]: (e) => {
        const answer = new Map<string, Uint8Array>([[sop.MRImageStorage, new Uint8Array([9])]]);
        for (const [uid, info] of e.requested)
          answer.set(
            uid,
            Uint8Array.from(info, (b) => b + 1),
          );
        return answer;
      },
    },
  });
  const ae = requestor((a) => a.addRequestedContext(CT));
  const assoc = await open(t, ae, server.port, {
    extendedNegotiation: [new SOPClassExtendedNegotiation(CT, new Uint8Array([1, 2]))],
  });
  assert.equal(assoc.isEstablished, true);
  assert.deepEqual(
    [...assoc.acceptor.sopClassExtended].map(([uid, info]) => [uid, [...info]]),
    [[CT, [2, 3]]],
  );
});

test("SOP class common extended negotiation: the handler picks what is accepted (recorded, not sent)", async (t) => {
  let acceptor: Association | undefined;
  const { server } = await serve(t, (ae) => ae.addSupportedContext(CT), {
    handlers: {
      [Event.SOP_COMMON]: (e) => {
        acceptor = e.assoc;
        return [...e.requested.keys()].filter((uid) => uid === CT);
      },
    },
  });
  const ae = requestor((a) => a.addRequestedContext(CT));
  const assoc = await open(t, ae, server.port, {
    extendedNegotiation: [
      new SOPClassCommonExtendedNegotiation(CT, "1.2.840.10008.4.2"),
      new SOPClassCommonExtendedNegotiation(sop.MRImageStorage, "1.2.840.10008.4.2"),
    ],
  });
  assert.equal(assoc.isEstablished, true);
  assert.deepEqual([...(acceptor?.acceptor.acceptedCommonExtended.keys() ?? [])], [CT]);
});

test("onAssociationRequest: sees the peer and may reject with any result/source/reason", async (t) => {
  const seen: unknown[] = [];
  const { server } = await serve(t, () => {}, {
    onAssociationRequest: async (info) => {
      seen.push([info.address, info.callingAeTitle, info.calledAeTitle, info.requestedContexts.length]);
      return info.callingAeTitle === "SCU" ? { reject: { result: 2, source: 1, reason: 1 } } : undefined;
    },
  });
  const assoc = await open(t, requestor(), server.port, { aeTitle: "SCP" });
  assert.deepEqual({ ...assoc.rejection }, { result: 2, source: 1, reason: 1 });
  const other = new AE({ aeTitle: "FRIEND" });
  other.addRequestedContext(sop.Verification);
  const ok = await open(t, other, server.port);
  assert.equal(ok.isEstablished, true);
  assert.deepEqual(seen, [
    ["127.0.0.1", "SCU", "SCP", 1],
    ["127.0.0.1", "FRIEND", "ANY-SCP", 1],
  ]);
});

test("service users after negotiation: primitives, titles, maximum lengths", async (t) => {
  const { server } = await serve(t, (ae) => {
    ae.maximumPduSize = 32768;
  });
  const assoc = await open(t, requestor(), server.port, { aeTitle: "SCP", maxPdu: 8192 });
  assert.equal(assoc.requestor.aeTitle, "SCU");
  assert.equal(assoc.acceptor.aeTitle, "SCP");
  assert.equal(assoc.requestor.maximumLength, 8192);
  assert.equal(assoc.acceptor.maximumLength, 32768);
  assert.equal(assoc.requestor.writeable, false);
  assert.equal(assoc.acceptor.primitive?.type, PduType.AAssociateAc);
  assert.equal(assoc.requestor.getContexts("pcdl").length, 1);
  assert.throws(() => {
    assoc.requestor.aeTitle = "X";
  }, /negotiation has started/);
});
