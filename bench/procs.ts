// Spawning and measuring the benchmark's child processes: wall time, CPU seconds and peak RSS
// of a sender that exits on its own, and of a receiver that the bench stops with SIGTERM.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { createServer, connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as delay } from "node:timers/promises";

/** CPU time and memory high-water mark of one process (and of the children it reaped). */
export interface ProcessUsage {
  /** User plus system CPU time, in seconds. */
  readonly cpuSeconds: number;
  /** Peak resident set size, in bytes (undefined where it could not be read). */
  readonly peakRssBytes: number | undefined;
}

/** How a measured process ended. */
export interface Finished extends ProcessUsage {
  /** From spawn to exit, in milliseconds. */
  readonly wallMs: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last few kilobytes of its standard error and output, for a failure message. */
  readonly output: string;
}

/** Options of a spawned process. */
export interface SpawnOptions {
  /** Variables added to the bench's own environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

const GNU_TIME = "/usr/bin/time";
const OUTPUT_TAIL = 4096;

/** True when `path` names an existing file (used to find DCMTK's tools and GNU time). */
export function hasTool(path: string): boolean {
  return existsSync(path);
}

let ticksPerSecond: number | undefined;

/** The kernel's clock tick rate, the unit of the CPU times in /proc/<pid>/stat (proc(5)). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "latin1" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * Reads a live process's CPU time and peak RSS from /proc. CPU counts utime + stime and also
 * cutime + cstime, the children it has waited for (DCMTK's `storescp --fork`). Peak RSS is
 * VmHWM, the high-water mark of this process image only. Undefined when the process is gone.
 */
export function readProcUsage(pid: number): ProcessUsage | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    // proc(5): the command name is in parentheses and may hold spaces; fields resume after ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state): utime, stime, cutime, cstime are fields 14-17.
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "latin1"));
    return { cpuSeconds: ticks / clockTicks(), peakRssBytes: hwm ? Number(hwm[1]) * 1024 : undefined };
  } catch {
    return undefined;
  }
}

/** A free TCP port on 127.0.0.1: bind port 0, read the port the kernel picked, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no port was assigned"))));
    });
  });
}

function tryConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function collectOutput(child: ChildProcess): () => string {
  let tail = "";
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString("latin1")).slice(-OUTPUT_TAIL);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return () => tail;
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
}

/** The ids of the live (or not yet reaped) children of `pid`, from /proc (empty if unreadable). */
export function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, "latin1").split(" ").filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/**
 * Waits (bounded by `limitMs`, checking every 10 ms) until `pid` has no children: a forking
 * SCP (`storescp --fork`) may still be reaping its last workers when the senders exit, and
 * only reaped children's CPU shows in its cutime and cstime.
 */
export async function childrenReaped(pid: number, limitMs: number): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (childrenOf(pid).length > 0 && performance.now() < deadline) await delay(10);
}

/** A receiver (an SCP) running as a child process until {@link Receiver.stop}. */
export class Receiver {
  readonly #child: ChildProcess;
  readonly #output: () => string;
  readonly #exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(child: ChildProcess) {
    this.#child = child;
    this.#output = collectOutput(child);
    this.#exit = exited(child);
    // A receiver that dies early must not leave an unhandled rejection behind.
    this.#exit.catch(() => undefined);
  }

  /**
   * Spawns `command` and resolves once `port` on 127.0.0.1 accepts a TCP connection (a bare
   * connect and close, which both SCPs shrug off). Gives up after `readyMs`.
   */
  static async start(
    command: string,
    args: readonly string[],
    port: number,
    options: SpawnOptions = {},
    readyMs = 15_000,
  ): Promise<Receiver> {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const receiver = new Receiver(child);
    const deadline = performance.now() + readyMs;
    // Bounded: one attempt per 20 ms until the deadline.
    while (performance.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      if (await tryConnect(port)) return receiver;
      await delay(20);
    }
    await receiver.stop().catch(() => undefined);
    throw new Error(`${command} did not listen on port ${port}: ${receiver.#output().trim().slice(-500)}`);
  }

  /** The receiver's process id. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Its CPU time and peak RSS so far, read from /proc (undefined once it has exited). */
  usage(): ProcessUsage | undefined {
    return this.#child.pid === undefined ? undefined : readProcUsage(this.#child.pid);
  }

  /** The last lines it printed. */
  output(): string {
    return this.#output();
  }

  /**
   * Samples CPU and peak RSS from /proc just before sending SIGTERM (so the numbers cover the
   * transfers and not the shutdown), then waits for the exit; SIGKILL after `graceMs`.
   */
  async stop(graceMs = 10_000): Promise<ProcessUsage> {
    const pid = this.#child.pid;
    if (pid !== undefined) await childrenReaped(pid, 2000);
    const usage = pid === undefined ? undefined : readProcUsage(pid);
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.#child.kill("SIGKILL");
        resolve();
      }, graceMs);
    });
    await Promise.race([this.#exit.then(() => undefined), killed]);
    clearTimeout(timer);
    await this.#exit.catch(() => undefined);
    return usage ?? { cpuSeconds: Number.NaN, peakRssBytes: undefined };
  }
}

let timeCounter = 0;

/** Parses GNU time's `-f "%U %S %M"` line: user s, system s, max RSS kB (the last line). */
function parseTimeOutput(text: string): ProcessUsage | undefined {
  const line = text.trim().split("\n").pop() ?? "";
  const m = /^([\d.]+) ([\d.]+) (\d+)$/.exec(line.trim());
  if (!m) return undefined;
  return { cpuSeconds: Number(m[1]) + Number(m[2]), peakRssBytes: Number(m[3]) * 1024 };
}

/**
 * Runs a sender to completion and measures it. A process that exits on its own cannot be
 * sampled at its last instant from /proc, so it runs under GNU time, which reports the
 * rusage that wait4() returns: exact user + system time and ru_maxrss (which on Linux also
 * carries the few MB that `time` itself had resident when it forked). Without GNU time the
 * process is polled from /proc every 50 ms and the last sample is kept (an underestimate).
 */
export async function runMeasured(
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Promise<Finished> {
  const useTime = hasTool(GNU_TIME);
  const report = join(tmpdir(), `netdicom-bench-time-${process.pid}-${timeCounter++}.txt`);
  const [cmd, argv] = useTime ? [GNU_TIME, ["-f", "%U %S %M", "-o", report, command, ...args]] : [command, [...args]];
  const start = performance.now();
  const child = spawn(cmd, argv, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collectOutput(child);
  let polled: ProcessUsage | undefined;
  const poll = useTime
    ? undefined
    : setInterval(() => {
        if (child.pid !== undefined) polled = readProcUsage(child.pid) ?? polled;
      }, 50);
  try {
    const { code, signal } = await exited(child);
    const wallMs = performance.now() - start;
    let usage = polled;
    if (useTime) {
      usage = parseTimeOutput(await readFile(report, "latin1").catch(() => ""));
    }
    return {
      wallMs,
      code,
      signal,
      output: output(),
      cpuSeconds: usage?.cpuSeconds ?? Number.NaN,
      peakRssBytes: usage?.peakRssBytes,
    };
  } finally {
    if (poll) clearInterval(poll);
    if (useTime) await rm(report, { force: true });
  }
}
