// C-FIND response identifiers (PS3.4 C.4.1.1.3.2).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Dataset } from "../../../src/dataset/dataset.js";
import { readDataset } from "../../../src/dataset/reader.js";
import { writeDataset } from "../../../src/dataset/writer.js";
import { buildIdentifier } from "../../../src/services/query-retrieve/identifier.js";
import { buildResponse } from "../../../src/services/query-retrieve/response.js";
import { patients, studies } from "./fixtures.js";

const s1 = studies[0] as Dataset;
const s2 = studies[1] as Dataset;

test("the query's keys filled with the candidate's values, nothing else", () => {
  const query = buildIdentifier({
    QueryRetrieveLevel: "STUDY",
    PatientName: "DOE*",
    StudyDate: "20240101-",
    ModalitiesInStudy: "",
    StudyInstanceUID: "",
    IssuerOfPatientID: "",
  });
  const rsp = buildResponse(query, s1);
  assert.deepEqual(
    [...rsp.tags()],
    [0x00080020, 0x00080052, 0x00080061, 0x00100010, 0x00100021, 0x0020000d],
    "exactly the query's keys",
  );
  assert.equal(rsp.string("QueryRetrieveLevel"), "STUDY");
  assert.equal(rsp.string("PatientName"), "Doe^John");
  assert.equal(rsp.string("StudyDate"), "20240101");
  assert.deepEqual(rsp.strings("ModalitiesInStudy"), ["CT", "SR"]);
  assert.equal(rsp.string("StudyInstanceUID"), "1.2.826.0.1.3680043.2.1.1");
  assert.ok(rsp.has("IssuerOfPatientID"), "a key the candidate lacks comes back empty");
  assert.deepEqual(rsp.strings("IssuerOfPatientID"), []);
  assert.equal(rsp.has("StudyDescription"), false);
});

test("Specific Character Set comes from the candidate; Retrieve AE Title when given", () => {
  const query = buildIdentifier({ QueryRetrieveLevel: "PATIENT", SpecificCharacterSet: "ISO_IR 100", PatientName: "" });
  const rsp = buildResponse(query, patients[1] as Dataset, { retrieveAeTitle: "QRSCP" });
  assert.deepEqual(rsp.strings("SpecificCharacterSet"), ["ISO_IR 192"]);
  assert.equal(rsp.string("RetrieveAETitle"), "QRSCP");
  assert.equal(rsp.string("PatientName"), "Yamada^Tarou=山田^太郎=やまだ^たろう");
  const plain = buildResponse(query, patients[0] as Dataset);
  assert.equal(plain.has("SpecificCharacterSet"), false);
  assert.equal(plain.has("RetrieveAETitle"), false);
  // The response survives encoding in its character set.
  const syntax = { explicitVr: true, littleEndian: true };
  const back = readDataset(writeDataset(rsp, syntax), syntax).dataset;
  assert.equal(back.string("PatientName"), "Yamada^Tarou=山田^太郎=やまだ^たろう");
});

test("sequence keys: matching items reduced to the key item's keys; no item gives the whole sequence", () => {
  const query = buildIdentifier({
    QueryRetrieveLevel: "STUDY",
    ProcedureCodeSequence: [{ CodingSchemeDesignator: "RADLEX", CodeValue: "" }],
  });
  const items = buildResponse(query, s2).sequence("ProcedureCodeSequence");
  assert.equal(items.length, 1);
  assert.equal(items[0]?.string("CodeValue"), "RPID5");
  assert.equal(items[0]?.has("CodeMeaning"), false);

  const whole = buildResponse(buildIdentifier({ ProcedureCodeSequence: [] }), s2).sequence("ProcedureCodeSequence");
  assert.deepEqual(
    whole.map((i) => i.string("CodeMeaning")),
    ["MRI brain", "MR head"],
  );
  assert.notEqual(whole[0], s2.sequence("ProcedureCodeSequence")[0], "items are copies, not the candidate's");

  const missing = buildResponse(buildIdentifier({ ProcedureCodeSequence: [] }), studies[2] as Dataset);
  assert.equal(missing.vr("ProcedureCodeSequence"), "SQ");
  assert.equal(missing.sequence("ProcedureCodeSequence").length, 0);
});
