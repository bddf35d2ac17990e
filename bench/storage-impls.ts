// The two storage implementations the benchmark compares, as command lines: DCMTK's storescu
// and storescp in their fastest storing settings, and netdicom's apps of the same names.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { hasTool } from "./procs.js";

/** One command to spawn. */
export interface CommandLine {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** A sender/receiver pair under test. */
export interface StorageImpl {
  /** The name in the report, with the receiver's mode where it matters. */
  readonly name: string;
  /** "dcmtk" or "netdicom": rows of the same family share a ratio column. */
  readonly family: "dcmtk" | "netdicom";
  /** Set on the row issue 5's goals are checked against (netdicom in its default settings). */
  readonly judged?: boolean;
  /** The receiver listening on `port`, writing every instance into `outDir`. */
  receiver(port: number, outDir: string): CommandLine;
  /** A sender of `paths` to 127.0.0.1:`port`, on one association. */
  sender(port: number, paths: readonly string[]): CommandLine;
}

/**
 * The largest PDU DCMTK accepts for `-pdu` (its range is 4096..131072); both receivers announce
 * it, so both senders cut P-DATA to the same size.
 */
export const MAX_PDU = 131072;

const STORESCU = "/usr/bin/storescu";
const STORESCP = "/usr/bin/storescp";

/**
 * DCMTK sets TCP_NODELAY on its sockets only when this variable is in its environment; without
 * it every small message waits for a delayed ACK (issue 5: 12 MB/s instead of ~480 on (a)).
 */
const DCMTK_ENV = { TCP_NODELAY: "1" } as const;

/** True when DCMTK's storescu and storescp are installed. */
export function dcmtkAvailable(): boolean {
  return hasTool(STORESCU) && hasTool(STORESCP);
}

/** DCMTK's version line, e.g. "storescp v3.6.7 2022-04-22", or undefined. */
export function dcmtkVersion(): string | undefined {
  const r = spawnSync(STORESCP, ["--version"], { encoding: "latin1" });
  return /storescp v[\d.]+ [\d-]+/.exec(r.stdout ?? "")?.[0];
}

/**
 * DCMTK: `storescp +B` (bit-preserving: the data set is written to the file as it arrives, with
 * no parsing or re-encoding, its fastest mode that still stores), max receive PDU 131072;
 * `storescu -R` (propose only the SOP classes of the files), max PDU 131072. `fork` runs each
 * association in a child process (`--fork`), which may help with concurrent senders.
 */
export function dcmtkImpl(fork: boolean): StorageImpl {
  return {
    name: fork ? "DCMTK (storescp --fork)" : "DCMTK",
    family: "dcmtk",
    receiver: (port, outDir) => ({
      command: STORESCP,
      args: [...(fork ? ["--fork"] : []), "+B", "-pdu", String(MAX_PDU), "-od", outDir, String(port)],
      env: DCMTK_ENV,
    }),
    sender: (port, paths) => ({
      command: STORESCU,
      args: ["-R", "-pdu", String(MAX_PDU), "127.0.0.1", String(port), ...paths],
      env: DCMTK_ENV,
    }),
  };
}

const CLI = fileURLToPath(new URL("../netdicom.cjs", import.meta.url));

/**
 * Why netdicom's apps cannot run (they are built by `npm run build` into build/src/apps), or
 * undefined when `netdicom storescu --help` and `netdicom storescp --help` both succeed.
 */
export function netdicomUnavailable(): string | undefined {
  for (const app of ["storescu", "storescp"]) {
    const r = spawnSync(process.execPath, [CLI, app, "--help"], { encoding: "latin1", timeout: 30_000 });
    if (r.status !== 0) return "netdicom storescu/storescp not available yet";
  }
  return undefined;
}

/**
 * netdicom: `netdicom storescp PORT -od DIR -q --max-pdu 131072 --no-fsync` and `netdicom
 * storescu 127.0.0.1 PORT FILES... -q`, run by the same node as the bench. Quiet on both sides,
 * as DCMTK is at its default log level (no line per instance). With `oneAtATime`, both run with
 * `--async 1`: by default storescu proposes an asynchronous operations window of 16 and
 * storescp accepts it (DCMTK's storescu proposes none), so the sender streams the next instance
 * while the receiver files the previous one; the row shows what that window is worth.
 */
export function netdicomImpl(oneAtATime = false): StorageImpl {
  const window = oneAtATime ? ["--async", "1"] : [];
  return {
    name: oneAtATime ? "netdicom (--async 1)" : "netdicom",
    family: "netdicom",
    judged: !oneAtATime,
    receiver: (port, outDir) => ({
      command: process.execPath,
      // --no-fsync: DCMTK's storescp does not fsync what it receives either, so the comparison
      // stays like for like (netdicom's default flushes each instance before acknowledging it).
      args: [CLI, "storescp", "-q", "--max-pdu", String(MAX_PDU), "--no-fsync", ...window, "-od", outDir, String(port)],
      env: {},
    }),
    sender: (port, paths) => ({
      command: process.execPath,
      args: [CLI, "storescu", "-q", "--max-pdu", String(MAX_PDU), ...window, "127.0.0.1", String(port), ...paths],
      env: {},
    }),
  };
}
