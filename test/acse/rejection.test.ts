import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  assembleAAssociateRj,
  describeRejection,
  evaluateAssociationRequest,
  type Rejection,
  Rejections,
} from "../../src/acse/index.js";
import { type AAssociateRq, decodePdu, encodePdu, PduType } from "../../src/pdu/index.js";

const rq: AAssociateRq = {
  type: PduType.AAssociateRq,
  protocolVersion: 1,
  calledAeTitle: "STORE_SCP",
  callingAeTitle: "MODALITY",
  applicationContextName: "1.2.840.10008.3.1.1.1",
  presentationContexts: [],
  userInformation: {},
};

const triple = (r: Rejection) => [r.result, r.source, r.reason];

describe("rejection constants (PS3.8 Table 9-21)", () => {
  const table: [keyof typeof Rejections, number[], RegExp][] = [
    ["CalledAeTitleNotRecognised", [1, 1, 7], /permanent by service-user: Called AE title not recognised/],
    ["CallingAeTitleNotRecognised", [1, 1, 3], /permanent by service-user: Calling AE title not recognised/],
    ["NoReasonGiven", [1, 1, 1], /service-user: No reason given/],
    ["ApplicationContextNameNotSupported", [1, 1, 2], /Application context name not supported/],
    ["ProtocolVersionNotSupported", [1, 2, 2], /service-provider \(ACSE\): Protocol version not supported/],
    ["TemporaryCongestion", [2, 3, 1], /transient by service-provider \(presentation\): Temporary congestion/],
    ["LocalLimitExceeded", [2, 3, 2], /transient by service-provider \(presentation\): Local limit exceeded/],
  ];
  for (const [key, want, text] of table) {
    test(`${key} is ${want.join(",")} and reads well; its RJ PDU round-trips`, () => {
      assert.deepEqual(triple(Rejections[key]), want);
      assert.match(describeRejection(Rejections[key]), text);
      const pdu = assembleAAssociateRj(Rejections[key]);
      assert.deepEqual(decodePdu(encodePdu(pdu)), pdu);
    });
  }
});

describe("evaluateAssociationRequest", () => {
  const policy = { aeTitle: "STORE_SCP" };

  test("an ordinary request is accepted", () => {
    assert.deepEqual(evaluateAssociationRequest(rq, policy), { accept: true });
  });

  test("protocol version: only bit 0 is tested (PS3.8 9.3.2)", () => {
    assert.deepEqual(evaluateAssociationRequest({ ...rq, protocolVersion: 0x0003 }, policy), { accept: true });
    const v = evaluateAssociationRequest({ ...rq, protocolVersion: 2 }, policy);
    assert.ok(!v.accept && triple(v.rejection).join() === "1,2,2");
  });

  test("unknown application context name → 1,1,2", () => {
    const v = evaluateAssociationRequest({ ...rq, applicationContextName: "1.2.3" }, policy);
    assert.ok(!v.accept && triple(v.rejection).join() === "1,1,2");
  });

  test("requireCalledAet: a different called AE title → 1,1,7; spaces are not significant", () => {
    const strict = { aeTitle: "STORE_SCP", requireCalledAet: true };
    const v = evaluateAssociationRequest({ ...rq, calledAeTitle: "OTHER" }, strict);
    assert.ok(!v.accept && triple(v.rejection).join() === "1,1,7");
    assert.deepEqual(evaluateAssociationRequest({ ...rq, calledAeTitle: "STORE_SCP " }, strict), { accept: true });
    assert.deepEqual(evaluateAssociationRequest({ ...rq, calledAeTitle: "OTHER" }, policy), { accept: true });
  });

  test("requireCallingAet: a calling AE title not listed → 1,1,3; an empty list allows any", () => {
    const v = evaluateAssociationRequest(rq, { ...policy, requireCallingAet: ["CT1", "MR1"] });
    assert.ok(!v.accept && triple(v.rejection).join() === "1,1,3");
    assert.deepEqual(evaluateAssociationRequest(rq, { ...policy, requireCallingAet: ["MODALITY"] }), { accept: true });
    assert.deepEqual(evaluateAssociationRequest(rq, { ...policy, requireCallingAet: [] }), { accept: true });
  });

  test("association limit: at the maximum → transient, local limit exceeded (2,3,2)", () => {
    const v = evaluateAssociationRequest(rq, { ...policy, activeAssociations: 10, maximumAssociations: 10 });
    assert.ok(!v.accept && triple(v.rejection).join() === "2,3,2");
    assert.deepEqual(evaluateAssociationRequest(rq, { ...policy, activeAssociations: 9, maximumAssociations: 10 }), {
      accept: true,
    });
  });

  test("order: protocol version before application context before limit before AE titles", () => {
    const all = { ...rq, protocolVersion: 0, applicationContextName: "1.2", calledAeTitle: "X", callingAeTitle: "Y" };
    const strict = {
      aeTitle: "Z",
      requireCalledAet: true,
      requireCallingAet: ["W"],
      activeAssociations: 1,
      maximumAssociations: 1,
    };
    const v1 = evaluateAssociationRequest(all, strict);
    assert.ok(!v1.accept && v1.rejection === Rejections.ProtocolVersionNotSupported);
    const v2 = evaluateAssociationRequest({ ...all, protocolVersion: 1 }, strict);
    assert.ok(!v2.accept && v2.rejection === Rejections.ApplicationContextNameNotSupported);
    const v3 = evaluateAssociationRequest(
      { ...all, protocolVersion: 1, applicationContextName: rq.applicationContextName },
      strict,
    );
    assert.ok(!v3.accept && v3.rejection === Rejections.LocalLimitExceeded);
    const v4 = evaluateAssociationRequest(
      { ...all, protocolVersion: 1, applicationContextName: rq.applicationContextName },
      { ...strict, maximumAssociations: 2 },
    );
    assert.ok(!v4.accept && v4.rejection === Rejections.CalledAeTitleNotRecognised);
  });
});
