// Required user identity (PS3.7 D.3.3.7): with `requireUserIdentity` an A-ASSOCIATE-RQ without
// the item, with an identity the USER_ID handler refuses, or with no handler bound, is rejected
// (2,2,1) before any other handler runs; all five identity types reach the handler intact.
import assert from "node:assert/strict";
import { test } from "node:test";
import { type UserIdentityInit, UserIdentityNegotiation } from "../../src/acse/index.js";
import { AE, type AEOptions } from "../../src/ae.js";
import type { Association } from "../../src/association.js";
import { sop } from "../../src/dataset/uids.js";
import { Event, type Handlers } from "../../src/events.js";
import type { AssociationServer, ServerOptions } from "../../src/server.js";

type After = { after: (fn: () => Promise<unknown>) => void };

/** Every handler call of the server, by event name, in order. */
type Calls = string[];

/** A Verification SCP requiring user identity that records which handlers ran. */
async function serve(
  t: After,
  handlers: Handlers,
  options: { ae?: AEOptions; server?: ServerOptions } = {},
): Promise<{ server: AssociationServer; calls: Calls }> {
  const calls: Calls = [];
  const ae = new AE({ aeTitle: "SCP", requireUserIdentity: true, ...options.ae });
  ae.addSupportedContext(sop.Verification);
  const recorded: Handlers = {
    [Event.ASYNC_OPS]: () => void calls.push("ASYNC_OPS"),
    [Event.SOP_EXTENDED]: () => {
      calls.push("SOP_EXTENDED");
      return undefined;
    },
    [Event.C_ECHO]: () => {
      calls.push("C_ECHO");
      return 0x0000;
    },
    ...handlers,
  };
  const server = await ae.startServer({
    host: "127.0.0.1",
    handlers: recorded,
    onAssociationRequest: () => {
      calls.push("onAssociationRequest");
      return true;
    },
    ...options.server,
  });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  return { server, calls };
}

async function open(t: After, port: number, identity?: UserIdentityInit): Promise<Association> {
  const ae = new AE({ aeTitle: "SCU" });
  ae.addRequestedContext(sop.Verification);
  const assoc = await ae.associate("127.0.0.1", port, {
    aeTitle: "SCP",
    extendedNegotiation: identity ? [new UserIdentityNegotiation(identity)] : [],
  });
  t.after(() => assoc.abort());
  return assoc;
}

const checkPassword: Handlers = {
  [Event.USER_ID]: (e) => {
    const user = new TextDecoder().decode(e.primaryField);
    const pass = new TextDecoder().decode(e.secondaryField);
    return e.userIdType === 2 && user === "alice" && pass === "s3cret";
  },
};

const rejected = { result: 2, source: 2, reason: 1 };

test("identity required, none sent: rejected (2,2,1); no handler, no hook, no C_ECHO ran", async (t) => {
  let userIdCalls = 0;
  const { server, calls } = await serve(t, {
    [Event.USER_ID]: () => {
      userIdCalls++;
      return true;
    },
  });
  const assoc = await open(t, server.port);
  assert.equal(assoc.isRejected, true);
  assert.deepEqual({ ...assoc.rejection }, rejected);
  assert.equal(userIdCalls, 0);
  assert.deepEqual(calls, []);
  // The association is not established, so no C-ECHO can be sent on it.
  await assert.rejects(assoc.sendCEcho());
  assert.deepEqual(calls, []);
});

test("identity required, wrong password: rejected (2,2,1) before any other handler", async (t) => {
  const { server, calls } = await serve(t, checkPassword);
  const assoc = await open(t, server.port, { userIdentityType: 2, primaryField: "alice", secondaryField: "guess" });
  assert.equal(assoc.isRejected, true);
  assert.deepEqual({ ...assoc.rejection }, rejected);
  assert.deepEqual(calls, []);
});

test("identity required, right password: accepted, the hook then C_ECHO run, echo succeeds", async (t) => {
  const { server, calls } = await serve(t, checkPassword);
  const assoc = await open(t, server.port, { userIdentityType: 2, primaryField: "alice", secondaryField: "s3cret" });
  assert.equal(assoc.isEstablished, true);
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
  assert.deepEqual(calls, ["onAssociationRequest", "C_ECHO"]);
  await assoc.release();
});

test("identity required, no USER_ID handler bound: rejected even with an identity (fail closed)", async (t) => {
  const { server, calls } = await serve(t, {});
  const assoc = await open(t, server.port, { userIdentityType: 1, primaryField: "alice" });
  assert.equal(assoc.isRejected, true);
  assert.deepEqual({ ...assoc.rejection }, rejected);
  assert.deepEqual(calls, []);
});

test("identity required, the handler throws: rejected (2,2,1)", async (t) => {
  const { server, calls } = await serve(t, {
    [Event.USER_ID]: () => {
      throw new Error("directory unreachable");
    },
  });
  const assoc = await open(t, server.port, { userIdentityType: 1, primaryField: "alice" });
  assert.deepEqual({ ...assoc.rejection }, rejected);
  assert.deepEqual(calls, []);
});

test("identity not required (the default): a request without one is accepted", async (t) => {
  const { server, calls } = await serve(t, checkPassword, { ae: { requireUserIdentity: false } });
  const assoc = await open(t, server.port);
  assert.equal(assoc.isEstablished, true);
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
  assert.deepEqual(calls, ["onAssociationRequest", "C_ECHO"]);
  await assoc.release();
});

test("the AE option defaults to false and is settable", () => {
  const ae = new AE();
  assert.equal(ae.requireUserIdentity, false);
  assert.equal(new AE({ requireUserIdentity: true }).requireUserIdentity, true);
});

// Each type's raw bytes, as the handler must see them (PS3.7 Table D.3-14).
const bytes = (...b: number[]) => Uint8Array.from(b);
const identityTypes: { name: string; type: 1 | 2 | 3 | 4 | 5; primary: Uint8Array; secondary?: Uint8Array }[] = [
  { name: "username", type: 1, primary: new TextEncoder().encode("bob") },
  { name: "username and passcode", type: 2, primary: new TextEncoder().encode("bob"), secondary: bytes(0, 1, 0xff) },
  { name: "Kerberos service ticket", type: 3, primary: bytes(0x6e, 0x82, 0x01, 0x00, 0xa0, 0x03, 0x02, 0x01, 0x05) },
  { name: "SAML assertion", type: 4, primary: new TextEncoder().encode('<saml:Assertion ID="a1">é</saml:Assertion>') },
  {
    name: "JSON Web Token",
    type: 5,
    primary: new TextEncoder().encode("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2ln"),
  },
];

for (const c of identityTypes) {
  test(`${c.name} (type ${c.type}) reaches the handler byte for byte`, async (t) => {
    const seen: { type: number | undefined; primary: number[]; secondary: number[]; positive: boolean }[] = [];
    const { server } = await serve(t, {
      [Event.USER_ID]: (e) => {
        seen.push({
          type: e.userIdType,
          primary: [...e.primaryField],
          secondary: [...e.secondaryField],
          positive: e.positiveResponseRequested,
        });
        return true;
      },
    });
    const assoc = await open(t, server.port, {
      userIdentityType: c.type,
      primaryField: c.primary,
      ...(c.secondary ? { secondaryField: c.secondary } : {}),
    });
    assert.equal(assoc.isEstablished, true);
    assert.deepEqual(seen, [
      { type: c.type, primary: [...c.primary], secondary: [...(c.secondary ?? [])], positive: false },
    ]);
    // No positive response requested: the A-ASSOCIATE-AC carries no user identity item.
    assert.equal(assoc.acceptor.userIdentity, undefined);
    await assoc.release();
  });
}

test("positive response requested (JWT): the requestor sees the handler's server response", async (t) => {
  const { server } = await serve(t, {
    [Event.USER_ID]: (e) => ({
      verified: e.positiveResponseRequested,
      response: Uint8Array.from([...e.primaryField].reverse()),
    }),
  });
  const token = new TextEncoder().encode("header.payload.signature");
  const assoc = await open(t, server.port, {
    userIdentityType: 5,
    primaryField: token,
    positiveResponseRequested: true,
  });
  assert.equal(assoc.isEstablished, true);
  const rsp = assoc.acceptor.userIdentity?.serverResponse;
  assert.ok(rsp, "the A-ASSOCIATE-AC carries a user identity answer");
  assert.deepEqual([...rsp], [...token].reverse());
  await assoc.release();
});

test("positive response requested (SAML, Kerberos): each server response arrives", async (t) => {
  for (const [type, answer] of [
    [4, "<samlp:Response/>"],
    [3, "AP-REP"],
  ] as const) {
    const { server } = await serve(t, { [Event.USER_ID]: () => ({ verified: true, response: answer }) });
    const assoc = await open(t, server.port, {
      userIdentityType: type,
      primaryField: "x",
      positiveResponseRequested: true,
    });
    assert.equal(assoc.isEstablished, true);
    assert.equal(new TextDecoder().decode(assoc.acceptor.userIdentity?.serverResponse), answer);
    await assoc.release();
  }
});

test("positive response requested (username and passcode): an empty server response", async (t) => {
  const { server } = await serve(t, checkPassword);
  const assoc = await open(t, server.port, {
    userIdentityType: 2,
    primaryField: "alice",
    secondaryField: "s3cret",
    positiveResponseRequested: true,
  });
  assert.equal(assoc.isEstablished, true);
  assert.equal(assoc.acceptor.userIdentity?.serverResponse?.byteLength, 0);
  await assoc.release();
});
