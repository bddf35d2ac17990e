// The asynchronous operations section of `npm run bench`: many tiny C-STOREs over a link with
// latency (a delaying proxy), netdicom storescu with a window of 1 and of 8 (PS3.7 D.3.3.3), and
// DCMTK storescu → storescp through the same proxy for reference, side by side in one run.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeCorpus } from "./corpus.js";
import { DelayProxy } from "./delay-proxy.js";
import { fileSet, type Scenario } from "./storage-corpus.js";
import {
  type CommandLine,
  dcmtkAvailable,
  dcmtkImpl,
  netdicomImpl,
  netdicomUnavailable,
  type StorageImpl,
} from "./storage-impls.js";
import { runStorage, type StorageRun } from "./storage-run.js";
import { fixed, formatTable } from "./table.js";

/** Options of the async section. */
export interface AsyncBenchOptions {
  readonly quick: boolean;
  readonly repeat: number;
  /** Added latency in each direction (ms). */
  readonly delayMs?: number;
}

/** Adds `--async N` after the app name of a netdicom command line. */
function withAsync(line: CommandLine, n: number): CommandLine {
  const [cli, app, ...rest] = line.args;
  return { ...line, args: [cli ?? "", app ?? "", "--async", String(n), ...rest] };
}

/** `impl` with its sender connecting through `proxy`, and (netdicom) the given windows. */
function throughProxy(
  impl: StorageImpl,
  name: string,
  proxy: DelayProxy,
  windows?: { send: number; receive: number },
): StorageImpl {
  return {
    name,
    family: impl.family,
    receiver: (port, outDir) => {
      proxy.target = port;
      const line = impl.receiver(port, outDir);
      return windows ? withAsync(line, windows.receive) : line;
    },
    sender: (_port, paths) => {
      const line = impl.sender(proxy.port, paths);
      return windows ? withAsync(line, windows.send) : line;
    },
  };
}

function median(runs: readonly StorageRun[]): StorageRun | undefined {
  const failed = runs.find((r) => r.failure !== undefined);
  if (failed) return failed;
  return [...runs].sort((x, y) => x.wallMs - y.wallMs)[Math.floor((runs.length - 1) / 2)];
}

/** Generates the tiny corpus, runs each sender through the proxy `repeat` times, prints the table. */
export async function asyncBench(dir: string, options: AsyncBenchOptions): Promise<void> {
  const delayMs = options.delayMs ?? 2;
  const count = options.quick ? 200 : 1000;
  const corpusDir = join(dir, "async-corpus");
  await mkdir(corpusDir, { recursive: true });
  const paths = await writeCorpus(corpusDir, count, { sop: "ct", rows: 16, cols: 16, patients: 20 });
  const set = await fileSet(paths);
  const scenario: Scenario = {
    key: "b",
    title: `${count} tiny CT 16x16x16 through a proxy adding ${delayMs} ms each way`,
    senders: [set],
    instances: count,
    datasetBytes: set.datasetBytes,
  };
  console.log(`\nasync: ${scenario.title}, one association, sender and receiver as child processes`);
  const proxy = await DelayProxy.start(delayMs);
  try {
    const impls: StorageImpl[] = [];
    const missing = netdicomUnavailable();
    if (missing) console.log(`netdicom: ${missing}`);
    else {
      // The receiver accepts 8 at once in both rows; the sender's proposal decides the window.
      impls.push(throughProxy(netdicomImpl(), "netdicom, window 1", proxy, { send: 1, receive: 8 }));
      impls.push(throughProxy(netdicomImpl(), "netdicom, window 8 (--async 8)", proxy, { send: 8, receive: 8 }));
    }
    if (dcmtkAvailable()) impls.push(throughProxy(dcmtkImpl(false), "DCMTK storescu -> storescp +B", proxy));
    else console.log("DCMTK: not installed: its row is left out");
    const runs = new Map<StorageImpl, StorageRun[]>(impls.map((i) => [i, []]));
    // A folder per run, all deleted at the end (see storage.ts: deleting just before a run slows it).
    const received = join(dir, "async-received");
    let runNumber = 0;
    for (let r = 0; r < options.repeat; r++) {
      for (const impl of impls) {
        runs.get(impl)?.push(await runStorage(impl, scenario, join(received, `run-${++runNumber}`)));
      }
    }
    await rm(received, { recursive: true, force: true });
    const base = median(runs.get(impls[0] as StorageImpl) ?? []);
    const rows = impls.map((impl) => {
      const run = median(runs.get(impl) ?? []);
      if (!run || run.failure) return [impl.name, "FAILED", "", "", ""];
      const perSecond = count / (run.wallMs / 1000);
      const speedup = base && !base.failure ? `${fixed(base.wallMs / run.wallMs, 2)}x` : "";
      return [impl.name, fixed(run.wallMs, 0), fixed(perSecond, 0), fixed((run.wallMs / count) * 1000, 0), speedup];
    });
    console.log(`\n${formatTable(["sender -> receiver", "wall ms", "inst/s", "µs/inst", "vs window 1"], rows)}`);
    for (const impl of impls) {
      const run = median(runs.get(impl) ?? []);
      if (run?.failure) console.log(`FAILED ${impl.name}: ${run.failure}`);
    }
    console.log(
      `\nMedian of ${options.repeat} run(s). Every chunk waits ${delayMs} ms in the proxy each way, so one C-STORE` +
        `\nround trip costs at least ${2 * delayMs} ms plus processing; a window of N keeps N requests in flight.` +
        "\nWall time from the sender's spawn to its exit (start-up included). DCMTK's storescu has no" +
        "\nasynchronous mode: it waits for each response. netdicom's receiver runs with --async 8 in both rows.",
    );
  } finally {
    await proxy.close();
  }
}
