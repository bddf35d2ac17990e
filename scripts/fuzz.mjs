#!/usr/bin/env node
// npm run fuzz: every decoder under a million seeded cases (random bytes and structure-aware
// mutations), one worker thread per core. A case must end with a value or a NetdicomError; any
// other exception, a case slower than --max-case-ms, a hang (no progress for --hang-ms, caught by
// a watchdog on the main thread) or RSS above --max-rss-mb is a failure.
// Usage: node scripts/fuzz.mjs [--cases N] [--seconds S] [--seed X] [--workers W]
//        [--max-case-ms MS] [--hang-ms MS] [--max-rss-mb MB]
// Ends with exactly "fuzz: N cases, F failures, S seconds"; exit 1 when F > 0.
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

const enginePath = new URL("../build/test/robustness/fuzz-engine.js", import.meta.url);

if (isMainThread) await main();
else await worker();

async function worker() {
  const { runFuzz } = await import(enginePath.href);
  const { seed, start, stride, cases, seconds, maxCaseMs, shared } = workerData;
  const slot = new Int32Array(shared);
  const deadline = seconds === undefined ? undefined : performance.now() + seconds * 1000;
  let done = 0;
  let index = start;
  let failureCount = 0;
  const failures = [];
  // Batches, so that progress reaches the main thread while the loop runs.
  for (;;) {
    const left = cases === undefined ? 20_000 : Math.min(20_000, cases - done);
    if (left <= 0) break;
    const r = runFuzz({
      seed,
      start: index,
      stride,
      cases: left,
      maxCaseMs,
      keepFailures: 10,
      ...(deadline === undefined ? {} : { deadline }),
      onCase: (i) => Atomics.store(slot, 0, i),
    });
    done += r.cases;
    index += r.cases * stride;
    failureCount += r.failureCount;
    failures.push(...r.failures.slice(0, Math.max(0, 10 - failures.length)));
    Atomics.store(slot, 1, done);
    parentPort.postMessage({ kind: "progress", done });
    if (r.cases < left) break; // deadline reached
  }
  parentPort.postMessage({ kind: "done", done, failureCount, failures });
}

async function main() {
  const { values } = parseArgs({
    options: {
      cases: { type: "string" },
      seconds: { type: "string" },
      seed: { type: "string" },
      workers: { type: "string" },
      "max-case-ms": { type: "string", default: "1000" },
      "hang-ms": { type: "string", default: "10000" },
      "max-rss-mb": { type: "string", default: "1024" },
    },
  });
  const seconds = values.seconds === undefined ? undefined : Number(values.seconds);
  // --seconds alone runs until the time is up; otherwise a million cases by default.
  const total = values.cases !== undefined ? Number(values.cases) : seconds !== undefined ? undefined : 1_000_000;
  const seed = values.seed === undefined ? (Date.now() & 0x7fffffff) >>> 0 : Number(values.seed) >>> 0;
  const workers = Math.max(1, Number(values.workers ?? Math.min(availableParallelism(), 4)));
  const maxCaseMs = Number(values["max-case-ms"]);
  const hangMs = Number(values["hang-ms"]);
  const maxRssMb = Number(values["max-rss-mb"]);
  const { fuzzCase, formatFailure } = await import(enginePath.href);
  const { toHex } = await import(new URL("../build/test/robustness/fuzz-rng.js", import.meta.url).href);

  console.log(
    `fuzzing: seed ${seed}, ${total ?? "unlimited"} cases${seconds === undefined ? "" : `, at most ${seconds} s`}, ${workers} workers`,
  );
  const started = performance.now();
  const failures = [];
  let failureCount = 0;
  let casesDone = 0;
  let peakRss = 0;

  const share = (w) => (total === undefined ? undefined : Math.floor(total / workers) + (w < total % workers ? 1 : 0));

  /** Runs one worker's share, restarting it past a hung or crashed case; resolves with its case count. */
  const runShare = (w) =>
    new Promise((resolve) => {
      let start = w;
      let remaining = share(w);
      let doneHere = 0;
      const launch = () => {
        const shared = new SharedArrayBuffer(8);
        const slot = new Int32Array(shared);
        Atomics.store(slot, 0, start);
        const elapsed = (performance.now() - started) / 1000;
        const th = new Worker(new URL(import.meta.url), {
          workerData: {
            seed,
            start,
            stride: workers,
            cases: remaining,
            seconds: seconds === undefined ? undefined : Math.max(0, seconds - elapsed),
            maxCaseMs,
            shared,
          },
          // A decoder that allocates from a length field runs out of this, not of the machine.
          resourceLimits: { maxOldGenerationSizeMb: 256 },
        });
        let last = -1;
        let lastChange = performance.now();
        let finished = false;
        let handedOver = false;
        const watchdog = setInterval(() => {
          const now = Atomics.load(slot, 0);
          if (now !== last) {
            last = now;
            lastChange = performance.now();
          } else if (performance.now() - lastChange > hangMs) {
            fail(now, `hang: no progress for ${hangMs} ms`);
            void th.terminate();
          }
        }, 250);
        // A hung or crashed case: record it, then carry on after it in a fresh worker.
        const fail = (index, reason) => {
          if (finished) return;
          finished = true;
          clearInterval(watchdog);
          failureCount++;
          if (failures.length < 10) {
            const { target, input } = fuzzCase(seed, index);
            failures.push({ index, target, reason, hex: toHex(input.bytes), note: input.note ?? "" });
          }
          const doneInWorker = Atomics.load(slot, 1);
          // Cases completed since the last batch are counted as done (they ran and passed).
          const completed = Math.max(doneInWorker, (index - start) / workers);
          doneHere += completed + 1;
          casesDone += completed + 1;
          start = index + workers;
          if (remaining !== undefined) remaining -= completed + 1;
          if ((remaining === undefined || remaining > 0) && !timeUp()) {
            handedOver = true;
            launch();
          } else resolve(doneHere);
        };
        th.on("message", (m) => {
          if (m.kind !== "done") return;
          finished = true;
          clearInterval(watchdog);
          doneHere += m.done;
          casesDone += m.done;
          failureCount += m.failureCount;
          for (const f of m.failures) if (failures.length < 10) failures.push(f);
        });
        th.on("error", (err) => fail(Atomics.load(slot, 0), `worker died: ${err?.code ?? ""} ${err?.message ?? err}`));
        th.on("exit", () => {
          clearInterval(watchdog);
          if (!finished) fail(Atomics.load(slot, 0), "worker exited mid-case");
          else if (!handedOver) resolve(doneHere);
        });
      };
      launch();
    });

  const timeUp = () => seconds !== undefined && performance.now() - started >= seconds * 1000;
  let rssExceeded = false;
  const sampler = setInterval(() => {
    const rss = process.memoryUsage().rss;
    peakRss = Math.max(peakRss, rss);
    if (rss > maxRssMb * 2 ** 20 && !rssExceeded) {
      rssExceeded = true;
      failureCount++;
      failures.push({
        index: -1,
        target: "memory",
        reason: `RSS ${Math.round(rss / 2 ** 20)} MB exceeds ${maxRssMb} MB`,
        hex: "",
        note: "",
      });
    }
  }, 200);
  const ticker = setInterval(() => {
    const s = ((performance.now() - started) / 1000).toFixed(0);
    process.stderr.write(`  … ${s} s, RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB\n`);
  }, 15_000);

  await Promise.all(Array.from({ length: workers }, (_, w) => runShare(w)));
  clearInterval(sampler);
  clearInterval(ticker);
  const elapsed = (performance.now() - started) / 1000;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  console.log(`peak RSS ${Math.round(peakRss / 2 ** 20)} MB (limit ${maxRssMb} MB)`);
  if (failures.length > 0) {
    console.log(`first failures (reproduce with --seed ${seed}):`);
    for (const f of failures.slice(0, 5))
      console.log(f.index < 0 ? `  ${f.target}: ${f.reason}` : formatFailure(f, seed).replace(/^ {2}case/, "  case"));
  }
  console.log(`fuzz: ${casesDone} cases, ${failureCount} failures, ${elapsed.toFixed(1)} seconds`);
  process.exitCode = failureCount > 0 ? 1 : 0;
}
