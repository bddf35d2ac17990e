import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  assignContextIds,
  buildContext,
  buildRole,
  checkContextLimit,
  defaultTransferSyntaxes,
  isValidUid,
  NegotiationValueError,
  PresentationContext,
  prioritiseContexts,
  queryRetrievePresentationContexts,
  splitContexts,
  storagePresentationContexts,
  TooManyContextsError,
  toAcItem,
  toRqItem,
  verificationPresentationContexts,
} from "../../src/acse/index.js";
import { sop, storageSopClasses, ts } from "../../src/dataset/uids.js";

describe("PresentationContext", () => {
  test("context ID must be odd, 1-255", () => {
    for (const id of [0, 2, 256, 257, -1, 1.5]) {
      assert.throws(() => new PresentationContext({ contextId: id }), NegotiationValueError, String(id));
    }
    for (const id of [1, 3, 127, 255]) assert.equal(new PresentationContext({ contextId: id }).contextId, id);
  });

  test("UIDs: valid syntax, at most 64 characters, no duplicate transfer syntax", () => {
    const cx = new PresentationContext();
    assert.throws(() => (cx.abstractSyntax = "1.2.03"), /not a valid UID/);
    assert.throws(() => (cx.abstractSyntax = `1.${"1".repeat(63)}`), /longer than 64/);
    assert.throws(() => (cx.transferSyntaxes = [ts.ImplicitVRLittleEndian, ts.ImplicitVRLittleEndian]), /listed twice/);
    assert.throws(() => (cx.transferSyntaxes = ["1.2.a"]), /not a valid UID/);
    cx.addTransferSyntax(ts.ImplicitVRLittleEndian);
    cx.addTransferSyntax(ts.ImplicitVRLittleEndian);
    assert.deepEqual(cx.transferSyntaxes, [ts.ImplicitVRLittleEndian]);
    assert.throws(() => (cx.scuRole = "yes" as unknown as boolean), NegotiationValueError);
  });

  test("UID syntax agrees with PS3.5 9.1 on generated strings", () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 10 ** 6 }), { minLength: 1, maxLength: 8 }), (parts) => {
        const uid = parts.join(".");
        assert.equal(isValidUid(uid), uid.length <= 64);
        // A leading zero makes the first component invalid, whatever follows.
        assert.equal(isValidUid(`0${uid}`), false);
      }),
    );
  });

  test("UID syntax: answers stay the same once UIDs are remembered, past the bound too", () => {
    // isValidUid remembers valid UIDs (a bounded set): asking again, or after many others, must
    // give the same answers, and an invalid look-alike of a remembered UID stays invalid.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 1500; i++) {
        assert.equal(isValidUid(`1.2.826.0.1.${i}`), true);
        assert.equal(isValidUid(`1.2.826.0.1.0${i}`), false);
        assert.equal(isValidUid(`1.2.826.0.1.${i}.`), false);
      }
    }
    assert.equal(isValidUid(ts.ImplicitVRLittleEndian), true);
    assert.equal(isValidUid(""), false);
  });

  test("status text per result", () => {
    const status = (result?: number) => new PresentationContext({ result }).status;
    assert.deepEqual([undefined, 0, 1, 2, 3, 4, 9].map(status), [
      "Pending",
      "Accepted",
      "User Rejected",
      "Provider Rejected",
      "Abstract Syntax Not Supported",
      "Transfer Syntax(es) Not Supported",
      "Unknown",
    ]);
  });

  test("RQ/AC items: conversions and their requirements", () => {
    const cx = buildContext(sop.Verification).with({ contextId: 3 });
    assert.deepEqual(toRqItem(cx), {
      contextId: 3,
      abstractSyntax: sop.Verification,
      transferSyntaxes: [...defaultTransferSyntaxes],
    });
    assert.throws(() => toRqItem(buildContext(sop.Verification)), /no ID/);
    assert.throws(
      () => toRqItem(new PresentationContext({ contextId: 1, abstractSyntax: "1.2" })),
      /no transfer syntax/,
    );
    assert.deepEqual(toAcItem(cx.with({ result: 3, transferSyntaxes: [] })), {
      contextId: 3,
      result: 3,
      transferSyntax: "",
    });
    assert.match(
      cx.with({ result: 0, asScu: false, asScp: true }).toString(),
      /Verification SOP Class[\s\S]*Result: Accepted\nRole: SCP only/,
    );
  });
});

describe("buildContext and buildRole", () => {
  test("defaults are pynetdicom's: implicit LE, explicit LE, deflated explicit LE, explicit BE", () => {
    assert.deepEqual(buildContext(sop.Verification).transferSyntaxes, [
      "1.2.840.10008.1.2",
      "1.2.840.10008.1.2.1",
      "1.2.840.10008.1.2.1.99",
      "1.2.840.10008.1.2.2",
    ]);
    assert.deepEqual(buildContext(sop.Verification, ts.ExplicitVRLittleEndian).transferSyntaxes, [
      ts.ExplicitVRLittleEndian,
    ]);
    assert.equal(buildContext(sop.Verification).contextId, undefined);
  });

  test("buildRole defaults both roles to false", () => {
    const r = buildRole(sop.CTImageStorage);
    assert.deepEqual([r.sopClassUid, r.scuRole, r.scpRole], [sop.CTImageStorage, false, false]);
    assert.equal(buildRole(sop.CTImageStorage, { scpRole: true }).scpRole, true);
  });
});

describe("context lists, splitting, prioritising", () => {
  test("storage contexts: every non-retired storage class; with retired ones, all of them (more than 128)", () => {
    const all = storagePresentationContexts({ includeRetired: true });
    assert.equal(all.length, storageSopClasses().length);
    assert.ok(all.length > 128);
    const current = storagePresentationContexts();
    assert.ok(current.length < all.length && current.length > 100);
    assert.ok(current.some((c) => c.abstractSyntax === sop.CTImageStorage));
    assert.notEqual(storagePresentationContexts()[0], current[0], "fresh objects each call");
    assert.equal(verificationPresentationContexts()[0]?.abstractSyntax, sop.Verification);
    assert.ok(
      queryRetrievePresentationContexts().some(
        (c) => c.abstractSyntax === sop.StudyRootQueryRetrieveInformationModelMove,
      ),
    );
  });

  test("more than 128 in one association is a clear error", () => {
    const all = storagePresentationContexts({ includeRetired: true });
    assert.throws(
      () => checkContextLimit(all),
      (e: unknown) => e instanceof TooManyContextsError && /splitContexts/.test(e.message),
    );
    assert.throws(() => assignContextIds(all), TooManyContextsError);
    checkContextLimit(all.slice(0, 128));
  });

  test("splitContexts: groups of at most max, order kept, shared contexts at the head of each", () => {
    const all = storagePresentationContexts({ includeRetired: true });
    const shared = verificationPresentationContexts();
    const groups = splitContexts(all, { shared });
    assert.equal(groups.length, Math.ceil(all.length / 127));
    for (const g of groups) {
      assert.ok(g.length <= 128);
      assert.equal(g[0], shared[0]);
    }
    assert.deepEqual(
      groups.flatMap((g) => g.slice(1)),
      all,
    );
    assert.deepEqual(
      splitContexts(all.slice(0, 10), { max: 4 }).map((g) => g.length),
      [4, 4, 2],
    );
    assert.throws(() => splitContexts(all, { max: 129 }), RangeError);
    assert.throws(() => splitContexts(all, { max: 1, shared }), TooManyContextsError);
    assert.deepEqual(splitContexts([]), []);
  });

  test("prioritiseContexts keeps the wanted ones first and reports what it dropped", () => {
    const all = storagePresentationContexts({ includeRetired: true });
    const { kept, dropped } = prioritiseContexts(all, [sop.MRImageStorage, sop.CTImageStorage], 10);
    assert.equal(kept.length, 10);
    assert.deepEqual(
      kept.slice(0, 2).map((c) => c.abstractSyntax),
      [sop.MRImageStorage, sop.CTImageStorage],
    );
    assert.equal(kept.length + dropped.length, all.length);
    assert.ok(!dropped.some((c) => c.abstractSyntax === sop.CTImageStorage));
  });

  test("assignContextIds numbers 1, 3, 5… on copies", () => {
    const list = [buildContext(sop.Verification), buildContext(sop.CTImageStorage), buildContext(sop.MRImageStorage)];
    const numbered = assignContextIds(list);
    assert.deepEqual(
      numbered.map((c) => c.contextId),
      [1, 3, 5],
    );
    assert.equal(list[0]?.contextId, undefined);
  });
});
