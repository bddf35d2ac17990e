// Runs the built `netdicom echoscp` as a child process on port 0, reads the port it prints, and
// echoes it with the library and with `netdicom echoscu`; TLS with certificates made by openssl.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { AE, sop } from "../../src/index.js";
import { cliPath, type RunningServer, repoRoot, startCliServer } from "../helpers/cli.js";
import { findTool, runTool } from "../helpers/dcmtk.js";

const netdicom = (...args: string[]) => runTool(process.execPath, [cliPath, ...args], { cwd: repoRoot });

/** Starts `netdicom echoscp … 0` bound to 127.0.0.1 and resolves once it printed its port. */
function startEchoscp(t: { after(fn: () => unknown): void }, ...args: string[]): Promise<RunningServer> {
  return startCliServer(t, "echoscp", ["-ba", "127.0.0.1", ...args, "0"]);
}

test("echoscp: prints its port, answers the library's C-ECHO and netdicom echoscu, exits 0 on SIGTERM", async (t) => {
  const scp = await startEchoscp(t, "-v");
  const ae = new AE({ aeTitle: "LIB_SCU" });
  ae.addRequestedContext(sop.Verification);
  const assoc = await ae.associate("127.0.0.1", scp.port, { aeTitle: "ECHOSCP" });
  assert.equal(assoc.isEstablished, true, assoc.reason);
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
  await assoc.release();
  assert.equal(assoc.isReleased, true);

  const r = await netdicom("echoscu", "127.0.0.1", String(scp.port));
  assert.equal(r.code, 0, r.stderr);

  assert.deepEqual(await scp.stop(), { code: 0, signal: null });
  const log = scp.stderr();
  assert.equal(log.match(/^I: Accepting Association$/gm)?.length, 2, log);
  assert.equal(log.match(/^I: Received Echo Request \(MsgID 1\)$/gm)?.length, 2, log);
  assert.equal(log.match(/^I: Received Echo Request \(MsgID 2\)$/gm)?.length, 1, log);
  assert.equal(log.match(/^I: Association Released$/gm)?.length, 2, log);
});

test("echoscp: SIGINT also exits 0; without -v it prints only the listening line", async (t) => {
  const scp = await startEchoscp(t);
  const r = await netdicom("echoscu", "127.0.0.1", String(scp.port));
  assert.equal(r.code, 0, r.stderr);
  scp.child.kill("SIGINT");
  assert.deepEqual(await scp.exited, { code: 0, signal: null });
  assert.equal(scp.stderr(), `echoscp: listening on 127.0.0.1:${scp.port}\n`);
});

test("echoscp: SIGTERM with an association open releases it, then exits 0", async (t) => {
  const scp = await startEchoscp(t);
  const ae = new AE({ aeTitle: "LIB_SCU" });
  ae.addRequestedContext(sop.Verification);
  const assoc = await ae.associate("127.0.0.1", scp.port);
  t.after(() => assoc.abort());
  assert.equal(assoc.isEstablished, true, assoc.reason);
  const released = new Promise<void>((done) => assoc.once("released", () => done()));
  assert.deepEqual(await scp.stop(), { code: 0, signal: null });
  await released;
  assert.equal(assoc.isReleased, true);
  assert.equal(assoc.isAborted, false);
});

test("echoscp: -aet sets the AE title answered, --max-associations rejects the one too many", async (t) => {
  const scp = await startEchoscp(t, "-aet", "MY_ECHO", "--max-associations", "1");
  const ae = new AE({ aeTitle: "LIB_SCU" });
  ae.addRequestedContext(sop.Verification);
  const first = await ae.associate("127.0.0.1", scp.port, { aeTitle: "MY_ECHO" });
  t.after(() => first.abort());
  assert.equal(first.isEstablished, true, first.reason);
  const ac = first.acceptor.primitive;
  assert.equal(ac && "calledAeTitle" in ac ? ac.calledAeTitle.trim() : undefined, "MY_ECHO");
  const second = await ae.associate("127.0.0.1", scp.port, { aeTitle: "MY_ECHO" });
  assert.equal(second.isRejected, true);
  // PS3.8 Table 9-21: rejected-transient, service-provider (presentation), local limit exceeded
  assert.deepEqual({ ...second.rejection }, { result: 2, source: 3, reason: 2 });
  await first.release();
  const third = await ae.associate("127.0.0.1", scp.port, { aeTitle: "MY_ECHO" });
  assert.equal(third.isEstablished, true, third.reason);
  await third.release();
});

test("echoscp: a port already in use → exit 1 and says why", async (t) => {
  const scp = await startEchoscp(t);
  const r = await netdicom("echoscp", "-ba", "127.0.0.1", String(scp.port));
  assert.equal(r.code, 1);
  // (the library's own "server error" line may come before the app's)
  assert.match(r.stderr, /^E: cannot listen on port \d+: .*EADDRINUSE/m);
});

test("echoscp: usage errors exit 2 with the usage on stderr", async () => {
  for (const args of [
    [],
    ["notaport"],
    ["70000"],
    ["0", "1"],
    ["--max-associations", "0", "0"],
    ["-pdu", "-1", "0"],
    ["--tls", "0"],
    ["--tls-cert", "c.pem", "0"],
    ["-xe", "-xi", "0"],
    ["-aet", "", "0"],
  ]) {
    const r = await netdicom("echoscp", ...args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /usage: netdicom echoscp/, args.join(" "));
  }
  const help = await netdicom("echoscp", "--help");
  assert.equal(help.code, 0);
  for (const flag of ["-aet, --ae-title", "-ba, --bind-address", "-tn, --network-timeout", "--max-associations"]) {
    assert.ok(help.stdout.includes(flag), flag);
  }
});

// ---- TLS ----

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
async function makeCerts(dir: string): Promise<void> {
  const run = async (...args: string[]) => {
    const r = await runTool("openssl", args, { cwd: dir });
    assert.equal(r.code, 0, `openssl ${args.join(" ")}: ${r.stderr}`);
  };
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await run(
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=netdicom test CA",
  );
  writeFileSync(join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  writeFileSync(join(dir, "client.ext"), "extendedKeyUsage=clientAuth\n");
  for (const name of ["server", "client"]) {
    await run("req", "-new", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
    await run(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-set_serial",
      name === "server" ? "2" : "3",
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
      "-out",
      `${name}.pem`,
    );
  }
}

test("echoscu --tls against echoscp --tls: verified by default, --tls-no-verify, client certificates", async (t) => {
  if (!findTool("openssl")) return t.skip("openssl not installed");
  const dir = mkdtempSync(join(tmpdir(), "netdicom-tls-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await makeCerts(dir);
  const f = (name: string) => join(dir, name);

  const scp = await startEchoscp(t, "-v", "--tls", "--tls-cert", f("server.pem"), "--tls-key", f("server.key"));
  const port = String(scp.port);
  const trusted = await netdicom("echoscu", "--tls", "--tls-ca", f("ca.pem"), "127.0.0.1", port);
  assert.equal(trusted.code, 0, trusted.stderr);
  // verification is on by default: an unknown CA fails...
  const untrusted = await netdicom("echoscu", "--tls", "127.0.0.1", port);
  assert.equal(untrusted.code, 1);
  assert.match(untrusted.stderr, /^E: Association request failed: .*certificate/im);
  // ...unless turned off
  const noVerify = await netdicom("echoscu", "--tls", "--tls-no-verify", "127.0.0.1", port);
  assert.equal(noVerify.code, 0, noVerify.stderr);
  // plain TCP to a TLS server does not get an association
  const plain = await netdicom("echoscu", "-ta", "5", "127.0.0.1", port);
  assert.equal(plain.code, 1);
  assert.deepEqual(await scp.stop(), { code: 0, signal: null });
  assert.equal(scp.stderr().match(/^I: Received Echo Request \(MsgID 1\)$/gm)?.length, 2);

  const strict = await startEchoscp(
    t,
    ...["--tls", "--tls-cert", f("server.pem"), "--tls-key", f("server.key")],
    ...["--tls-ca", f("ca.pem"), "--tls-require-client-cert"],
  );
  const anonymous = await netdicom(
    "echoscu",
    "-ta",
    "5",
    "--tls",
    "--tls-ca",
    f("ca.pem"),
    "127.0.0.1",
    String(strict.port),
  );
  assert.equal(anonymous.code, 1);
  const withCert = await netdicom(
    "echoscu",
    ...["--tls", "--tls-ca", f("ca.pem"), "--tls-cert", f("client.pem"), "--tls-key", f("client.key")],
    ...["127.0.0.1", String(strict.port)],
  );
  assert.equal(withCert.code, 0, withCert.stderr);
  assert.deepEqual(await strict.stop(), { code: 0, signal: null });
});
