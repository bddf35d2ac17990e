// One measured run of a storage scenario: start the receiver, run the senders, count what was
// stored, stop the receiver.
import { execFile } from "node:child_process";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { freePort, type ProcessUsage, Receiver, runMeasured } from "./procs.js";
import type { Scenario } from "./storage-corpus.js";
import type { StorageImpl } from "./storage-impls.js";

/** The outcome of one run; `failure` set means it is not a speed. */
export interface StorageRun {
  readonly failure: string | undefined;
  /** From the first sender's spawn to the last sender's exit. */
  readonly wallMs: number;
  /** Sum over the senders. */
  readonly senderCpuSeconds: number;
  /** The largest peak RSS among the senders (each is its own process). */
  readonly senderPeakRssBytes: number | undefined;
  readonly receiverCpuSeconds: number;
  readonly receiverPeakRssBytes: number | undefined;
  /** Complete files found in the output folder after the senders exited. */
  readonly stored: number;
}

/**
 * Counts the non-empty regular files in `dir`, leaving out names that look temporary (a leading
 * dot or a `.part` suffix): a store is complete once its response has been sent, and both
 * senders wait for every response before they exit.
 */
export async function countStored(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isFile() || entry.name.startsWith(".") || entry.name.endsWith(".part")) continue;
    const { size } = await stat(join(dir, entry.name));
    if (size > 0) files++;
    bytes += size;
  }
  return { files, bytes };
}

function tail(text: string): string {
  const lines = text.trim().split("\n").slice(-3).join(" | ");
  return lines.length > 300 ? `…${lines.slice(-300)}` : lines;
}

/**
 * Writes back what earlier runs left dirty in the page cache (sync(1)) before a run starts.
 * Without it a run pays for its predecessor's writeback: while the kernel flushes the previous
 * run's hundreds of MiB, creating a file waits on the journal (measured here: 260 µs per
 * open(O_CREAT) instead of 12), whichever implementation happens to run next.
 */
export function settleDisk(): Promise<void> {
  return new Promise((resolve) => {
    execFile("sync", () => resolve());
  });
}

/**
 * Runs `scenario` once with `impl`, receiving into `outDir` (made empty first; the caller deletes it
 * later, see storage.ts).
 */
export async function runStorage(impl: StorageImpl, scenario: Scenario, outDir: string): Promise<StorageRun> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await settleDisk();
  const port = await freePort();
  const rx = impl.receiver(port, outDir);
  const receiver = await Receiver.start(rx.command, rx.args, port, { env: rx.env });
  let failure: string | undefined;
  let wallMs = Number.NaN;
  let stored = 0;
  let senderCpuSeconds = 0;
  let senderPeakRssBytes: number | undefined;
  let receiverUsage: ProcessUsage = { cpuSeconds: Number.NaN, peakRssBytes: undefined };
  try {
    const start = performance.now();
    const senders = await Promise.all(
      scenario.senders.map((set) => {
        const tx = impl.sender(port, set.paths);
        return runMeasured(tx.command, tx.args, { env: tx.env });
      }),
    );
    wallMs = performance.now() - start;
    const found = await countStored(outDir);
    stored = found.files;
    for (const s of senders) {
      senderCpuSeconds += s.cpuSeconds;
      if (s.peakRssBytes !== undefined) senderPeakRssBytes = Math.max(senderPeakRssBytes ?? 0, s.peakRssBytes);
      if (s.code !== 0 && failure === undefined) {
        failure = `sender exited with ${s.signal ?? `status ${s.code}`}: ${tail(s.output)}`;
      }
    }
    if (stored !== scenario.instances && failure === undefined) {
      failure = `receiver stored ${stored} of ${scenario.instances} files`;
    }
    // Each stored file holds at least the data set that was sent: fewer bytes means truncation.
    if (found.bytes < scenario.datasetBytes && failure === undefined) {
      failure = `receiver stored ${found.bytes} bytes, less than the ${scenario.datasetBytes} bytes of data sets sent`;
    }
  } finally {
    receiverUsage = await receiver.stop();
  }
  return {
    failure,
    wallMs,
    senderCpuSeconds,
    senderPeakRssBytes,
    receiverCpuSeconds: receiverUsage.cpuSeconds,
    receiverPeakRssBytes: receiverUsage.peakRssBytes,
    stored,
  };
}
