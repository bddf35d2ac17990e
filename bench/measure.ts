// Runs a case over a list of inputs for a bounded time and reports its throughput.
import { performance } from "node:perf_hooks";

/** How long to warm up and to measure, and an upper bound on iterations whatever the clock says. */
export interface MeasureOptions {
  readonly warmupMs: number;
  readonly runMs: number;
  readonly maxIterations: number;
}

/** The throughput of one case. */
export interface Measurement {
  readonly name: string;
  readonly files: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly filesPerSecond: number;
  readonly mbPerSecond: number;
}

/**
 * Calls `run(i)` for i = 0, 1, 2… (the case picks input `i % n` itself) first for `warmupMs`,
 * so the JIT has settled, then for `runMs`; `run` returns the number of file bytes it processed.
 * Both loops stop at `maxIterations` too, so a slow case cannot run away.
 */
export function measure(name: string, run: (i: number) => number, options: MeasureOptions): Measurement {
  let i = 0;
  const warmEnd = performance.now() + options.warmupMs;
  for (let k = 0; k < options.maxIterations && performance.now() < warmEnd; k++) run(i++);
  let files = 0;
  let bytes = 0;
  const start = performance.now();
  const end = start + options.runMs;
  while (files < options.maxIterations && (files === 0 || performance.now() < end)) {
    bytes += run(i++);
    files++;
  }
  const seconds = (performance.now() - start) / 1000;
  return { name, files, bytes, seconds, filesPerSecond: files / seconds, mbPerSecond: bytes / 2 ** 20 / seconds };
}
