// The qr section of `npm run bench` (issue 6): netdicom qrscp and DCMTK dcmqrscp side by side,
// loaded with the same instances by the same sender, then C-FIND at study level, C-GET and
// C-MOVE by the same DCMTK clients (and C-FIND by netdicom's library too). Prints three tables;
// asserts nothing about time.
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Receiver } from "./procs.js";
import { makeQrCorpus, type QrSizes } from "./qr-corpus.js";
import { findscu, getscu, libraryFind, load, movescu, type QrOpOptions, type QrRun } from "./qr-ops.js";
import { dcmtkTool, QR_TOOLS, type QrServer, startDcmqrscp, startMoveDestination, startQrscp } from "./qr-servers.js";
import { dcmtkVersion, MAX_PDU } from "./storage-impls.js";
import { fixed, formatTable } from "./table.js";

/** Options of the qr section. */
export interface QrBenchOptions {
  readonly sizes: QrSizes;
  /** Measured runs of each C-FIND, C-GET and C-MOVE per server; the median by wall time is reported. */
  readonly repeat: number;
  /**
   * How long to wait after each operation for dcmqrscp to reap its workers, so that their CPU
   * counts (default 3000 ms; it reaps about once a second). 0 skips the wait (the bench's test).
   */
  readonly reapWaitMs?: number;
  /** Where the report goes (default: console.log). */
  readonly print?: (text: string) => void;
}

/** One reported result: an operation by one client against one server. */
export interface QrCell {
  readonly group: "load" | "find" | "retrieve";
  /** The operation, e.g. "C-GET" or "PatientName=…". */
  readonly label: string;
  /** "DCMTK findscu", "netdicom library"… */
  readonly client: string;
  readonly server: QrServer["family"];
  readonly serverName: string;
  /** The median run, or the first failed one. */
  readonly run: QrRun;
  /** Data set bytes per unit of `run.count` (load and retrieve). */
  readonly bytesPerUnit: number;
  /** Pending responses per unit of `run.count` (C-FIND). */
  readonly responsesPerUnit: number;
}

/** What the section measured, or why it did not run. */
export interface QrReport {
  readonly cells: readonly QrCell[];
  readonly skipped: string | undefined;
}

const MIB = 2 ** 20;

function median(runs: readonly QrRun[]): QrRun {
  const failed = runs.find((r) => r.failure !== undefined);
  if (failed) return failed;
  const sorted = [...runs].sort((x, y) => x.wallMs - y.wallMs);
  return sorted[Math.floor((sorted.length - 1) / 2)] as QrRun;
}

const perSecond = (run: QrRun): number => run.count / (run.wallMs / 1000);
const mb = (bytes: number | undefined): string => (bytes === undefined ? "-" : fixed(bytes / MIB, 1));

/** netdicom's rate over DCMTK's for the same operation and client. */
function ratio(cell: QrCell, cells: readonly QrCell[]): string {
  if (cell.server !== "netdicom" || cell.run.failure) return "";
  const ref = cells.find(
    (c) => c.server === "dcmtk" && c.group === cell.group && c.label === cell.label && c.client === cell.client,
  );
  if (!ref || ref.run.failure) return "";
  return `${fixed(perSecond(cell.run) / perSecond(ref.run), 2)}x`;
}

function costs(run: QrRun): string[] {
  return [fixed(run.clientCpuSeconds, 2), fixed(run.serverCpuSeconds, 2), mb(run.serverPeakRssBytes)];
}

function transferRow(cell: QrCell, cells: readonly QrCell[]): string[] {
  const { run } = cell;
  const head = [`${cell.label}, ${cell.serverName}`];
  if (run.failure) return [...head, "FAILED"];
  const bytes = run.count * cell.bytesPerUnit;
  const seconds = run.wallMs / 1000;
  return [
    ...head,
    String(run.count),
    mb(bytes),
    fixed(seconds, 2),
    fixed(perSecond(run), 0),
    fixed(bytes / MIB / seconds, 1),
    ...costs(run),
    ratio(cell, cells),
  ];
}

function findRow(cell: QrCell, cells: readonly QrCell[]): string[] {
  const { run } = cell;
  const head = [`${cell.label}, ${cell.client} → ${cell.serverName}`];
  if (run.failure) return [...head, "FAILED"];
  return [
    ...head,
    String(run.count),
    String(cell.responsesPerUnit),
    fixed(perSecond(run), 1),
    fixed(perSecond(run) * cell.responsesPerUnit, 0),
    ...costs(run),
    ratio(cell, cells),
  ];
}

const COST_HEADER = ["client CPU s", "server CPU s", "server peak MiB", "vs DCMTK"];
const TRANSFER_HEADER = ["instances", "MiB", "s", "inst/s", "MiB/s", ...COST_HEADER];

function printReport(print: (text: string) => void, cells: readonly QrCell[], repeat: number): void {
  const group = (g: QrCell["group"]) => cells.filter((c) => c.group === g);
  print(
    `\n${formatTable(
      ["load (storescu +sd), server", ...TRANSFER_HEADER],
      group("load").map((c) => transferRow(c, cells)),
    )}`,
  );
  print(
    `\n${formatTable(
      ["C-FIND study level, client → server", "queries", "resp/query", "queries/s", "responses/s", ...COST_HEADER],
      group("find").map((c) => findRow(c, cells)),
    )}`,
  );
  print(
    `\n${formatTable(
      ["retrieve, server", ...TRANSFER_HEADER],
      group("retrieve").map((c) => transferRow(c, cells)),
    )}`,
  );
  for (const c of cells) {
    if (c.run.failure) print(`FAILED ${c.label}, ${c.client} → ${c.serverName}: ${c.run.failure}`);
  }
  print(
    "\nLoad: one DCMTK storescu association per corpus into each archive (stored, filed and indexed;" +
      "\nnetdicom qrscp runs with --no-fsync, since dcmqrscp does not fsync either). C-FIND: the" +
      "\nqueries of one findscu process (--repeat, -q) or of one association of netdicom's library in the" +
      `\nbench process; start-up and association included. C-GET/C-MOVE: median of ${repeat} run(s) of one` +
      "\nPATIENT-level retrieve (patient root) of two studies; getscu stores with +B, the C-MOVE destination" +
      "\nis DCMTK storescp +B; every run checks that every instance arrived. Wall time is the client's, from" +
      "\nspawn to exit. Server CPU: the server's and its reaped children's (dcmqrscp forks one per" +
      "\nassociation); server peak: VmHWM since the operation began (reset through clear_refs), the" +
      "\nlargest of the server's and its children's, sampled every 10 ms. Everything on 127.0.0.1 with a" +
      `\nmax PDU of ${MAX_PDU}; DCMTK runs with TCP_NODELAY=1. 'vs DCMTK': netdicom's rate over DCMTK's.`,
  );
}

async function stopAll(processes: readonly Receiver[]): Promise<void> {
  await Promise.all(processes.map((p) => p.stop().catch(() => undefined)));
}

/**
 * Generates the corpora under `dir`, starts both archives and the move destination, loads them,
 * runs every query and retrieve, stops every process (also on failure), prints the tables and
 * returns what it measured.
 */
export async function qrBench(dir: string, options: QrBenchOptions): Promise<QrReport> {
  const print = options.print ?? ((text: string) => console.log(text));
  const { sizes, repeat } = options;
  const ops: QrOpOptions = { reapWaitMs: options.reapWaitMs ?? 3000, dimseTimeoutS: 120 };
  print(`\nquery/retrieve: netdicom qrscp (SQLite) and DCMTK dcmqrscp, same clients, on loopback`);
  const missing = QR_TOOLS.filter((t) => dcmtkTool(t) === undefined);
  if (missing.length > 0) {
    const skipped = `DCMTK not installed (${missing.join(", ")} missing): the qr section needs its clients`;
    print(skipped);
    return { cells: [], skipped };
  }
  print(`DCMTK: ${dcmtkVersion() ?? "installed"}`);
  const t0 = performance.now();
  const corpus = await makeQrCorpus(join(dir, "qr-corpus"), sizes);
  print(
    `corpus generated in ${fixed((performance.now() - t0) / 1000, 1)} s: ${corpus.indexInstances} tiny CT ` +
      `(16x16) in ${sizes.studies} studies, ${fixed(corpus.indexBytes / MIB, 1)} MiB; ${corpus.retrieveInstances} ` +
      `CT ${sizes.retrieveRows}x${sizes.retrieveRows} in 2 studies of one patient, ${fixed(corpus.retrieveBytes / MIB, 1)} MiB`,
  );

  const cells: QrCell[] = [];
  const processes: Receiver[] = [];
  const servers: QrServer[] = [];
  try {
    const movedDir = join(dir, "qr-moved");
    const dest = await startMoveDestination(movedDir);
    processes.push(dest.process);
    const ours = await startQrscp(join(dir, "qr-netdicom"), dest.port);
    processes.push(ours.process);
    const theirs = await startDcmqrscp(join(dir, "qr-dcmtk"), dest.port, sizes.studies + 2);
    processes.push(theirs.process);
    servers.push(ours, theirs);
    const cell = (group: QrCell["group"], label: string, client: string, server: QrServer, run: QrRun, extra = {}) =>
      cells.push({
        group,
        label,
        client,
        server: server.family,
        serverName: server.name,
        run,
        bytesPerUnit: 0,
        responsesPerUnit: 0,
        ...extra,
      });

    for (const server of servers) {
      const indexBytes = corpus.indexBytes / corpus.indexInstances;
      const retrieveBytes = corpus.retrieveBytes / corpus.retrieveInstances;
      cell(
        "load",
        `${corpus.indexInstances} tiny`,
        "DCMTK storescu",
        server,
        await load(server, ops, corpus.indexDir, corpus.indexInstances),
        { bytesPerUnit: indexBytes },
      );
      cell(
        "load",
        `${corpus.retrieveInstances} images`,
        "DCMTK storescu",
        server,
        await load(server, ops, corpus.retrieveDir, corpus.retrieveInstances),
        { bytesPerUnit: retrieveBytes },
      );
    }

    for (const query of corpus.queries) {
      for (const [client, op] of [
        ["DCMTK findscu", findscu],
        ["netdicom library", libraryFind],
      ] as const) {
        const runs = new Map<QrServer, QrRun[]>(servers.map((s) => [s, []]));
        for (let r = 0; r < repeat; r++) {
          for (const server of servers) runs.get(server)?.push(await op(server, ops, query, sizes.queries));
        }
        for (const server of servers) {
          cell("find", query.name, client, server, median(runs.get(server) ?? []), {
            responsesPerUnit: query.expected,
          });
        }
      }
    }

    const gotDir = join(dir, "qr-got");
    const perInstance = corpus.retrieveBytes / corpus.retrieveInstances;
    for (const [label, client, op, out] of [
      ["C-GET", "DCMTK getscu", getscu, gotDir],
      ["C-MOVE", "DCMTK movescu", movescu, movedDir],
    ] as const) {
      const runs = new Map<QrServer, QrRun[]>(servers.map((s) => [s, []]));
      for (let r = 0; r < repeat; r++) {
        for (const server of servers) {
          runs.get(server)?.push(await op(server, ops, corpus.retrievePatientId, corpus.retrieveInstances, out));
        }
      }
      for (const server of servers) {
        cell("retrieve", label, client, server, median(runs.get(server) ?? []), { bytesPerUnit: perInstance });
      }
    }
  } finally {
    await stopAll(processes);
  }
  printReport(print, cells, repeat);
  return { cells, skipped: undefined };
}
