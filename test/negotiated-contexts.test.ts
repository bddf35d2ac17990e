import assert from "node:assert/strict";
import { test } from "node:test";
import { PresentationContext } from "../src/acse/index.js";
import { NegotiatedContexts } from "../src/negotiated-contexts.js";
import { NoPresentationContextError } from "../src/services/errors.js";

const CT = "1.2.840.10008.5.1.4.1.1.2";
const MR = "1.2.840.10008.5.1.4.1.1.4";
const US = "1.2.840.10008.5.1.4.1.1.6.1";
const IVRLE = "1.2.840.10008.1.2";
const EVRLE = "1.2.840.10008.1.2.1";

function cx(contextId: number, abstractSyntax: string, ts: string, result: number, asScp = true): PresentationContext {
  return new PresentationContext({
    contextId,
    abstractSyntax,
    transferSyntaxes: [ts],
    result,
    asScu: true,
    asScp,
  });
}

test("set splits the negotiated contexts into accepted and rejected; byId finds only accepted ones", () => {
  const contexts = new NegotiatedContexts();
  contexts.set([cx(1, CT, IVRLE, 0), cx(3, MR, IVRLE, 3), cx(5, CT, EVRLE, 0)]);
  assert.deepEqual(
    contexts.accepted.map((c) => c.contextId),
    [1, 5],
  );
  assert.deepEqual(
    contexts.rejected.map((c) => c.contextId),
    [3],
  );
  assert.equal(contexts.byId(5)?.transferSyntax, EVRLE);
  assert.equal(contexts.byId(3), undefined);
});

test("byId: the first accepted context of an ID; IDs never accepted or out of range find none", () => {
  const contexts = new NegotiatedContexts();
  const many = Array.from({ length: 120 }, (_, i) => cx(2 * i + 1, i % 2 ? MR : CT, IVRLE, i % 3 === 0 ? 3 : 0));
  contexts.set([...many, cx(255, US, IVRLE, 0), cx(255, CT, IVRLE, 0)]);
  for (const c of many) assert.equal(contexts.byId(c.contextId ?? -1), c.result === 0 ? c : undefined);
  assert.equal(contexts.byId(255)?.abstractSyntax, US, "the first of a repeated ID, as a scan finds it");
  for (const id of [0, 2, 256, -1, 1.5, 511]) assert.equal(contexts.byId(id), undefined, String(id));
  // set() again replaces the index.
  contexts.set([cx(3, MR, EVRLE, 0)]);
  assert.equal(contexts.byId(1), undefined);
  assert.equal(contexts.byId(3)?.transferSyntax, EVRLE);
});

test("select prefers the requested transfer syntax, else the first usable context", () => {
  const contexts = new NegotiatedContexts();
  contexts.set([cx(1, CT, IVRLE, 0), cx(3, CT, EVRLE, 0)]);
  assert.equal(contexts.select(CT, "scu", EVRLE).contextId, 3);
  assert.equal(contexts.select(CT, "scu").contextId, 1);
  assert.equal(contexts.select(CT, "scu", "1.2.840.10008.1.2.4.50").contextId, 1);
});

test("select honours the role and names why no context fits", () => {
  const contexts = new NegotiatedContexts();
  contexts.set([cx(1, CT, IVRLE, 0, false), cx(3, MR, IVRLE, 4)]);
  assert.equal(contexts.select(CT, "scu").contextId, 1);
  assert.throws(
    () => contexts.select(CT, "scp"),
    (err: unknown) => err instanceof NoPresentationContextError && /not in this role/.test(err.message),
  );
  assert.throws(
    () => contexts.select(US, "scu"),
    (err: unknown) => err instanceof NoPresentationContextError && !/not in this role/.test(err.message),
  );
  // A rejected context is never chosen.
  assert.throws(() => contexts.select(MR, "scu"), NoPresentationContextError);
});
