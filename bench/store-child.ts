// Child process of the warm-library storage rows: one Node process that first sends a warm-up
// set of files on one association, then the measured set on a second one, through the library's
// `assoc.sendCStore(path)`. What a long-running forwarder or gateway pays per instance once V8
// has compiled the hot paths, with process start-up left out.
//   node store-child.js HOST PORT LISTFILE
// LISTFILE holds JSON {"warm": [paths], "timed": [paths]}. Prints one line of JSON
// (StoreChildReport) and exits 0 when every C-STORE of both sets answered Success.
import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { AE, scanFileMetaOfFile } from "../src/index.js";

/** What the child prints. */
export interface StoreChildReport {
  /** Instances of the measured set. */
  readonly count: number;
  /** Of those, the ones whose response was not Success (0x0000). */
  readonly failed: number;
  /** Association request to release of the measured set. */
  readonly seconds: number;
  /** CPU time of this process over the measured set (user + system). */
  readonly cpuSeconds: number;
  /** The invoke window the measured association ran with (1 = one at a time). */
  readonly window: number;
}

/** The asynchronous operations window the child proposes, as storescu does by default. */
const PROPOSED_WINDOW = 16;

/** The SOP class and transfer syntax of each file, from its File Meta Information. */
function contextsOf(paths: readonly string[]): Map<string, Set<string>> {
  const contexts = new Map<string, Set<string>>();
  for (const path of paths) {
    const meta = scanFileMetaOfFile(path);
    if (meta === undefined) throw new Error(`${path}: no usual File Meta Information in its first 4 KiB`);
    const syntaxes = contexts.get(meta.sopClassUid) ?? new Set<string>();
    syntaxes.add(meta.transferSyntaxUid);
    contexts.set(meta.sopClassUid, syntaxes);
  }
  return contexts;
}

/** Sends `paths` on one association, keeping as many C-STOREs outstanding as it allows. */
async function sendAll(
  ae: AE,
  host: string,
  port: number,
  paths: readonly string[],
): Promise<{ failed: number; window: number }> {
  const assoc = await ae.associate(host, port, { aeTitle: "ANY-SCP" });
  let failed = 0;
  const invoked = assoc.asyncOperationsWindow.invoked;
  const window = invoked === 0 ? PROPOSED_WINDOW : invoked;
  try {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < paths.length) {
        const path = paths[next++] as string;
        const { status } = await assoc.sendCStore(path);
        if (status !== 0x0000) failed++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(window, paths.length) }, worker));
  } finally {
    await assoc.release();
  }
  return { failed, window };
}

async function main(argv: readonly string[]): Promise<void> {
  const [host = "127.0.0.1", port = "0", listFile = ""] = argv;
  const list = JSON.parse(await readFile(listFile, "utf8")) as { warm: string[]; timed: string[] };
  const ae = new AE({
    aeTitle: "BENCH_SCU",
    maximumPduSize: 131072,
    maxAsyncOperations: { invoked: PROPOSED_WINDOW, performed: 1 },
  });
  for (const [sopClass, syntaxes] of contextsOf([...list.warm, ...list.timed])) {
    ae.addRequestedContext(sopClass, [...syntaxes]);
  }
  const warm = await sendAll(ae, host, Number(port), list.warm);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const timed = await sendAll(ae, host, Number(port), list.timed);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const report: StoreChildReport = {
    count: list.timed.length,
    failed: timed.failed,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    window: timed.window,
  };
  console.log(JSON.stringify(report));
  if (warm.failed > 0 || timed.failed > 0) process.exitCode = 1;
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
