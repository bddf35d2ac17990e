// The information models of the Query/Retrieve Service Class (PS3.4 Annex C) and of the other
// service classes that use C-FIND, C-GET or C-MOVE, with the SOP classes that name them.
import { sop } from "../../dataset/uids.js";

/** The DIMSE-C operation a SOP class of an information model stands for. */
export type QueryRetrieveOperation = "FIND" | "GET" | "MOVE";

/**
 * A value of Query/Retrieve Level (0008,0052). IMAGE is the composite object instance level
 * (PS3.4 C.6.1: the word is historical); FRAME is the Composite Instance Root's lower level
 * (PS3.4 Y.3.1).
 */
export type QueryRetrieveLevel = "PATIENT" | "STUDY" | "SERIES" | "IMAGE" | "FRAME";

/** The keys of one level of a hierarchical information model (PS3.4 C.2.1, C.6). */
export interface LevelKeys {
  /** The Query/Retrieve Level (0008,0052) these keys belong to. */
  readonly level: QueryRetrieveLevel;
  /** The Unique Key: one value identifies one entity at this level. */
  readonly unique: string;
  /** Required Keys: an SCP supports matching on them. */
  readonly required: readonly string[];
  /**
   * Optional Keys the standard lists. Any other attribute of the level is an optional key too
   * ("All other Attributes at … level"), so this list is not exhaustive.
   */
  readonly optional: readonly string[];
}

/** One information model: its SOP classes per operation and, for Q/R models, its levels. */
export interface InformationModel {
  /** A short, stable name in camel case: `patientRoot`, `modalityWorklist`… */
  readonly name: string;
  /** The model's name as PS3.4 spells it. */
  readonly title: string;
  /** The C-FIND SOP class, when the model has one. */
  readonly find?: string;
  /** The C-GET SOP class, when the model has one. */
  readonly get?: string;
  /** The C-MOVE SOP class, when the model has one. */
  readonly move?: string;
  /** The levels, top first, for the hierarchical models that use Query/Retrieve Level. */
  readonly levels?: readonly LevelKeys[];
  /** The SOP classes are retired (PS3.4 2024d still describes them; new code should not use them). */
  readonly retired?: boolean;
}

// PS3.4 Table C.6-1: Patient level of the Patient Root model (also the Patient/Study Only model, C.6.3).
const patientLevel: LevelKeys = {
  level: "PATIENT",
  unique: "PatientID",
  required: ["PatientName"],
  optional: [
    "IssuerOfPatientID",
    "IssuerOfPatientIDQualifiersSequence",
    "ReferencedPatientSequence",
    "PatientBirthDate",
    "PatientBirthTime",
    "PatientSex",
    "OtherPatientIDsSequence",
    "OtherPatientNames",
    "EthnicGroup",
    "PatientComments",
    "NumberOfPatientRelatedStudies",
    "NumberOfPatientRelatedSeries",
    "NumberOfPatientRelatedInstances",
  ],
};

// PS3.4 Table C.6-2: Study level of the Patient Root model.
const studyOptional = [
  "ModalitiesInStudy",
  "SOPClassesInStudy",
  "AnatomicRegionsInStudyCodeSequence",
  "ReferringPhysicianName",
  "StudyDescription",
  "ProcedureCodeSequence",
  "NameOfPhysiciansReadingStudy",
  "AdmittingDiagnosesDescription",
  "ReferencedStudySequence",
  "PatientAge",
  "PatientSize",
  "PatientWeight",
  "Occupation",
  "AdditionalPatientHistory",
  "OtherStudyNumbers",
  "NumberOfStudyRelatedSeries",
  "NumberOfStudyRelatedInstances",
  "IssuerOfAccessionNumberSequence",
];
const studyLevel: LevelKeys = {
  level: "STUDY",
  unique: "StudyInstanceUID",
  required: ["StudyDate", "StudyTime", "AccessionNumber", "StudyID"],
  optional: studyOptional,
};

// PS3.4 Table C.6-3: Series level (the same in the Study Root model, Table C.6-6).
const seriesLevel: LevelKeys = {
  level: "SERIES",
  unique: "SeriesInstanceUID",
  required: ["Modality", "SeriesNumber"],
  optional: [
    "NumberOfSeriesRelatedInstances",
    "RequestAttributesSequence",
    "PerformedProcedureStepStartDate",
    "PerformedProcedureStepStartTime",
    "SeriesDate",
    "SeriesTime",
    "SeriesDescription",
    "BodyPartExamined",
  ],
};

// PS3.4 Table C.6-4: Composite Object Instance level (the same in the Study Root model, Table C.6-7).
const imageLevel: LevelKeys = {
  level: "IMAGE",
  unique: "SOPInstanceUID",
  required: ["InstanceNumber"],
  optional: [
    "SOPClassUID",
    "AvailableTransferSyntaxUID",
    "AlternateRepresentationSequence",
    "RelatedGeneralSOPClassUID",
    "ConceptNameCodeSequence",
    "ContentTemplateSequence",
    "ContainerIdentifier",
    "SpecimenDescriptionSequence",
  ],
};

// PS3.4 Table C.6-5: Study level of the Study Root model, which takes in the patient's keys.
const studyRootStudyLevel: LevelKeys = {
  level: "STUDY",
  unique: "StudyInstanceUID",
  required: ["StudyDate", "StudyTime", "AccessionNumber", "PatientName", "PatientID", "StudyID"],
  optional: [...studyOptional, ...patientLevel.optional.filter((k) => !k.startsWith("NumberOfPatientRelated"))],
};

// PS3.4 Y.3.1: the Composite Instance Root model, SOP Instance UID then frames (Y.3.2 frame range keys).
const compositeInstanceLevels: readonly LevelKeys[] = [
  { level: "IMAGE", unique: "SOPInstanceUID", required: [], optional: [] },
  {
    level: "FRAME",
    unique: "SOPInstanceUID",
    required: [],
    optional: ["SimpleFrameList", "CalculatedFrameList", "TimeRange"],
  },
];

/**
 * Every information model a C-FIND, C-GET or C-MOVE SOP class of PS3.4 (2024d) belongs to:
 * Query/Retrieve (Annex C), Composite Instance Root Retrieve (Y), Composite Instance Retrieve
 * Without Bulk Data (Z), Modality Worklist (K), Hanging Protocol (U), Substance Administration
 * Query (V), Color Palette (X), Defined Procedure Protocol (HH), Implant Templates (BB),
 * Protocol Approval (II), Inventory (KK), Relevant Patient Information (Q) and the Unified
 * Procedure Step query (CC).
 */
export const informationModels: readonly InformationModel[] = [
  {
    name: "patientRoot",
    title: "Patient Root Query/Retrieve Information Model",
    find: sop.PatientRootQueryRetrieveInformationModelFind,
    get: sop.PatientRootQueryRetrieveInformationModelGet,
    move: sop.PatientRootQueryRetrieveInformationModelMove,
    levels: [patientLevel, studyLevel, seriesLevel, imageLevel],
  },
  {
    name: "studyRoot",
    title: "Study Root Query/Retrieve Information Model",
    find: sop.StudyRootQueryRetrieveInformationModelFind,
    get: sop.StudyRootQueryRetrieveInformationModelGet,
    move: sop.StudyRootQueryRetrieveInformationModelMove,
    levels: [studyRootStudyLevel, seriesLevel, imageLevel],
  },
  {
    name: "patientStudyOnly",
    title: "Patient/Study Only Query/Retrieve Information Model",
    find: sop.PatientStudyOnlyQueryRetrieveInformationModelFind,
    get: sop.PatientStudyOnlyQueryRetrieveInformationModelGet,
    move: sop.PatientStudyOnlyQueryRetrieveInformationModelMove,
    levels: [patientLevel, studyLevel],
    retired: true,
  },
  {
    name: "compositeInstanceRoot",
    title: "Composite Instance Root Retrieve Information Model",
    get: sop.CompositeInstanceRootRetrieveGet,
    move: sop.CompositeInstanceRootRetrieveMove,
    levels: compositeInstanceLevels,
  },
  {
    // PS3.4 Z.4.2.1.3.1: Query/Retrieve Level shall be IMAGE, with SOP Instance UID(s).
    name: "compositeInstanceWithoutBulkData",
    title: "Composite Instance Retrieve Without Bulk Data Information Model",
    get: sop.CompositeInstanceRetrieveWithoutBulkDataGet,
    levels: [imageLevel],
  },
  {
    name: "modalityWorklist",
    title: "Modality Worklist Information Model",
    find: sop.ModalityWorklistInformationModelFind,
  },
  {
    name: "generalPurposeWorklist",
    title: "General Purpose Worklist Information Model",
    find: sop.GeneralPurposeWorklistInformationModelFind,
    retired: true,
  },
  {
    name: "unifiedProcedureStep",
    title: "Unified Procedure Step Query",
    find: sop.UnifiedProcedureStepQuery,
  },
  {
    name: "hangingProtocol",
    title: "Hanging Protocol Information Model",
    find: sop.HangingProtocolInformationModelFind,
    get: sop.HangingProtocolInformationModelGet,
    move: sop.HangingProtocolInformationModelMove,
  },
  {
    name: "colorPalette",
    title: "Color Palette Query/Retrieve Information Model",
    find: sop.ColorPaletteQueryRetrieveInformationModelFind,
    get: sop.ColorPaletteQueryRetrieveInformationModelGet,
    move: sop.ColorPaletteQueryRetrieveInformationModelMove,
  },
  {
    name: "definedProcedureProtocol",
    title: "Defined Procedure Protocol Information Model",
    find: sop.DefinedProcedureProtocolInformationModelFind,
    get: sop.DefinedProcedureProtocolInformationModelGet,
    move: sop.DefinedProcedureProtocolInformationModelMove,
  },
  {
    name: "genericImplantTemplate",
    title: "Generic Implant Template Information Model",
    find: sop.GenericImplantTemplateInformationModelFind,
    get: sop.GenericImplantTemplateInformationModelGet,
    move: sop.GenericImplantTemplateInformationModelMove,
  },
  {
    name: "implantAssemblyTemplate",
    title: "Implant Assembly Template Information Model",
    find: sop.ImplantAssemblyTemplateInformationModelFind,
    get: sop.ImplantAssemblyTemplateInformationModelGet,
    move: sop.ImplantAssemblyTemplateInformationModelMove,
  },
  {
    name: "implantTemplateGroup",
    title: "Implant Template Group Information Model",
    find: sop.ImplantTemplateGroupInformationModelFind,
    get: sop.ImplantTemplateGroupInformationModelGet,
    move: sop.ImplantTemplateGroupInformationModelMove,
  },
  {
    name: "protocolApproval",
    title: "Protocol Approval Information Model",
    find: sop.ProtocolApprovalInformationModelFind,
    get: sop.ProtocolApprovalInformationModelGet,
    move: sop.ProtocolApprovalInformationModelMove,
  },
  {
    name: "inventory",
    title: "Inventory Information Model",
    find: sop.InventoryFind,
    get: sop.InventoryGet,
    move: sop.InventoryMove,
  },
  { name: "repositoryQuery", title: "Repository Query", find: sop.RepositoryQuery },
  { name: "productCharacteristics", title: "Product Characteristics Query", find: sop.ProductCharacteristicsQuery },
  { name: "substanceApproval", title: "Substance Approval Query", find: sop.SubstanceApprovalQuery },
  {
    name: "generalRelevantPatientInformation",
    title: "General Relevant Patient Information Query",
    find: sop.GeneralRelevantPatientInformationQuery,
  },
  {
    name: "breastImagingRelevantPatientInformation",
    title: "Breast Imaging Relevant Patient Information Query",
    find: sop.BreastImagingRelevantPatientInformationQuery,
  },
  {
    name: "cardiacRelevantPatientInformation",
    title: "Cardiac Relevant Patient Information Query",
    find: sop.CardiacRelevantPatientInformationQuery,
  },
];

let bySopClass: Map<string, { model: InformationModel; operation: QueryRetrieveOperation }> | undefined;

/**
 * The information model a C-FIND, C-GET or C-MOVE SOP class belongs to, and the operation it
 * stands for; `undefined` for any other UID.
 */
export function modelForSopClass(uid: string):
  | {
      /** The information model the SOP class belongs to. */
      readonly model: InformationModel;
      /** Which of the model's operations the SOP class is for. */
      readonly operation: QueryRetrieveOperation;
    }
  | undefined {
  if (bySopClass === undefined) {
    bySopClass = new Map();
    for (const model of informationModels) {
      if (model.find) bySopClass.set(model.find, { model, operation: "FIND" });
      if (model.get) bySopClass.set(model.get, { model, operation: "GET" });
      if (model.move) bySopClass.set(model.move, { model, operation: "MOVE" });
    }
  }
  return bySopClass.get(uid);
}

/** The model called `name` (`"studyRoot"`…), or `undefined`. */
export function modelByName(name: string): InformationModel | undefined {
  return informationModels.find((m) => m.name === name);
}

/** The keys of `level` in `model`, or `undefined` when the model has no such level. */
export function levelKeys(model: InformationModel, level: string): LevelKeys | undefined {
  return model.levels?.find((l) => l.level === level);
}

/** Every SOP class of every model for one operation, in table order (for presentation contexts). */
export function sopClassesFor(operation: QueryRetrieveOperation): readonly string[] {
  const key = operation === "FIND" ? "find" : operation === "GET" ? "get" : "move";
  return informationModels.flatMap((m) => (m[key] === undefined ? [] : [m[key]]));
}
