// The echo section of `npm run bench`: sequential associations with one C-ECHO each from one
// process (netdicom's library), against a netdicom SCP and DCMTK's storescp, next to what can
// be measured of DCMTK's side from its command-line tools.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { EchoChildReport } from "./echo-child.js";
import { freePort, hasTool, Receiver, runMeasured } from "./procs.js";
import { fixed, formatTable } from "./table.js";

/** Options of the echo section. */
export interface EchoBenchOptions {
  /** Associations per measurement (issue 5: 200). */
  readonly associations: number;
  /** Measurements per row; the median rate is reported. */
  readonly repeat: number;
}

const CHILD = fileURLToPath(new URL("./echo-child.js", import.meta.url));
const ECHOSCU = "/usr/bin/echoscu";
const STORESCP = "/usr/bin/storescp";
const DCMTK_ENV = { TCP_NODELAY: "1" } as const;
/** Associations made before measuring, so the JIT has compiled the paths it measures. */
const WARMUP = 10;

/** One row: a rate and the CPU spent by each side. */
interface EchoRow {
  readonly name: string;
  readonly unit: "assoc/s" | "echo/s";
  readonly rate: number | undefined;
  readonly clientCpuSeconds: number | undefined;
  readonly serverCpuSeconds: number | undefined;
  readonly note: string;
}

/** A server started for one row; its CPU is counted from when it is ready. */
interface Server {
  readonly name: string;
  readonly port: number;
  /** CPU seconds spent since it became ready. */
  cpuSinceReady(): number | undefined;
  stop(): Promise<void>;
}

async function startServer(kind: "netdicom" | "dcmtk"): Promise<Server> {
  const port = await freePort();
  const receiver =
    kind === "netdicom"
      ? await Receiver.start(process.execPath, [CHILD, "scp", String(port)], port)
      : await Receiver.start(STORESCP, ["-pdu", "131072", String(port)], port, { env: DCMTK_ENV });
  const ready = receiver.usage()?.cpuSeconds;
  return {
    name: kind === "netdicom" ? "netdicom SCP" : "DCMTK storescp",
    port,
    cpuSinceReady: () => {
      const now = receiver.usage()?.cpuSeconds;
      return now === undefined || ready === undefined ? undefined : now - ready;
    },
    stop: async () => {
      await receiver.stop();
    },
  };
}

/** Runs `body` against a fresh server of `kind`; the row gets the server's CPU over `body`, per run. */
async function withServer(
  kind: "netdicom" | "dcmtk",
  runs: number,
  body: (server: Server) => Promise<Omit<EchoRow, "serverCpuSeconds">>,
): Promise<EchoRow> {
  const server = await startServer(kind);
  try {
    const row = await body(server);
    const cpu = server.cpuSinceReady();
    return { ...row, serverCpuSeconds: cpu === undefined ? undefined : cpu / runs };
  } finally {
    await server.stop();
  }
}

function runChild(args: readonly string[]): Promise<EchoChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString("latin1");
    });
    child.stderr.on("data", (c: Buffer) => {
      err = (err + c.toString("latin1")).slice(-2000);
    });
    child.once("error", reject);
    child.once("close", (code) => {
      if (code === 0) resolve(JSON.parse(out.trim().split("\n").pop() ?? "") as EchoChildReport);
      else reject(new Error(`echo child ${args[0]} exited with ${code}: ${err.trim()}`));
    });
  });
}

function medianBy<T>(items: readonly T[], key: (t: T) => number): T | undefined {
  const sorted = [...items].sort((x, y) => key(x) - key(y));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** netdicom's library as SCU in a child process, `repeat` times; the median rate. */
async function libraryRow(
  server: Server,
  mode: "scu" | "scu-one",
  count: number,
  repeat: number,
): Promise<Omit<EchoRow, "serverCpuSeconds">> {
  const reports: EchoChildReport[] = [];
  for (let r = 0; r < repeat; r++) {
    reports.push(await runChild([mode, "127.0.0.1", String(server.port), String(count), String(WARMUP)]));
  }
  const failed = reports.reduce((n, x) => n + x.failed, 0);
  const m = medianBy(reports, (x) => x.count / x.seconds);
  const what = mode === "scu" ? `${count} associations, one C-ECHO each` : `one association, ${count} C-ECHOs`;
  return {
    name: `netdicom library -> ${server.name}`,
    unit: mode === "scu" ? "assoc/s" : "echo/s",
    rate: failed > 0 || !m ? undefined : m.count / m.seconds,
    clientCpuSeconds: m?.cpuSeconds,
    note: `${what}, after ${WARMUP} warm-up${failed > 0 ? `; ${failed} FAILED` : ""}`,
  };
}

/** Runs `echoscu` `count` times in sequence; the total wall time and the summed CPU. */
async function echoscuProcesses(
  port: number,
  count: number,
  extra: readonly string[],
): Promise<{ seconds: number; cpu: number; failed: number }> {
  let seconds = 0;
  let cpu = 0;
  let failed = 0;
  for (let i = 0; i < count; i++) {
    const r = await runMeasured(ECHOSCU, [...extra, "127.0.0.1", String(port)], { env: DCMTK_ENV });
    seconds += r.wallMs / 1000;
    cpu += r.cpuSeconds;
    if (r.code !== 0) failed++;
  }
  return { seconds, cpu, failed };
}

/** One echoscu process per association: the wall time includes starting the process. */
async function echoscuPerProcess(server: Server, n: number): Promise<Omit<EchoRow, "serverCpuSeconds">> {
  const runs = await echoscuProcesses(server.port, n, []);
  return {
    name: `DCMTK echoscu x${n} processes -> ${server.name}`,
    unit: "assoc/s",
    rate: runs.failed > 0 ? undefined : n / runs.seconds,
    clientCpuSeconds: runs.cpu,
    note: `one process per association, process start included${runs.failed ? `; ${runs.failed} FAILED` : ""}`,
  };
}

/**
 * An estimate of DCMTK's library rate: echoscu runs against the server alternate with echoscu
 * runs against a port where nothing listens (the same start-up, dictionary and network
 * initialisation, then a refused connect); the difference of their medians is one association.
 * Process start-up varies by milliseconds, so this is noisy; a difference below 0.05 ms is
 * reported as not measurable rather than as a huge rate.
 */
async function dcmtkLibraryEstimate(server: Server, n: number): Promise<Omit<EchoRow, "serverCpuSeconds">> {
  const closed = await freePort();
  const open: number[] = [];
  const refused: number[] = [];
  let failed = 0;
  for (let i = 0; i < n; i++) {
    const a = await runMeasured(ECHOSCU, ["127.0.0.1", String(server.port)], { env: DCMTK_ENV });
    const b = await runMeasured(ECHOSCU, ["-to", "5", "127.0.0.1", String(closed)], { env: DCMTK_ENV });
    if (a.code !== 0) failed++;
    open.push(a.wallMs);
    refused.push(b.wallMs);
  }
  const diffMs = (medianBy(open, (x) => x) ?? 0) - (medianBy(refused, (x) => x) ?? 0);
  const measurable = failed === 0 && diffMs >= 0.05;
  return {
    name: "DCMTK library (estimate)",
    unit: "assoc/s",
    rate: measurable ? 1000 / diffMs : undefined,
    // A difference of CPU times counted in 10 ms ticks would be noise: left blank.
    clientCpuSeconds: undefined,
    note:
      failed > 0
        ? `${failed} FAILED`
        : `median echoscu run minus median run against a closed port, ${n} of each interleaved` +
          (measurable ? ` (${fixed(diffMs, 2)} ms)` : `: ${fixed(diffMs, 2)} ms, below the noise`),
  };
}

/** echoscu --repeat: one association, many C-ECHOs; the difference of two runs removes start-up. */
async function echoscuRepeat(server: Server, echoes: number): Promise<Omit<EchoRow, "serverCpuSeconds">> {
  const args = (k: number) => ["--repeat", String(k), "127.0.0.1", String(server.port)];
  const one = await runMeasured(ECHOSCU, args(1), { env: DCMTK_ENV });
  const many = await runMeasured(ECHOSCU, args(echoes + 1), { env: DCMTK_ENV });
  const seconds = (many.wallMs - one.wallMs) / 1000;
  return {
    name: `DCMTK echoscu --repeat -> ${server.name}`,
    unit: "echo/s",
    rate: one.code !== 0 || many.code !== 0 || seconds <= 0 ? undefined : echoes / seconds,
    clientCpuSeconds: many.cpuSeconds - one.cpuSeconds,
    note: `one association, ${echoes} C-ECHOs (--repeat does not reconnect): --repeat ${echoes + 1} minus --repeat 1`,
  };
}

/** Runs the echo section and prints its table. */
export async function echoBench(options: EchoBenchOptions): Promise<void> {
  const n = options.associations;
  const echoes = n * 10;
  const r = options.repeat;
  const dcmtk = hasTool(ECHOSCU) && hasTool(STORESCP);
  console.log(`\necho: ${n} sequential associations with one C-ECHO each, from one process, on loopback`);
  if (!dcmtk) console.log("DCMTK is not installed: its rows are left out");
  const rows: EchoRow[] = [];
  rows.push(await withServer("netdicom", r, (s) => libraryRow(s, "scu", n, r)));
  if (dcmtk) {
    rows.push(await withServer("dcmtk", r, (s) => libraryRow(s, "scu", n, r)));
    rows.push(await withServer("dcmtk", 1, (s) => echoscuPerProcess(s, n)));
    rows.push(await withServer("dcmtk", 1, (s) => dcmtkLibraryEstimate(s, n)));
  }
  rows.push(await withServer("netdicom", r, (s) => libraryRow(s, "scu-one", echoes, r)));
  if (dcmtk) {
    rows.push(await withServer("dcmtk", r, (s) => libraryRow(s, "scu-one", echoes, r)));
    rows.push(await withServer("dcmtk", 1, (s) => echoscuRepeat(s, echoes)));
  }
  const cpu = (s: number | undefined): string => (s === undefined ? "" : fixed(s, 2));
  console.log(
    `\n${formatTable(
      ["client -> server", "rate", "unit", "client CPU s", "server CPU s", "what is measured"],
      rows.map((row) => [
        row.name,
        row.rate === undefined ? (row.note.includes("noise") ? "n/a" : "FAILED") : fixed(row.rate, 0),
        row.unit,
        cpu(row.clientCpuSeconds),
        cpu(row.serverCpuSeconds),
        row.note,
      ]),
    )}`,
  );
  console.log(
    `\nnetdicom rows: median of ${r} run(s), timed inside the SCU process (release included); client CPU is` +
      "\nthat process's over the timed loop. Server CPU: a fresh server per row, from ready to the end of the" +
      "\nrow, per run (warm-up included). DCMTK's library cannot be driven from here without compiling" +
      "\nagainst it, so its rate is bounded by its tools: echoscu per association (process start included)," +
      "\nand that minus echoscu's start-up alone (an estimate). Issue 5 quotes about 2,800 associations/s" +
      "\nfor DCMTK's library on its machine.",
  );
}
