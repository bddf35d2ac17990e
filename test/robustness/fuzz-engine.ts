// The fuzz engine shared by `npm run fuzz` (scripts/fuzz.mjs, one worker per core) and the short
// run in the test suite: case `i` of a run seeded `seed` is always the same input, so any failure
// is reproduced by its (seed, index) pair alone.
import { NetdicomError } from "../../src/util/errors.js";
import { Rng, toHex } from "./fuzz-rng.js";
import { type FuzzInput, fuzzTargets } from "./fuzz-targets.js";

/** One failing case, ready to print. */
export interface FuzzFailure {
  readonly index: number;
  readonly target: string;
  /** What went wrong: the unexpected exception, or "took N ms". */
  readonly reason: string;
  readonly hex: string;
  readonly note: string;
}

/** Options of {@link runFuzz}. */
export interface FuzzRunOptions {
  readonly seed: number;
  /** First case index (default 0). */
  readonly start?: number;
  /** Distance between the case indices run (default 1; workers interleave with stride = workers). */
  readonly stride?: number;
  /** How many cases to run (default unlimited: then `deadline` must be set). */
  readonly cases?: number;
  /** Stop at this `performance.now()` time (default never). */
  readonly deadline?: number;
  /** A case slower than this is a failure (ms; default 1000). Inputs are ≤ 4 KiB: microseconds each. */
  readonly maxCaseMs?: number;
  /** Keep at most this many failures in full (default 10); all are counted. */
  readonly keepFailures?: number;
  /** Called before each case with its index (workers publish it for the hang watchdog). */
  readonly onCase?: (index: number) => void;
}

/** What {@link runFuzz} did. */
export interface FuzzRunResult {
  readonly cases: number;
  readonly failureCount: number;
  readonly failures: readonly FuzzFailure[];
  /** Cases run per target name. */
  readonly perTarget: Readonly<Record<string, number>>;
}

/** The input of case `index` of a run seeded `seed`, and the target it belongs to. */
export function fuzzCase(seed: number, index: number): { target: string; input: FuzzInput } {
  const target = fuzzTargets[index % fuzzTargets.length]!;
  return { target: target.name, input: target.generate(Rng.forCase(seed, index)) };
}

/**
 * Runs one case: undefined when it ended with a value or a NetdicomError within `maxCaseMs`,
 * else the failure.
 */
export function runCase(seed: number, index: number, maxCaseMs = 1000): FuzzFailure | undefined {
  const { target, input } = fuzzCase(seed, index);
  return judgeCase(target, index, input, maxCaseMs);
}

/** Runs one input and judges it as {@link runCase} does. */
export function judgeCase(target: string, index: number, input: FuzzInput, maxCaseMs = 1000): FuzzFailure | undefined {
  const started = performance.now();
  let reason: string | undefined;
  try {
    input.run();
  } catch (e) {
    if (!(e instanceof NetdicomError)) reason = e instanceof Error ? `${e.name}: ${e.message}` : `threw ${String(e)}`;
  }
  const ms = performance.now() - started;
  if (reason === undefined && ms > maxCaseMs) reason = `took ${Math.round(ms)} ms (limit ${maxCaseMs})`;
  if (reason === undefined) return undefined;
  return { index, target, reason, hex: toHex(input.bytes), note: input.note ?? "" };
}

/** Runs cases `start, start + stride, …` until `cases` are done or `deadline` passes. */
export function runFuzz(options: FuzzRunOptions): FuzzRunResult {
  const stride = options.stride ?? 1;
  const limit = options.cases ?? Number.POSITIVE_INFINITY;
  if (!Number.isFinite(limit) && options.deadline === undefined) throw new RangeError("give cases or a deadline");
  const keep = options.keepFailures ?? 10;
  const failures: FuzzFailure[] = [];
  const perTarget: Record<string, number> = {};
  let failureCount = 0;
  let done = 0;
  let index = options.start ?? 0;
  while (done < limit) {
    // Checking the clock every 256 cases keeps its cost out of the loop.
    if (options.deadline !== undefined && (done & 0xff) === 0 && performance.now() >= options.deadline) break;
    options.onCase?.(index);
    const failure = runCase(options.seed, index, options.maxCaseMs);
    const name = fuzzTargets[index % fuzzTargets.length]!.name;
    perTarget[name] = (perTarget[name] ?? 0) + 1;
    if (failure) {
      failureCount++;
      if (failures.length < keep) failures.push(failure);
    }
    done++;
    index += stride;
  }
  return { cases: done, failureCount, failures, perTarget };
}

/** A failure as the lines the fuzz report prints. */
export function formatFailure(f: FuzzFailure, seed: number): string {
  return `  case ${f.index} (seed ${seed}) ${f.target}: ${f.reason}${f.note ? `\n    ${f.note}` : ""}\n    input ${f.hex}`;
}
