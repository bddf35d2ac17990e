// The information model table and its lookups.
import assert from "node:assert/strict";
import { test } from "node:test";
import { tagForKeyword } from "../../../src/dataset/dictionary.js";
import { sop, uidEntry } from "../../../src/dataset/uids.js";
import {
  informationModels,
  levelKeys,
  modelByName,
  modelForSopClass,
  sopClassesFor,
} from "../../../src/services/query-retrieve/models.js";

test("modelForSopClass finds model and operation for Q/R and the other C-FIND/C-GET/C-MOVE users", () => {
  const cases: [string, string, string][] = [
    [sop.PatientRootQueryRetrieveInformationModelFind, "patientRoot", "FIND"],
    [sop.StudyRootQueryRetrieveInformationModelMove, "studyRoot", "MOVE"],
    [sop.PatientStudyOnlyQueryRetrieveInformationModelGet, "patientStudyOnly", "GET"],
    [sop.CompositeInstanceRootRetrieveGet, "compositeInstanceRoot", "GET"],
    [sop.CompositeInstanceRetrieveWithoutBulkDataGet, "compositeInstanceWithoutBulkData", "GET"],
    [sop.ModalityWorklistInformationModelFind, "modalityWorklist", "FIND"],
    [sop.HangingProtocolInformationModelMove, "hangingProtocol", "MOVE"],
    [sop.ColorPaletteQueryRetrieveInformationModelGet, "colorPalette", "GET"],
    [sop.DefinedProcedureProtocolInformationModelFind, "definedProcedureProtocol", "FIND"],
    [sop.GenericImplantTemplateInformationModelFind, "genericImplantTemplate", "FIND"],
    [sop.ImplantAssemblyTemplateInformationModelGet, "implantAssemblyTemplate", "GET"],
    [sop.ImplantTemplateGroupInformationModelMove, "implantTemplateGroup", "MOVE"],
    [sop.ProtocolApprovalInformationModelFind, "protocolApproval", "FIND"],
    [sop.InventoryGet, "inventory", "GET"],
    [sop.SubstanceApprovalQuery, "substanceApproval", "FIND"],
    [sop.ProductCharacteristicsQuery, "productCharacteristics", "FIND"],
    [sop.GeneralRelevantPatientInformationQuery, "generalRelevantPatientInformation", "FIND"],
    [sop.CardiacRelevantPatientInformationQuery, "cardiacRelevantPatientInformation", "FIND"],
  ];
  for (const [uid, name, operation] of cases) {
    const hit = modelForSopClass(uid);
    assert.equal(hit?.model.name, name, uid);
    assert.equal(hit?.operation, operation, uid);
  }
  assert.equal(modelForSopClass(sop.CTImageStorage), undefined);
  assert.equal(modelForSopClass("1.2.3"), undefined);
});

test("every SOP class of the table is a SOP class of the registry whose name says its operation", () => {
  const seen = new Set<string>();
  for (const m of informationModels) {
    for (const [op, uid] of [
      ["FIND", m.find],
      ["GET", m.get],
      ["MOVE", m.move],
    ] as const) {
      if (uid === undefined) continue;
      const entry = uidEntry(uid);
      assert.equal(entry?.type, "SOP Class", `${m.name} ${op}`);
      assert.ok(!seen.has(uid), `${uid} listed once`);
      seen.add(uid);
      if (/ - (FIND|GET|MOVE)$/.test(entry?.name ?? "")) assert.ok(entry?.name.endsWith(op), `${entry?.name} is ${op}`);
      assert.equal(entry?.retired ?? false, m.retired ?? false, `${m.name}: retired flag as the registry's`);
    }
    assert.equal(modelByName(m.name), m);
  }
  assert.equal(sopClassesFor("GET").length, informationModels.filter((m) => m.get).length);
  assert.ok(sopClassesFor("FIND").includes(sop.StudyRootQueryRetrieveInformationModelFind));
});

test("levels and keys of the Q/R models (PS3.4 C.6.1.1, C.6.2.1)", () => {
  const pr = modelByName("patientRoot");
  const sr = modelByName("studyRoot");
  const pso = modelByName("patientStudyOnly");
  assert.ok(pr && sr && pso);
  assert.deepEqual(
    pr.levels?.map((l) => `${l.level}:${l.unique}`),
    ["PATIENT:PatientID", "STUDY:StudyInstanceUID", "SERIES:SeriesInstanceUID", "IMAGE:SOPInstanceUID"],
  );
  assert.deepEqual(
    sr.levels?.map((l) => l.level),
    ["STUDY", "SERIES", "IMAGE"],
  );
  assert.deepEqual(
    pso.levels?.map((l) => l.level),
    ["PATIENT", "STUDY"],
  );
  assert.deepEqual(levelKeys(pr, "PATIENT")?.required, ["PatientName"]);
  assert.deepEqual(levelKeys(pr, "STUDY")?.required, ["StudyDate", "StudyTime", "AccessionNumber", "StudyID"]);
  assert.deepEqual(levelKeys(sr, "STUDY")?.required, [
    "StudyDate",
    "StudyTime",
    "AccessionNumber",
    "PatientName",
    "PatientID",
    "StudyID",
  ]);
  assert.deepEqual(levelKeys(pr, "SERIES")?.required, ["Modality", "SeriesNumber"]);
  assert.deepEqual(levelKeys(pr, "IMAGE")?.required, ["InstanceNumber"]);
  assert.ok(levelKeys(sr, "STUDY")?.optional.includes("PatientBirthDate"));
  assert.equal(levelKeys(sr, "PATIENT"), undefined);
  // Every keyword in every level is a PS3.6 keyword.
  for (const m of informationModels) {
    for (const l of m.levels ?? []) {
      for (const kw of [l.unique, ...l.required, ...l.optional]) {
        assert.notEqual(tagForKeyword(kw), undefined, `${m.name} ${l.level} ${kw}`);
      }
    }
  }
});
