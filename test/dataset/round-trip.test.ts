import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ALL_VRS,
  Dataset,
  type EncapsulatedPixelData,
  type PersonName,
  readDataset,
  readPart10,
  transferSyntaxInfo,
  ts,
  type VR,
  writeDataset,
  writePart10,
} from "../../src/dataset/index.js";
import { sampleTag, vrSampleDataset, vrSamples } from "../helpers/vr-samples.js";

const tagFor = sampleTag;
const sampleDataset = () => vrSampleDataset(vrSamples());

/** The value in comparable form: padding of odd-length bytes removed via the original length. */
function comparable(ds: Dataset, vr: VR, i: number): unknown {
  const v = ds.get(tagFor(i));
  if (v instanceof Uint8Array) return [...v];
  if (vr === "SQ") return (v as Dataset[]).map((item) => item.strings("CodeValue"));
  if (vr === "PN") return (v as PersonName[]).map(String);
  return v;
}

const SYNTAXES = [
  ["Implicit VR Little Endian", { explicitVr: false, littleEndian: true }],
  ["Explicit VR Little Endian", { explicitVr: true, littleEndian: true }],
  ["Explicit VR Big Endian", { explicitVr: true, littleEndian: false }],
] as const;

for (const [name, enc] of SYNTAXES) {
  test(`every VR round-trips in ${name}`, () => {
    const original = sampleDataset();
    const bytes = writeDataset(original, enc);
    const back = readDataset(bytes, enc).dataset;
    ALL_VRS.forEach((vr, i) => {
      const expected = comparable(original, vr, i);
      let actual = comparable(back, vr, i);
      // Odd-length byte values come back padded to even length (PS3.5 7.1.1).
      if (Array.isArray(expected) && Array.isArray(actual) && actual.length === expected.length + 1) {
        actual = actual.slice(0, -1);
      }
      // Implicit VR: a private element's VR is unknown to the reader, so it comes back as UN bytes.
      if (!enc.explicitVr) {
        assert.equal(back.vr(tagFor(i)), "UN", `${vr} in implicit VR`);
        return;
      }
      assert.equal(back.vr(tagFor(i)), vr);
      assert.deepEqual(actual, expected, `${vr} in ${name}`);
    });
    // Written again from what was read, the bytes are the same.
    assert.deepEqual(writeDataset(back, enc), bytes);
  });
}

test("implicit VR uses the dictionary: standard elements keep their VR and value", () => {
  const ds = new Dataset({
    PatientName: "Doe^John",
    PatientID: "123",
    Rows: 512,
    PixelSpacing: [0.5, 0.5],
    ReferencedImageSequence: [{ ReferencedSOPInstanceUID: "1.2.3" }],
  });
  const enc = { explicitVr: false, littleEndian: true };
  const back = readDataset(writeDataset(ds, enc), enc).dataset;
  assert.equal(back.vr("PatientName"), "PN");
  assert.equal(back.string("PatientName"), "Doe^John");
  assert.equal(back.number("Rows"), 512);
  assert.deepEqual(back.numbers("PixelSpacing"), [0.5, 0.5]);
  assert.equal(back.sequence("ReferencedImageSequence")[0]?.string("ReferencedSOPInstanceUID"), "1.2.3");
});

test("converting between the uncompressed transfer syntaxes keeps every value", () => {
  const original = sampleDataset();
  const le = writeDataset(original, { explicitVr: true, littleEndian: true });
  const fromLe = readDataset(le, { explicitVr: true, littleEndian: true }).dataset;
  const be = writeDataset(fromLe, { explicitVr: true, littleEndian: false });
  const fromBe = readDataset(be, { explicitVr: true, littleEndian: false }).dataset;
  ALL_VRS.forEach((vr, i) => {
    assert.deepEqual(comparable(fromBe, vr, i), comparable(fromLe, vr, i), vr);
  });
  // and back to little endian gives the original bytes
  assert.deepEqual(writeDataset(fromBe, { explicitVr: true, littleEndian: true }), le);
});

test("undefined-length sequences and items round-trip with their form kept", () => {
  const ds = new Dataset({ ReferencedImageSequence: [{ ReferencedSOPInstanceUID: "1.2" }, {}] });
  const el = ds.getElement("ReferencedImageSequence");
  assert.ok(el);
  el.undefinedLength = true;
  const enc = { explicitVr: true, littleEndian: true };
  const bytes = writeDataset(ds, enc);
  // SQ header with length FFFFFFFF
  assert.deepEqual([...bytes.subarray(8, 12)], [0xff, 0xff, 0xff, 0xff]);
  const back = readDataset(bytes, enc).dataset;
  assert.equal(back.sequence("ReferencedImageSequence").length, 2);
  assert.equal(back.getElement("ReferencedImageSequence")?.undefinedLength, true);
  assert.deepEqual(writeDataset(back, enc), bytes);
});

test("encapsulated pixel data passes through untouched", () => {
  const frag1 = new Uint8Array([0xff, 0xd8, 1, 2, 3, 0xff, 0xd9, 0]);
  const frag2 = new Uint8Array([5, 6]);
  const ds = new Dataset({ Rows: 2 });
  const value: EncapsulatedPixelData = { basicOffsetTable: new Uint8Array([0, 0, 0, 0]), fragments: [frag1, frag2] };
  ds.set("PixelData", value, "OB");
  const file = writePart10(ds, { transferSyntaxUid: ts.JPEGBaseline8Bit });
  const back = readPart10(file);
  const px = back.dataset.get("PixelData") as EncapsulatedPixelData;
  assert.deepEqual([...px.basicOffsetTable], [0, 0, 0, 0]);
  assert.deepEqual(
    px.fragments.map((f) => [...f]),
    [[...frag1], [...frag2]],
  );
  assert.deepEqual(writePart10(back.dataset, { transferSyntaxUid: ts.JPEGBaseline8Bit }), file);
});

for (const uid of [
  ts.ImplicitVRLittleEndian,
  ts.ExplicitVRLittleEndian,
  ts.ExplicitVRBigEndian,
  ts.DeflatedExplicitVRLittleEndian,
]) {
  test(`Part 10 round trip in ${uid}`, () => {
    const ds = sampleDataset();
    ds.set("SOPClassUID", "1.2.840.10008.5.1.4.1.1.7");
    ds.set("SOPInstanceUID", "1.2.3.4");
    const file = writePart10(ds, { transferSyntaxUid: uid });
    assert.equal(String.fromCharCode(...file.subarray(128, 132)), "DICM");
    const back = readPart10(file);
    assert.equal(back.transferSyntaxUid, uid);
    assert.equal(back.meta.string("MediaStorageSOPInstanceUID"), "1.2.3.4");
    assert.equal(back.meta.string("ImplementationVersionName"), "NETDICOM_010");
    // group length counts exactly the rest of group 0002
    assert.equal(back.meta.number("FileMetaInformationGroupLength"), back.datasetOffset - 144);
    const enc = transferSyntaxInfo(uid);
    assert.ok(enc);
    if (enc.explicitVr) {
      ALL_VRS.forEach((vr, i) => {
        const a = comparable(back.dataset, vr, i);
        const e = comparable(ds, vr, i);
        if (vr === "OB" || vr === "UN") assert.deepEqual((a as number[]).slice(0, (e as number[]).length), e);
        else assert.deepEqual(a, e, vr);
      });
    }
    assert.equal(back.dataset.string("SOPInstanceUID"), "1.2.3.4");
  });
}

test("DS values are written in at most 16 characters", () => {
  const ds = new Dataset();
  ds.set("SliceThickness", 0.1 + 0.2);
  ds.set("PixelSpacing", [1 / 3, 123456789.12345679]);
  const enc = { explicitVr: true, littleEndian: true };
  const back = readDataset(writeDataset(ds, enc), enc).dataset;
  for (const raw of [back.getElement("SliceThickness")?.raw, back.getElement("PixelSpacing")?.raw]) {
    assert.ok(raw);
    for (const part of Buffer.from(raw).toString("latin1").trim().split("\\")) assert.ok(part.length <= 16, part);
  }
  assert.ok(Math.abs((back.number("SliceThickness") ?? 0) - 0.3) < 1e-12);
});

test("private elements are found through their private creator", () => {
  const ds = new Dataset();
  ds.setPrivate(0x0029, "SIEMENS CSA HEADER", 0x10, "OB", new Uint8Array([1, 2]));
  ds.setPrivate(0x0029, "ACME 1.0", 0x01, "LO", "hello");
  assert.equal(ds.string(0x00290010), "SIEMENS CSA HEADER");
  assert.equal(ds.string(0x00290011), "ACME 1.0");
  assert.equal(ds.privateTag(0x0029, "ACME 1.0", 0x01), 0x00291101);
  const enc = { explicitVr: false, littleEndian: true };
  const back = readDataset(writeDataset(ds, enc), enc).dataset;
  // implicit VR: private creators are LO by rule (PS3.5 7.8.1), the private data UN
  assert.equal(back.vr(0x00291101), "UN");
  assert.equal(
    Buffer.from(back.getPrivate(0x0029, "ACME 1.0", 0x01) as Uint8Array)
      .toString()
      .trim(),
    "hello",
  );
  assert.equal(back.getPrivate(0x0029, "NOBODY", 0x01), undefined);
});
