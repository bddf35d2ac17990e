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
