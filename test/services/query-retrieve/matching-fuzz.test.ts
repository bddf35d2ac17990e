// Property tests: matching never throws, whatever the key and candidate strings.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { Dataset } from "../../../src/dataset/dataset.js";
import { readDataset } from "../../../src/dataset/reader.js";
import { writeDataset } from "../../../src/dataset/writer.js";
import { matches, wildcardMatch } from "../../../src/services/query-retrieve/matching.js";
import { buildResponse } from "../../../src/services/query-retrieve/response.js";

// One keyword per VR family that matching treats differently.
const KEYWORDS = [
  "PatientName", // PN
  "PatientID", // LO
  "Modality", // CS
  "StudyDate", // DA
  "StudyTime", // TM
  "AcquisitionDateTime", // DT
  "StudyInstanceUID", // UI
  "SeriesNumber", // IS
  "PatientWeight", // DS
  "StudyComments", // LT
  "Rows", // US
  "TimezoneOffsetFromUTC", // SH, qualifies DT matching
];

// Strings biased towards the characters that mean something to matching.
const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom("*", "?", "-", "\\", "=", "^", '"', ".", "+", " ", "0", "1", "2", "9", "A", "z", "山", "𠮷"),
    fc.string({ minLength: 1, maxLength: 1 }),
  ),
  maxLength: 24,
});
const attributes = fc.dictionary(fc.constantFrom(...KEYWORDS), text, { maxKeys: 6 });

function dataset(values: Record<string, string>): Dataset {
  const ds = new Dataset();
  for (const [k, v] of Object.entries(values)) {
    // Rows is US: values set in code must be numbers there; keep the raw text path for the rest.
    if (k === "Rows") ds.set(k, Number.isFinite(Number(v)) ? Number(v) : []);
    else ds.set(k, v);
  }
  return ds;
}

test("matches() never throws on random keys and candidates, with every option", () => {
  fc.assert(
    fc.property(
      attributes,
      attributes,
      fc.record({
        personNameCaseInsensitive: fc.boolean(),
        combinedDateTime: fc.boolean(),
        emptyValueMatching: fc.boolean(),
        multipleValueMatching: fc.boolean(),
      }),
      (query, candidate, options) => {
        const result = matches(dataset(query), dataset(candidate), options);
        assert.equal(typeof result, "boolean");
        buildResponse(dataset(query), dataset(candidate));
      },
    ),
    { numRuns: 3000 },
  );
});

test("matches() never throws on candidates read from random bytes", () => {
  const query = dataset({ PatientName: "A*", StudyDate: "2020-", StudyInstanceUID: "1.2\\1.3", SeriesNumber: "1" });
  const syntax = { explicitVr: true, littleEndian: true };
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      // A real element header with a random value, so that the value is decoded lazily during matching.
      const template = new Dataset({ PatientName: "X", StudyDate: "20200101" });
      const encoded = writeDataset(template, syntax);
      const mutated = Uint8Array.from(encoded);
      for (let i = 8; i < mutated.length && i - 8 < bytes.length; i++) mutated[i] = bytes[i - 8] as number;
      let candidate: Dataset;
      try {
        candidate = readDataset(mutated, { ...syntax, partial: true }).dataset;
      } catch {
        return; // not a dataset at all: nothing to match
      }
      assert.equal(typeof matches(query, candidate), "boolean");
    }),
    { numRuns: 2000 },
  );
});

test("a key value matches itself (single value), for text without wild cards", () => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 20 }).filter((s) => !/[*?\\]/.test(s) && s.trim() === s && s !== ""),
      (s) => wildcardMatch(s, s),
    ),
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 20 }), (s) => wildcardMatch("*", s) && wildcardMatch(`*${s}*`, `x${s}y`)),
  );
});
