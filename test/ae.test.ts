// AE settings and context lists, without a network.
import assert from "node:assert/strict";
import { test } from "node:test";
import { buildContext, TooManyContextsError } from "../src/acse/index.js";
import { AE } from "../src/ae.js";
import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from "../src/dataset/part10.js";
import { sop, storageSopClasses, ts } from "../src/dataset/uids.js";

test("defaults follow pynetdicom (title NETDICOM, 16382, 30/30/60 s, 10 associations)", () => {
  const ae = new AE();
  assert.equal(ae.aeTitle, "NETDICOM");
  assert.equal(ae.maximumPduSize, 16382);
  assert.equal(ae.acseTimeoutMs, 30_000);
  assert.equal(ae.dimseTimeoutMs, 30_000);
  assert.equal(ae.networkTimeoutMs, 60_000);
  assert.equal(ae.maximumAssociations, 10);
  assert.equal(ae.requireCalledAet, false);
  assert.deepEqual(ae.requireCallingAet, []);
  assert.equal(ae.implementationClassUid, IMPLEMENTATION_CLASS_UID);
  assert.equal(ae.implementationVersionName, IMPLEMENTATION_VERSION_NAME);
  assert.deepEqual(ae.activeAssociations, []);
});

test("AE titles are validated and trimmed", () => {
  assert.equal(new AE({ aeTitle: "  PACS " }).aeTitle, "PACS");
  assert.throws(() => new AE({ aeTitle: "" }), /AE title/);
  assert.throws(() => new AE({ aeTitle: "SEVENTEEN_CHARS_X" }), /AE title/);
  assert.throws(() => new AE({ aeTitle: "A\\B" }), /AE title/);
  const ae = new AE();
  assert.throws(() => {
    ae.aeTitle = "BAD\u0001";
  }, /AE title/);
});

test("requested contexts: default transfer syntaxes, removal of one syntax or all", () => {
  const ae = new AE();
  ae.addRequestedContext(sop.Verification);
  ae.addRequestedContext(sop.CTImageStorage, [ts.ExplicitVRLittleEndian, ts.ImplicitVRLittleEndian]);
  assert.equal(ae.requestedContexts.length, 2);
  assert.equal(ae.requestedContexts[0]!.transferSyntaxes.length, 4);
  ae.removeRequestedContext(sop.CTImageStorage, ts.ExplicitVRLittleEndian);
  assert.deepEqual(ae.requestedContexts[1]!.transferSyntaxes, [ts.ImplicitVRLittleEndian]);
  ae.removeRequestedContext(sop.CTImageStorage, ts.ImplicitVRLittleEndian);
  assert.equal(ae.requestedContexts.length, 1);
  ae.removeRequestedContext(sop.Verification);
  assert.equal(ae.requestedContexts.length, 0);
});

test("at most 128 requested contexts, with an error that names the way out", () => {
  const ae = new AE();
  const uids = storageSopClasses();
  for (let i = 0; i < 128; i++) ae.addRequestedContext(uids[i]!);
  assert.throws(
    () => ae.addRequestedContext(uids[128]!),
    (err: unknown) => err instanceof TooManyContextsError && /splitContexts/.test(err.message),
  );
  assert.equal(ae.requestedContexts.length, 128);
});

test("associate refuses to start without contexts, or with more than 128", async () => {
  const ae = new AE();
  await assert.rejects(ae.associate("127.0.0.1", 1), /no presentation contexts/);
  const contexts = storageSopClasses()
    .slice(0, 129)
    .map((uid) => buildContext(uid));
  await assert.rejects(ae.associate("127.0.0.1", 1, { contexts }), TooManyContextsError);
});

test("supported contexts: adding again merges transfer syntaxes and sets roles", () => {
  const ae = new AE();
  ae.addSupportedContext(sop.CTImageStorage, ts.ImplicitVRLittleEndian);
  ae.addSupportedContext(sop.CTImageStorage, ts.ExplicitVRLittleEndian, true, false);
  const [cx] = ae.supportedContexts;
  assert.deepEqual(cx?.transferSyntaxes, [ts.ImplicitVRLittleEndian, ts.ExplicitVRLittleEndian]);
  assert.equal(cx?.scuRole, true);
  assert.equal(cx?.scpRole, false);
  ae.removeSupportedContext(sop.CTImageStorage);
  assert.deepEqual(ae.supportedContexts, []);
});

test("contexts returned are copies: changing them does not change the AE", () => {
  const ae = new AE();
  ae.addSupportedContext(sop.Verification);
  ae.supportedContexts[0]!.scuRole = true;
  assert.equal(ae.supportedContexts[0]!.scuRole, undefined);
});

test("acceptorContexts: made once while the supported contexts stay the same, again after a change or for acceptAny", () => {
  const ae = new AE({ aeTitle: "CACHE_SCP" });
  ae.addSupportedContext(sop.Verification);
  const first = ae.acceptorContexts(false);
  assert.equal(ae.acceptorContexts(false), first, "reused");
  assert.ok(Object.isFrozen(first));
  ae.addSupportedContext(sop.CTImageStorage);
  const second = ae.acceptorContexts(false);
  assert.notEqual(second, first);
  assert.deepEqual(
    second.map((cx) => cx.abstractSyntax),
    [sop.Verification, sop.CTImageStorage],
  );
  const any = ae.acceptorContexts(true);
  assert.ok(any.length > second.length);
  ae.removeSupportedContext(sop.CTImageStorage);
  assert.deepEqual(
    ae.acceptorContexts(false).map((cx) => cx.abstractSyntax),
    [sop.Verification],
  );
});
