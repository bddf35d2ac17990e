// Level checks of identifiers per model, level and operation.
import assert from "node:assert/strict";
import { test } from "node:test";
import { buildIdentifier, type IdentifierInit } from "../../../src/services/query-retrieve/identifier.js";
import { type InformationModel, modelByName } from "../../../src/services/query-retrieve/models.js";
import {
  identifierFailureStatus,
  type ValidateIdentifierOptions,
  validateIdentifier,
} from "../../../src/services/query-retrieve/validate.js";

const model = (name: string): InformationModel => {
  const m = modelByName(name);
  assert.ok(m, name);
  return m;
};
const check = (
  name: string,
  op: "FIND" | "GET" | "MOVE",
  init: IdentifierInit,
  options: ValidateIdentifierOptions = {},
): string[] =>
  validateIdentifier(buildIdentifier(init), model(name), op, options).map((p) => `${p.code}:${p.status.toString(16)}`);

test("acceptable hierarchical queries at every level of both roots", () => {
  assert.deepEqual(
    check("patientRoot", "FIND", { QueryRetrieveLevel: "PATIENT", PatientName: "DOE*", PatientID: "" }),
    [],
  );
  assert.deepEqual(
    check("patientRoot", "FIND", { QueryRetrieveLevel: "STUDY", PatientID: "P1", StudyDate: "2024-" }),
    [],
  );
  assert.deepEqual(
    check("patientRoot", "FIND", {
      QueryRetrieveLevel: "SERIES",
      PatientID: "P1",
      StudyInstanceUID: "1.2",
      Modality: "CT",
    }),
    [],
  );
  assert.deepEqual(
    check("patientRoot", "FIND", {
      QueryRetrieveLevel: "IMAGE",
      PatientID: "P1",
      StudyInstanceUID: "1.2",
      SeriesInstanceUID: "1.2.3",
      SOPInstanceUID: "",
    }),
    [],
  );
  assert.deepEqual(
    check("studyRoot", "FIND", { QueryRetrieveLevel: "STUDY", PatientName: "DOE*", StudyInstanceUID: "" }),
    [],
  );
  assert.deepEqual(
    check("studyRoot", "FIND", { QueryRetrieveLevel: "SERIES", StudyInstanceUID: "1.2", Modality: "" }),
    [],
  );
  assert.deepEqual(check("patientStudyOnly", "FIND", { QueryRetrieveLevel: "STUDY", PatientID: "P1" }), []);
});

test("missing or unknown Query/Retrieve Level: 0xA900", () => {
  assert.deepEqual(check("studyRoot", "FIND", { PatientName: "X" }), ["missing-level:a900"]);
  assert.deepEqual(check("studyRoot", "FIND", { QueryRetrieveLevel: "", PatientName: "X" }), ["missing-level:a900"]);
  assert.deepEqual(check("studyRoot", "FIND", { QueryRetrieveLevel: "PATIENT" }), ["unknown-level:a900"]);
  assert.deepEqual(check("patientStudyOnly", "FIND", { QueryRetrieveLevel: "SERIES" }), ["unknown-level:a900"]);
  assert.deepEqual(check("patientRoot", "FIND", { QueryRetrieveLevel: "INSTANCE" }), ["unknown-level:a900"]);
  const problems = validateIdentifier(buildIdentifier({ QueryRetrieveLevel: "FOO" }), model("studyRoot"), "FIND");
  assert.match(problems[0]?.message ?? "", /"FOO" is not one of .* \(STUDY, SERIES, IMAGE\)/);
  assert.equal(identifierFailureStatus(problems), 0xa900);
  assert.equal(identifierFailureStatus([]), undefined);
});

test("keys below the level are refused, in hierarchical and relational queries", () => {
  const init = { QueryRetrieveLevel: "STUDY", PatientID: "P1", Modality: "CT", SOPInstanceUID: "" };
  assert.deepEqual(check("patientRoot", "FIND", init), ["key-below-level:a900", "key-below-level:a900"]);
  assert.deepEqual(check("patientRoot", "FIND", init, { relational: true }), [
    "key-below-level:a900",
    "key-below-level:a900",
  ]);
  assert.deepEqual(check("studyRoot", "FIND", { QueryRetrieveLevel: "STUDY", SeriesNumber: "1" }), [
    "key-below-level:a900",
  ]);
  // Patient keys belong to the STUDY level of the Study Root model.
  assert.deepEqual(check("studyRoot", "FIND", { QueryRetrieveLevel: "STUDY", PatientBirthDate: "" }), []);
});

test("hierarchical queries need one single value in each unique key above the level", () => {
  assert.deepEqual(check("patientRoot", "FIND", { QueryRetrieveLevel: "STUDY", StudyDate: "" }), [
    "missing-unique-key:a900",
  ]);
  assert.deepEqual(check("patientRoot", "FIND", { QueryRetrieveLevel: "STUDY", PatientID: "P*" }), [
    "unique-key-not-single:c000",
  ]);
  assert.deepEqual(check("studyRoot", "FIND", { QueryRetrieveLevel: "IMAGE", StudyInstanceUID: "1.2\\1.3" }), [
    "unique-key-not-single:c000",
    "missing-unique-key:a900",
  ]);
  // Relational: not needed.
  assert.deepEqual(
    check("patientRoot", "FIND", { QueryRetrieveLevel: "IMAGE", InstanceNumber: "1" }, { relational: true }),
    [],
  );
  // At the query level, a list of UIDs is fine, several Patient IDs are not.
  assert.deepEqual(check("studyRoot", "FIND", { QueryRetrieveLevel: "STUDY", StudyInstanceUID: "1.2\\1.3" }), []);
  assert.deepEqual(check("patientRoot", "FIND", { QueryRetrieveLevel: "PATIENT", PatientID: "A\\B" }), [
    "unique-key-not-single:c000",
  ]);
});

test("C-GET/C-MOVE need the unique keys of the level and above", () => {
  assert.deepEqual(check("studyRoot", "MOVE", { QueryRetrieveLevel: "STUDY", StudyInstanceUID: "1.2\\1.3" }), []);
  assert.deepEqual(check("studyRoot", "GET", { QueryRetrieveLevel: "STUDY" }), ["missing-unique-key:a900"]);
  assert.deepEqual(
    check("patientRoot", "GET", {
      QueryRetrieveLevel: "SERIES",
      PatientID: "P",
      StudyInstanceUID: "1.2",
      SeriesInstanceUID: "",
    }),
    ["missing-unique-key:a900"],
  );
  assert.deepEqual(check("patientRoot", "MOVE", { QueryRetrieveLevel: "PATIENT", PatientID: "A\\B" }), [
    "unique-key-not-single:c000",
  ]);
  assert.deepEqual(
    check("studyRoot", "MOVE", { QueryRetrieveLevel: "SERIES", StudyInstanceUID: "1.2", SeriesInstanceUID: "1.*" }),
    ["unique-key-not-single:c000"],
  );
  // Relational retrieve: only the level's own unique key.
  assert.deepEqual(
    check("patientRoot", "MOVE", { QueryRetrieveLevel: "IMAGE", SOPInstanceUID: "1.2.3" }, { relational: true }),
    [],
  );
  assert.deepEqual(check("patientRoot", "MOVE", { QueryRetrieveLevel: "IMAGE", SOPInstanceUID: "1.2.3" }), [
    "missing-unique-key:a900",
    "missing-unique-key:a900",
    "missing-unique-key:a900",
  ]);
  assert.deepEqual(
    check("compositeInstanceRoot", "GET", { QueryRetrieveLevel: "IMAGE", SOPInstanceUID: "1.2\\1.3" }),
    [],
  );
  assert.deepEqual(
    check("compositeInstanceRoot", "GET", { QueryRetrieveLevel: "FRAME", SOPInstanceUID: "1.2", SimpleFrameList: "1" }),
    [],
  );
  assert.deepEqual(
    check("compositeInstanceRoot", "GET", { QueryRetrieveLevel: "IMAGE", SOPInstanceUID: "1.2", SimpleFrameList: "1" }),
    ["key-below-level:a900"],
  );
});

test("an operation the model lacks; models without levels", () => {
  assert.deepEqual(check("compositeInstanceRoot", "FIND", { QueryRetrieveLevel: "IMAGE" }), ["no-such-operation:a900"]);
  assert.deepEqual(check("modalityWorklist", "MOVE", {}), ["no-such-operation:a900"]);
  assert.deepEqual(check("modalityWorklist", "FIND", { PatientName: "*", ScheduledProcedureStepSequence: [] }), []);
});
