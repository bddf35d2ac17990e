// The PS3.15 secure transport connection profiles (B.9 BCP 195, B.10 Non-Downgrading, B.11
// Extended) on connectTls/createTlsServer and AE.associate/startServer: old protocol versions
// and suites outside the profile are refused, the negotiated suite is one of the profile's,
// client certificates are required when asked for, and server certificates are verified by default.
import assert from "node:assert/strict";
import { test } from "node:test";
import { type ConnectionOptions, connect, type Server, type TLSSocket } from "node:tls";
import { AE } from "../../src/ae.js";
import type { Association } from "../../src/association.js";
import { sop } from "../../src/dataset/uids.js";
import { TransportClosedError } from "../../src/dul/errors.js";
import {
  connectTls,
  createTlsServer,
  isTlsProfile,
  profileCiphers,
  profileContextOptions,
  type TlsOptions,
  type TlsProfile,
  tlsProfileNames,
} from "../../src/dul/transport/tls.js";
import type { AssociationServer } from "../../src/server.js";
import { NetdicomError } from "../../src/util/errors.js";
import { getPki } from "./pki.js";

type After = { after: (fn: () => unknown) => void };

/** A raw TLS server (no DICOM) that records handshake failures and the suites it negotiates. */
async function rawServer(
  t: After,
  tls: TlsOptions,
): Promise<{ port: number; clientErrors: Error[]; secured: Promise<TLSSocket> }> {
  const clientErrors: Error[] = [];
  let onSecured: (s: TLSSocket) => void = () => {};
  const secured = new Promise<TLSSocket>((resolve) => {
    onSecured = resolve;
  });
  const open: { destroy: () => void }[] = [];
  const server: Server = createTlsServer((transport) => open.push(transport), { tls });
  server.on("tlsClientError", (err) => clientErrors.push(err));
  server.on("secureConnection", (s: TLSSocket) => onSecured(s));
  // Connections first, or close() would wait for them.
  t.after(async () => {
    for (const c of open) c.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const a = server.address();
  return { port: typeof a === "object" && a ? a.port : 0, clientErrors, secured };
}

/** Connects with plain node:tls options; resolves with the socket, or the error that ended the handshake. */
function rawConnect(port: number, options: ConnectionOptions): Promise<TLSSocket | Error> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port, ...options });
    s.once("secureConnect", () => resolve(s));
    s.once("error", (err) => {
      s.destroy();
      resolve(err);
    });
  });
}

/** Waits (a bounded number of turns) until the server has recorded a handshake failure. */
async function serverRefused(errors: Error[]): Promise<Error> {
  for (let i = 0; i < 200 && errors.length === 0; i++) await new Promise((r) => setImmediate(r));
  const err = errors[0];
  assert.ok(err, "the server reported a refused handshake");
  return err;
}

test("profiles: TLS 1.2 minimum, forward-secret AEAD suites only, bcp195 by default", () => {
  assert.deepEqual(tlsProfileNames, ["bcp195", "bcp195-nd", "bcp195-extended"]);
  for (const name of tlsProfileNames) {
    const o = profileContextOptions(name);
    assert.equal(o.minVersion, "TLSv1.2");
    for (const suite of profileCiphers(name)) {
      // TLS 1.3 suites, or (EC)DHE key exchange with GCM or ChaCha20-Poly1305.
      assert.match(suite, /^(TLS_(AES_(128|256)_GCM|CHACHA20_POLY1305)_SHA(256|384)|E?CDHE-|DHE-)/);
      assert.match(suite, /GCM|CHACHA20/);
    }
    assert.ok(!profileCiphers(name).includes("AES128-SHA"));
  }
  assert.ok(profileCiphers("bcp195").includes("ECDHE-RSA-AES128-GCM-SHA256"));
  assert.ok(profileCiphers("bcp195-nd").includes("DHE-RSA-AES256-GCM-SHA384"));
  assert.ok(profileCiphers("bcp195-extended").includes("ECDHE-ECDSA-AES256-GCM-SHA384"));
  assert.ok(!profileCiphers("bcp195").includes("ECDHE-ECDSA-AES256-GCM-SHA384"));
  assert.equal(isTlsProfile("bcp195-nd"), true);
  assert.equal(isTlsProfile("basic"), false);
});

test("an unknown profile name is a typed error", async () => {
  assert.throws(
    () => createTlsServer(() => {}, { tls: { profile: "aes" as TlsProfile } }),
    (e: unknown) => e instanceof NetdicomError && e.code === "ERR_TLS_PROFILE",
  );
  await assert.rejects(
    connectTls({ host: "127.0.0.1", port: 1, tls: { profile: "basic" as TlsProfile } }),
    (e: unknown) => e instanceof NetdicomError && e.code === "ERR_TLS_PROFILE",
  );
});

for (const profile of [undefined, ...tlsProfileNames]) {
  test(`${profile ?? "default (bcp195)"} server: a client limited to TLS 1.1 is refused`, async (t) => {
    const p = getPki(t);
    if (!p) return;
    const { port, clientErrors } = await rawServer(t, { key: p.serverKey, cert: p.serverCert, profile });
    // SECLEVEL=0 lets this OpenSSL offer TLS 1.1 at all, so the refusal is the server's.
    const result = await rawConnect(port, {
      ca: p.ca,
      minVersion: "TLSv1.1",
      maxVersion: "TLSv1.1",
      ciphers: "DEFAULT:@SECLEVEL=0",
    });
    assert.ok(result instanceof Error, "the TLS 1.1 handshake fails");
    const refused = await serverRefused(clientErrors);
    assert.match(`${(refused as NodeJS.ErrnoException).code} ${refused.message}`, /protocol|version/i);
  });

  test(`${profile ?? "default (bcp195)"} server: a client offering only AES128-SHA (no forward secrecy) is refused`, async (t) => {
    const p = getPki(t);
    if (!p) return;
    const { port, clientErrors } = await rawServer(t, { key: p.serverKey, cert: p.serverCert, profile });
    const result = await rawConnect(port, { ca: p.ca, maxVersion: "TLSv1.2", ciphers: "AES128-SHA" });
    assert.ok(result instanceof Error, "the handshake fails");
    const refused = await serverRefused(clientErrors);
    assert.match(`${(refused as NodeJS.ErrnoException).code} ${refused.message}`, /cipher/i);
  });

  test(`${profile ?? "default (bcp195)"}: TLS 1.2 client and server agree on a suite of the profile`, async (t) => {
    const p = getPki(t);
    if (!p) return;
    const { port, secured } = await rawServer(t, { key: p.serverKey, cert: p.serverCert, profile });
    const client = await connectTls({ host: "127.0.0.1", port, tls: { ca: p.ca, maxVersion: "TLSv1.2", profile } });
    t.after(() => client.destroy());
    const serverSide = await secured;
    const cipher = serverSide.getCipher();
    assert.equal(serverSide.getProtocol(), "TLSv1.2");
    assert.ok(profileCiphers(profile ?? "bcp195").includes(cipher.name), `${cipher.name} is in the profile`);
    // The server's order wins (RFC 9325 4.2.1): its first suite that the client has, AES-256 here.
    assert.equal(cipher.name, "ECDHE-RSA-AES256-GCM-SHA384");
  });
}

test("the server's suite order wins over the client's", async (t) => {
  const p = getPki(t);
  if (!p) return;
  const { port, secured } = await rawServer(t, { key: p.serverKey, cert: p.serverCert });
  // This client prefers AES-128; the bcp195 server lists AES-256 first.
  const result = await rawConnect(port, {
    ca: p.ca,
    maxVersion: "TLSv1.2",
    ciphers: "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384",
  });
  assert.ok(!(result instanceof Error), String(result));
  t.after(() => (result as TLSSocket).destroy());
  assert.equal((await secured).getCipher().name, "ECDHE-RSA-AES256-GCM-SHA384");
});

/** A Verification SCP over TLS. */
async function tlsScp(t: After, tls: TlsOptions): Promise<{ server: AssociationServer; requests: () => number }> {
  const ae = new AE({ aeTitle: "TLS-SCP" });
  ae.addSupportedContext(sop.Verification);
  let requests = 0;
  const server = await ae.startServer({
    host: "127.0.0.1",
    tls,
    onAssociationRequest: () => {
      requests++;
      return true;
    },
  });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  return { server, requests: () => requests };
}

function scu(): AE {
  const ae = new AE({ aeTitle: "TLS-SCU", acseTimeoutMs: 5000, connectionTimeoutMs: 5000 });
  ae.addRequestedContext(sop.Verification);
  return ae;
}

for (const profile of tlsProfileNames) {
  test(`${profile}: AE.associate over TLS to startServer with the same profile: C-ECHO works`, async (t) => {
    const p = getPki(t);
    if (!p) return;
    const { server } = await tlsScp(t, { key: p.serverKey, cert: p.serverCert, profile });
    const assoc = await scu().associate("127.0.0.1", server.port, { aeTitle: "TLS-SCP", tls: { ca: p.ca, profile } });
    t.after(() => assoc.abort());
    assert.equal(assoc.isEstablished, true);
    assert.equal((await assoc.sendCEcho()).status, 0x0000);
    await assoc.release();
    assert.equal(assoc.isReleased, true);
  });
}

test("connectTls with the default profile: the negotiated suite (TLS 1.3 or 1.2) is the profile's", async (t) => {
  const p = getPki(t);
  if (!p) return;
  const { port, secured } = await rawServer(t, { key: p.serverKey, cert: p.serverCert });
  const client = await connectTls({ host: "127.0.0.1", port, tls: { ca: p.ca } });
  t.after(() => client.destroy());
  const s = await secured;
  assert.ok(["TLSv1.2", "TLSv1.3"].includes(String(s.getProtocol())));
  assert.ok(profileCiphers("bcp195").includes(s.getCipher().name), s.getCipher().name);
  assert.equal(client.peerCertificate()?.subject?.CN, "localhost");
});

test("mutual authentication: a client without a certificate is refused; with one signed by the CA it is served", async (t) => {
  const p = getPki(t);
  if (!p) return;
  const { server, requests } = await tlsScp(t, {
    key: p.serverKey,
    cert: p.serverCert,
    ca: p.ca,
    requestCert: true,
  });
  // Without a certificate: TLS 1.2 fails the handshake; TLS 1.3 lets the client finish first and
  // the server's alert ends the connection. Either way no association and no request reaches the SCP.
  for (const maxVersion of ["TLSv1.2", "TLSv1.3"] as const) {
    const outcome: Association | Error = await scu()
      .associate("127.0.0.1", server.port, { aeTitle: "TLS-SCP", tls: { ca: p.ca, maxVersion } })
      .then(
        (assoc) => assoc,
        (err: unknown) => err as Error,
      );
    if (!(outcome instanceof Error)) {
      t.after(() => outcome.abort());
      assert.equal(outcome.isEstablished, false, `${maxVersion}: not established`);
    }
  }
  assert.equal(requests(), 0);
  // A certificate the server's CA did not sign is refused too.
  const stranger = await scu()
    .associate("127.0.0.1", server.port, {
      aeTitle: "TLS-SCP",
      tls: { ca: p.ca, cert: p.selfCert, key: p.selfKey, maxVersion: "TLSv1.2" },
    })
    .then(
      (assoc) => assoc.isEstablished,
      () => false,
    );
  assert.equal(stranger, false);
  assert.equal(requests(), 0);
  // With the client certificate the association is established and the SCP saw the peer's certificate.
  const assoc = await scu().associate("127.0.0.1", server.port, {
    aeTitle: "TLS-SCP",
    tls: { ca: p.ca, cert: p.clientCert, key: p.clientKey },
  });
  t.after(() => assoc.abort());
  assert.equal(assoc.isEstablished, true);
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
  assert.equal(requests(), 1);
  await assoc.release();
});

test("the server certificate is verified by default: a self-signed one without `ca` is refused", async (t) => {
  const p = getPki(t);
  if (!p) return;
  const { server, requests } = await tlsScp(t, { key: p.selfKey, cert: p.selfCert });
  await assert.rejects(
    scu().associate("127.0.0.1", server.port, { aeTitle: "TLS-SCP", tls: {} }),
    TransportClosedError,
  );
  // A CA that did not sign it does not help either.
  await assert.rejects(
    scu().associate("127.0.0.1", server.port, { aeTitle: "TLS-SCP", tls: { ca: p.ca } }),
    TransportClosedError,
  );
  assert.equal(requests(), 0);
  // Trusting the certificate itself works (and shows the refusals were about verification).
  const assoc = await scu().associate("127.0.0.1", server.port, { aeTitle: "TLS-SCP", tls: { ca: p.selfCert } });
  t.after(() => assoc.abort());
  assert.equal(assoc.isEstablished, true);
  await assoc.release();
  // The refused clients left no half-open connection behind: shutdown completes (a connection
  // stuck mid-handshake would keep it waiting and this test would never settle).
  await server.shutdown({ deadlineMs: 1000 });
});
