import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ALL_VRS,
  Dataset,
  DicomJsonError,
  type DicomJsonObject,
  datasetFromJson,
  datasetToJson,
  type EncapsulatedPixelData,
  type PersonName,
  readDataset,
  type VR,
  writeDataset,
} from "../../src/dataset/index.js";
import { sampleTag, vrSampleDataset, vrSamples } from "../helpers/vr-samples.js";

const tagFor = sampleTag;
const sampleDataset = () => vrSampleDataset(vrSamples({ evenBytes: true }));

function comparable(ds: Dataset, i: number): unknown {
  const v = ds.get(tagFor(i));
  if (v instanceof Uint8Array) return [...v];
  if (ds.vr(tagFor(i)) === "SQ") return (v as Dataset[]).map((item) => item.strings("CodeValue"));
  if (ds.vr(tagFor(i)) === "PN") return (v as PersonName[]).map(String);
  return v;
}

test("every VR round-trips through JSON (and JSON text)", () => {
  const original = sampleDataset();
  const json = datasetToJson(original);
  const back = datasetFromJson(JSON.parse(JSON.stringify(json)));
  ALL_VRS.forEach((vr, i) => {
    assert.equal(back.vr(tagFor(i)), vr);
    assert.deepEqual(comparable(back, i), comparable(original, i), vr);
  });
  // and the bytes written from the JSON round trip equal the original's
  const enc = { explicitVr: true, littleEndian: true };
  assert.deepEqual(writeDataset(back, enc), writeDataset(original, enc));
});

test("every VR read from bytes maps to the JSON types of PS3.18 Table F.2.3-1", () => {
  const enc = { explicitVr: true, littleEndian: false };
  const ds = readDataset(writeDataset(sampleDataset(), enc), enc).dataset;
  const json = datasetToJson(ds);
  const at = (vr: VR) => json[(0x00091000 + ALL_VRS.indexOf(vr)).toString(16).toUpperCase().padStart(8, "0")];
  assert.deepEqual(at("AT"), { vr: "AT", Value: ["00100010", "7FE00010"] });
  assert.deepEqual(at("DS"), { vr: "DS", Value: [1.5, -0.25, 1e-7] });
  assert.deepEqual(at("IS"), { vr: "IS", Value: [42, -7] });
  assert.deepEqual(at("US"), { vr: "US", Value: [0, 65535] });
  // beyond 2^53 as strings, small ones as numbers (F.2.3 note)
  assert.deepEqual(at("SV"), { vr: "SV", Value: ["-9223372036854775808", 5] });
  assert.deepEqual(at("UV"), { vr: "UV", Value: ["18446744073709551615", 0] });
  assert.deepEqual(at("PN"), {
    vr: "PN",
    Value: [{ Alphabetic: "Doe^John^^Dr" }, { Alphabetic: "Roe^Jane" }],
  });
  // binary always little endian in InlineBinary, whatever the source byte order (F.2.7)
  assert.deepEqual(at("OW"), {
    vr: "OW",
    InlineBinary: Buffer.from([0x34, 0x12, 0xcd, 0xab, 7, 0]).toString("base64"),
  });
  assert.equal(at("SQ")?.Value?.length, 2);
  assert.deepEqual(at("SQ")?.Value?.[1], { "00080100": { vr: "SH", Value: ["X"] } });
  assert.deepEqual(json["00090010"], { vr: "LO", Value: ["NETDICOM TEST"] });
});

test("keys are 8 uppercase hex digits in ascending order; group lengths are left out", () => {
  const ds = new Dataset();
  ds.set(0x00080000, 10, "UL");
  ds.set("PixelSpacing", [1, 2]);
  ds.set(0x7fe00010, new Uint8Array(2), "OW");
  ds.set("PatientID", "1");
  ds.set(0x000900ab, "x", "LO");
  const keys = Object.keys(datasetToJson(ds));
  assert.deepEqual(keys, ["000900AB", "00100020", "00280030", "7FE00010"]);
});

test("empty values: no Value for a zero-length attribute, null inside multi-valued ones (F.2.5)", () => {
  const ds = new Dataset();
  ds.set("PatientName", []);
  ds.set("ImageType", ["ORIGINAL", "", "AXIAL"]);
  ds.set("ReferencedImageSequence", []);
  ds.set(0x00091010, new Uint8Array(0), "OB");
  const json = datasetToJson(readDataset(writeDataset(ds, EXPLICIT), EXPLICIT).dataset);
  assert.deepEqual(json["00100010"], { vr: "PN" });
  assert.deepEqual(json["00080008"], { vr: "CS", Value: ["ORIGINAL", null, "AXIAL"] });
  assert.deepEqual(json["00081140"], { vr: "SQ" });
  assert.deepEqual(json["00091010"], { vr: "OB" });
  const back = datasetFromJson(json);
  assert.deepEqual(back.strings("ImageType"), ["ORIGINAL", "", "AXIAL"]);
  assert.deepEqual(back.sequence("ReferencedImageSequence"), []);
  assert.equal(back.has("PatientName"), true);
  assert.deepEqual(writeDataset(back, EXPLICIT), writeDataset(ds, EXPLICIT));
});

const EXPLICIT = { explicitVr: true, littleEndian: true } as const;

test("DS/IS: numbers where the text is a number, the text itself where it is not; '1.50' survives", () => {
  // set as text through JSON: the JSON model allows strings for DS/IS (F.2.3 note)
  const ds = datasetFromJson({ "00280030": { vr: "DS", Value: ["1.50", 2] }, "00200013": { vr: "IS", Value: ["x7"] } });
  const bytes = writeDataset(ds, EXPLICIT);
  const text = Buffer.from(bytes).toString("latin1");
  assert.ok(text.includes("1.50\\2"), text);
  assert.ok(text.includes("x7"), text);
  const json = datasetToJson(readDataset(bytes, EXPLICIT).dataset);
  assert.deepEqual(json["00280030"], { vr: "DS", Value: [1.5, 2] });
  assert.deepEqual(json["00200013"], { vr: "IS", Value: ["x7"] });
});

test("PN component groups both ways, non-ASCII included", () => {
  const json: DicomJsonObject = {
    "00080005": { vr: "CS", Value: ["ISO_IR 192"] },
    "00100010": {
      vr: "PN",
      Value: [
        { Alphabetic: "Yamada^Tarou", Ideographic: "山田^太郎", Phonetic: "やまだ^たろう" },
        null,
        { Ideographic: "李" },
      ],
    },
  };
  const ds = datasetFromJson(json);
  const pn = ds.get("PatientName") as PersonName[];
  assert.equal(pn[0]?.ideographic, "山田^太郎");
  assert.equal(pn[0]?.phonetic, "やまだ^たろう");
  assert.equal(String(pn[2]), "=李");
  const back = readDataset(writeDataset(ds, EXPLICIT), EXPLICIT).dataset;
  assert.deepEqual(datasetToJson(back), json);
});

test("nested sequences both ways, with the inherited character set", () => {
  const ds = new Dataset({
    SpecificCharacterSet: "ISO_IR 192",
    ReferencedStudySequence: [
      {
        ReferencedSOPInstanceUID: "1.2",
        ReferencedSeriesSequence: [{ SeriesDescription: "Größe" }, {}],
      },
    ],
  });
  const bytes = writeDataset(ds, EXPLICIT);
  const json = datasetToJson(readDataset(bytes, EXPLICIT).dataset);
  const inner = json["00081110"]?.Value?.[0] as DicomJsonObject;
  assert.deepEqual(inner["00081115"], { vr: "SQ", Value: [{ "0008103E": { vr: "LO", Value: ["Größe"] } }, {}] });
  const back = datasetFromJson(json);
  assert.deepEqual(writeDataset(back, EXPLICIT), bytes);
});

test("InlineBinary is base64 of the little-endian value; BulkDataURI both ways", () => {
  const px = new Uint8Array(300).map((_, i) => i & 0xff);
  const ds = new Dataset({ Rows: 10 });
  ds.set("PixelData", px, "OW");
  ds.set(0x00091010, new Uint8Array([1, 2]), "OB");
  const seen: number[] = [];
  const json = datasetToJson(ds, {
    bulkDataThreshold: 100,
    bulkDataUri: (tag) => {
      seen.push(tag);
      return `http://example.com/bulk/${tag.toString(16)}`;
    },
  });
  assert.deepEqual(seen, [0x7fe00010]);
  assert.deepEqual(json["7FE00010"], { vr: "OW", BulkDataURI: "http://example.com/bulk/7fe00010" });
  assert.deepEqual(json["00091010"], { vr: "OB", InlineBinary: "AQI=" });
  // a callback returning undefined keeps the value inline
  const inline = datasetToJson(ds, { bulkDataThreshold: 100, bulkDataUri: () => undefined });
  assert.equal(inline["7FE00010"]?.InlineBinary, Buffer.from(px).toString("base64"));

  assert.throws(() => datasetFromJson(json), DicomJsonError);
  const back = datasetFromJson(json, {
    resolveBulkData: (uri, tag, vr) => {
      assert.equal(uri, "http://example.com/bulk/7fe00010");
      assert.equal(tag, 0x7fe00010);
      assert.equal(vr, "OW");
      return px;
    },
  });
  assert.deepEqual(back.bytes("PixelData"), px);
  assert.deepEqual(back.bytes(0x00091010), new Uint8Array([1, 2]));
});

test("encapsulated pixel data: InlineBinary of its items, read back into fragments", () => {
  const value: EncapsulatedPixelData = {
    basicOffsetTable: new Uint8Array([0, 0, 0, 0]),
    fragments: [new Uint8Array([0xff, 0xd8, 0xff, 0xd9]), new Uint8Array([1, 2])],
  };
  const ds = new Dataset();
  ds.set("PixelData", value, "OB");
  const json = datasetToJson(ds);
  const b = Buffer.from(json["7FE00010"]?.InlineBinary ?? "", "base64");
  // item tag (FFFE,E000) little endian, length 4, the offset table
  assert.deepEqual([...b.subarray(0, 12)], [0xfe, 0xff, 0x00, 0xe0, 4, 0, 0, 0, 0, 0, 0, 0]);
  const back = datasetFromJson(json).get("PixelData") as EncapsulatedPixelData;
  assert.deepEqual(
    back.fragments.map((f) => [...f]),
    value.fragments.map((f) => [...f]),
  );
  assert.deepEqual([...back.basicOffsetTable], [0, 0, 0, 0]);
});

test("a data set in the style of the PS3.18 F.2.1 example reads, writes and converts back unchanged", () => {
  // Shaped like the standard's example: study-level attributes, a multi-group PN, an empty
  // Type 2 attribute, a sequence, DS/IS numbers and a private block.
  const example: DicomJsonObject = {
    "00080005": { vr: "CS", Value: ["ISO_IR 192"] },
    "00080020": { vr: "DA", Value: ["20130409"] },
    "00080030": { vr: "TM", Value: ["131600.0000"] },
    "00080050": { vr: "SH", Value: ["11235813"] },
    "00080056": { vr: "CS", Value: ["ONLINE"] },
    "00080061": { vr: "CS", Value: ["CT", "PET"] },
    "00080090": { vr: "PN", Value: [{ Alphabetic: "^Bob^^Dr." }] },
    "00081190": {
      vr: "UR",
      Value: ["http://wado.example.com/studies/1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873"],
    },
    "00090010": { vr: "LO", Value: ["Vendor A"] },
    "00091002": { vr: "UN", InlineBinary: "z0x9c8t6" },
    "00100010": { vr: "PN", Value: [{ Alphabetic: "Wang^XiaoDong", Ideographic: "王^小東" }] },
    "00100020": { vr: "LO", Value: ["12345"] },
    "00100021": { vr: "LO", Value: ["Hospital A"] },
    "00100030": { vr: "DA" },
    "00100040": { vr: "CS", Value: ["M"] },
    "00101002": {
      vr: "SQ",
      Value: [
        { "00100020": { vr: "LO", Value: ["54321"] }, "00100021": { vr: "LO", Value: ["Hospital B"] } },
        { "00100020": { vr: "LO", Value: ["24680"] }, "00100021": { vr: "LO", Value: ["Hospital C"] } },
      ],
    },
    "0020000D": { vr: "UI", Value: ["1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873"] },
    "00200010": { vr: "SH", Value: ["11235813"] },
    "00201206": { vr: "IS", Value: [4] },
    "00201208": { vr: "IS", Value: [942] },
    "00281050": { vr: "DS", Value: [40, -100.5] },
  };
  const ds = datasetFromJson(example);
  assert.equal(ds.personName("PatientName")?.ideographic, "王^小東");
  assert.equal(ds.sequence("OtherPatientIDsSequence")[1]?.string("IssuerOfPatientID"), "Hospital C");
  assert.equal(ds.number("NumberOfStudyRelatedInstances"), 942);
  const back = readDataset(writeDataset(ds, EXPLICIT), EXPLICIT).dataset;
  assert.deepEqual(datasetToJson(back), example);
});

test("malformed JSON throws DicomJsonError naming the path", () => {
  const bad: [unknown, RegExp][] = [
    [[], /must be an object/],
    [{ "0010001": { vr: "LO" } }, /not 8 hex digits/],
    [{ "00100010": { vr: "XX" } }, /\/00100010: unknown vr "XX"/],
    [{ "00100010": { vr: "PN", Value: "Doe" } }, /Value must be an array/],
    [{ "00280010": { vr: "US", Value: ["1"] } }, /US values must be numbers/],
    [{ "00081140": { vr: "SQ", Value: [{ "00081155": { vr: "UI", Value: [3, {}] } }] } }, /\/00081140\[0\]\/00081155/],
    [{ "7FE00010": { vr: "OB", Value: [1] } }, /InlineBinary or BulkDataURI/],
    [{ "7FE00010": { vr: "OB", InlineBinary: "", BulkDataURI: "x" } }, /at most one/],
  ];
  for (const [json, message] of bad) {
    assert.throws(
      () => datasetFromJson(json),
      (e: unknown) => e instanceof DicomJsonError && e.code === "ERR_DICOM_JSON" && message.test(e.message),
      JSON.stringify(json),
    );
  }
});
