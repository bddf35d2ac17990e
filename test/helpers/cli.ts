// Running the built `netdicom` CLI as a user would: its path, and a server app (echoscp,
// storescp…) started on a free port whose number is read from its "listening on" line.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (compiled helpers live at build/test/helpers/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
/** The built CLI entry point. */
export const cliPath = join(repoRoot, "build/netdicom.cjs");

/** How a child process ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A server app running as a child process. */
export interface RunningServer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  /** Everything written to stderr so far. */
  stderr(): string;
  readonly exited: Promise<Exit>;
  /** Sends SIGTERM and resolves with how the process ended. */
  stop(): Promise<Exit>;
}

type TestContext = { after(fn: () => unknown): void };

/**
 * Starts `netdicom APP ARGS…` (ARGS must make it listen on 127.0.0.1, port 0) and resolves once it
 * printed "APP: listening on 127.0.0.1:PORT"; killed after the test if still running. Bounded: a
 * child that never prints its port fails the test instead of hanging it.
 */
export async function startCliServer(t: TestContext, app: string, args: readonly string[]): Promise<RunningServer> {
  const child = spawn(process.execPath, [cliPath, app, ...args], { cwd: repoRoot });
  let err = "";
  child.stdout.resume();
  const exited = new Promise<Exit>((done) => child.once("exit", (code, signal) => done({ code, signal })));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  });
  const listening = new RegExp(`${app}: listening on 127\\.0\\.0\\.1:(\\d+)\\n`);
  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`${app} printed no port in 20 s: ${err}`)), 20_000);
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString("utf8");
      const m = listening.exec(err);
      if (m) {
        clearTimeout(timer);
        done(Number(m[1]));
      }
    });
    exited
      .then((e) => {
        clearTimeout(timer);
        fail(new Error(`${app} exited (${e.code ?? e.signal}) before listening: ${err}`));
      })
      .catch(() => {});
  });
  return {
    child,
    port,
    stderr: () => err,
    exited,
    stop: () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
