// Identifiers from plain objects and from findscu-style keyword paths.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Dataset } from "../../../src/dataset/dataset.js";
import { PersonName } from "../../../src/dataset/person-name.js";
import { readDataset } from "../../../src/dataset/reader.js";
import { writeDataset } from "../../../src/dataset/writer.js";
import {
  applyKeyPaths,
  buildIdentifier,
  IdentifierError,
  identifierFromKeyPaths,
  parseKeyPath,
} from "../../../src/services/query-retrieve/identifier.js";

describe("buildIdentifier", () => {
  test("a plain study query: values, ranges, wild cards and return keys", () => {
    const ds = buildIdentifier({
      QueryRetrieveLevel: "STUDY",
      PatientName: "DOE*",
      StudyDate: "20240101-",
      ModalitiesInStudy: "",
      StudyInstanceUID: null,
      AccessionNumber: undefined,
    });
    assert.equal(ds.string("QueryRetrieveLevel"), "STUDY");
    assert.equal(ds.personName("PatientName")?.toString(), "DOE*");
    assert.equal(ds.string("StudyDate"), "20240101-");
    for (const kw of ["ModalitiesInStudy", "StudyInstanceUID", "AccessionNumber"]) {
      assert.ok(ds.has(kw), `${kw} is present as a return key`);
      assert.deepEqual(ds.strings(kw), [], `${kw} is empty`);
    }
    assert.equal(ds.vr("ModalitiesInStudy"), "CS");
  });
  test("backslashes and arrays give several values; numbers stay numbers", () => {
    const ds = buildIdentifier({ ModalitiesInStudy: "CT\\MR", StudyInstanceUID: ["1.2.3", "1.2.4"], SeriesNumber: 3 });
    assert.deepEqual(ds.strings("ModalitiesInStudy"), ["CT", "MR"]);
    assert.deepEqual(ds.strings("StudyInstanceUID"), ["1.2.3", "1.2.4"]);
    assert.equal(ds.number("SeriesNumber"), 3);
  });
  test("nested objects and arrays of objects are sequences; [] and null empty ones", () => {
    const ds = buildIdentifier({
      ProcedureCodeSequence: { CodeValue: "71250", CodingSchemeDesignator: null },
      ReferencedStudySequence: [{ ReferencedSOPInstanceUID: "1.2" }, { ReferencedSOPInstanceUID: "1.3" }],
      RequestAttributesSequence: [],
      ReferencedPatientSequence: null,
    });
    const pcs = ds.sequence("ProcedureCodeSequence");
    assert.equal(pcs.length, 1);
    assert.equal(pcs[0]?.string("CodeValue"), "71250");
    assert.ok(pcs[0]?.has("CodingSchemeDesignator"));
    assert.deepEqual(
      ds.sequence("ReferencedStudySequence").map((i) => i.string("ReferencedSOPInstanceUID")),
      ["1.2", "1.3"],
    );
    assert.equal(ds.vr("RequestAttributesSequence"), "SQ");
    assert.equal(ds.sequence("RequestAttributesSequence").length, 0);
    assert.equal(ds.sequence("ReferencedPatientSequence").length, 0);
  });
  test("tags as keys, PersonName values, and a Dataset passes through", () => {
    const ds = buildIdentifier({ "(0010,0020)": "PID", "00100010": new PersonName("Doe^J") });
    assert.equal(ds.string("PatientID"), "PID");
    assert.equal(ds.string("PatientName"), "Doe^J");
    const given = new Dataset({ PatientID: "X" });
    assert.equal(buildIdentifier(given), given);
  });
  test("the identifier encodes and decodes to the same keys", () => {
    const ds = buildIdentifier({
      QueryRetrieveLevel: "SERIES",
      StudyInstanceUID: "1.2.3",
      Modality: "",
      SeriesNumber: "",
    });
    const syntax = { explicitVr: false, littleEndian: true };
    const back = readDataset(writeDataset(ds, syntax), syntax).dataset;
    assert.deepEqual([...back.tags()], [...ds.tags()]);
    assert.equal(back.string("StudyInstanceUID"), "1.2.3");
    assert.deepEqual(back.strings("Modality"), []);
  });
  test("errors name the culprit", () => {
    assert.throws(
      () => buildIdentifier({ PatientNam: "x" }),
      (e: unknown) => {
        assert.ok(e instanceof IdentifierError);
        assert.equal(e.code, "ERR_BAD_IDENTIFIER");
        assert.match(e.message, /PatientNam/);
        return true;
      },
    );
    assert.throws(() => buildIdentifier({ PatientID: { x: 1 } as never }), /PatientID \(0010,0020\) is not a sequence/);
    assert.throws(() => buildIdentifier({ ProcedureCodeSequence: "x" }), /is a sequence/);
    assert.throws(() => buildIdentifier({ Rows: "many" }), /Rows \(0028,0010\) \(US\) needs numbers/);
  });
});

describe("parseKeyPath", () => {
  test("keyword, tag forms, value after the first =", () => {
    assert.deepEqual(parseKeyPath("PatientName=DOE*"), { segments: [{ tag: 0x00100010 }], value: "DOE*" });
    assert.deepEqual(parseKeyPath("(0010,0010)=DOE"), { segments: [{ tag: 0x00100010 }], value: "DOE" });
    assert.deepEqual(parseKeyPath("0010,0020=X"), { segments: [{ tag: 0x00100020 }], value: "X" });
    assert.deepEqual(parseKeyPath("00100020=X"), { segments: [{ tag: 0x00100020 }], value: "X" });
    assert.deepEqual(parseKeyPath("PatientName=Yamada^Tarou=山田^太郎").value, "Yamada^Tarou=山田^太郎");
  });
  test("empty values: Keyword= and a bare Keyword are return keys", () => {
    assert.equal(parseKeyPath("PatientName=").value, "");
    assert.equal(parseKeyPath("PatientName").value, undefined);
  });
  test("nested sequences with item indexes, by keyword or tag", () => {
    assert.deepEqual(parseKeyPath("ReferencedStudySequence[0].StudyInstanceUID=1.2"), {
      segments: [{ tag: 0x00081110, item: 0 }, { tag: 0x0020000d }],
      value: "1.2",
    });
    assert.deepEqual(parseKeyPath("(0040,0275)[1].(0040,0008)[2].CodeValue=A").segments, [
      { tag: 0x00400275, item: 1 },
      { tag: 0x00400008, item: 2 },
      { tag: 0x00080100 },
    ]);
  });
  test("errors say what is wrong", () => {
    const cases: [string, RegExp][] = [
      ["", /names no attribute/],
      ["=X", /names no attribute/],
      ["PatientNme=X", /unknown attribute "PatientNme"/],
      [
        "ReferencedStudySequence.StudyInstanceUID=1",
        /needs an item index before "\.", e\.g\. ReferencedStudySequence\[0\]/,
      ],
      ["PatientName[0].PatientID=1", /PatientName \(0010,0010\) is not a sequence/],
      ["ReferencedStudySequence[x]=1", /"ReferencedStudySequence\[x\]" is not a keyword, a tag or keyword\[index\]/],
      ["ReferencedStudySequence[5000].StudyInstanceUID=1", /item index 5000 is above 1023/],
      ["ReferencedStudySequence[0]=1.2", /a sequence item cannot take the value/],
      ["(0010,001)=X", /is not a keyword, a tag/],
    ];
    for (const [text, re] of cases) {
      assert.throws(
        () => parseKeyPath(text),
        (e: unknown) => e instanceof IdentifierError && re.test(e.message),
        text,
      );
    }
  });
});

describe("applyKeyPaths", () => {
  test("builds a query as findscu -k does", () => {
    const ds = identifierFromKeyPaths([
      "QueryRetrieveLevel=STUDY",
      "PatientName=DOE*",
      "StudyDate=20240101-",
      "ModalitiesInStudy=CT\\MR",
      "StudyInstanceUID=",
      "(0008,0050)",
    ]);
    assert.equal(ds.string("QueryRetrieveLevel"), "STUDY");
    assert.equal(ds.string("PatientName"), "DOE*");
    assert.deepEqual(ds.strings("ModalitiesInStudy"), ["CT", "MR"]);
    assert.ok(ds.has("StudyInstanceUID") && ds.strings("StudyInstanceUID").length === 0);
    assert.ok(ds.has("AccessionNumber"));
  });
  test("nested items are created as needed and later paths add to them", () => {
    const ds = identifierFromKeyPaths([
      "ReferencedStudySequence[1].ReferencedSOPInstanceUID=1.2.3",
      "ReferencedStudySequence[0].ReferencedSOPClassUID=",
      "RequestAttributesSequence[0].ScheduledProtocolCodeSequence[0].CodeValue=A",
      "OtherPatientIDsSequence=",
      "ProcedureCodeSequence[0]",
    ]);
    const rss = ds.sequence("ReferencedStudySequence");
    assert.equal(rss.length, 2);
    assert.ok(rss[0]?.has("ReferencedSOPClassUID"));
    assert.equal(rss[1]?.string("ReferencedSOPInstanceUID"), "1.2.3");
    const code = ds.sequence("RequestAttributesSequence")[0]?.sequence("ScheduledProtocolCodeSequence")[0];
    assert.equal(code?.string("CodeValue"), "A");
    assert.equal(ds.vr("OtherPatientIDsSequence"), "SQ");
    assert.equal(ds.sequence("OtherPatientIDsSequence").length, 0);
    assert.equal(ds.sequence("ProcedureCodeSequence").length, 1);
    assert.equal(ds.sequence("ProcedureCodeSequence")[0]?.size, 0);
  });
  test("a later path overrides an earlier one, on an existing dataset", () => {
    const ds = new Dataset({ QueryRetrieveLevel: "PATIENT", PatientID: "A" });
    applyKeyPaths(ds, ["PatientID=B", "PatientID=C"]);
    assert.equal(ds.string("PatientID"), "C");
    assert.equal(ds.string("QueryRetrieveLevel"), "PATIENT");
  });
  test("value errors name the path", () => {
    assert.throws(
      () => applyKeyPaths(new Dataset(), ["Rows=abc"]),
      /keyword path "Rows=abc": Rows \(0028,0010\) \(US\) needs numbers/,
    );
  });
});
