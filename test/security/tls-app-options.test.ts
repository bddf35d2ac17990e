// The apps' --tls-profile flag: parsed into the TLS options of an SCU and an SCP, refused when
// unknown or without --tls, and used end to end by `netdicom echoscu` against a TLS server.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { UsageError } from "../../src/apps/args.js";
import { main } from "../../src/apps/main.js";
import {
  clientTls,
  serverTls,
  tlsClientOptions,
  tlsProfileChoices,
  tlsServerOptions,
} from "../../src/apps/net-options.js";
import { AE, sop } from "../../src/index.js";

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

test("--tls-profile is a flag of both the SCU and the SCP TLS options", () => {
  assert.equal(tlsClientOptions["tls-profile"]?.type, "string");
  assert.equal(tlsServerOptions["tls-profile"]?.type, "string");
  assert.deepEqual(tlsProfileChoices, ["bcp195", "bcp195-nd", "bcp195-extended"]);
});

test("clientTls: --tls-profile sets the profile; none given leaves the library default", async () => {
  for (const profile of tlsProfileChoices) {
    assert.equal((await clientTls({ tls: true, "tls-profile": profile }))?.profile, profile);
  }
  const plain = await clientTls({ tls: true });
  assert.equal(plain?.profile, undefined);
  assert.equal(plain?.rejectUnauthorized, true);
});

test("clientTls/serverTls: an unknown profile or one without --tls is a usage error", async () => {
  await assert.rejects(clientTls({ tls: true, "tls-profile": "basic" }), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.match(e.message, /--tls-profile must be one of bcp195, bcp195-nd, bcp195-extended, not "basic"/);
    return true;
  });
  await assert.rejects(clientTls({ "tls-profile": "bcp195" }), /--tls-profile needs --tls/);
  await assert.rejects(serverTls({ "tls-profile": "bcp195" }), /--tls-profile needs --tls/);
});

test("serverTls: --tls-profile sets the profile of the server", async (t) => {
  if (!hasOpenssl()) {
    t.skip("openssl not installed");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "netdicom-tls-app-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"],
      ...["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
      ...["-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")],
    ],
    { stdio: "ignore" },
  );
  const files = { "tls-cert": join(dir, "cert.pem"), "tls-key": join(dir, "key.pem") };
  const tls = await serverTls({ tls: true, ...files, "tls-profile": "bcp195-extended" });
  assert.equal(tls?.profile, "bcp195-extended");
  await assert.rejects(serverTls({ tls: true, ...files, "tls-profile": "none" }), UsageError);

  // End to end: `netdicom echoscu --tls --tls-profile bcp195-nd` against a bcp195-nd server.
  const ae = new AE({ aeTitle: "TLS-SCP" });
  ae.addSupportedContext(sop.Verification);
  const server = await ae.startServer({ host: "127.0.0.1", ...(tls ? { tls: { ...tls, profile: "bcp195-nd" } } : {}) });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  const run = async (...args: string[]) => {
    let out = "";
    const code = await main(["echoscu", ...args, "127.0.0.1", String(server.port)], {
      stdout: (s) => {
        out += s;
      },
      stderr: (s) => {
        out += s;
      },
    });
    return { code, out };
  };
  const ok = await run("--tls", "--tls-ca", files["tls-cert"], "--tls-profile", "bcp195-nd");
  assert.equal(ok.code, 0, ok.out);
  // Verification stays on with a profile: without the CA the echo fails.
  const refused = await run("--tls", "--tls-profile", "bcp195-nd");
  assert.notEqual(refused.code, 0);
  const bad = await run("--tls", "--tls-profile", "tls10");
  assert.notEqual(bad.code, 0);
  assert.match(bad.out, /--tls-profile must be one of/);
});
