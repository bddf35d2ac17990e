// The warm-library rows of the storage benchmark: the same scenarios sent from one Node process
// through `assoc.sendCStore(path)` after a warm-up set, to netdicom's storescp and DCMTK's. The
// app rows above them include a Node process start per sender (~40 ms of CPU before any JS of
// ours runs); these show what a long-running netdicom application (a forwarder, a gateway)
// pays per instance once V8 has compiled the hot paths.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, Receiver, runMeasured } from "./procs.js";
import type { Scenario } from "./storage-corpus.js";
import type { StorageImpl } from "./storage-impls.js";
import { countStored, settleDisk } from "./storage-run.js";
import type { StoreChildReport } from "./store-child.js";
import { fixed, formatTable } from "./table.js";

const CHILD = fileURLToPath(new URL("./store-child.js", import.meta.url));

/** How many files the warm-up set holds. */
const WARM_FILES = 50;

/** One measured warm run. */
export interface WarmRun {
  readonly failure: string | undefined;
  readonly report: StoreChildReport | undefined;
}

/** Options of {@link warmLibraryRows}. */
export interface WarmRowsOptions {
  /** The receivers, by report name (their `receiver` command lines are used). */
  readonly receivers: readonly StorageImpl[];
  /** Runs per row; the median by time is shown. */
  readonly repeat: number;
  /** Folder to receive into (one subfolder per run, left for the caller to delete). */
  readonly receivedDir: string;
  /** DCMTK storescu -> storescp MiB/s per scenario key, from the app rows, for the ratio column. */
  readonly dcmtkMibPerSecond: ReadonlyMap<string, number>;
  /** Where the table goes (default console.log). */
  readonly print?: (text: string) => void;
}

/** What {@link warmLibraryRows} measured, for tests. */
export interface WarmRowsReport {
  /** Row name and its median run. */
  readonly rows: readonly { readonly name: string; readonly scenario: Scenario; readonly run: WarmRun | undefined }[];
}

async function runWarm(
  receiver: StorageImpl,
  warm: readonly string[],
  scenario: Scenario,
  outDir: string,
): Promise<WarmRun> {
  await mkdir(outDir, { recursive: true });
  const listFile = `${outDir}-list.json`;
  const timed = scenario.senders.flatMap((s) => s.paths);
  await writeFile(listFile, JSON.stringify({ warm, timed }));
  // As for the app rows: what earlier runs left dirty is written back first (see settleDisk).
  await settleDisk();
  const port = await freePort();
  const rx = receiver.receiver(port, outDir);
  const server = await Receiver.start(rx.command, rx.args, port, { env: rx.env });
  try {
    const child = await runMeasured(process.execPath, [CHILD, "127.0.0.1", String(port), listFile]);
    const line = child.output.split("\n").find((l) => l.startsWith("{"));
    if (child.code !== 0 || line === undefined) {
      return {
        failure: `exited with ${child.signal ?? `status ${child.code}`}: ${child.output.slice(-300)}`,
        report: undefined,
      };
    }
    const report = JSON.parse(line) as StoreChildReport;
    // Both sets end with a release, which waits for every response: all files are complete.
    const { files } = await countStored(outDir);
    if (files !== warm.length + timed.length) {
      return { failure: `receiver stored ${files} of ${warm.length + timed.length} files`, report };
    }
    return { failure: undefined, report };
  } finally {
    await server.stop();
  }
}

function median(runs: readonly WarmRun[]): WarmRun | undefined {
  const failed = runs.find((r) => r.failure !== undefined);
  if (failed) return failed;
  const sorted = [...runs].sort((x, y) => (x.report?.seconds ?? 0) - (y.report?.seconds ?? 0));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** Files sent before each measured set: 50 of (d)'s that no measured set holds (the same CT shape, other UIDs). */
function warmSet(scenarios: readonly Scenario[]): string[] {
  // The same SOP Instance UID again would replace a stored file (a different, slower operation on ext4).
  const measuredPaths = new Set(
    scenarios.filter((s) => s.key !== "d").flatMap((s) => s.senders.flatMap((f) => f.paths)),
  );
  const pool = scenarios.find((s) => s.key === "d")?.senders.flatMap((f) => f.paths) ?? [];
  return pool.filter((p) => !measuredPaths.has(p)).slice(0, WARM_FILES);
}

/** True for the scenarios the warm rows cover: (d) is about eight sender processes at once. */
export function hasWarmRows(scenario: Scenario): boolean {
  return scenario.key !== "d";
}

let warmRunNumber = 0;

/**
 * Measures `scenario` from one warm library process to each receiver (median of
 * `options.repeat` runs). The storage bench calls it right after the scenario's app runs, so
 * both meet the disk in the same state.
 */
export async function measureWarm(
  scenarios: readonly Scenario[],
  scenario: Scenario,
  options: WarmRowsOptions,
): Promise<WarmRowsReport["rows"]> {
  const warm = warmSet(scenarios);
  const measured: WarmRowsReport["rows"][number][] = [];
  for (const receiver of options.receivers) {
    const runs: WarmRun[] = [];
    for (let r = 0; r < options.repeat; r++) {
      runs.push(await runWarm(receiver, warm, scenario, join(options.receivedDir, `warm-${++warmRunNumber}`)));
    }
    measured.push({
      name: `(${scenario.key}) library (warm) -> ${receiver.name} storescp`,
      scenario,
      run: median(runs),
    });
  }
  return measured;
}

/** Prints the warm rows' table and what it measures. */
export function printWarmRows(
  rowsMeasured: WarmRowsReport["rows"],
  dcmtkMibPerSecond: ReadonlyMap<string, number>,
  print: (text: string) => void = console.log,
): void {
  const rows = rowsMeasured.map(({ name, scenario, run }) => {
    const rep = run?.report;
    if (rep === undefined || run?.failure !== undefined)
      return [name, "FAILED", "", "", "", "", run?.failure?.slice(0, 80) ?? ""];
    const mibs = scenario.datasetBytes / 2 ** 20 / rep.seconds;
    const dcmtk = dcmtkMibPerSecond.get(scenario.key);
    return [
      name,
      fixed(mibs),
      fixed(rep.count / rep.seconds),
      fixed(rep.cpuSeconds, 2),
      String(rep.window),
      dcmtk === undefined ? "" : `${fixed(mibs / dcmtk, 2)}x`,
      rep.failed > 0 ? `${rep.failed} not Success` : "",
    ];
  });
  print(
    `\n${formatTable(["scenario, path", "MiB/s", "inst/s", "client CPU s", "window", "vs DCMTK apps", "note"], rows)}`,
  );
  print(
    `\nOne Node process sends ${WARM_FILES} other CT files on one association first, then the scenario on a` +
      "\nsecond association (timed from its request to its release, median of runs, each right after the" +
      "\nscenario's app runs): netdicom's library with its process start-up and first compilation left out," +
      "\nproposing an asynchronous operations window of 16 (netdicom's storescp accepts it; DCMTK's answers" +
      "\none at a time). 'vs DCMTK apps' divides by the DCMTK storescu -> storescp row above, whose process" +
      "\nstart is part of its time (a few ms for DCMTK).",
  );
}

/** Runs and prints the warm rows of every scenario that has them (for tests and one-off runs). */
export async function warmLibraryRows(
  scenarios: readonly Scenario[],
  options: WarmRowsOptions,
): Promise<WarmRowsReport> {
  const rows: WarmRowsReport["rows"][number][] = [];
  for (const scenario of scenarios.filter(hasWarmRows)) rows.push(...(await measureWarm(scenarios, scenario, options)));
  printWarmRows(rows, options.dcmtkMibPerSecond, options.print);
  return { rows };
}
