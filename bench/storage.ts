// The storage section of `npm run bench`: netdicom storescu→storescp and DCMTK storescu→storescp
// side by side over issue 5's four scenarios, on loopback, as child processes.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { FULL_SIZES, makeStorageCorpus, QUICK_SIZES, type Scenario } from "./storage-corpus.js";
import {
  dcmtkAvailable,
  dcmtkImpl,
  dcmtkVersion,
  MAX_PDU,
  netdicomImpl,
  netdicomUnavailable,
  type StorageImpl,
} from "./storage-impls.js";
import { runStorage, type StorageRun } from "./storage-run.js";
import { hasWarmRows, measureWarm, printWarmRows, type WarmRowsReport } from "./storage-warm.js";
import { fixed, formatTable } from "./table.js";

/** Options of the storage section. */
export interface StorageBenchOptions {
  /** Smaller corpora (a smoke run). */
  readonly quick: boolean;
  /** Runs per scenario and implementation; the median by wall time is reported. */
  readonly repeat: number;
}

/** The reported result of one implementation on one scenario. */
interface Cell {
  readonly impl: StorageImpl;
  readonly scenario: Scenario;
  /** The median run, or the first failed one. */
  readonly run: StorageRun | undefined;
  /** Why there is no number. */
  readonly missing: string | undefined;
}

/** issue 5's goals for netdicom, next to the ratio. */
const GOAL_RATIO = 1.0;
const GOAL_RSS_BYTES = 100 * 2 ** 20;

const MIB = 2 ** 20;

function mbPerSecond(scenario: Scenario, run: StorageRun): number {
  return scenario.datasetBytes / MIB / (run.wallMs / 1000);
}

function median(runs: readonly StorageRun[]): StorageRun | undefined {
  const failed = runs.find((r) => r.failure !== undefined);
  if (failed) return failed;
  const sorted = [...runs].sort((x, y) => x.wallMs - y.wallMs);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

const mb = (bytes: number | undefined): string => (bytes === undefined ? "-" : fixed(bytes / MIB, 1));

/** The best DCMTK throughput of a scenario, the reference of netdicom's ratio. */
function reference(cells: readonly Cell[], scenario: Scenario): number | undefined {
  let best: number | undefined;
  for (const c of cells) {
    if (c.scenario !== scenario || c.impl.family !== "dcmtk" || !c.run || c.run.failure) continue;
    best = Math.max(best ?? 0, mbPerSecond(scenario, c.run));
  }
  return best;
}

function goal(cell: Cell, ratio: number | undefined): string {
  if (cell.impl.judged !== true || !cell.run || cell.run.failure) return "";
  const parts = [
    `>= ${fixed(GOAL_RATIO, 1)}x: ${ratio === undefined ? "no reference" : ratio >= GOAL_RATIO ? "met" : "MISSED"}`,
  ];
  if (cell.scenario.key === "c") {
    const peaks = [cell.run.senderPeakRssBytes, cell.run.receiverPeakRssBytes];
    const ok = peaks.every((p) => p !== undefined && p < GOAL_RSS_BYTES);
    parts.push(`RSS < 100 MB both sides: ${ok ? "met" : "MISSED"}`);
  }
  return parts.join("; ");
}

function row(cell: Cell, cells: readonly Cell[]): string[] {
  const { scenario, run } = cell;
  const head = [`(${scenario.key}) ${cell.impl.name}`];
  if (!run) return [...head, cell.missing ?? "not run", "", "", "", "", "", "", ""];
  if (run.failure) return [...head, "FAILED", "", "", "", "", "", "", ""];
  const rate = mbPerSecond(scenario, run);
  const ref = reference(cells, scenario);
  const ratio = cell.impl.family === "netdicom" && ref !== undefined ? rate / ref : undefined;
  return [
    ...head,
    fixed(rate, 1),
    fixed(scenario.instances / (run.wallMs / 1000), 0),
    fixed(run.senderCpuSeconds, 2),
    fixed(run.receiverCpuSeconds, 2),
    mb(run.senderPeakRssBytes),
    mb(run.receiverPeakRssBytes),
    ratio === undefined ? "" : `${fixed(ratio, 2)}x`,
    goal(cell, ratio),
  ];
}

/** The implementations that run on a scenario: DCMTK's fork mode only where senders are concurrent. */
function implsFor(scenario: Scenario, dcmtk: boolean, netdicom: boolean): StorageImpl[] {
  const list: StorageImpl[] = [];
  if (dcmtk) {
    list.push(dcmtkImpl(false));
    if (scenario.senders.length > 1) list.push(dcmtkImpl(true));
  }
  if (netdicom) {
    list.push(netdicomImpl());
    // One instance per sender has nothing to pipeline.
    if (scenario.instances > scenario.senders.length) list.push(netdicomImpl(true));
  }
  return list;
}

/**
 * Generates the corpora under `dir`, runs every scenario `repeat` times with each available
 * implementation (interleaved, so drift hits both alike), and prints the table.
 */
export async function storageBench(dir: string, options: StorageBenchOptions): Promise<void> {
  const sizes = options.quick ? QUICK_SIZES : FULL_SIZES;
  const dcmtk = dcmtkAvailable();
  const netdicomMissing = netdicomUnavailable();
  console.log(
    `\nstorage: C-STORE on loopback, sender and receiver as child processes${options.quick ? " (--quick sizes)" : ""}`,
  );
  console.log(`DCMTK: ${dcmtk ? (dcmtkVersion() ?? "installed") : "not installed: its rows are left out"}`);
  console.log(`netdicom: ${netdicomMissing ?? "build/netdicom.cjs storescu and storescp"}`);
  const t0 = performance.now();
  const scenarios = await makeStorageCorpus(join(dir, "storage-corpus"), sizes);
  console.log(`corpus generated in ${fixed((performance.now() - t0) / 1000, 1)} s (Explicit VR Little Endian)`);
  for (const s of scenarios) {
    console.log(`  ${s.title}: ${s.instances} files, ${fixed(s.datasetBytes / MIB, 1)} MiB of data sets`);
  }

  // Every run receives into a folder of its own, and all are deleted only after the last run:
  // deleting thousands of files just before a run makes the next file creations slow (ext4 skips
  // recently deleted inodes, reading inode table blocks to find them: ~1 ms per open(O_CREAT)
  // measured here), a cost that would fall on whichever implementation happened to run next.
  const received = join(dir, "storage-received");
  const cells: Cell[] = [];
  const warmRows: WarmRowsReport["rows"][number][] = [];
  let runNumber = 0;
  for (const scenario of scenarios) {
    const impls = implsFor(scenario, dcmtk, netdicomMissing === undefined);
    const runs = new Map<StorageImpl, StorageRun[]>(impls.map((i) => [i, []]));
    for (let r = 0; r < options.repeat; r++) {
      for (const impl of impls) {
        const outDir = join(received, `run-${++runNumber}`);
        runs.get(impl)?.push(await runStorage(impl, scenario, outDir));
      }
    }
    for (const impl of impls) cells.push({ impl, scenario, run: median(runs.get(impl) ?? []), missing: undefined });
    if (dcmtk && netdicomMissing === undefined && hasWarmRows(scenario)) {
      warmRows.push(
        ...(await measureWarm(scenarios, scenario, {
          receivers: [netdicomImpl(), dcmtkImpl(false)],
          repeat: options.repeat,
          receivedDir: received,
          dcmtkMibPerSecond: new Map(),
        })),
      );
    }
    if (netdicomMissing) cells.push({ impl: netdicomImpl(), scenario, run: undefined, missing: netdicomMissing });
  }

  console.log(
    `\n${formatTable(
      [
        "scenario, implementation",
        "MiB/s",
        "inst/s",
        "send CPU s",
        "recv CPU s",
        "send peak MiB",
        "recv peak MiB",
        "vs DCMTK",
        "goal (issue 5)",
      ],
      cells.map((c) => row(c, cells)),
    )}`,
  );
  for (const c of cells) {
    if (c.run?.failure) console.log(`FAILED (${c.scenario.key}) ${c.impl.name}: ${c.run.failure}`);
  }
  console.log(
    `\nMedian of ${options.repeat} run(s) by wall time. MiB/s and inst/s: data set bytes (file minus preamble and` +
      "\nfile meta) and instances over the wall time from the first sender's spawn to the last sender's exit" +
      "\n(process start-up included, as a user sees it). Every run checks that the receiver stored every file;" +
      "\none that lost files is FAILED, not a speed. Sender CPU and peak RSS come from wait4() via GNU time" +
      "\n(CPU summed over (d)'s senders, peak RSS the largest of them); receiver CPU (its reaped children" +
      "\nincluded) and peak RSS (VmHWM, its own image) come from /proc just before it is sent SIGTERM." +
      `\nBoth receivers announce a max PDU of ${MAX_PDU} and write every instance to a file on ${dir}.` +
      "\nnetdicom's apps run as installed: the first run of each app saves V8's code cache for it" +
      "\n(build/.netdicom-cache, cleared by the build), so its later runs start from compiled code." +
      "\nDCMTK: storescp +B (bit-preserving, no re-encoding), storescu -R, TCP_NODELAY=1 in both environments;" +
      "\nin (d) storescp also runs with --fork (its receiver peak RSS is then the parent's alone; the" +
      "\nworkers' CPU is counted once reaped), and netdicom's ratio is taken against the faster DCMTK row." +
      "\n'vs DCMTK' is netdicom MiB/s divided by DCMTK MiB/s in the same scenario.",
  );

  if (warmRows.length > 0) {
    const dcmtkMibPerSecond = new Map<string, number>();
    for (const c of cells) {
      if (c.impl.family === "dcmtk" && c.impl.name === "DCMTK" && c.run !== undefined && c.run.failure === undefined) {
        dcmtkMibPerSecond.set(c.scenario.key, c.scenario.datasetBytes / MIB / (c.run.wallMs / 1000));
      }
    }
    printWarmRows(warmRows, dcmtkMibPerSecond);
  }
  await rm(received, { recursive: true, force: true });
}
