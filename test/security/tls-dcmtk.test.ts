// DCMTK's echoscu over TLS against our SCP, with each PS3.15 profile on both sides: DCMTK's
// profile options (+px, +py, +pz) and ours agree, and a client certificate is required when asked.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { AE } from "../../src/ae.js";
import { sop } from "../../src/dataset/uids.js";
import type { TlsOptions, TlsProfile } from "../../src/dul/transport/tls.js";
import type { AssociationServer } from "../../src/server.js";
import { findTool, runTool } from "../helpers/dcmtk.js";
import { getPki, type Pki } from "./pki.js";

type Ctx = { after: (fn: () => unknown) => void; skip: (m: string) => void };

/** The PKI written to files for DCMTK, or undefined (skipped visibly) without DCMTK or openssl. */
function setup(t: Ctx): { p: Pki; f: (name: keyof Pki) => string } | undefined {
  if (findTool("echoscu") === undefined) {
    t.skip("dcmtk not installed");
    return undefined;
  }
  const p = getPki(t);
  if (!p) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "netdicom-tls-dcmtk-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const f = (name: keyof Pki) => {
    const path = join(dir, `${name}.pem`);
    writeFileSync(path, p[name]);
    return path;
  };
  return { p, f };
}

async function scp(t: Ctx, tls: TlsOptions): Promise<{ server: AssociationServer; echoes: () => number }> {
  const ae = new AE({ aeTitle: "TLS-SCP" });
  ae.addSupportedContext(sop.Verification);
  let echoes = 0;
  const server = await ae.startServer({
    host: "127.0.0.1",
    tls,
    handlers: {
      C_ECHO: () => {
        echoes++;
        return 0x0000;
      },
    },
  });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  return { server, echoes: () => echoes };
}

const dcmtkFlag: Record<TlsProfile, string> = { bcp195: "+px", "bcp195-nd": "+py", "bcp195-extended": "+pz" };

for (const profile of Object.keys(dcmtkFlag) as TlsProfile[]) {
  test(`DCMTK echoscu ${dcmtkFlag[profile]} (anonymous TLS) -> our ${profile} SCP: echo succeeds`, async (t) => {
    const s = setup(t);
    if (!s) return;
    const { server, echoes } = await scp(t, { key: s.p.serverKey, cert: s.p.serverCert, profile });
    const r = await runTool(
      "echoscu",
      ["+tla", dcmtkFlag[profile], "+cf", s.f("ca"), "-aec", "TLS-SCP", "127.0.0.1", String(server.port)],
      { timeoutMs: 20_000 },
    );
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(echoes(), 1);
  });
}

test("DCMTK echoscu with and without a client certificate -> our SCP requiring one", async (t) => {
  const s = setup(t);
  if (!s) return;
  const { server, echoes } = await scp(t, {
    key: s.p.serverKey,
    cert: s.p.serverCert,
    ca: s.p.ca,
    requestCert: true,
  });
  const target = ["-aec", "TLS-SCP", "127.0.0.1", String(server.port)];
  const anonymous = await runTool("echoscu", ["+tla", "+cf", s.f("ca"), ...target], { timeoutMs: 20_000 });
  assert.notEqual(anonymous.code, 0);
  assert.equal(echoes(), 0);
  const withCert = await runTool(
    "echoscu",
    ["+tls", s.f("clientKey"), s.f("clientCert"), "+cf", s.f("ca"), ...target],
    { timeoutMs: 20_000 },
  );
  assert.equal(withCert.code, 0, withCert.stderr + withCert.stdout);
  assert.equal(echoes(), 1);
});

test("DCMTK echoscu without our CA refuses our server certificate", async (t) => {
  const s = setup(t);
  if (!s) return;
  const { server, echoes } = await scp(t, { key: s.p.selfKey, cert: s.p.selfCert });
  const r = await runTool("echoscu", ["+tla", "+cf", s.f("ca"), "-aec", "TLS-SCP", "127.0.0.1", String(server.port)], {
    timeoutMs: 20_000,
  });
  assert.notEqual(r.code, 0);
  assert.equal(echoes(), 0);
});
