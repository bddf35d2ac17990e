// Finding and running DCMTK's command-line tools in interoperability tests.
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** The path of an executable named `name` on PATH, or undefined when it is not installed. */
export function findTool(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** What a tool run produced. `code` is null when it was killed (e.g. by the timeout). */
export interface ToolResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a tool and collects its output; killed after `timeoutMs` (default 30 s) so a hung tool
 * fails the test instead of hanging it. Rejects only when the tool cannot be started.
 */
export function runTool(
  name: string,
  args: readonly string[],
  options: { timeoutMs?: number; cwd?: string; env?: Readonly<Record<string, string>> } = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(name, [...args], {
      timeout: options.timeoutMs ?? 30_000,
      stdio: ["ignore", "pipe", "pipe"],
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(options.env === undefined ? {} : { env: { ...process.env, ...options.env } }),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
  });
}

/** The version DCMTK's tools report ("3.6.7"), or undefined when dcmdump is missing. */
export async function dcmtkVersion(): Promise<string | undefined> {
  if (findTool("dcmdump") === undefined) return undefined;
  const r = await runTool("dcmdump", ["--version"]);
  return /v(\d+\.\d+\.\d+)/.exec(r.stdout)?.[1];
}
