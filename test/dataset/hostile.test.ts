// Bad input to the dataset reader: each case must end in a DicomParseError that names the tag and
// the byte offset, quickly, without a hang, a crash, or an allocation sized by a length field.
import assert from "node:assert/strict";
import { test } from "node:test";
import { deflateRawSync } from "node:zlib";
import { corpusFile } from "../../bench/corpus.js";
import {
  buildFileMeta,
  Dataset,
  DatasetStreamReader,
  DicomParseError,
  readDataset,
  readPart10,
  ts,
  writeDataset,
  writeFileMetaBytes,
} from "../../src/dataset/index.js";
import { ByteWriter } from "../../src/util/byte-writer.js";

const EXPLICIT_LE = { explicitVr: true, littleEndian: true } as const;
const IMPLICIT_LE = { explicitVr: false, littleEndian: true } as const;

/** "(GGGG,EEEE)" as the errors print it. */
function tagText(tag: number): string {
  const h = (n: number) => n.toString(16).toUpperCase().padStart(4, "0");
  return `(${h(tag >>> 16)},${h(tag & 0xffff)})`;
}

/** Asserts `fn` throws a DicomParseError at `offset` naming `tag` (when given); returns it. */
function assertParseError(fn: () => unknown, where: { tag?: number; offset?: number }): DicomParseError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof DicomParseError, `expected a DicomParseError, got ${String(caught)}`);
  assert.equal(caught.code, "ERR_DICOM_PARSE");
  assert.match(caught.message, new RegExp(`at byte ${caught.offset}$`));
  if (where.offset !== undefined) assert.equal(caught.offset, where.offset);
  if (where.tag !== undefined) {
    assert.equal(caught.tag, where.tag);
    assert.ok(caught.message.includes(tagText(where.tag)), `${caught.message} names ${tagText(where.tag)}`);
  }
  return caught;
}

/** An explicit VR little endian element header (PS3.5 7.1.2). */
function explicitHeader(w: ByteWriter, tag: number, vr: string, length: number): ByteWriter {
  w.u16(tag >>> 16)
    .u16(tag & 0xffff)
    .ascii(vr);
  const long = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"].includes(vr);
  return long ? w.u16(0).u32(length) : w.u16(length);
}

function le(): ByteWriter {
  return new ByteWriter({ littleEndian: true });
}

/** A Part 10 prefix (preamble, DICM, meta) announcing `transferSyntaxUid`. */
function metaFor(transferSyntaxUid: string): Uint8Array {
  const ds = new Dataset({ SOPClassUID: "1.2.840.10008.5.1.4.1.1.7", SOPInstanceUID: "2.25.1" });
  return writeFileMetaBytes(buildFileMeta(ds, transferSyntaxUid));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

const SMALL = { rows: 8, cols: 8 } as const;

for (const syntax of ["explicit-le", "implicit-le", "explicit-be"] as const) {
  test(`truncated ${syntax} file: every cut gives a DicomParseError or a prefix of the data set`, () => {
    const file = corpusFile({ ...SMALL, syntax }, 0);
    const whole = readPart10(file);
    const allTags = whole.dataset.tags();
    let errors = 0;
    let prefixes = 0;
    for (let cut = whole.datasetOffset; cut < file.byteLength; cut++) {
      let got: ReturnType<typeof readPart10> | undefined;
      try {
        got = readPart10(file.subarray(0, cut));
      } catch (e) {
        assert.ok(e instanceof DicomParseError, `cut at ${cut}: ${String(e)}`);
        assert.ok(e.offset >= whole.datasetOffset && e.offset <= cut, `cut at ${cut}: offset ${e.offset}`);
        // Once four bytes of a header are there, the error names the element being read.
        if (e.tag !== undefined) assert.ok(allTags.includes(e.tag) || e.tag === 0x7fe00010, `tag ${e.tag}`);
        errors++;
        continue;
      }
      // Cut exactly between two elements: the elements before the cut, nothing more.
      assert.deepEqual(got.dataset.tags(), allTags.slice(0, got.dataset.size), `cut at ${cut}`);
      assert.ok(got.dataset.size < allTags.length);
      prefixes++;
    }
    assert.ok(errors > 1000, `${errors} errors`);
    assert.equal(prefixes, allTags.length, "one clean cut before each element");
  });
}

test("truncated file: a cut inside the file meta gives a DicomParseError or an empty data set", () => {
  const file = corpusFile(SMALL, 0);
  const { datasetOffset } = readPart10(file);
  for (let cut = 0; cut < datasetOffset; cut++) {
    try {
      const r = readPart10(file.subarray(0, cut));
      // A cut in the preamble reads the zeros as a bare data set; a cut after the Transfer
      // Syntax UID gives a meta without the data set. Either way nothing of the data set.
      assert.ok(r.dataset.size <= 1, `cut at ${cut}`);
    } catch (e) {
      assert.ok(e instanceof DicomParseError, `cut at ${cut}: ${String(e)}`);
    }
  }
});

test("a length past the end names the element and the offset of its value", () => {
  const w = le();
  explicitHeader(w, 0x00100020, "LO", 4).ascii("ID01");
  explicitHeader(w, 0x00100010, "PN", 100).ascii("DOE^JOHN");
  const err = assertParseError(() => readDataset(w.toUint8Array(), EXPLICIT_LE), { tag: 0x00100010, offset: 20 });
  assert.match(err.message, /100 bytes/);
  // The same in implicit VR, and with a base offset (position in a file)
  const v = le().u16(0x0010).u16(0x0010).u32(100).ascii("DOE^JOHN").toUint8Array();
  assertParseError(() => readDataset(v, { ...IMPLICIT_LE, baseOffset: 1000 }), { tag: 0x00100010, offset: 1008 });
});

test("an unknown VR in explicit VR names the element and the offset of the VR", () => {
  const w = le();
  explicitHeader(w, 0x00080060, "CS", 2).ascii("CT");
  explicitHeader(w, 0x00100010, "ZZ", 4).ascii("DOE^");
  const err = assertParseError(() => readDataset(w.toUint8Array(), EXPLICIT_LE), { tag: 0x00100010, offset: 14 });
  assert.match(err.message, /unknown VR "ZZ"/);
  // Inside a sequence item too
  const inner = le();
  explicitHeader(inner, 0x00080100, "\u0001\u0002", 2).ascii("XX");
  const item = inner.toUint8Array();
  const s = le();
  explicitHeader(s, 0x00081032, "SQ", 8 + item.byteLength);
  s.u16(0xfffe).u16(0xe000).u32(item.byteLength).bytes(item);
  assertParseError(() => readDataset(s.toUint8Array(), EXPLICIT_LE), { tag: 0x00080100, offset: 24 });
});

/** `depth` sequences, each the only element of the single item of the one above. */
function nested(depth: number): Dataset {
  let inner = new Dataset({ CodeValue: "LEAF" });
  for (let i = 0; i < depth; i++) inner = new Dataset({ ReferencedImageSequence: [inner] });
  return inner;
}

test("nesting too deep: 200 nested sequences fail at the 65th, at its value's offset", () => {
  const bytes = writeDataset(nested(200), EXPLICIT_LE);
  // Each level is a 12-byte SQ header and an 8-byte item header; level 65's value starts at 64*20+12.
  const err = assertParseError(() => readDataset(bytes, EXPLICIT_LE), { tag: 0x00081140, offset: 64 * 20 + 12 });
  assert.match(err.message, /nested deeper than 64/);
  // The stream reader applies the same limit.
  const sr = new DatasetStreamReader(EXPLICIT_LE);
  assert.throws(() => {
    sr.push(bytes);
    sr.end();
  }, /nested deeper than 64/);
});

test("nesting depth: maxDepth is configurable, exactly maxDepth levels are accepted", () => {
  const bytes = writeDataset(nested(200), EXPLICIT_LE);
  const r = readDataset(bytes, { ...EXPLICIT_LE, maxDepth: 200 });
  let ds = r.dataset;
  for (let i = 0; i < 200; i++) ds = ds.sequence("ReferencedImageSequence")[0] as Dataset;
  assert.equal(ds.string("CodeValue"), "LEAF");
  const ten = writeDataset(nested(10), EXPLICIT_LE);
  assert.equal(readDataset(ten, { ...EXPLICIT_LE, maxDepth: 10 }).dataset.size, 1);
  assertParseError(() => readDataset(ten, { ...EXPLICIT_LE, maxDepth: 9 }), { tag: 0x00081140, offset: 9 * 20 + 12 });
  // Undefined-length sequences in implicit VR count the same way.
  const implicit = writeDataset(nested(10), IMPLICIT_LE);
  assertParseError(() => readDataset(implicit, { ...IMPLICIT_LE, maxDepth: 9 }), { tag: 0x00081140 });
  assert.equal(readDataset(implicit, { ...IMPLICIT_LE, maxDepth: 10 }).dataset.size, 1);
});

/** Runs `fn` and returns how far `arrayBuffers` grew, in bytes, and how long it took. */
function footprint(fn: () => void): { grewBy: number; ms: number } {
  const before = process.memoryUsage().arrayBuffers;
  const start = performance.now();
  fn();
  return { grewBy: process.memoryUsage().arrayBuffers - before, ms: performance.now() - start };
}

test("a hostile length of 0xFFFFFFF0 fails fast without allocating from it", () => {
  const cases: [string, Uint8Array, { explicitVr: boolean; littleEndian: boolean }, number][] = [
    ["explicit OB", explicitHeader(le(), 0x00091010, "OB", 0xfffffff0).ascii("abcd").toUint8Array(), EXPLICIT_LE, 12],
    ["implicit", le().u16(0x0010).u16(0x0010).u32(0xfffffff0).ascii("abcd").toUint8Array(), IMPLICIT_LE, 8],
    [
      "explicit UT, big endian",
      new ByteWriter().u16(0x0008).u16(0x0119).ascii("UT").u16(0).u32(0xfffffff0).ascii("abcd").toUint8Array(),
      { explicitVr: true, littleEndian: false },
      12,
    ],
  ];
  for (const [name, bytes, enc, offset] of cases) {
    const tag = name === "explicit OB" ? 0x00091010 : name === "implicit" ? 0x00100010 : 0x00080119;
    const { grewBy, ms } = footprint(() => {
      const err = assertParseError(() => readDataset(bytes, enc), { tag, offset });
      assert.match(err.message, /4294967280 bytes/, name);
    });
    assert.ok(grewBy < 16 * 2 ** 20, `${name}: arrayBuffers grew by ${grewBy}`);
    assert.ok(ms < 1000, `${name}: ${ms} ms`);
  }
  // As an item length inside a sequence
  const s = explicitHeader(le(), 0x00081140, "SQ", 0xffffffff);
  s.u16(0xfffe).u16(0xe000).u32(0xfffffff0).ascii("abcd");
  assertParseError(() => readDataset(s.toUint8Array(), EXPLICIT_LE), { tag: 0x00081140, offset: 20 });
  // In a Part 10 file
  const file = concat(metaFor(ts.ExplicitVRLittleEndian), cases[0]![1]);
  const { grewBy } = footprint(() => assertParseError(() => readPart10(file), { tag: 0x00091010 }));
  assert.ok(grewBy < 16 * 2 ** 20);
});

test("a hostile length in a stream is refused when its header arrives, without buffering by it", () => {
  const before = process.memoryUsage().arrayBuffers;
  const sr = new DatasetStreamReader({ ...EXPLICIT_LE, baseOffset: 100 });
  sr.push(explicitHeader(le(), 0x00080060, "CS", 2).ascii("CT").toUint8Array());
  const hostile = explicitHeader(le(), 0x00091010, "OB", 0xfffffff0).ascii("abcd").toUint8Array();
  // Above the default maxBufferedBytes (512 MiB): refused at once, naming the element.
  const err = assertParseError(() => sr.push(hostile), { tag: 0x00091010, offset: 110 });
  assert.match(err.message, /4294967280 bytes is larger than the limit/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 2 ** 20);
  // Under a larger limit the reader waits for the bytes (none are allocated by the length),
  // and reports the truncation at the end.
  const patient = new DatasetStreamReader({ ...EXPLICIT_LE, maxBufferedBytes: 2 ** 32 + 16 });
  assert.equal(patient.push(hostile), false);
  assert.equal(patient.buffered, 16);
  assertParseError(() => patient.end(), { tag: 0x00091010, offset: 12 });
});

test("an item length past the end of its sequence names the sequence", () => {
  // SQ of 20 bytes whose item claims 100; more data follows so only the sequence bounds it.
  const s = explicitHeader(le(), 0x00081140, "SQ", 20);
  s.u16(0xfffe).u16(0xe000).u32(100).zeros(12);
  explicitHeader(s, 0x00100010, "PN", 100).zeros(100);
  const err = assertParseError(() => readDataset(s.toUint8Array(), EXPLICIT_LE), { tag: 0x00081140, offset: 20 });
  assert.match(err.message, /item of 100 bytes/);
});

test("an item of undefined length with no delimiter names the sequence and the item", () => {
  const s = explicitHeader(le(), 0x00081140, "SQ", 0xffffffff);
  s.u16(0xfffe).u16(0xe000).u32(0xffffffff);
  explicitHeader(s, 0x00080100, "SH", 4).ascii("CODE");
  const bytes = s.toUint8Array();
  const err = assertParseError(() => readDataset(bytes, EXPLICIT_LE), { tag: 0x00081140, offset: 12 });
  assert.match(err.message, /no delimiter/);
  // A stream waits for the delimiter, then reports the same at the end
  const sr = new DatasetStreamReader(EXPLICIT_LE);
  assert.equal(sr.push(bytes), false);
  assertParseError(() => sr.end(), { tag: 0x00081140, offset: 12 });
  // A sequence of undefined length with no sequence delimiter
  const q = explicitHeader(le(), 0x00081140, "SQ", 0xffffffff);
  q.u16(0xfffe).u16(0xe000).u32(12);
  explicitHeader(q, 0x00080100, "SH", 4).ascii("CODE");
  assertParseError(() => readDataset(q.toUint8Array(), EXPLICIT_LE), { tag: 0x00081140, offset: 32 });
});

test("garbage after DICM gives a DicomParseError naming the offset", () => {
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  // Not group 0002: the meta is empty, so it has no Transfer Syntax UID
  const text = concat(preamble, new TextEncoder().encode("this is not DICOM at all, just text"));
  assertParseError(() => readPart10(text), { tag: 0x00020010, offset: 132 });
  // Group 0002 with a nonsense VR
  const vr = concat(preamble, explicitHeader(le(), 0x00020001, "\u00ff\u00fe", 2).u16(0).toUint8Array());
  assertParseError(() => readPart10(vr), { tag: 0x00020001, offset: 136 });
  // A Transfer Syntax UID nobody knows
  const unknown = concat(metaFor("1.2.3.4.5"), explicitHeader(le(), 0x00080060, "CS", 2).ascii("CT").toUint8Array());
  assertParseError(() => readPart10(unknown), { tag: 0x00020010 });
});

test("a deflated data set that does not inflate gives a DicomParseError with the cause", () => {
  const meta = metaFor(ts.DeflatedExplicitVRLittleEndian);
  const file = concat(meta, new TextEncoder().encode("\xff\xff not a deflate stream"));
  const err = assertParseError(() => readPart10(file), { offset: meta.byteLength });
  assert.match(err.message, /cannot be inflated/);
  assert.ok(err.cause instanceof Error);
});

test("a deflate bomb stops at maxInflatedBytes", () => {
  const bomb = deflateRawSync(new Uint8Array(10 * 2 ** 20));
  assert.ok(bomb.byteLength < 64 * 1024);
  const meta = metaFor(ts.DeflatedExplicitVRLittleEndian);
  const file = concat(meta, bomb);
  const { grewBy } = footprint(() => {
    const err = assertParseError(() => readPart10(file, { maxInflatedBytes: 2 ** 20 }), { offset: meta.byteLength });
    assert.ok(err.cause instanceof RangeError, String(err.cause));
  });
  assert.ok(grewBy < 5 * 2 ** 20, `arrayBuffers grew by ${grewBy}`);
  // Under the default limit the 10 MB of zeros do inflate, and are then refused as a data set.
  assert.match(assertParseError(() => readPart10(file), {}).message, /unknown VR/);
});

test("a Specific Character Set of the wrong VR does not break reading text", () => {
  // (0008,0005) as US, then a PN: decoding the name must not throw a TypeError.
  const w = le();
  explicitHeader(w, 0x00080005, "US", 2).u16(100);
  explicitHeader(w, 0x00100010, "PN", 8).ascii("DOE^JOHN");
  const ds = readDataset(w.toUint8Array(), EXPLICIT_LE).dataset;
  assert.equal(ds.string("PatientName"), "DOE^JOHN");
  assert.deepEqual(ds.charsets, []);
});
