// A short run of the fuzz engine behind `npm run fuzz`: every decoder, 20,000 seeded cases, only
// values or NetdicomErrors, each case fast, memory bounded. The long run is scripts/fuzz.mjs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { NetdicomError } from "../../src/util/errors.js";
import { formatFailure, fuzzCase, judgeCase, runFuzz } from "./fuzz-engine.js";
import { Rng } from "./fuzz-rng.js";
import { fuzzTargets } from "./fuzz-targets.js";

const CASES = 20_000;
const SEED = 0x5eed;

test(`fuzz: ${CASES} cases over every decoder end in a value or a NetdicomError`, () => {
  const rssBefore = process.memoryUsage().rss;
  const r = runFuzz({ seed: SEED, cases: CASES, maxCaseMs: 1000 });
  const rssGrowth = process.memoryUsage().rss - rssBefore;
  assert.equal(r.cases, CASES);
  assert.equal(r.failureCount, 0, r.failures.map((f) => formatFailure(f, SEED)).join("\n"));
  // Every target got its share, so none was silently skipped.
  for (const t of fuzzTargets) assert.ok((r.perTarget[t.name] ?? 0) >= Math.floor(CASES / fuzzTargets.length), t.name);
  assert.ok(rssGrowth < 256 * 2 ** 20, `RSS grew by ${Math.round(rssGrowth / 2 ** 20)} MB`);
});

test("fuzz: the targets cover PDUs, both framers, commands, reassembly, three encodings, Part 10, streams, JSON, charsets", () => {
  assert.deepEqual(
    fuzzTargets.map((t) => t.name),
    [
      "decodePdu",
      "PduFramer",
      "PduReadBuffer",
      "decodeCommand",
      "MessageReassembler",
      "readDataset(implicit-le)",
      "readDataset(explicit-le)",
      "readDataset(explicit-be)",
      "readPart10",
      "DatasetStreamReader",
      "datasetFromJson",
      "decodeText",
    ],
  );
});

test("fuzz: a case is the same input for the same seed and index, and differs across indices", () => {
  const a = fuzzCase(7, 123).input.bytes;
  const b = fuzzCase(7, 123).input.bytes;
  const c = fuzzCase(7, 123 + fuzzTargets.length).input.bytes;
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.notEqual(Rng.forCase(7, 1).u32(), Rng.forCase(7, 2).u32());
});

test("fuzz: the judge fails untyped exceptions and slow cases, and passes typed errors", () => {
  const bytes = new Uint8Array([1, 2, 3]);
  const typeError = judgeCase("x", 1, {
    bytes,
    run: () => {
      throw new TypeError("boom");
    },
  });
  assert.equal(typeError?.reason, "TypeError: boom");
  assert.equal(typeError?.hex, "010203");
  assert.equal(
    judgeCase("x", 2, {
      bytes,
      run: () => {
        throw new NetdicomError("ERR_X", "refused");
      },
    }),
    undefined,
  );
  const slow = judgeCase(
    "x",
    3,
    {
      bytes,
      run: () => {
        const until = performance.now() + 5;
        while (performance.now() < until) {}
      },
    },
    1,
  );
  assert.match(slow?.reason ?? "", /^took \d+ ms \(limit 1\)$/);
});
