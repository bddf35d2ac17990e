// Property tests: random and mutated bytes into the dataset readers. The only exceptions allowed
// are NetdicomError subclasses, from reading and from decoding every value of what comes back,
// and every input is handled in bounded time.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { corpusFile } from "../../bench/corpus.js";
import {
  ALL_VRS,
  buildFileMeta,
  Dataset,
  DatasetStreamReader,
  readDataset,
  readPart10,
  ts,
  VR_INFO,
  writeFileMetaBytes,
} from "../../src/dataset/index.js";
import { NetdicomError } from "../../src/util/errors.js";

const NUM_RUNS = 2000;
/** Generous per-input bound: the inputs are a few kilobytes, a hang or a blow-up shows as seconds. */
const MAX_MS_PER_INPUT = 1000;

const ENCODINGS = [
  ["Implicit VR Little Endian", { explicitVr: false, littleEndian: true }],
  ["Explicit VR Little Endian", { explicitVr: true, littleEndian: true }],
  ["Explicit VR Big Endian", { explicitVr: true, littleEndian: false }],
] as const;

/** Decodes every value, recursing into items; returns how many were decoded. */
function decodeAll(ds: Dataset, depth = 0): number {
  let n = 0;
  const charsets = ds.charsets;
  for (const el of ds) {
    const v = el.value(el.vr === "SQ" ? [] : charsets);
    n++;
    if (el.vr === "SQ") for (const item of v as Dataset[]) n += decodeAll(item, depth + 1);
  }
  // The typed helpers go through other paths (number parsing, person names).
  for (const tag of ds.tags()) {
    ds.strings(tag);
    ds.numbers(tag);
    ds.personName(tag);
  }
  return n;
}

/**
 * Runs `fn` on an input: it may return or throw a NetdicomError, nothing else, within the time
 * bound. Returns whether it threw.
 */
function onlyTypedErrors(fn: () => void): boolean {
  const start = performance.now();
  let threw = false;
  try {
    fn();
  } catch (e) {
    if (!(e instanceof NetdicomError)) throw e;
    threw = true;
  }
  const ms = performance.now() - start;
  assert.ok(ms < MAX_MS_PER_INPUT, `took ${ms} ms`);
  return threw;
}

function part10(bytes: Uint8Array): void {
  const p = readPart10(bytes, { maxInflatedBytes: 1 << 20 });
  decodeAll(p.meta);
  decodeAll(p.dataset);
}

/** Preamble, DICM and a valid meta announcing `uid`. */
function metaPrefix(uid: string): Uint8Array {
  const ds = new Dataset({ SOPClassUID: "1.2.840.10008.5.1.4.1.1.2", SOPInstanceUID: "2.25.42" });
  return writeFileMetaBytes(buildFileMeta(ds, uid));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}

const randomBytes = fc.uint8Array({ minLength: 0, maxLength: 2048 });

test("random bytes into readPart10: only typed errors", () => {
  fc.assert(
    fc.property(randomBytes, (bytes) => {
      onlyTypedErrors(() => part10(bytes));
    }),
    { numRuns: NUM_RUNS },
  );
});

test("random bytes after a valid preamble and meta, in every transfer syntax: only typed errors", () => {
  const prefixes = [
    ts.ImplicitVRLittleEndian,
    ts.ExplicitVRLittleEndian,
    ts.ExplicitVRBigEndian,
    ts.DeflatedExplicitVRLittleEndian,
  ].map(metaPrefix);
  fc.assert(
    fc.property(fc.constantFrom(...prefixes), randomBytes, (prefix, body) => {
      onlyTypedErrors(() => part10(concat(prefix, body)));
    }),
    { numRuns: NUM_RUNS },
  );
});

for (const [name, enc] of ENCODINGS) {
  test(`random bytes into readDataset (${name}): only typed errors`, () => {
    fc.assert(
      fc.property(randomBytes, fc.boolean(), (bytes, partial) => {
        onlyTypedErrors(() => {
          const r = readDataset(bytes, { ...enc, partial, maxDepth: 16 });
          decodeAll(r.dataset);
          assert.ok(r.offset <= bytes.byteLength);
        });
      }),
      { numRuns: NUM_RUNS },
    );
  });
}

/** Offsets of the length fields of explicit VR element headers found in `bytes` (a heuristic). */
function lengthFieldOffsets(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 132; i + 8 <= bytes.byteLength; i += 2) {
    const a = bytes[i + 4] as number;
    const b = bytes[i + 5] as number;
    if (a < 0x41 || a > 0x5a || b < 0x41 || b > 0x5a) continue;
    const vr = String.fromCharCode(a, b);
    out.push(["OB", "OW", "SQ", "UN", "UT", "UC", "UR"].includes(vr) ? i + 8 : i + 6);
  }
  return out;
}

type Mutation =
  | { kind: "flip"; at: number; value: number }
  | { kind: "length"; at: number; value: number; wide: boolean }
  | { kind: "truncate"; at: number }
  | { kind: "duplicate"; from: number; length: number; to: number };

const INTERESTING_LENGTHS = [
  0, 1, 2, 3, 7, 8, 0xff, 0x100, 0xfffe, 0xffff, 0x10000, 0x7fffffff, 0xfffffff0, 0xffffffff,
];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant("length" as const),
    at: fc.nat(),
    value: fc.oneof(fc.constantFrom(...INTERESTING_LENGTHS), fc.nat()),
    wide: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("duplicate" as const), from: fc.nat(), length: fc.nat({ max: 256 }), to: fc.nat() }),
);

/** Applies mutations to a copy of `file`; "length" mutations hit a real length field. */
function mutate(file: Uint8Array, lengthFields: readonly number[], mutations: readonly Mutation[]): Uint8Array {
  let b = new Uint8Array(file);
  for (const m of mutations) {
    if (b.byteLength === 0) break;
    switch (m.kind) {
      case "flip":
        b[m.at % b.byteLength] = m.value;
        break;
      case "length": {
        const at = lengthFields[m.at % lengthFields.length] ?? 0;
        const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
        if (m.wide && at + 4 <= b.byteLength) view.setUint32(at, m.value >>> 0, true);
        else if (at + 2 <= b.byteLength) view.setUint16(at, m.value & 0xffff, true);
        break;
      }
      case "truncate":
        b = b.slice(0, m.at % (b.byteLength + 1));
        break;
      case "duplicate": {
        const from = m.from % b.byteLength;
        const slice = b.slice(from, from + m.length);
        const to = m.to % (b.byteLength + 1);
        b = new Uint8Array(Buffer.concat([b.subarray(0, to), slice, b.subarray(to)]));
        break;
      }
    }
  }
  return b;
}

for (const syntax of ["explicit-le", "implicit-le", "explicit-be"] as const) {
  test(`mutated ${syntax} files (flips, lengths, truncation, duplicated slices): only typed errors`, () => {
    const file = corpusFile({ rows: 4, cols: 4, syntax }, 3);
    const lengthFields = lengthFieldOffsets(file);
    assert.ok(lengthFields.length > 50, "the heuristic finds the headers");
    let threw = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        if (onlyTypedErrors(() => part10(mutate(file, lengthFields, mutations)))) threw++;
      }),
      { numRuns: NUM_RUNS },
    );
    // The mutations do break files (the property is not vacuous) but not every time.
    assert.ok(threw > NUM_RUNS / 20 && threw < NUM_RUNS, `${threw} of ${NUM_RUNS} threw`);
  });
}

test("mutated data sets through the stream reader in random chunks: only typed errors", () => {
  const file = corpusFile({ rows: 4, cols: 4, syntax: "explicit-le" }, 1);
  const start = readPart10(file).datasetOffset;
  const lengthFields = lengthFieldOffsets(file);
  fc.assert(
    fc.property(
      fc.array(mutation, { minLength: 1, maxLength: 3 }),
      fc.array(fc.integer({ min: 1, max: 512 }), { minLength: 1, maxLength: 8 }),
      (mutations, chunkSizes) => {
        const bytes = mutate(file, lengthFields, mutations).subarray(start);
        onlyTypedErrors(() => {
          const sr = new DatasetStreamReader({ explicitVr: true, littleEndian: true, maxDepth: 16 });
          let o = 0;
          // Bounded: every chunk is at least one byte.
          for (let k = 0; o < bytes.byteLength; k++) {
            const n = chunkSizes[k % chunkSizes.length] as number;
            sr.push(bytes.subarray(o, o + n));
            o += n;
          }
          decodeAll(sr.end());
        });
      },
    ),
    { numRuns: NUM_RUNS / 2 },
  );
});

/** Tags whose value other elements depend on, plus a few ordinary and private ones. */
const TAGS = [0x00080005, 0x00280103, 0x00100010, 0x00080060, 0x00200032, 0x00091010, 0x00081140, 0x7fe00010];

const element = fc.record({
  tag: fc.oneof(fc.constantFrom(...TAGS), fc.integer({ min: 0x00080000, max: 0x7fe00010 })),
  vr: fc.constantFrom(...ALL_VRS),
  value: fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    // Character set terms (PS3.3 C.12.1.1.2), so text is decoded through every decoder
    fc
      .constantFrom(
        "ISO_IR 100",
        "ISO_IR 192",
        "GB18030",
        "GBK",
        "\\ISO 2022 IR 87",
        "ISO 2022 IR 6\\ISO 2022 IR 149",
        "ISO 2022 IR 13\\ISO 2022 IR 87\\ISO 2022 IR 159",
        "ISO_IR 13",
        "NO SUCH SET",
      )
      .map((s) => new Uint8Array(Buffer.from(s, "latin1"))),
    // Text with ISO 2022 escape sequences and high bytes
    fc
      .array(
        fc.constantFrom(
          0x1b,
          0x24,
          0x28,
          0x29,
          0x42,
          0x4a,
          0x40,
          0x44,
          0x5e,
          0x3d,
          0x5c,
          0x0e,
          0x0f,
          0xa1,
          0xb0,
          0xe9,
          0x20,
        ),
        {
          maxLength: 48,
        },
      )
      .map((a) => new Uint8Array(a)),
  ),
});

/** Well-formed element headers around random values: every VR on every tag, in tag order. */
function encodeElements(elements: readonly { tag: number; vr: string; value: Uint8Array }[], littleEndian: boolean) {
  const sorted = [...elements].sort((a, b) => a.tag - b.tag);
  const parts: Uint8Array[] = [];
  for (const { tag, vr, value } of sorted) {
    const long = VR_INFO[vr as keyof typeof VR_INFO].longLength;
    const h = new DataView(new ArrayBuffer(long ? 12 : 8));
    h.setUint16(0, tag >>> 16, littleEndian);
    h.setUint16(2, tag & 0xffff, littleEndian);
    h.setUint8(4, vr.charCodeAt(0));
    h.setUint8(5, vr.charCodeAt(1));
    if (long) h.setUint32(8, value.byteLength, littleEndian);
    else h.setUint16(6, value.byteLength, littleEndian);
    parts.push(new Uint8Array(h.buffer), value);
  }
  return new Uint8Array(Buffer.concat(parts));
}

for (const littleEndian of [true, false]) {
  test(`well-formed headers with any VR and random values (${littleEndian ? "LE" : "BE"}): decoding only throws typed errors`, () => {
    fc.assert(
      fc.property(fc.array(element, { maxLength: 12 }), (elements) => {
        const bytes = encodeElements(elements, littleEndian);
        onlyTypedErrors(() => decodeAll(readDataset(bytes, { explicitVr: true, littleEndian }).dataset));
      }),
      { numRuns: NUM_RUNS },
    );
  });
}
