// PS3.4 C.2.2.2 attribute matching, one matching type at a time, on realistic entities.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Dataset } from "../../../src/dataset/dataset.js";
import { compileQuery, matches, wildcardMatch } from "../../../src/services/query-retrieve/matching.js";
import { hits, instances, patients, series, studies } from "./fixtures.js";

const q = (init: Record<string, unknown>) => new Dataset(init);
const find = (list: readonly Dataset[], key: string, query: Record<string, unknown>, options = {}) =>
  hits(list, key, (c) => matches(q(query), c, options));

describe("single value matching (C.2.2.2.1)", () => {
  test("patient level: Patient ID matches exactly and case-sensitively", () => {
    assert.deepEqual(find(patients, "PatientID", { QueryRetrieveLevel: "PATIENT", PatientID: "PID-002" }), ["PID-002"]);
    assert.deepEqual(find(patients, "PatientID", { PatientID: "pid-002" }), []);
    assert.deepEqual(find(patients, "PatientID", { PatientID: "PID-00" }), []);
  });
  test("study level: Accession Number and Study ID", () => {
    assert.deepEqual(find(studies, "StudyID", { AccessionNumber: "ACC1002" }), ["S2"]);
    assert.deepEqual(find(studies, "StudyID", { StudyID: "S3", AccessionNumber: "ACC1002" }), []);
  });
  test("series level: Modality (CS) is case-sensitive, Series Number (IS) numeric", () => {
    assert.deepEqual(find(series, "SeriesInstanceUID", { Modality: "MR" }), ["1.2.826.0.1.3680043.2.1.2.1"]);
    assert.deepEqual(find(series, "SeriesInstanceUID", { Modality: "mr" }), []);
    assert.deepEqual(find(series, "SeriesNumber", { SeriesNumber: "099" }), ["99"]);
  });
  test("image level: Instance Number and SOP Class UID", () => {
    assert.deepEqual(find(instances, "SOPInstanceUID", { InstanceNumber: 2 }), ["1.2.826.0.1.3680043.2.1.1.1.2"]);
    assert.deepEqual(find(instances, "SOPInstanceUID", { SOPClassUID: "1.2.840.10008.5.1.4.1.1.88.67" }), [
      "1.2.826.0.1.3680043.2.1.1.2.1",
    ]);
  });
  test("PN is case-insensitive by default, case-sensitive on request", () => {
    assert.deepEqual(find(patients, "PatientID", { PatientName: "DOE^JOHN" }), ["PID-001"]);
    assert.deepEqual(
      find(patients, "PatientID", { PatientName: "DOE^JOHN" }, { personNameCaseInsensitive: false }),
      [],
    );
    assert.deepEqual(find(patients, "PatientID", { PatientName: "Doe^John" }, { personNameCaseInsensitive: false }), [
      "PID-001",
    ]);
  });
  test("PN components: trailing ^ and empty groups are insignificant; one group matches any group", () => {
    assert.deepEqual(find(patients, "PatientID", { PatientName: "Doe^John^^^" }), ["PID-001"]);
    assert.deepEqual(find(patients, "PatientID", { PatientName: "山田^太郎" }), ["PID-002"]);
    assert.deepEqual(find(patients, "PatientID", { PatientName: "やまだ^たろう" }), ["PID-002"]);
    assert.deepEqual(find(patients, "PatientID", { PatientName: "=山田^太郎" }), ["PID-002"]);
    assert.deepEqual(find(patients, "PatientID", { PatientName: "Yamada^Tarou=山田^花子" }), []);
    // A family name alone is not the whole name: literal matching.
    assert.deepEqual(find(patients, "PatientID", { PatientName: "Doe" }), []);
  });
  test("a non-universal key does not match an entity whose value is empty or absent", () => {
    assert.deepEqual(find(patients, "PatientID", { PatientBirthDate: "19700412" }), ["PID-001"]);
    assert.deepEqual(find(studies, "StudyID", { AccessionNumber: "X" }), []);
    assert.deepEqual(find(series, "SeriesNumber", { BodyPartExamined: "CHEST" }), []);
  });
  test("DA/TM values of different precision match when their periods overlap", () => {
    assert.deepEqual(find(studies, "StudyID", { StudyTime: "0830" }), ["S1"]);
    assert.deepEqual(find(studies, "StudyID", { StudyTime: "17" }), ["S2"]);
    assert.deepEqual(find(studies, "StudyID", { StudyTime: "235930" }), ["S3"]);
    assert.deepEqual(find(studies, "StudyID", { StudyDate: "2024.03.15" }), ["S2"]);
  });
});

describe("list of UID matching (C.2.2.2.2)", () => {
  test("backslash-separated UIDs match any entity with one of them", () => {
    const uids = "1.2.826.0.1.3680043.2.1.1\\1.2.826.0.1.3680043.2.1.3\\9.9.9";
    assert.deepEqual(find(studies, "StudyID", { StudyInstanceUID: uids }), ["S1", "S3"]);
    assert.deepEqual(
      find(studies, "StudyID", { StudyInstanceUID: ["1.2.826.0.1.3680043.2.1.2", "1.2.826.0.1.3680043.2.1.2.1"] }),
      ["S2"],
    );
  });
  test("a UID is never a prefix or wild card match", () => {
    assert.deepEqual(find(series, "SeriesNumber", { SeriesInstanceUID: "1.2.826.0.1.3680043.2.1.1" }), []);
    assert.deepEqual(find(series, "SeriesNumber", { SeriesInstanceUID: "1.2.826.0.1.3680043.2.1.1.*" }), []);
  });
});

describe("universal matching (C.2.2.2.3)", () => {
  test("empty keys are return keys: everything matches", () => {
    const all = find(studies, "StudyID", {
      QueryRetrieveLevel: "STUDY",
      PatientName: "",
      StudyDate: null,
      ModalitiesInStudy: "",
      AccessionNumber: "",
      ProcedureCodeSequence: [],
    });
    assert.deepEqual(all, ["S1", "S2", "S3"]);
  });
  test("QueryRetrieveLevel, SpecificCharacterSet, RetrieveAETitle and private keys are never matched", () => {
    const query = q({ QueryRetrieveLevel: "IMAGE", SpecificCharacterSet: "ISO_IR 100", RetrieveAETitle: "NOPE" });
    query.setPrivate(0x0009, "ACME", 0x01, "LO", "never");
    assert.equal(compileQuery(query).universal, true);
    assert.equal(matches(query, patients[0] as Dataset), true);
  });
});

describe("wild card matching (C.2.2.2.4)", () => {
  test("* and ? in names, descriptions and codes", () => {
    assert.deepEqual(find(patients, "PatientID", { PatientName: "DOE*" }), ["PID-001"]);
    assert.deepEqual(find(patients, "PatientID", { PatientName: "*^J?hn" }), ["PID-001"]);
    assert.deepEqual(find(studies, "StudyID", { StudyDescription: "*CT*" }), ["S1", "S3"]);
    assert.deepEqual(find(studies, "StudyID", { StudyDescription: "*ct*" }), []);
    assert.deepEqual(find(series, "SeriesDescription", { SeriesDescription: "T? FLAIR" }), ["T2 FLAIR"]);
    assert.deepEqual(find(studies, "StudyID", { ModalitiesInStudy: "S?" }), ["S1"]);
  });
  test("* alone is universal and matches empty and absent values", () => {
    assert.deepEqual(find(studies, "StudyID", { AccessionNumber: "*" }), ["S1", "S2", "S3"]);
    assert.deepEqual(find(series, "SeriesNumber", { BodyPartExamined: "**" }), ["1", "99", "3"]);
  });
  test("regular expression characters are literal", () => {
    const candidate = q({ StudyDescription: "CT (A+B) [x]. $1 ^ |y| {2}" });
    assert.equal(matches(q({ StudyDescription: "CT (A+B) [x]. $1 ^ |y| {2}" }), candidate), true);
    assert.equal(matches(q({ StudyDescription: "CT (A+B)*{2}" }), candidate), true);
    assert.equal(matches(q({ StudyDescription: "CT (A.B)*" }), candidate), false);
    assert.equal(matches(q({ StudyDescription: "CT (AAB)*" }), candidate), false);
  });
  test("? is one character, also for multi-byte UTF-8 characters in PN", () => {
    assert.deepEqual(find(patients, "PatientID", { PatientName: "山?^太郎" }), ["PID-002"]);
    assert.deepEqual(find(patients, "PatientID", { PatientName: "山??^太郎" }), []);
    assert.deepEqual(find(patients, "PatientID", { PatientName: "M?ller*" }), ["PID-003"]);
    assert.deepEqual(find(patients, "PatientID", { PatientName: "MÜLLER^J?RGEN" }), ["PID-003"]);
    // A character outside the BMP (a surrogate pair in JavaScript) is still one "?".
    assert.equal(matches(q({ PatientName: "?^A" }), q({ PatientName: "𠮷^A" })), true);
  });
  test("not a wild card on UI, DA, TM or numbers: the * stays literal and matches nothing", () => {
    assert.deepEqual(find(studies, "StudyID", { StudyInstanceUID: "1.2.826*" }), []);
    assert.deepEqual(find(studies, "StudyID", { StudyDate: "2024*" }), []);
    assert.deepEqual(find(series, "SeriesNumber", { SeriesNumber: "9*" }), []);
  });
  test("many stars do not blow up", () => {
    const pattern = `${"*a".repeat(30)}b`;
    const value = "a".repeat(5000);
    const start = process.hrtime.bigint();
    assert.equal(wildcardMatch(pattern, value), false);
    assert.ok(process.hrtime.bigint() - start < 2_000_000_000n);
  });
});

describe("range matching (C.2.2.2.5)", () => {
  test("dates: closed, open-ended both ways, same day", () => {
    assert.deepEqual(find(studies, "StudyID", { StudyDate: "20240101-20240131" }), ["S1"]);
    assert.deepEqual(find(studies, "StudyID", { StudyDate: "20240101-" }), ["S1", "S2"]);
    assert.deepEqual(find(studies, "StudyID", { StudyDate: "-20240101" }), ["S1", "S3"]);
    assert.deepEqual(find(studies, "StudyID", { StudyDate: "20240315-20240315" }), ["S2"]);
    assert.deepEqual(find(studies, "StudyID", { StudyDate: "20240131-20240101" }), []);
    assert.deepEqual(find(patients, "PatientID", { PatientBirthDate: "19800101-" }), ["PID-002"]);
  });
  test("times: precision of the bounds covers their whole period", () => {
    assert.deepEqual(find(studies, "StudyID", { StudyTime: "0800-0830" }), ["S1"]);
    assert.deepEqual(find(studies, "StudyID", { StudyTime: "-0830" }), ["S1"]);
    assert.deepEqual(find(studies, "StudyID", { StudyTime: "171502.3-" }), ["S3"]);
    assert.deepEqual(find(studies, "StudyID", { StudyTime: "171502.2-" }), ["S2", "S3"]);
    assert.deepEqual(find(studies, "StudyID", { StudyTime: "1715-1715" }), ["S2"]);
    // TM "1015" ends at 10:15:59.999999, so 10:15:30.5 is inside; "101530.4" ends before it.
    const candidate = q({ StudyTime: "101530.5" });
    assert.equal(matches(q({ StudyTime: "-1015" }), candidate), true);
    assert.equal(matches(q({ StudyTime: "-101530.4" }), candidate), false);
    assert.equal(matches(q({ StudyTime: "101530.5-101530.5" }), candidate), true);
    assert.equal(matches(q({ StudyTime: "10:15-10:16" }), candidate), true);
  });
  test("datetimes: offsets from UTC are taken into account", () => {
    // Instance 1: 08:35:12 at +0100 = 07:35:12Z; instance 2: 09:35:12 at -0500 = 14:35:12Z.
    const uids = (key: string) => find(instances, "InstanceNumber", { AcquisitionDateTime: key });
    assert.deepEqual(uids("20240101070000+0000-20240101080000+0000"), ["1"]);
    assert.deepEqual(uids("20240101140000Z".replace("Z", "+0000-")), ["2"]);
    assert.deepEqual(uids("-20240101093512-0500"), ["1", "2"]);
    assert.deepEqual(uids("-20240101093511-0500"), ["1"]);
    assert.deepEqual(uids("2024-2024"), ["1", "2"]);
    assert.deepEqual(uids("202401010835-"), ["2"]); // instance 1 is 07:35Z
    assert.deepEqual(uids("20240101083512.123456+0100"), ["1"]);
    assert.deepEqual(uids("20240101073512.123456+0000"), ["1"]);
  });
  test("datetimes without an offset use Timezone Offset From UTC (0008,0201)", () => {
    const candidate = q({ AcquisitionDateTime: "20240101120000" });
    assert.equal(matches(q({ AcquisitionDateTime: "20240101110000+0000-20240101110000+0000" }), candidate), false);
    const east = q({ TimezoneOffsetFromUTC: "+0100", AcquisitionDateTime: "20240101120000" });
    assert.equal(matches(q({ AcquisitionDateTime: "20240101110000+0000-20240101110000+0000" }), east), true);
  });
  test("combined date-time matching of a DA/TM pair, only when asked", () => {
    const query = { StudyDate: "20231231-20240101", StudyTime: "2300-0900" };
    // Separately, 2300-0900 is a time range crossing midnight, which PS3.4 C.2.2.2.5 does not support: nothing.
    assert.deepEqual(find(studies, "StudyID", query), []);
    // Combined: from 2023-12-31 23:00 to 2024-01-01 09:00: S3 at 23:59 on the 31st now matches.
    assert.deepEqual(find(studies, "StudyID", query, { combinedDateTime: true }), ["S1", "S3"]);
    // Different forms of range: no combination, each key on its own.
    assert.deepEqual(
      find(studies, "StudyID", { StudyDate: "20231231-", StudyTime: "-2300" }, { combinedDateTime: true }),
      ["S1", "S2"],
    );
    assert.deepEqual(
      find(studies, "StudyID", { StudyDate: "-20240101", StudyTime: "-0830" }, { combinedDateTime: true }),
      ["S1", "S3"],
    );
  });
});

describe("sequence matching (C.2.2.2.6)", () => {
  test("an item matches when one candidate item matches all its keys", () => {
    const code = (CodeValue: string, CodingSchemeDesignator: string) => ({
      ProcedureCodeSequence: [{ CodeValue, CodingSchemeDesignator, CodeMeaning: "" }],
    });
    assert.deepEqual(find(studies, "StudyID", code("70551", "CPT4")), ["S2"]);
    assert.deepEqual(find(studies, "StudyID", code("RPID5", "RADLEX")), ["S2"]);
    // Keys from two different candidate items do not combine.
    assert.deepEqual(find(studies, "StudyID", code("70551", "RADLEX")), []);
    assert.deepEqual(find(studies, "StudyID", { ProcedureCodeSequence: [{ CodeMeaning: "*brain*" }] }), ["S2"]);
  });
  test("an empty sequence, or one item of return keys only, is universal", () => {
    assert.deepEqual(find(studies, "StudyID", { ProcedureCodeSequence: [] }), ["S1", "S2", "S3"]);
    assert.deepEqual(find(studies, "StudyID", { ProcedureCodeSequence: [{ CodeValue: "", CodeMeaning: "" }] }), [
      "S1",
      "S2",
      "S3",
    ]);
  });
  test("nested sequences", () => {
    const candidate = q({
      RequestAttributesSequence: [
        { RequestedProcedureID: "RP1", ScheduledProtocolCodeSequence: [{ CodeValue: "A" }, { CodeValue: "B" }] },
      ],
    });
    const ask = (code: string) =>
      q({ RequestAttributesSequence: [{ ScheduledProtocolCodeSequence: [{ CodeValue: code }] }] });
    assert.equal(matches(ask("B"), candidate), true);
    assert.equal(matches(ask("C"), candidate), false);
  });
});

describe("empty value matching (C.2.2.2.1, extended negotiation)", () => {
  test('"" matches only empty or absent values when negotiated, and is a literal otherwise', () => {
    assert.deepEqual(find(studies, "StudyID", { AccessionNumber: '""' }, { emptyValueMatching: true }), ["S3"]);
    assert.deepEqual(find(patients, "PatientID", { PatientBirthDate: '""' }, { emptyValueMatching: true }), [
      "PID-003",
    ]);
    assert.deepEqual(find(series, "SeriesNumber", { BodyPartExamined: '""' }, { emptyValueMatching: true }), [
      "1",
      "99",
      "3",
    ]);
    assert.deepEqual(find(studies, "StudyID", { AccessionNumber: '""' }), []);
  });
});

describe("multiple values (C.2.2.2.8, C.2.2.3)", () => {
  test("a candidate with several values matches when any of them does", () => {
    assert.deepEqual(find(studies, "StudyID", { ModalitiesInStudy: "CT" }), ["S1", "S3"]);
    assert.deepEqual(find(patients, "PatientID", { OtherPatientNames: "smith^j" }), ["PID-001"]);
  });
  test("several key values: any by default, all with multiple value matching", () => {
    assert.deepEqual(find(studies, "StudyID", { ModalitiesInStudy: "CT\\MR" }), ["S1", "S2", "S3"]);
    assert.deepEqual(find(studies, "StudyID", { ModalitiesInStudy: "CT\\PT" }, { multipleValueMatching: true }), [
      "S3",
    ]);
    assert.deepEqual(find(studies, "StudyID", { ModalitiesInStudy: "PT\\CT" }, { multipleValueMatching: true }), [
      "S3",
    ]);
    assert.deepEqual(find(studies, "StudyID", { ModalitiesInStudy: "CT\\MR" }, { multipleValueMatching: true }), []);
  });
});

test("all keys must match (logical AND across keys)", () => {
  const query = { PatientID: "PID-001", StudyDate: "20240101-", ModalitiesInStudy: "MR", StudyDescription: "" };
  assert.deepEqual(find(studies, "StudyID", query), ["S2"]);
});

test("compileQuery: compiled once, tested many times, same answers as matches()", () => {
  const query = q({ PatientName: "doe*", StudyDate: "20240101-" });
  const compiled = compileQuery(query);
  assert.equal(compiled.universal, false);
  assert.deepEqual(
    studies.map((s) => compiled.test(s)),
    studies.map((s) => matches(query, s)),
  );
  assert.deepEqual(
    studies.map((s) => compiled.test(s)),
    [true, true, false],
  );
});
