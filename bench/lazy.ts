// The lazy-reading benchmark: a 256 MiB multi-frame file, its head read in a child process.
import { execFile } from "node:child_process";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { writeCorpusFile } from "./corpus.js";
import type { LazyChildReport } from "./lazy-child.js";

const run = promisify(execFile);

/** The result of the lazy case. */
export interface LazyReport {
  readonly fileSize: number;
  readonly writeMs: number;
  readonly baseline: LazyChildReport;
  readonly head: LazyChildReport;
  readonly full: LazyChildReport;
}

async function child(mode: string, path: string): Promise<LazyChildReport> {
  const script = fileURLToPath(new URL("./lazy-child.js", import.meta.url));
  const { stdout } = await run(process.execPath, [script, mode, path], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as LazyChildReport;
}

/**
 * Writes a multi-frame SC file of `frames` 512×512 16-bit frames (512 frames: 256 MiB of pixel
 * data) into `dir`, frame by frame, then reads it in three child processes: doing nothing (the
 * runtime's own footprint), readDicomFileHead, and a full readDicomFile for contrast.
 */
export async function lazyBench(dir: string, frames = 512): Promise<LazyReport> {
  const path = join(dir, "large-multiframe.dcm");
  const start = performance.now();
  await writeCorpusFile(path, { sop: "sc", rows: 512, cols: 512, frames }, 0);
  const writeMs = performance.now() - start;
  const { size } = await stat(path);
  const baseline = await child("baseline", path);
  const head = await child("head", path);
  const full = await child("full", path);
  return { fileSize: size, writeMs, baseline, head, full };
}
