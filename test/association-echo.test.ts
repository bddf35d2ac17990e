// C-ECHO and the association lifecycle on 127.0.0.1: statuses, handler failures, timeouts,
// aborts, release, run-time binding, many associations at once, server shutdown.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AE, type AEOptions } from "../src/ae.js";
import type { Association } from "../src/association.js";
import { sop } from "../src/dataset/uids.js";
import { AssociationAbortedError } from "../src/dul/errors.js";
import { Event, type Handlers } from "../src/events.js";
import type { AssociationServer } from "../src/server.js";
import { DimseTimeoutError, NoPresentationContextError } from "../src/services/errors.js";

type T = { after: (fn: () => Promise<unknown>) => void };

async function echoServer(t: T, handlers: Handlers = {}, options: AEOptions = {}): Promise<AssociationServer> {
  const ae = new AE({ aeTitle: "ECHO_SCP", ...options });
  ae.addSupportedContext(sop.Verification);
  const server = await ae.startServer({ host: "127.0.0.1", handlers });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  return server;
}

async function connect(t: T, port: number, options: AEOptions = {}, handlers: Handlers = {}): Promise<Association> {
  const ae = new AE({ aeTitle: "ECHO_SCU", ...options });
  ae.addRequestedContext(sop.Verification);
  const assoc = await ae.associate("127.0.0.1", port, { aeTitle: "ECHO_SCP", handlers });
  t.after(() => assoc.abort());
  assert.equal(assoc.isEstablished, true);
  return assoc;
}

test("C-ECHO: success with no handler bound (0x0000), then release", async (t) => {
  const server = await echoServer(t);
  const assoc = await connect(t, server.port);
  const rsp = await assoc.sendCEcho();
  assert.equal(rsp.status, 0x0000);
  assert.equal(rsp.statusInfo.category, "success");
  assert.equal(rsp.messageId, 1);
  assert.equal((await assoc.sendCEcho()).messageId, 2);
  await assoc.release();
  assert.equal(assoc.isReleased, true);
  assert.equal(assoc.isEstablished, false);
});

test("C-ECHO: the handler's status is answered, and it sees the request", async (t) => {
  const seen: unknown[] = [];
  const server = await echoServer(t, {
    [Event.C_ECHO]: (e) => {
      seen.push([e.messageId, e.context.abstractSyntax, e.assoc.requestor.aeTitle]);
      return 0x0122;
    },
  });
  const assoc = await connect(t, server.port);
  const rsp = await assoc.sendCEcho();
  assert.equal(rsp.status, 0x0122);
  assert.equal(rsp.statusInfo.category, "failure");
  assert.deepEqual(seen, [[1, sop.Verification, "ECHO_SCU"]]);
});

test("C-ECHO: a handler that throws gets 0x0110 and the server keeps serving", async (t) => {
  const errors: unknown[] = [];
  const ae = new AE({ aeTitle: "ECHO_SCP", logger: { error: (m) => errors.push(m) } });
  ae.addSupportedContext(sop.Verification);
  const server = await ae.startServer({
    host: "127.0.0.1",
    handlers: {
      [Event.C_ECHO]: () => {
        throw new Error("boom");
      },
    },
  });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  const assoc = await connect(t, server.port);
  assert.equal((await assoc.sendCEcho()).status, 0x0110);
  assert.equal((await assoc.sendCEcho()).status, 0x0110);
  assert.ok(errors.some((m) => String(m).includes("C_ECHO handler threw")));
  const second = await connect(t, server.port);
  assert.equal((await second.sendCEcho()).status, 0x0110);
});

test("bind and unbind at run time, on the acceptor's association", async (t) => {
  const server = await echoServer(t);
  const assoc = await connect(t, server.port);
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
  const [peer] = server.activeAssociations;
  assert.ok(peer);
  const handler = () => 0x0211;
  peer.bind(Event.C_ECHO, handler);
  assert.deepEqual(peer.getHandlers(Event.C_ECHO), [handler]);
  assert.equal((await assoc.sendCEcho()).status, 0x0211);
  peer.unbind(Event.C_ECHO, handler);
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
});

test("notification events fire in order, and a throwing notification handler is ignored", async (t) => {
  const server = await echoServer(t);
  const names: string[] = [];
  const record = (e: { name: string }) => void names.push(e.name);
  const assoc = await connect(
    t,
    server.port,
    {},
    {
      [Event.CONN_OPEN]: record,
      [Event.REQUESTED]: record,
      [Event.ACCEPTED]: record,
      [Event.ESTABLISHED]: () => {
        throw new Error("a user bug");
      },
      [Event.DIMSE_SENT]: record,
      [Event.DIMSE_RECV]: record,
      [Event.RELEASED]: record,
      [Event.CONN_CLOSE]: record,
    },
  );
  const pdus: number[] = [];
  assoc.on("pduSent", (e) => pdus.push(e.pdu.type));
  assert.equal((await assoc.sendCEcho()).status, 0);
  await assoc.release();
  assert.deepEqual(names, ["CONN_OPEN", "REQUESTED", "ACCEPTED", "DIMSE_SENT", "DIMSE_RECV", "RELEASED", "CONN_CLOSE"]);
  assert.deepEqual(pdus, [0x04, 0x05]); // P-DATA-TF, A-RELEASE-RQ
});

test("DIMSE timeout: the call rejects with a TimeoutError and the association is aborted", async (t) => {
  let release!: () => void;
  const stuck = new Promise<number>((resolve) => {
    release = () => resolve(0);
  });
  t.after(async () => release());
  const server = await echoServer(t, { [Event.C_ECHO]: () => stuck });
  const assoc = await connect(t, server.port, { dimseTimeoutMs: 150 });
  await assert.rejects(assoc.sendCEcho(), (err: unknown) => {
    assert.ok(err instanceof DimseTimeoutError);
    assert.equal(err.name, "TimeoutError");
    assert.equal(err.code, "ERR_TIMEOUT");
    return true;
  });
  assert.equal(assoc.isAborted, true);
  await assoc.closed;
});

test("the peer aborts during a C-ECHO: the call rejects with AssociationAbortedError", async (t) => {
  const server = await echoServer(t, {
    [Event.C_ECHO]: async (e) => {
      await e.assoc.abort();
      return 0;
    },
  });
  const assoc = await connect(t, server.port);
  const aborted: unknown[] = [];
  assoc.on("aborted", (e) => aborted.push(e.error));
  await assert.rejects(assoc.sendCEcho(), (err: unknown) => {
    assert.ok(err instanceof AssociationAbortedError);
    assert.equal(err.by, "peer");
    return true;
  });
  assert.equal(assoc.isAborted, true);
  assert.equal(aborted.length, 1);
});

test("abort(): both sides see the association aborted", async (t) => {
  const server = await echoServer(t);
  const assoc = await connect(t, server.port);
  const [peer] = server.activeAssociations;
  assert.ok(peer);
  const peerAborted = new Promise((resolve) => peer.on("aborted", resolve));
  await assoc.abort();
  assert.equal(assoc.isAborted, true);
  await peerAborted;
  assert.equal(peer.isAborted, true);
  await assert.rejects(assoc.sendCEcho(), /not established|aborted/);
});

test("no Verification context: sendCEcho rejects with NoPresentationContextError", async (t) => {
  const ae = new AE({ aeTitle: "SCP" });
  ae.addSupportedContext(sop.CTImageStorage);
  const server = await ae.startServer({ host: "127.0.0.1" });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  const scu = new AE();
  scu.addRequestedContext(sop.CTImageStorage);
  const assoc = await scu.associate("127.0.0.1", server.port);
  t.after(() => assoc.abort());
  assert.equal(assoc.isEstablished, true);
  await assert.rejects(assoc.sendCEcho(), (err: unknown) => {
    assert.ok(err instanceof NoPresentationContextError);
    assert.match(err.message, /Verification/);
    return true;
  });
  assert.equal(assoc.isEstablished, true);
});

test("a signal stops waiting for the response", async (t) => {
  const server = await echoServer(t, { [Event.C_ECHO]: () => new Promise<number>(() => {}) });
  const assoc = await connect(t, server.port);
  const ac = new AbortController();
  const p = assoc.sendCEcho({ signal: ac.signal });
  ac.abort(new Error("user gave up"));
  await assert.rejects(p, /user gave up/);
});

test("50 concurrent associations against one server, each doing C-ECHO", async (t) => {
  const server = await echoServer(t, {}, { maximumAssociations: 50 });
  const ae = new AE({ aeTitle: "MANY" });
  ae.addRequestedContext(sop.Verification);
  const results = await Promise.all(
    Array.from({ length: 50 }, async () => {
      const assoc = await ae.associate("127.0.0.1", server.port);
      t.after(() => assoc.abort());
      const { status } = await assoc.sendCEcho();
      await assoc.release();
      return [assoc.isReleased, status];
    }),
  );
  assert.equal(results.length, 50);
  for (const r of results) assert.deepEqual(r, [true, 0]);
});

test("shutdown() releases the active associations and stops listening", async (t) => {
  const ae = new AE({ aeTitle: "SCP" });
  ae.addSupportedContext(sop.Verification);
  const server = await ae.startServer({ host: "127.0.0.1" });
  const port = server.port;
  const a = await connect(t, port);
  const b = await connect(t, port);
  assert.equal(server.activeAssociations.length, 2);
  await server.shutdown({ deadlineMs: 2000 });
  assert.equal(server.activeAssociations.length, 0);
  await Promise.all([a.closed, b.closed]);
  assert.equal(a.isReleased, true);
  assert.equal(b.isReleased, true);
  const late = new AE();
  late.addRequestedContext(sop.Verification);
  await assert.rejects(late.associate("127.0.0.1", port), /connection/);
});

test("debug logging: an AE logger with debug gets every PDU and DIMSE message; silent otherwise", async (t) => {
  const lines: string[] = [];
  const server = await echoServer(t);
  const ae = new AE({ aeTitle: "LOUD", logger: { debug: (m) => void lines.push(m) } });
  ae.addRequestedContext(sop.Verification);
  const assoc = await ae.associate("127.0.0.1", server.port);
  t.after(() => assoc.abort());
  await assoc.sendCEcho();
  await assoc.release();
  const text = lines.join("\n");
  assert.match(text, /A-ASSOCIATE-RQ/);
  assert.match(text, /A-ASSOCIATE-AC/);
  assert.match(text, /C-ECHO-RQ/);
  assert.match(text, /C-ECHO-RSP/);
  assert.match(text, /A-RELEASE-RQ/);
  const quiet: string[] = [];
  const silent = new AE({ aeTitle: "QUIET", logger: { info: (m) => void quiet.push(m) } });
  silent.addRequestedContext(sop.Verification);
  const other = await silent.associate("127.0.0.1", server.port);
  t.after(() => other.abort());
  await other.sendCEcho();
  await other.release();
  assert.deepEqual(quiet, []);
});

test("service users' addresses and ports: the local end read when first asked, matching the socket, on both sides", async (t) => {
  let seen: { local: string; localPort: number | undefined; peer: string; peerPort: number | undefined } | undefined;
  const server = await echoServer(t, {
    [Event.C_ECHO]: (event) => {
      const a = event.assoc;
      seen = { local: a.local.address, localPort: a.local.port, peer: a.remote.address, peerPort: a.remote.port };
      return 0x0000;
    },
  });
  const assoc = await connect(t, server.port);
  const socket = (assoc.upperLayer?.transport as unknown as { socket?: import("node:net").Socket } | undefined)?.socket;
  assert.ok(socket, "a TCP socket");
  assert.equal(assoc.local.address, socket.localAddress);
  assert.equal(assoc.local.port, socket.localPort);
  assert.equal(assoc.remote.address, "127.0.0.1");
  assert.equal(assoc.remote.port, server.port);
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
  assert.deepEqual(seen, { local: "127.0.0.1", localPort: server.port, peer: "127.0.0.1", peerPort: socket.localPort });
  assert.deepEqual(assoc.local.missing(), []);
  const localPort = socket.localPort;
  await assoc.release();
  // Read before the close: the values stay (the socket itself, closed by now, has none left).
  assert.equal(socket.destroyed, true);
  assert.equal(assoc.local.port, localPort);
});

test("an acceptor's supported contexts are copies: changing them in a handler changes no later association", async (t) => {
  const server = await echoServer(t, {
    [Event.C_ECHO]: (event) => {
      const [cx] = event.assoc.acceptor.supportedContexts;
      if (cx) cx.transferSyntaxes = ["1.2.3"];
      return 0x0000;
    },
  });
  for (let i = 0; i < 2; i++) {
    const assoc = await connect(t, server.port);
    assert.equal(assoc.acceptedContexts.length, 1, `association ${i + 1} still negotiates the context`);
    assert.equal((await assoc.sendCEcho()).status, 0x0000);
    await assoc.release();
  }
});

test("PDU and FSM notifications bound after the association is established still arrive (both sides)", async (t) => {
  const serverSeen: string[] = [];
  const server = await echoServer(t, {
    [Event.C_ECHO]: (event) => {
      // Bound on the acceptor's association while it serves its first request.
      if (serverSeen.length === 0) {
        event.assoc.bind(Event.PDU_SENT, (e) => {
          serverSeen.push(`sent ${e.pdu.type}`);
        });
        event.assoc.on("transition", (e) => serverSeen.push(`${e.currentState}->${e.nextState}`));
      }
      return 0x0000;
    },
  });
  const assoc = await connect(t, server.port);
  const seen: string[] = [];
  assoc.on("pduReceived", (e) => seen.push(`recv ${e.pdu.type}`));
  assoc.bind(Event.FSM_TRANSITION, (e) => {
    seen.push(`${e.currentState}->${e.nextState}`);
  });
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
  await assoc.release();
  assert.ok(seen.includes("recv 4"), `the C-ECHO-RSP's P-DATA-TF: ${seen.join(", ")}`);
  assert.ok(seen.includes("recv 6"), "the A-RELEASE-RP");
  assert.ok(seen.includes("Sta6->Sta7"), "the release request's transition");
  assert.ok(serverSeen.includes("sent 4"), `the acceptor's C-ECHO-RSP: ${serverSeen.join(", ")}`);
  assert.ok(serverSeen.includes("sent 6"), "the acceptor's A-RELEASE-RP");
  assert.ok(serverSeen.includes("Sta6->Sta8"), "the acceptor's release indication");
});
