// Test certificates made with the openssl CLI: a CA, a server and a client certificate it signs,
// and a self-signed server certificate; made once per test file, skipped visibly without openssl.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** True when the openssl CLI runs. */
export function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** PEM texts of the test certificates and keys. */
export interface Pki {
  ca: string;
  serverKey: string;
  serverCert: string;
  clientKey: string;
  clientCert: string;
  selfKey: string;
  selfCert: string;
}

/** A CA, a server and a client certificate it signs, and a self-signed server certificate (openssl CLI). */
export function makePki(dir: string): Pki {
  const f = (n: string) => join(dir, n);
  const ssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "ignore", cwd: dir });
  const days = ["-days", "2"];
  ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", ...days, "-subj", "/CN=Test CA", "-keyout", f("ca.key"));
  ssl(
    ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", ...days, "-subj", "/CN=Test CA"],
    ...["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"],
    ...["-keyout", f("ca.key"), "-out", f("ca.pem")],
  );
  for (const [name, cn, ext] of [
    ["server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"],
    ["client", "SCU", "extendedKeyUsage=clientAuth\n"],
  ] as const) {
    ssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-subj",
      `/CN=${cn}`,
      "-keyout",
      f(`${name}.key`),
      "-out",
      f(`${name}.csr`),
    );
    execFileSync("sh", ["-c", `printf '${ext}' > ${name}.ext`], { cwd: dir });
    ssl(
      ...["x509", "-req", "-in", f(`${name}.csr`), "-CA", f("ca.pem"), "-CAkey", f("ca.key"), "-CAcreateserial"],
      ...[...days, "-extfile", f(`${name}.ext`), "-out", f(`${name}.pem`)],
    );
  }
  ssl(
    ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", ...days, "-subj", "/CN=localhost"],
    ...["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", f("self.key"), "-out", f("self.pem")],
  );
  const r = (n: string) => readFileSync(f(n), "utf8");
  return {
    ca: r("ca.pem"),
    serverKey: r("server.key"),
    serverCert: r("server.pem"),
    clientKey: r("client.key"),
    clientCert: r("client.pem"),
    selfKey: r("self.key"),
    selfCert: r("self.pem"),
  };
}

let pki: Pki | undefined;
/** The test PKI, made once per file; undefined (and the test skipped visibly) without openssl. */
export function getPki(t: { skip: (m: string) => void }): Pki | undefined {
  if (!hasOpenssl()) {
    t.skip("openssl not installed");
    return undefined;
  }
  if (!pki) {
    const dir = mkdtempSync(join(tmpdir(), "netdicom-tls-profiles-"));
    try {
      pki = makePki(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return pki;
}
