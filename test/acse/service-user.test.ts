import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  AsynchronousOperationsWindowNegotiation,
  assembleAAssociateAc,
  assembleAAssociateRq,
  buildContext,
  buildRole,
  type ContextType,
  ImplementationVersionNameNotification,
  MaximumLengthNotification,
  negotiateAsAcceptor,
  PresentationContext,
  type SCPSCURoleSelectionNegotiation,
  ServiceUser,
  ServiceUserError,
  type ServiceUserOwner,
  SOPClassCommonExtendedNegotiation,
  SOPClassExtendedNegotiation,
  UserIdentityNegotiation,
} from "../../src/acse/index.js";
import { sop, ts } from "../../src/dataset/uids.js";
import { decodePdu, encodePdu, PduType } from "../../src/pdu/index.js";

type MutableOwner = { -readonly [K in keyof ServiceUserOwner]: ServiceUserOwner[K] };

function owner(mode: "requestor" | "acceptor"): MutableOwner {
  return {
    isRequestor: mode === "requestor",
    isAcceptor: mode === "acceptor",
    negotiationStarted: false,
    acceptedContexts: [],
    rejectedContexts: [],
  };
}

function filled(user: ServiceUser, contexts = true): ServiceUser {
  user.aeTitle = user.isRequestor ? "SCU" : "SCP";
  user.address = "127.0.0.1";
  user.port = user.isRequestor ? 0 : 11112;
  if (contexts && user.isRequestor) user.requestedContexts = [buildContext(sop.Verification)];
  if (contexts && user.isAcceptor) user.supportedContexts = [buildContext(sop.Verification)];
  return user;
}

describe("ServiceUser: mode", () => {
  test("requestor and acceptor; anything else throws", () => {
    const r = new ServiceUser(owner("requestor"), "requestor");
    assert.equal(r.mode, "requestor");
    assert.equal(r.isRequestor, true);
    assert.equal(r.isAcceptor, false);
    const a = new ServiceUser(owner("requestor"), "acceptor");
    assert.equal(a.isAcceptor, true);
    for (const bad of ["Requestor", "scu", ""]) {
      assert.throws(() => new ServiceUser(owner("requestor"), bad), { code: "ERR_SERVICE_USER_MODE" });
    }
  });

  test("defaults: maximum length 16382, an implementation class UID, no version name, async ops (1,1)", () => {
    const u = new ServiceUser(owner("requestor"), "requestor");
    assert.equal(u.maximumLength, 16382);
    assert.match(u.implementationClassUid ?? "", /^[0-9.]+$/);
    assert.equal(u.implementationVersionName, undefined);
    assert.deepEqual(u.asynchronousOperations, [1, 1]);
    assert.equal(u.userIdentity, undefined);
    assert.deepEqual(u.info, { aeTitle: "", address: "", port: undefined, mode: "requestor" });
  });
});

describe("ServiceUser: validity per mode and owner mode", () => {
  const cases: { owner: "requestor" | "acceptor"; mode: "requestor" | "acceptor"; needs: string[] }[] = [
    {
      owner: "requestor",
      mode: "requestor",
      needs: ["aeTitle", "address", "port", "maximumLength", "implementationClassUid", "requestedContexts"],
    },
    { owner: "requestor", mode: "acceptor", needs: ["aeTitle", "address", "port"] },
    {
      owner: "acceptor",
      mode: "acceptor",
      needs: ["aeTitle", "address", "port", "maximumLength", "implementationClassUid"],
    },
    { owner: "acceptor", mode: "requestor", needs: ["aeTitle", "address", "port"] },
  ];
  for (const c of cases) {
    test(`${c.mode} of a ${c.owner} association needs ${c.needs.join(", ")}`, () => {
      const u = new ServiceUser(owner(c.owner), c.mode);
      u.maximumLength = undefined;
      u.implementationClassUid = undefined;
      assert.deepEqual(u.missing(), c.needs);
      assert.equal(u.isValid, false);
      filled(u, true);
      u.maximumLength = 16384;
      u.implementationClassUid = "1.2.3.4";
      assert.deepEqual(u.missing(), []);
      assert.equal(u.isValid, true);
    });
  }

  test("a local acceptor needs no supported contexts to be valid", () => {
    const u = filled(new ServiceUser(owner("acceptor"), "acceptor"), false);
    assert.equal(u.isValid, true);
  });
});

describe("ServiceUser: writeable", () => {
  test("true until negotiation starts, then every setter and item method refuses", () => {
    const o = owner("requestor");
    const u = filled(new ServiceUser(o, "requestor"));
    const role = buildRole(sop.CTImageStorage, { scpRole: true });
    u.addNegotiationItem(role);
    assert.equal(u.writeable, true);
    o.negotiationStarted = true;
    assert.equal(u.writeable, false);
    const attempts: [string, () => void][] = [
      ["aeTitle", () => (u.aeTitle = "X")],
      ["address", () => (u.address = "::1")],
      ["port", () => (u.port = 1)],
      ["maximumLength", () => (u.maximumLength = 0)],
      ["implementationClassUid", () => (u.implementationClassUid = "1.2")],
      ["implementationVersionName", () => (u.implementationVersionName = "X")],
      ["requestedContexts", () => (u.requestedContexts = [])],
      ["addNegotiationItem", () => u.addNegotiationItem(buildRole(sop.MRImageStorage))],
      ["removeNegotiationItem", () => u.removeNegotiationItem(role)],
      ["resetNegotiationItems", () => u.resetNegotiationItems()],
    ];
    for (const [what, attempt] of attempts) {
      assert.throws(attempt, (e: unknown) => e instanceof ServiceUserError && e.code === "ERR_NOT_WRITEABLE", what);
    }
    assert.equal(u.aeTitle, "SCU");
    assert.equal(u.roleSelection.size, 1);
  });

  test("attaching a primitive also ends writeability", () => {
    const req = filled(new ServiceUser(owner("requestor"), "requestor"));
    const acc = filled(new ServiceUser(owner("requestor"), "acceptor"));
    req.setPrimitive(assembleAAssociateRq(req, acc));
    assert.equal(req.writeable, false);
    assert.throws(() => (req.port = 2), { code: "ERR_NOT_WRITEABLE" });
  });

  test("contexts can only be set on the matching side", () => {
    const r = new ServiceUser(owner("requestor"), "requestor");
    const a = new ServiceUser(owner("requestor"), "acceptor");
    assert.throws(() => (r.supportedContexts = []), { code: "ERR_SERVICE_USER_MODE" });
    assert.throws(() => (a.requestedContexts = []), { code: "ERR_SERVICE_USER_MODE" });
  });

  test("setters validate: AE title, port, address", () => {
    const u = new ServiceUser(owner("requestor"), "requestor");
    assert.throws(() => (u.aeTitle = "A_TITLE_LONGER_THAN_16"), { code: "ERR_AE_TITLE" });
    assert.throws(() => (u.aeTitle = "   "), { code: "ERR_AE_TITLE" });
    assert.throws(() => (u.aeTitle = "BACK\\SLASH"), { code: "ERR_AE_TITLE" });
    assert.throws(() => (u.port = 70000), { code: "ERR_PORT" });
    assert.throws(() => (u.address = ""), { code: "ERR_ADDRESS" });
    u.aeTitle = "  PADDED ";
    assert.equal(u.aeTitle, "PADDED");
  });
});

describe("ServiceUser: getContexts, every cell", () => {
  const types: ContextType[] = ["requested", "supported", "pcdl", "pcdrl"];
  for (const assocMode of ["requestor", "acceptor"] as const) {
    for (const mode of ["requestor", "acceptor"] as const) {
      for (const started of [false, true]) {
        const allowed =
          mode === "requestor"
            ? started
              ? ["requested", "pcdl"]
              : ["requested"]
            : started
              ? ["supported", "pcdrl"]
              : ["supported"];
        for (const type of types) {
          const ok = allowed.includes(type);
          test(`${assocMode} association, ${mode}, ${started ? "after" : "before"} negotiation: "${type}" ${ok ? "available" : "refused"}`, () => {
            const o = owner(assocMode);
            const u = filled(new ServiceUser(o, mode));
            o.negotiationStarted = started;
            if (started && mode === "requestor") {
              u.setPrimitive({
                type: PduType.AAssociateRq,
                protocolVersion: 1,
                calledAeTitle: "SCP",
                callingAeTitle: "SCU",
                applicationContextName: "1.2.840.10008.3.1.1.1",
                presentationContexts: [
                  { contextId: 1, abstractSyntax: sop.Verification, transferSyntaxes: [ts.ImplicitVRLittleEndian] },
                ],
                userInformation: {},
              });
            }
            if (started && mode === "acceptor") {
              o.acceptedContexts = [
                new PresentationContext({ contextId: 1, abstractSyntax: sop.Verification, result: 0 }),
              ];
              u.setPrimitive({
                type: PduType.AAssociateAc,
                protocolVersion: 1,
                calledAeTitle: "SCP",
                callingAeTitle: "SCU",
                applicationContextName: "1.2.840.10008.3.1.1.1",
                presentationContexts: [{ contextId: 1, result: 0, transferSyntax: ts.ImplicitVRLittleEndian }],
                userInformation: {},
              });
            }
            if (!ok) {
              assert.throws(
                () => u.getContexts(type),
                (e: unknown) =>
                  e instanceof ServiceUserError &&
                  e.code === "ERR_CONTEXT_TYPE" &&
                  e.message.includes(`"${allowed[0]}"`),
              );
              return;
            }
            const got = u.getContexts(type);
            assert.equal(got.length, 1);
            assert.equal(got[0]?.abstractSyntax, sop.Verification);
            if (type === "pcdl") assert.deepEqual(got[0]?.transferSyntaxes, [ts.ImplicitVRLittleEndian]);
            if (type === "pcdrl") {
              assert.equal(got[0]?.result, 0);
              assert.equal(got[0]?.transferSyntax, ts.ImplicitVRLittleEndian);
            }
          });
        }
      }
    }
  }

  test("pcdl after negotiation started but before the primitive is known: a clear error", () => {
    const o = owner("requestor");
    const u = filled(new ServiceUser(o, "requestor"));
    o.negotiationStarted = true;
    assert.throws(() => u.getContexts("pcdl"), { code: "ERR_CONTEXTS_UNAVAILABLE" });
  });

  test("pcdrl of a rejected association is empty; user information too", () => {
    const u = filled(new ServiceUser(owner("requestor"), "acceptor"));
    u.setPrimitive({ type: PduType.AAssociateRj, result: 1, source: 1, reason: 7 });
    assert.deepEqual(u.getContexts("pcdrl"), []);
    assert.equal(u.maximumLength, undefined);
    assert.equal(u.implementationClassUid, undefined);
  });

  test("a requestor's primitive must be an RQ, an acceptor's an AC or RJ", () => {
    const r = new ServiceUser(owner("requestor"), "requestor");
    assert.throws(() => r.setPrimitive({ type: PduType.AAssociateRj, result: 1, source: 1, reason: 1 }), {
      code: "ERR_SERVICE_USER_MODE",
    });
  });
});

describe("ServiceUser: negotiation items", () => {
  const user = () => new ServiceUser(owner("requestor"), "requestor");

  test("add each kind; the views reflect them", () => {
    const u = user();
    const role = buildRole(sop.CTImageStorage, { scuRole: true, scpRole: true });
    const aow = new AsynchronousOperationsWindowNegotiation(5, 3);
    const id = new UserIdentityNegotiation({ userIdentityType: 2, primaryField: "bob", secondaryField: "pw" });
    const ext = new SOPClassExtendedNegotiation(sop.CTImageStorage, Uint8Array.of(1, 2));
    const common = new SOPClassCommonExtendedNegotiation(sop.CTImageStorage, "1.2.840.10008.4.2", ["1.2.3"]);
    for (const item of [role, aow, id, ext, common]) u.addNegotiationItem(item);
    assert.deepEqual(u.extendedNegotiation, [role, aow, id, ext, common]);
    assert.equal(u.roleSelection.get(sop.CTImageStorage), role);
    assert.deepEqual(u.asynchronousOperations, [5, 3]);
    assert.equal(u.userIdentity, id);
    assert.deepEqual(u.sopClassExtended.get(sop.CTImageStorage), Uint8Array.of(1, 2));
    assert.equal(u.sopClassCommonExtended.get(sop.CTImageStorage), common);
    assert.equal(u.userInformation.length, 2 + 5); // maximum length, implementation UID, then the five
    assert.ok(u.userInformation[0] instanceof MaximumLengthNotification);
  });

  test("duplicates: the same object is kept once; the same slot is replaced in place", () => {
    const u = user();
    const a = buildRole(sop.CTImageStorage, { scuRole: true });
    const b = buildRole(sop.CTImageStorage, { scpRole: true });
    const c = buildRole(sop.MRImageStorage, { scpRole: true });
    u.addNegotiationItem(a);
    u.addNegotiationItem(c);
    u.addNegotiationItem(a);
    assert.deepEqual(u.extendedNegotiation, [a, c]);
    u.addNegotiationItem(b);
    assert.deepEqual(u.extendedNegotiation, [b, c]);
    const w1 = new AsynchronousOperationsWindowNegotiation(2, 2);
    const w2 = new AsynchronousOperationsWindowNegotiation(3, 3);
    u.addNegotiationItem(w1);
    u.addNegotiationItem(w2);
    assert.deepEqual(u.asynchronousOperations, [3, 3]);
    assert.equal(u.extendedNegotiation.length, 3);
  });

  test("remove: by identity, an absent one is ignored; reset clears all", () => {
    const u = user();
    const a = buildRole(sop.CTImageStorage);
    const other = buildRole(sop.CTImageStorage);
    u.addNegotiationItem(a);
    u.removeNegotiationItem(other);
    assert.deepEqual(u.extendedNegotiation, [a]);
    u.removeNegotiationItem(a);
    assert.deepEqual(u.extendedNegotiation, []);
    u.addNegotiationItem(a);
    u.addNegotiationItem(new AsynchronousOperationsWindowNegotiation());
    u.resetNegotiationItems();
    assert.deepEqual(u.extendedNegotiation, []);
    assert.equal(u.maximumLength, 16382); // notifications are not negotiation items
  });

  test("type errors: notifications and plain objects are not extended negotiation items", () => {
    const u = user();
    const bad: unknown[] = [
      new MaximumLengthNotification(1),
      new ImplementationVersionNameNotification("X"),
      { sopClassUid: sop.CTImageStorage, scuRole: true, scpRole: false },
      null,
    ];
    for (const item of bad) {
      assert.throws(() => u.addNegotiationItem(item as SCPSCURoleSelectionNegotiation), {
        code: "ERR_NEGOTIATION_ITEM",
      });
      assert.throws(() => u.removeNegotiationItem(item as SCPSCURoleSelectionNegotiation), {
        code: "ERR_NEGOTIATION_ITEM",
      });
    }
  });

  test("the acceptor takes no common extended item, and has acceptedCommonExtended; the requestor has not", () => {
    const a = new ServiceUser(owner("acceptor"), "acceptor");
    const common = new SOPClassCommonExtendedNegotiation(sop.CTImageStorage, "1.2.840.10008.4.2");
    assert.throws(() => a.addNegotiationItem(common), { code: "ERR_NEGOTIATION_ITEM" });
    assert.equal(a.sopClassCommonExtended.size, 0);
    a.setAcceptedCommonExtended([common]);
    assert.deepEqual(a.acceptedCommonExtended.get(sop.CTImageStorage), {
      serviceClassUid: "1.2.840.10008.4.2",
      relatedGeneralSopClassIdentification: [],
    });
    assert.throws(() => user().acceptedCommonExtended, { code: "ERR_SERVICE_USER_MODE" });
  });
});

describe("assembling and reading back the A-ASSOCIATE PDUs", () => {
  test("RQ from two service users; the requestor reads it back after negotiation starts", () => {
    const o = owner("requestor");
    const req = filled(new ServiceUser(o, "requestor"));
    const acc = filled(new ServiceUser(o, "acceptor"));
    req.implementationVersionName = "NETDICOM_1";
    req.requestedContexts = [
      buildContext(sop.Verification),
      buildContext(sop.CTImageStorage).with({ scuRole: false, scpRole: true }),
    ];
    req.addNegotiationItem(
      new UserIdentityNegotiation({ userIdentityType: 1, primaryField: "alice", positiveResponseRequested: true }),
    );
    const rq = assembleAAssociateRq(req, acc);
    assert.equal(rq.calledAeTitle, "SCP");
    assert.equal(rq.callingAeTitle, "SCU");
    assert.equal(rq.applicationContextName, "1.2.840.10008.3.1.1.1");
    assert.deepEqual(
      rq.presentationContexts.map((c) => c.contextId),
      [1, 3],
    );
    assert.deepEqual(rq.userInformation.roleSelections, [
      { sopClassUid: sop.CTImageStorage, scuRole: false, scpRole: true },
    ]);
    assert.equal(rq.userInformation.userIdentityRq?.identityType, 1);
    // Survives the wire, and the requestor then answers from it.
    const wire = decodePdu(encodePdu(rq));
    assert.equal(wire.type, PduType.AAssociateRq);
    if (wire.type !== PduType.AAssociateRq) return;
    o.negotiationStarted = true;
    req.setPrimitive(wire);
    assert.equal(req.implementationVersionName, "NETDICOM_1");
    assert.equal(req.userIdentity?.userIdentityType, 1);
    assert.deepEqual(new TextDecoder().decode(req.userIdentity?.primaryField), "alice");
    const pcdl = req.getContexts("pcdl");
    assert.deepEqual([pcdl[1]?.scuRole, pcdl[1]?.scpRole], [false, true]);
    assert.equal(req.info.pdvSize, 16382);
  });

  test("an invalid requestor cannot assemble an RQ", () => {
    const o = owner("requestor");
    const req = new ServiceUser(o, "requestor");
    const acc = filled(new ServiceUser(o, "acceptor"));
    assert.throws(() => assembleAAssociateRq(req, acc), {
      code: "ERR_SERVICE_USER_INVALID",
      message: /requestedContexts/,
    });
    assert.throws(() => assembleAAssociateRq(acc, req), { code: "ERR_SERVICE_USER_MODE" });
  });

  test("acceptor side: the RQ populates the requestor; the AC echoes the AE titles and carries the answers", () => {
    const o = owner("acceptor");
    const req = new ServiceUser(o, "requestor");
    const acc = filled(new ServiceUser(o, "acceptor"));
    acc.supportedContexts = [buildContext(sop.CTImageStorage).with({ scuRole: true, scpRole: true })];
    o.negotiationStarted = true;
    req.setPrimitive({
      type: PduType.AAssociateRq,
      protocolVersion: 1,
      calledAeTitle: "ANY-SCP",
      callingAeTitle: "MODALITY",
      applicationContextName: "1.2.840.10008.3.1.1.1",
      presentationContexts: [
        { contextId: 1, abstractSyntax: sop.CTImageStorage, transferSyntaxes: [ts.ExplicitVRLittleEndian] },
      ],
      userInformation: {
        maximumLength: 0,
        implementationClassUid: "1.2.3",
        roleSelections: [{ sopClassUid: sop.CTImageStorage, scuRole: true, scpRole: true }],
        asynchronousOperationsWindow: { maxOperationsInvoked: 4, maxOperationsPerformed: 2 },
      },
    });
    assert.equal(req.aeTitle, "MODALITY");
    assert.equal(req.maximumLength, 0);
    assert.deepEqual(req.asynchronousOperations, [4, 2]);
    const result = negotiateAsAcceptor(req.getContexts("pcdl"), acc.supportedContexts, [...req.roleSelection.values()]);
    const ac = assembleAAssociateAc(req, acc, {
      ...result,
      asynchronousOperations: new AsynchronousOperationsWindowNegotiation(1, 1),
      userIdentity: new UserIdentityNegotiation({ serverResponse: "token" }),
    });
    assert.equal(ac.calledAeTitle, "ANY-SCP");
    assert.equal(ac.callingAeTitle, "MODALITY");
    assert.deepEqual(ac.presentationContexts, [{ contextId: 1, result: 0, transferSyntax: ts.ExplicitVRLittleEndian }]);
    assert.deepEqual(ac.userInformation.roleSelections, [
      { sopClassUid: sop.CTImageStorage, scuRole: true, scpRole: true },
    ]);
    assert.equal(ac.userInformation.maximumLength, 16382);
    assert.deepEqual(ac.userInformation.asynchronousOperationsWindow, {
      maxOperationsInvoked: 1,
      maxOperationsPerformed: 1,
    });
    assert.equal(new TextDecoder().decode(ac.userInformation.userIdentityAc?.serverResponse), "token");
    // The acceptor reads its pcdrl back, with abstract syntaxes from the owner's negotiated contexts.
    o.acceptedContexts = result.contexts;
    acc.setPrimitive(ac);
    assert.equal(acc.getContexts("pcdrl")[0]?.abstractSyntax, sop.CTImageStorage);
    assert.equal(acc.roleSelection.get(sop.CTImageStorage)?.scpRole, true);
  });
});

describe("ServiceUser: endpoint source", () => {
  test("read once, when the address or port is first asked for; counts as present; a setter wins", () => {
    const o = owner("requestor");
    const user = new ServiceUser(o, "requestor");
    let reads = 0;
    user.setEndpointSource(() => {
      reads++;
      return { address: "10.0.0.7", port: 4242 };
    });
    assert.equal(reads, 0);
    assert.ok(!user.missing().includes("address") && !user.missing().includes("port"));
    assert.equal(reads, 0, "missing() does not read it");
    assert.equal(user.port, 4242);
    assert.equal(user.address, "10.0.0.7");
    assert.equal(reads, 1);
    const other = new ServiceUser(owner("requestor"), "requestor");
    other.setEndpointSource(() => {
      reads++;
      return { address: "10.0.0.8", port: 1 };
    });
    other.address = "192.168.1.1";
    assert.equal(other.address, "192.168.1.1");
    assert.equal(other.port, 1);
    o.negotiationStarted = true;
    assert.throws(
      () => user.setEndpointSource(() => ({ address: "x", port: 1 })),
      (e: unknown) => e instanceof ServiceUserError && e.code === "ERR_NOT_WRITEABLE",
    );
  });
});
