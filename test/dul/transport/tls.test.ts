import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { TransportClosedError } from "../../../src/dul/errors.js";
import { UpperLayer } from "../../../src/dul/provider.js";
import type { SocketTransport } from "../../../src/dul/transport/socket-transport.js";
import { connectTls, createTlsServer } from "../../../src/dul/transport/tls.js";
import { type AAssociateAc, type AAssociateRq, PduType } from "../../../src/pdu/index.js";

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A self-signed certificate for 127.0.0.1 / localhost, made with the openssl CLI. */
function makeCert(): { key: string; cert: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "netdicom-tls-"));
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"],
      ...["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
      ...["-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")],
    ],
    { stdio: "ignore" },
  );
  return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8"), dir };
}

const rq: AAssociateRq = {
  type: PduType.AAssociateRq,
  protocolVersion: 1,
  calledAeTitle: "TLS-SCP",
  callingAeTitle: "TLS-SCU",
  applicationContextName: "1.2.840.10008.3.1.1.1",
  presentationContexts: [
    { contextId: 1, abstractSyntax: "1.2.840.10008.1.1", transferSyntaxes: ["1.2.840.10008.1.2"] },
  ],
  userInformation: { maximumLength: 16384 },
};
const ac: AAssociateAc = {
  type: PduType.AAssociateAc,
  protocolVersion: 1,
  calledAeTitle: "TLS-SCP",
  callingAeTitle: "TLS-SCU",
  applicationContextName: "1.2.840.10008.3.1.1.1",
  presentationContexts: [{ contextId: 1, result: 0, transferSyntax: "1.2.840.10008.1.2" }],
  userInformation: { maximumLength: 16384 },
};

test("TLS loopback: associate and release over a verified self-signed certificate", async (t) => {
  if (!hasOpenssl()) {
    t.skip("openssl not installed");
    return;
  }
  const { key, cert, dir } = makeCert();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let onAcceptor: (u: UpperLayer) => void = () => {};
  const acceptorP = new Promise<UpperLayer>((resolve) => {
    onAcceptor = resolve;
  });
  const server: Server = createTlsServer((tr) => onAcceptor(new UpperLayer(tr, { role: "acceptor" })), {
    tls: { key, cert },
  });
  t.after(() => server.close());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const a = server.address();
  const port = typeof a === "object" && a ? a.port : 0;

  // Verification is on by default: without our CA the handshake fails.
  await assert.rejects(connectTls({ host: "127.0.0.1", port, connectTimeoutMs: 5000 }), TransportClosedError);

  const requestor = await UpperLayer.connect({ host: "127.0.0.1", port, tls: { ca: cert } });
  t.after(() => requestor.transport.destroy());
  // TLS keeps ordinary reads: the decrypted bytes are not in memory the reader could supply.
  assert.equal(
    (requestor.transport as SocketTransport).readInto(() => new Uint8Array(64 * 1024)),
    false,
  );
  const cn = requestor.transport.peerCertificate()?.subject?.CN;
  assert.equal(cn, "localhost");
  const confirm = requestor.requestAssociation(rq);
  // The first connection (the failed handshake) never reached the acceptor callback.
  const acceptor = await acceptorP;
  t.after(() => acceptor.transport.destroy());
  assert.equal((await acceptor.associateRequest()).callingAeTitle, "TLS-SCU");
  await acceptor.accept(ac);
  assert.equal((await confirm).type, PduType.AAssociateAc);
  const it = acceptor.pData();
  await requestor.sendPDataValue(1, true, true, new Uint8Array([5, 6, 7]));
  assert.deepEqual([...((await it.next()).value?.values[0]?.data ?? [])], [5, 6, 7]);
  await requestor.release();
  await acceptor.closed;
  assert.equal(acceptor.state, "Sta1");
  assert.equal(requestor.state, "Sta1");
});
