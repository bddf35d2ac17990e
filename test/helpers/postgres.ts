// A real PostgreSQL server for the tests: initdb into a temporary folder, listening on 127.0.0.1
// on a free port with trust authentication, stopped and deleted after the test. initdb refuses
// to run as root, so as root (this machine, CI) the server runs as the "postgres" user.
import { spawn } from "node:child_process";
import { accessSync, chownSync, constants, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findTool, runTool } from "./dcmtk.js";
import { freePort } from "./net.js";

/** Where initdb, pg_ctl and postgres are: PATH, else Debian's /usr/lib/postgresql/<version>/bin. */
export function findPostgresBin(): string | undefined {
  const onPath = findTool("initdb");
  if (onPath !== undefined && findTool("postgres") !== undefined) return onPath.replace(/initdb$/, "");
  let versions: string[] = [];
  try {
    versions = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a));
  } catch {
    return undefined;
  }
  for (const v of versions) {
    const dir = `/usr/lib/postgresql/${v}/bin/`;
    try {
      accessSync(`${dir}initdb`, constants.X_OK);
      accessSync(`${dir}postgres`, constants.X_OK);
      return dir;
    } catch {
      // not this version
    }
  }
  return undefined;
}

/** A running test server. */
export interface TestPostgres {
  /** A postgres:// URL of a fresh database of its own. */
  createDatabase(name: string): Promise<string>;
}

type TestContext = { after(fn: () => unknown): void };

/** The uid and gid of the "postgres" user, when we are root and it exists. */
async function postgresUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const r = await runTool("id", ["-u", "postgres"]);
  const g = await runTool("id", ["-g", "postgres"]);
  if (r.code !== 0 || g.code !== 0)
    throw new Error("running as root, and there is no postgres user to run PostgreSQL as");
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/**
 * Starts PostgreSQL for the test `t` (stopped after it), or resolves undefined when no PostgreSQL
 * is installed (the caller skips with a visible notice).
 */
export async function startPostgres(t: TestContext): Promise<TestPostgres | undefined> {
  const bin = findPostgresBin();
  if (bin === undefined) return undefined;
  const user = await postgresUser();
  const dir = mkdtempSync(join(tmpdir(), "netdicom-pg-"));
  let stopServer: () => Promise<void> = async () => {};
  // One hook: the server stops before its folder goes.
  t.after(async () => {
    await stopServer();
    rmSync(dir, { recursive: true, force: true });
  });
  if (user) chownSync(dir, user.uid, user.gid);
  const asUser = (cmd: string, args: string[]): [string, string[]] =>
    user ? ["setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", cmd, ...args]] : [cmd, args];
  const data = join(dir, "data");
  const [initCmd, initArgs] = asUser(`${bin}initdb`, [
    "-D",
    data,
    "-A",
    "trust",
    "-U",
    "postgres",
    "-E",
    "UTF8",
    "--locale=C",
    "--no-sync",
  ]);
  const init = await runTool(initCmd, initArgs, { timeoutMs: 60_000 });
  if (init.code !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const [cmd, args] = asUser(`${bin}postgres`, [
    "-D",
    data,
    "-p",
    String(port),
    "-k",
    dir,
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "fsync=off",
    "-c",
    "max_connections=50",
  ]);
  const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  stopServer = async () => {
    // SIGINT: PostgreSQL's fast shutdown (clients disconnected, clean stop).
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
    await exited;
  };
  let log = "";
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`PostgreSQL did not start in 30 s: ${log}`)), 30_000);
    child.stderr.on("data", (b: Buffer) => {
      log += b.toString("utf8");
      if (log.includes("ready to accept connections")) {
        clearTimeout(timer);
        ready();
      }
    });
    exited
      .then(() => {
        clearTimeout(timer);
        fail(new Error(`PostgreSQL exited: ${log}`));
      })
      .catch(() => {});
  });
  child.stderr.resume();
  const base = `postgres://postgres@127.0.0.1:${port}`;
  return {
    async createDatabase(name: string): Promise<string> {
      const { default: pg } = await import("pg");
      const client = new pg.Client({ connectionString: `${base}/postgres` });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `${base}/${name}`;
    },
  };
}
