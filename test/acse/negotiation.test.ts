import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  buildContext,
  ContextResult,
  fromRqItem,
  NegotiationValueError,
  negotiateAsAcceptor,
  negotiateAsRequestor,
  negotiateRqItemsAsAcceptor,
  PresentationContext,
  roleOutcome,
} from "../../src/acse/index.js";
import { sop, ts } from "../../src/dataset/uids.js";

const ct = sop.CTImageStorage;
const mr = sop.MRImageStorage;
const jpeg = "1.2.840.10008.1.2.4.50";

function rq(id: number, abstractSyntax: string, transferSyntaxes: string[]): PresentationContext {
  return new PresentationContext({ contextId: id, abstractSyntax, transferSyntaxes });
}

describe("negotiateAsAcceptor: results (PS3.8 9.3.3.2)", () => {
  test("abstract syntax not supported → 3, with the requested first transfer syntax repeated", () => {
    const { contexts } = negotiateAsAcceptor([rq(1, mr, [ts.ExplicitVRLittleEndian])], [buildContext(ct)]);
    assert.equal(contexts.length, 1);
    assert.equal(contexts[0]?.result, ContextResult.AbstractSyntaxNotSupported);
    assert.equal(contexts[0]?.status, "Abstract Syntax Not Supported");
    assert.deepEqual(contexts[0]?.transferSyntaxes, [ts.ExplicitVRLittleEndian]);
    assert.equal(contexts[0]?.asScp, false);
  });

  test("no supported contexts at all → every context 3", () => {
    const { contexts } = negotiateAsAcceptor([rq(1, ct, [jpeg]), rq(3, mr, [jpeg])], []);
    assert.deepEqual(
      contexts.map((c) => c.result),
      [3, 3],
    );
  });

  test("supported abstract syntax, no common transfer syntax → 4", () => {
    const { contexts } = negotiateAsAcceptor([rq(1, ct, [jpeg])], [buildContext(ct)]);
    assert.equal(contexts[0]?.result, ContextResult.TransferSyntaxesNotSupported);
    assert.deepEqual(contexts[0]?.transferSyntaxes, [jpeg]);
  });

  test("acceptance takes the first transfer syntax in the requestor's order that the acceptor supports", () => {
    const requested = [rq(1, ct, [jpeg, ts.ExplicitVRBigEndian, ts.ExplicitVRLittleEndian])];
    const supported = [
      buildContext(ct, [ts.ImplicitVRLittleEndian, ts.ExplicitVRLittleEndian, ts.ExplicitVRBigEndian]),
    ];
    const { contexts } = negotiateAsAcceptor(requested, supported);
    assert.equal(contexts[0]?.result, ContextResult.Acceptance);
    assert.deepEqual(contexts[0]?.transferSyntaxes, [ts.ExplicitVRBigEndian]);
    assert.equal(contexts[0]?.transferSyntax, ts.ExplicitVRBigEndian);
  });

  test("transferSyntaxOrder 'acceptor' takes the acceptor's first one the requestor proposed (pynetdicom)", () => {
    const requested = [rq(1, ct, [ts.ExplicitVRBigEndian, ts.ExplicitVRLittleEndian])];
    const supported = [buildContext(ct, [ts.ExplicitVRLittleEndian, ts.ExplicitVRBigEndian])];
    const { contexts } = negotiateAsAcceptor(requested, supported, [], { transferSyntaxOrder: "acceptor" });
    assert.deepEqual(contexts[0]?.transferSyntaxes, [ts.ExplicitVRLittleEndian]);
  });

  test("answers come sorted by context ID; default roles: acceptor SCP only; no role items", () => {
    const { contexts, roles } = negotiateAsAcceptor(
      [rq(5, mr, [ts.ImplicitVRLittleEndian]), rq(1, ct, [ts.ImplicitVRLittleEndian]), rq(3, sop.Verification, [jpeg])],
      [buildContext(ct), buildContext(mr)],
    );
    assert.deepEqual(
      contexts.map((c) => [c.contextId, c.abstractSyntax, c.result]),
      [
        [1, ct, 0],
        [3, sop.Verification, 3],
        [5, mr, 0],
      ],
    );
    assert.equal(contexts[0]?.asScu, false);
    assert.equal(contexts[0]?.asScp, true);
    assert.deepEqual(roles, []);
  });

  test("the same abstract syntax in two contexts is answered for each", () => {
    const { contexts } = negotiateAsAcceptor(
      [rq(1, ct, [jpeg]), rq(3, ct, [ts.ImplicitVRLittleEndian])],
      [buildContext(ct)],
    );
    assert.deepEqual(
      contexts.map((c) => c.result),
      [4, 0],
    );
  });

  test("a repeated context ID is answered once", () => {
    const { contexts } = negotiateAsAcceptor(
      [rq(1, ct, [ts.ImplicitVRLittleEndian]), rq(1, mr, [ts.ImplicitVRLittleEndian])],
      [buildContext(ct), buildContext(mr)],
    );
    assert.equal(contexts.length, 1);
    assert.equal(contexts[0]?.abstractSyntax, ct);
  });

  test("a peer's out-of-rule abstract syntax is answered 3, not thrown on", () => {
    const odd = PresentationContext.fromPeer(7, "1.02.3", [ts.ImplicitVRLittleEndian]);
    const { contexts } = negotiateAsAcceptor([odd], [buildContext(ct)]);
    assert.equal(contexts[0]?.result, 3);
    assert.equal(contexts[0]?.abstractSyntax, "1.02.3");
  });
});

// PS3.7 D.3.3.4 as pynetdicom tabulates it. For each requestor proposal (scu, scp) and acceptor
// answer (scu, scp), the requestor may take the roles both proposed and granted; the acceptor
// takes the opposite ones; no role at all rejects the context.
const bools = [true, false] as const;
const pairs = bools.flatMap((scu) => bools.map((scp) => ({ scuRole: scu, scpRole: scp })));
const name = (p: { scuRole: boolean; scpRole: boolean }) => `(${p.scuRole ? 1 : 0},${p.scpRole ? 1 : 0})`;

describe("role selection, every row of the outcome table", () => {
  const expected: Record<string, [boolean, boolean, boolean, boolean] | "rejected"> = {
    "(1,1)(1,1)": [true, true, true, true],
    "(1,1)(1,0)": [true, false, false, true],
    "(1,1)(0,1)": [false, true, true, false],
    "(1,1)(0,0)": "rejected",
    "(1,0)(1,1)": [true, false, false, true],
    "(1,0)(1,0)": [true, false, false, true],
    "(1,0)(0,1)": "rejected",
    "(1,0)(0,0)": "rejected",
    "(0,1)(1,1)": [false, true, true, false],
    "(0,1)(1,0)": "rejected",
    "(0,1)(0,1)": [false, true, true, false],
    "(0,1)(0,0)": "rejected",
    "(0,0)(1,1)": "rejected",
    "(0,0)(1,0)": "rejected",
    "(0,0)(0,1)": "rejected",
    "(0,0)(0,0)": "rejected",
  };
  for (const proposed of pairs) {
    for (const answer of pairs) {
      const key = `${name(proposed)}${name(answer)}`;
      const want = expected[key];
      test(`requestor proposes ${name(proposed)}, acceptor allows ${name(answer)}`, () => {
        const supported = [buildContext(ct)];
        supported[0]!.scuRole = answer.scuRole;
        supported[0]!.scpRole = answer.scpRole;
        const roleItem = { sopClassUid: ct, ...proposed };
        const { contexts, roles } = negotiateAsAcceptor([rq(1, ct, [ts.ImplicitVRLittleEndian])], supported, [
          roleItem,
        ]);
        const cx = contexts[0]!;
        if (want === "rejected") {
          assert.equal(cx.result, ContextResult.UserRejection);
          assert.deepEqual([cx.asScu, cx.asScp], [false, false]);
          assert.deepEqual(roles, []);
          return;
        }
        assert.equal(cx.result, ContextResult.Acceptance);
        assert.deepEqual([cx.asScu, cx.asScp], [want?.[2], want?.[3]]);
        // The answer never grants a role that was not proposed (PS3.7 D.3.3.4).
        assert.equal(roles.length, 1);
        assert.equal(roles[0]?.scuRole, proposed.scuRole && answer.scuRole);
        assert.equal(roles[0]?.scpRole, proposed.scpRole && answer.scpRole);
        // The requestor, reading that answer, reaches the mirror outcome.
        const requested = [rq(1, ct, [ts.ImplicitVRLittleEndian]).with(proposed)];
        const back = negotiateAsRequestor(
          requested,
          [{ contextId: 1, result: 0, transferSyntax: ts.ImplicitVRLittleEndian }],
          roles,
        );
        assert.deepEqual([back[0]?.asScu, back[0]?.asScp], [want?.[0], want?.[1]]);
        assert.deepEqual(roleOutcome(proposed, answer), {
          requestorScu: want?.[0],
          requestorScp: want?.[1],
          acceptorScu: want?.[2],
          acceptorScp: want?.[3],
        });
      });
    }
  }

  test("no role item from the requestor: default roles, no answer, whatever the acceptor allows", () => {
    for (const answer of pairs) {
      const supported = [buildContext(ct).with(answer)];
      const { contexts, roles } = negotiateAsAcceptor([rq(1, ct, [ts.ImplicitVRLittleEndian])], supported);
      assert.equal(contexts[0]?.result, 0);
      assert.deepEqual([contexts[0]?.asScu, contexts[0]?.asScp], [false, true]);
      assert.deepEqual(roles, []);
    }
  });

  test("acceptor leaves a role undefined: default roles and no answer, whatever was proposed", () => {
    for (const proposed of pairs) {
      for (const partial of [{ scuRole: true }, { scpRole: true }, {}]) {
        const supported = [buildContext(ct).with(partial)];
        const { contexts, roles } = negotiateAsAcceptor([rq(1, ct, [ts.ImplicitVRLittleEndian])], supported, [
          { sopClassUid: ct, ...proposed },
        ]);
        assert.equal(contexts[0]?.result, 0);
        assert.deepEqual([contexts[0]?.asScu, contexts[0]?.asScp], [false, true]);
        assert.deepEqual(roles, []);
      }
    }
  });

  test("role answers are sorted by SOP class UID and only sent for accepted contexts", () => {
    const supported = [
      buildContext(ct).with({ scuRole: true, scpRole: true }),
      buildContext(mr).with({ scuRole: true, scpRole: true }),
    ];
    const { roles } = negotiateAsAcceptor(
      [rq(1, mr, [ts.ImplicitVRLittleEndian]), rq(3, ct, [ts.ImplicitVRLittleEndian]), rq(5, sop.Verification, [jpeg])],
      supported,
      [
        { sopClassUid: mr, scuRole: false, scpRole: true },
        { sopClassUid: ct, scuRole: true, scpRole: true },
        { sopClassUid: sop.Verification, scuRole: true, scpRole: true },
      ],
    );
    assert.deepEqual(
      roles.map((r) => r.sopClassUid),
      [ct, mr].sort(),
    );
  });
});

describe("negotiateAsRequestor", () => {
  const requested = [
    rq(1, ct, [ts.ImplicitVRLittleEndian, ts.ExplicitVRLittleEndian]),
    rq(3, mr, [jpeg]),
    rq(5, sop.Verification, [ts.ImplicitVRLittleEndian]),
  ];

  test("accepted, rejected and unanswered contexts; the abstract syntax comes from the request", () => {
    const out = negotiateAsRequestor(requested, [
      { contextId: 3, result: 4, transferSyntax: "" },
      { contextId: 1, result: 0, transferSyntax: ts.ExplicitVRLittleEndian },
      { contextId: 9, result: 0, transferSyntax: ts.ImplicitVRLittleEndian }, // not requested: ignored
    ]);
    assert.deepEqual(
      out.map((c) => [c.contextId, c.abstractSyntax, c.result, c.transferSyntax, c.asScu, c.asScp]),
      [
        [1, ct, 0, ts.ExplicitVRLittleEndian, true, false],
        [3, mr, 4, undefined, false, false],
        [5, sop.Verification, ContextResult.NoReason, ts.ImplicitVRLittleEndian, false, false],
      ],
    );
  });

  test("no requested contexts is an error", () => {
    assert.throws(() => negotiateAsRequestor([], []), NegotiationValueError);
  });

  test("an acceptance without a valid transfer syntax is an error", () => {
    assert.throws(
      () => negotiateAsRequestor(requested, [{ contextId: 1, result: 0, transferSyntax: "" }]),
      /transfer syntax/,
    );
  });

  test("proposedRoles overrides the contexts' own roles", () => {
    const out = negotiateAsRequestor(
      [rq(1, ct, [ts.ImplicitVRLittleEndian])],
      [{ contextId: 1, result: 0, transferSyntax: ts.ImplicitVRLittleEndian }],
      [{ sopClassUid: ct, scuRole: false, scpRole: true }],
      [{ sopClassUid: ct, scuRole: false, scpRole: true }],
    );
    assert.deepEqual([out[0]?.asScu, out[0]?.asScp], [false, true]);
  });

  test("every answer keeps the roles its context proposed, and is a new context", () => {
    const proposing = [
      new PresentationContext({
        contextId: 1,
        abstractSyntax: ct,
        transferSyntaxes: [jpeg],
        scuRole: true,
        scpRole: true,
      }),
      new PresentationContext({
        contextId: 3,
        abstractSyntax: mr,
        transferSyntaxes: [jpeg],
        scuRole: false,
        scpRole: true,
      }),
    ];
    const out = negotiateAsRequestor(proposing, [
      { contextId: 1, result: 0, transferSyntax: jpeg },
      { contextId: 3, result: 3, transferSyntax: "not a uid" },
    ]);
    assert.deepEqual(
      out.map((c) => [c.contextId, c.result, [...c.transferSyntaxes], c.scuRole, c.scpRole]),
      [
        [1, 0, [jpeg], true, true],
        [3, 3, [], false, true],
      ],
    );
    assert.notEqual(out[0], proposing[0]);
    out[0]?.addTransferSyntax(ts.ImplicitVRLittleEndian);
    assert.deepEqual(proposing[0]?.transferSyntaxes, [jpeg]);
  });

  test("a role answer without a proposal leaves the default roles", () => {
    const out = negotiateAsRequestor(
      [rq(1, ct, [ts.ImplicitVRLittleEndian])],
      [{ contextId: 1, result: 0, transferSyntax: ts.ImplicitVRLittleEndian }],
      [{ sopClassUid: ct, scuRole: false, scpRole: true }],
    );
    assert.deepEqual([out[0]?.asScu, out[0]?.asScp], [true, false]);
  });
});

test("negotiateAsAcceptor: a frozen supported list (indexed once) answers as an unfrozen one, every time", () => {
  const supported = [
    buildContext(sop.Verification, [ts.ImplicitVRLittleEndian]),
    buildContext(sop.CTImageStorage, [ts.ExplicitVRLittleEndian]),
    buildContext(sop.CTImageStorage, [ts.ImplicitVRLittleEndian]), // a second one for the same SOP class: the first wins
  ];
  const requested = [
    buildContext(sop.CTImageStorage, [ts.ImplicitVRLittleEndian, ts.ExplicitVRLittleEndian]).with({ contextId: 1 }),
    buildContext(sop.Verification, [ts.ImplicitVRLittleEndian]).with({ contextId: 3 }),
    buildContext(sop.MRImageStorage, [ts.ImplicitVRLittleEndian]).with({ contextId: 5 }),
  ];
  const answer = (list: readonly PresentationContext[]) =>
    negotiateAsAcceptor(requested, list).contexts.map((cx) => [cx.contextId, cx.result, cx.transferSyntax]);
  const expected = answer(supported);
  assert.deepEqual(expected, [
    [1, 0, ts.ExplicitVRLittleEndian],
    [3, 0, ts.ImplicitVRLittleEndian],
    [5, 3, ts.ImplicitVRLittleEndian],
  ]);
  const frozen = Object.freeze([...supported]);
  assert.deepEqual(answer(frozen), expected);
  assert.deepEqual(answer(frozen), expected);
});

describe("negotiateRqItemsAsAcceptor: the acceptor's negotiation from A-ASSOCIATE-RQ items", () => {
  const item = (contextId: number, abstractSyntax: string, transferSyntaxes: string[]) =>
    Object.freeze({ contextId, abstractSyntax, transferSyntaxes: Object.freeze(transferSyntaxes) });
  // Out of order, a repeated ID, unsupported abstract and transfer syntaxes, and acceptances.
  const items = Object.freeze([
    item(5, ct, [jpeg, ts.ExplicitVRLittleEndian]),
    item(1, mr, [ts.ImplicitVRLittleEndian]),
    item(3, sop.Verification, [jpeg]),
    item(5, mr, [ts.ImplicitVRLittleEndian]),
    item(7, sop.SecondaryCaptureImageStorage, [ts.ExplicitVRBigEndian, ts.ImplicitVRLittleEndian]),
  ]);
  const supported = Object.freeze([
    buildContext(ct, [ts.ImplicitVRLittleEndian, ts.ExplicitVRLittleEndian]),
    buildContext(sop.Verification),
    buildContext(sop.SecondaryCaptureImageStorage, [ts.ImplicitVRLittleEndian, ts.ExplicitVRBigEndian]),
  ]);
  const expected = negotiateAsAcceptor(items.map(fromRqItem), supported).contexts.map(String);

  test("answers as negotiateAsAcceptor over the same items as contexts", () => {
    const { contexts, roles } = negotiateRqItemsAsAcceptor(items, supported);
    assert.deepEqual(contexts.map(String), expected);
    assert.deepEqual(
      contexts.map((c) => [c.contextId, c.result, c.transferSyntax, c.asScu, c.asScp]),
      [
        [1, 3, ts.ImplicitVRLittleEndian, false, false],
        [3, 4, jpeg, false, false],
        [5, 0, ts.ExplicitVRLittleEndian, false, true],
        [7, 0, ts.ExplicitVRBigEndian, false, true],
      ],
    );
    assert.deepEqual(roles, []);
  });

  test("the same frozen request again (its plan reused) gives equal answers, as new objects of its own", () => {
    const first = negotiateRqItemsAsAcceptor(items, supported).contexts;
    const second = negotiateRqItemsAsAcceptor(items, supported).contexts;
    assert.deepEqual(second.map(String), expected);
    for (let i = 0; i < first.length; i++) assert.notEqual(first[i], second[i]);
    // One association changing its answer changes nothing for the next one.
    first[2]?.addTransferSyntax(ts.ImplicitVRLittleEndian);
    assert.deepEqual(negotiateRqItemsAsAcceptor(items, supported).contexts.map(String), expected);
  });

  test("another supported list for the same request is negotiated afresh", () => {
    negotiateRqItemsAsAcceptor(items, supported);
    const onlyCt = Object.freeze([buildContext(ct, [ts.ExplicitVRLittleEndian])]);
    const { contexts } = negotiateRqItemsAsAcceptor(items, onlyCt);
    assert.deepEqual(
      contexts.map((c) => c.result),
      [3, 3, 0, 3],
    );
  });

  test("role selection is answered as negotiateAsAcceptor answers it", () => {
    const scp = buildContext(sop.SecondaryCaptureImageStorage, [ts.ImplicitVRLittleEndian]);
    scp.scuRole = true;
    scp.scpRole = true;
    const roleItems = [{ sopClassUid: sop.SecondaryCaptureImageStorage, scuRole: true, scpRole: true }];
    const withRoles = Object.freeze([scp]);
    const a = negotiateRqItemsAsAcceptor(items, withRoles, roleItems);
    const b = negotiateAsAcceptor(items.map(fromRqItem), withRoles, roleItems);
    assert.deepEqual(a.contexts.map(String), b.contexts.map(String));
    assert.deepEqual(a.roles, b.roles);
    assert.equal(a.roles.length, 1);
  });
});
