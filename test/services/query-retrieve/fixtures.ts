// A small, realistic archive for the matching tests: two patients, three studies, their series
// and instances, each entity flattened as an SCP's index would hold it.
import { Dataset } from "../../../src/dataset/dataset.js";

export const patients = [
  new Dataset({
    PatientID: "PID-001",
    PatientName: "Doe^John",
    PatientBirthDate: "19700412",
    PatientSex: "M",
    OtherPatientNames: ["Doe^Johnny", "Smith^J"],
  }),
  new Dataset({
    SpecificCharacterSet: "ISO_IR 192",
    PatientID: "PID-002",
    PatientName: "Yamada^Tarou=山田^太郎=やまだ^たろう",
    PatientBirthDate: "19851101",
    PatientSex: "M",
  }),
  new Dataset({ PatientID: "PID-003", PatientName: "Müller^Jürgen", PatientBirthDate: "", PatientSex: "M" }),
];

export const studies = [
  new Dataset({
    PatientID: "PID-001",
    PatientName: "Doe^John",
    StudyInstanceUID: "1.2.826.0.1.3680043.2.1.1",
    StudyDate: "20240101",
    StudyTime: "083000",
    AccessionNumber: "ACC1001",
    StudyID: "S1",
    StudyDescription: "CT CHEST W/O CONTRAST",
    ModalitiesInStudy: ["CT", "SR"],
    ReferringPhysicianName: "Welby^Marcus",
    ProcedureCodeSequence: [{ CodeValue: "71250", CodingSchemeDesignator: "CPT4", CodeMeaning: "CT chest" }],
  }),
  new Dataset({
    PatientID: "PID-001",
    PatientName: "Doe^John",
    StudyInstanceUID: "1.2.826.0.1.3680043.2.1.2",
    StudyDate: "20240315",
    StudyTime: "171502.25",
    AccessionNumber: "ACC1002",
    StudyID: "S2",
    StudyDescription: "MR BRAIN",
    ModalitiesInStudy: ["MR"],
    ProcedureCodeSequence: [
      { CodeValue: "70551", CodingSchemeDesignator: "CPT4", CodeMeaning: "MRI brain" },
      { CodeValue: "RPID5", CodingSchemeDesignator: "RADLEX", CodeMeaning: "MR head" },
    ],
  }),
  new Dataset({
    PatientID: "PID-002",
    PatientName: "Yamada^Tarou=山田^太郎=やまだ^たろう",
    StudyInstanceUID: "1.2.826.0.1.3680043.2.1.3",
    StudyDate: "20231231",
    StudyTime: "2359",
    AccessionNumber: "",
    StudyID: "S3",
    StudyDescription: "PET/CT WHOLE BODY",
    ModalitiesInStudy: ["PT", "CT"],
  }),
];

export const series = [
  new Dataset({
    StudyInstanceUID: "1.2.826.0.1.3680043.2.1.1",
    SeriesInstanceUID: "1.2.826.0.1.3680043.2.1.1.1",
    Modality: "CT",
    SeriesNumber: 1,
    SeriesDescription: "AXIAL 5mm",
  }),
  new Dataset({
    StudyInstanceUID: "1.2.826.0.1.3680043.2.1.1",
    SeriesInstanceUID: "1.2.826.0.1.3680043.2.1.1.2",
    Modality: "SR",
    SeriesNumber: 99,
    SeriesDescription: "Dose report",
  }),
  new Dataset({
    StudyInstanceUID: "1.2.826.0.1.3680043.2.1.2",
    SeriesInstanceUID: "1.2.826.0.1.3680043.2.1.2.1",
    Modality: "MR",
    SeriesNumber: 3,
    SeriesDescription: "T2 FLAIR",
  }),
];

export const instances = [
  new Dataset({
    SeriesInstanceUID: "1.2.826.0.1.3680043.2.1.1.1",
    SOPInstanceUID: "1.2.826.0.1.3680043.2.1.1.1.1",
    SOPClassUID: "1.2.840.10008.5.1.4.1.1.2",
    InstanceNumber: 1,
    AcquisitionDateTime: "20240101083512.123456+0100",
  }),
  new Dataset({
    SeriesInstanceUID: "1.2.826.0.1.3680043.2.1.1.1",
    SOPInstanceUID: "1.2.826.0.1.3680043.2.1.1.1.2",
    SOPClassUID: "1.2.840.10008.5.1.4.1.1.2",
    InstanceNumber: 2,
    AcquisitionDateTime: "20240101093512-0500",
  }),
  new Dataset({
    SeriesInstanceUID: "1.2.826.0.1.3680043.2.1.1.2",
    SOPInstanceUID: "1.2.826.0.1.3680043.2.1.1.2.1",
    SOPClassUID: "1.2.840.10008.5.1.4.1.1.88.67",
    InstanceNumber: 1,
  }),
];

/** The values of `keyword` of the entities of `list` that `query` matches. */
export function hits(list: readonly Dataset[], keyword: string, test: (c: Dataset) => boolean): string[] {
  return list.filter(test).map((d) => d.string(keyword) ?? "");
}
