import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  AsynchronousOperationsWindowNegotiation,
  fromUserInformation,
  ImplementationClassUIDNotification,
  ImplementationVersionNameNotification,
  MaximumLengthNotification,
  NegotiationValueError,
  SCPSCURoleSelectionNegotiation,
  SOPClassCommonExtendedNegotiation,
  SOPClassExtendedNegotiation,
  toUserInformation,
  UserIdentityNegotiation,
} from "../../src/acse/index.js";
import { sop } from "../../src/dataset/uids.js";
import { decodePdu, encodePdu, PduType } from "../../src/pdu/index.js";

const utf8 = (s: string) => new TextEncoder().encode(s);

describe("item validation", () => {
  test("bad values throw NegotiationValueError", () => {
    const bad: [string, () => unknown][] = [
      ["max length < 0", () => new MaximumLengthNotification(-1)],
      ["max length > u32", () => new MaximumLengthNotification(2 ** 32)],
      ["implementation UID syntax", () => new ImplementationClassUIDNotification("1.02")],
      ["implementation UID length", () => new ImplementationClassUIDNotification(`1.${"2".repeat(63)}`)],
      ["version name too long", () => new ImplementationVersionNameNotification("X".repeat(17))],
      ["version name empty", () => new ImplementationVersionNameNotification("")],
      ["async ops > 65535", () => new AsynchronousOperationsWindowNegotiation(65536, 1)],
      ["async ops fraction", () => new AsynchronousOperationsWindowNegotiation(1.5, 1)],
      ["role UID", () => new SCPSCURoleSelectionNegotiation("x")],
      ["role not boolean", () => new SCPSCURoleSelectionNegotiation("1.2", { scuRole: 1 as unknown as boolean })],
      ["ext UID", () => new SOPClassExtendedNegotiation("", new Uint8Array())],
      ["ext info not bytes", () => new SOPClassExtendedNegotiation("1.2", "x" as unknown as Uint8Array)],
      ["common related UID", () => new SOPClassCommonExtendedNegotiation("1.2", "1.3", ["1..4"])],
      ["identity type 6", () => new UserIdentityNegotiation({ userIdentityType: 6 as 1 })],
      ["identity field too long", () => new UserIdentityNegotiation({ primaryField: new Uint8Array(65536) })],
    ];
    for (const [what, make] of bad) assert.throws(make, NegotiationValueError, what);
  });

  test("user identity request rules (PS3.7 D.3.3.7.1)", () => {
    assert.throws(() => new UserIdentityNegotiation({ primaryField: "u" }).toRqItem(), /no identity type/);
    assert.throws(() => new UserIdentityNegotiation({ userIdentityType: 1 }).toRqItem(), /no primary field/);
    assert.throws(
      () => new UserIdentityNegotiation({ userIdentityType: 2, primaryField: "u" }).toRqItem(),
      /needs a secondary field/,
    );
    // Only type 2 carries the secondary field.
    const jwt = new UserIdentityNegotiation({ userIdentityType: 5, primaryField: "jwt", secondaryField: "ignored" });
    assert.equal(jwt.toRqItem().secondaryField.byteLength, 0);
  });
});

describe("toUserInformation / fromUserInformation", () => {
  const rqItems = [
    new MaximumLengthNotification(32768),
    new ImplementationClassUIDNotification("1.2.3.4"),
    new ImplementationVersionNameNotification("TEST_1"),
    new AsynchronousOperationsWindowNegotiation(0, 1),
    new SCPSCURoleSelectionNegotiation(sop.CTImageStorage, { scuRole: false, scpRole: true }),
    new SOPClassExtendedNegotiation(sop.StudyRootQueryRetrieveInformationModelFind, Uint8Array.of(1, 1, 0)),
    new SOPClassCommonExtendedNegotiation(sop.CTImageStorage, "1.2.840.10008.4.2", ["1.2.3"]),
    new UserIdentityNegotiation({
      userIdentityType: 2,
      primaryField: "bob",
      secondaryField: "secret",
      positiveResponseRequested: true,
    }),
  ];

  test("user identity request maps to the 0x58 sub-item with its fields", () => {
    const ui = toUserInformation(rqItems, "rq");
    assert.deepEqual(ui.userIdentityRq, {
      identityType: 2,
      positiveResponseRequested: true,
      primaryField: utf8("bob"),
      secondaryField: utf8("secret"),
    });
    assert.equal(ui.userIdentityAc, undefined);
  });

  test("a request's items survive encoding and come back as equal items", () => {
    const ui = toUserInformation(rqItems, "rq");
    assert.equal(ui.maximumLength, 32768);
    assert.equal(ui.implementationClassUid, "1.2.3.4");
    assert.deepEqual(ui.asynchronousOperationsWindow, { maxOperationsInvoked: 0, maxOperationsPerformed: 1 });
    const pdu = {
      type: PduType.AAssociateRq,
      protocolVersion: 1,
      calledAeTitle: "B",
      callingAeTitle: "A",
      applicationContextName: "1.2.840.10008.3.1.1.1",
      presentationContexts: [],
      userInformation: ui,
    } as const;
    const back = decodePdu(encodePdu(pdu));
    assert.equal(back.type, PduType.AAssociateRq);
    if (back.type !== PduType.AAssociateRq) return;
    const items = fromUserInformation(back.userInformation);
    assert.equal(items.length, rqItems.length);
    for (const want of rqItems) {
      const got = items.find((i) => i.constructor === want.constructor);
      assert.ok(got, want.constructor.name);
      assert.deepEqual({ ...got }, { ...want }, want.constructor.name);
    }
  });

  test("user identity answer maps to 0x59 with the server response; none is an error", () => {
    const ui = toUserInformation([new UserIdentityNegotiation({ serverResponse: "ticket" })], "ac");
    assert.deepEqual(ui.userIdentityAc, { serverResponse: utf8("ticket") });
    assert.equal(ui.userIdentityRq, undefined);
    assert.throws(
      () => toUserInformation([new UserIdentityNegotiation({ userIdentityType: 1, primaryField: "a" })], "ac"),
      /server response/,
    );
    const back = fromUserInformation({ userIdentityAc: { serverResponse: utf8("t") } });
    assert.ok(back[0] instanceof UserIdentityNegotiation);
    assert.deepEqual((back[0] as UserIdentityNegotiation).serverResponse, utf8("t"));
  });

  test("duplicates and misplaced items are refused", () => {
    assert.throws(
      () => toUserInformation([new MaximumLengthNotification(1), new MaximumLengthNotification(2)], "rq"),
      /more than one maximum length/,
    );
    assert.throws(
      () =>
        toUserInformation([new SCPSCURoleSelectionNegotiation("1.2"), new SCPSCURoleSelectionNegotiation("1.2")], "rq"),
      /role selection item for SOP class 1.2/,
    );
    assert.throws(
      () => toUserInformation([new SOPClassCommonExtendedNegotiation("1.2", "1.3")], "ac"),
      /not sent in an A-ASSOCIATE-AC/,
    );
    assert.throws(() => toUserInformation([{} as MaximumLengthNotification], "rq"), NegotiationValueError);
  });

  test("a peer's out-of-rule item is dropped, the others kept", () => {
    const items = fromUserInformation({ maximumLength: 100, implementationClassUid: "not a uid" });
    assert.equal(items.length, 1);
    assert.ok(items[0] instanceof MaximumLengthNotification);
  });
});
