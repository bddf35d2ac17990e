// scanFileMeta, the in-place scan of a Part 10 header: where it answers, readFileMeta agrees with
// it exactly; everything unusual (and any mutation it cannot vouch for) makes it answer undefined.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { corpusFile } from "../../bench/corpus.js";
import { Dataset, readFileMeta, scanFileMeta, scanFileMetaOfFile, ts, writePart10 } from "../../src/dataset/index.js";

const CT = "1.2.840.10008.5.1.4.1.1.2";

function small(syntax: string, instance = "1.2.3.4.5.6"): Uint8Array {
  const ds = new Dataset();
  ds.set("SOPClassUID", CT);
  ds.set("SOPInstanceUID", instance);
  ds.set("PatientName", "Doe^Jane");
  return writePart10(ds, { transferSyntaxUid: syntax });
}

/** What readFileMeta says, in scanFileMeta's terms (undefined when it is incomplete or lacks a UID). */
function fullRead(bytes: Uint8Array) {
  const m = readFileMeta(bytes, { partial: true });
  const sopClassUid = m.meta.string(0x00020002);
  const sopInstanceUid = m.meta.string(0x00020003);
  if (!m.complete || !sopClassUid || !sopInstanceUid) return undefined;
  return { sopClassUid, sopInstanceUid, transferSyntaxUid: m.transferSyntaxUid, datasetOffset: m.datasetOffset };
}

for (const syntax of [ts.ExplicitVRLittleEndian, ts.ImplicitVRLittleEndian, ts.ExplicitVRBigEndian]) {
  test(`scanFileMeta: a plain header in ${syntax} reads as readFileMeta reads it`, () => {
    const bytes = small(syntax, "1.2.3.45");
    const scan = scanFileMeta(bytes);
    assert.deepEqual(scan, fullRead(bytes));
    assert.equal(scan?.sopClassUid, CT);
    assert.equal(scan?.sopInstanceUid, "1.2.3.45");
    assert.equal(scan?.transferSyntaxUid, syntax);
  });
}

test("scanFileMeta: a corpus image, whole and cut to its first 16 KiB, gives the same answer", () => {
  const file = corpusFile({ rows: 64, cols: 64, sop: "ct" }, 3);
  const scan = scanFileMeta(file);
  assert.ok(scan);
  assert.deepEqual(scan, fullRead(file));
  assert.deepEqual(scanFileMeta(file.subarray(0, 16 * 1024)), scan);
});

test("scanFileMeta: unusual headers are left to readFileMeta (undefined)", () => {
  const bytes = small(ts.ExplicitVRLittleEndian);
  const offset = scanFileMeta(bytes)?.datasetOffset ?? 0;
  assert.ok(offset > 132);
  // No preamble: "DICM" at 0.
  assert.equal(scanFileMeta(bytes.subarray(128)), undefined);
  // Cut inside the meta, or right at its end (is a data set following?).
  assert.equal(scanFileMeta(bytes.subarray(0, offset - 3)), undefined);
  assert.equal(scanFileMeta(bytes.subarray(0, offset)), undefined);
  assert.equal(scanFileMeta(new Uint8Array(100)), undefined);
  // A UID that is not digits and dots: change the first character of the SOP Class UID value.
  const odd = bytes.slice();
  const at = Buffer.from(odd).indexOf(CT, 132, "latin1");
  odd[at] = 0x41;
  assert.equal(scanFileMeta(odd), undefined);
});

test("scanFileMeta: over random mutations it never throws and never disagrees with readFileMeta", () => {
  const base = small(ts.ExplicitVRLittleEndian);
  const metaEnd = (scanFileMeta(base)?.datasetOffset ?? 0) + 8;
  fc.assert(
    fc.property(
      fc.array(fc.record({ at: fc.nat({ max: metaEnd - 1 }), value: fc.nat({ max: 255 }) }), {
        minLength: 1,
        maxLength: 4,
      }),
      fc.nat({ max: base.byteLength }),
      (edits, cut) => {
        const bytes = base.slice(0, Math.max(cut, 1));
        for (const e of edits) if (e.at < bytes.byteLength) bytes[e.at] = e.value;
        const scan = scanFileMeta(bytes);
        if (scan === undefined) return;
        // Where the scan answers, the full reader must not fail and must say the same.
        assert.deepEqual(scan, fullRead(bytes));
      },
    ),
    { numRuns: 3000 },
  );
});

test("scanFileMetaOfFile: the scan of a file's first bytes; undefined for a file without meta or no file", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "netdicom-metascan-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const part10 = corpusFile({ rows: 8, cols: 8 }, 3);
  const path = join(dir, "ct.dcm");
  writeFileSync(path, part10);
  const scanned = scanFileMetaOfFile(path);
  assert.ok(scanned);
  assert.deepEqual(scanned, scanFileMeta(part10));
  const bare = join(dir, "bare.dcm");
  writeFileSync(bare, part10.subarray(scanned.datasetOffset));
  assert.equal(scanFileMetaOfFile(bare), undefined);
  assert.equal(scanFileMetaOfFile(join(dir, "missing.dcm")), undefined);
});
