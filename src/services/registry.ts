// Which service class each SOP class belongs to, and the DIMSE operations it uses (PS3.4): the
// counterpart of pynetdicom's uid_to_service_class, so that the SCP dispatch can refuse an
// operation a SOP class does not have, and a meta SOP class can stand for its members (PS3.4 H).
import { queryRetrieveSopClasses } from "../acse/context-lists.js";
import { isStorageSopClass, sop, storageSopClasses } from "../dataset/uids.js";

/** A DIMSE operation, as PS3.7 names it. */
export type DimseOperation =
  | "C-ECHO"
  | "C-STORE"
  | "C-FIND"
  | "C-GET"
  | "C-MOVE"
  | "N-EVENT-REPORT"
  | "N-GET"
  | "N-SET"
  | "N-ACTION"
  | "N-CREATE"
  | "N-DELETE";

/** The service classes of PS3.4 netdicom knows SOP classes of. */
export type ServiceClassName =
  | "Verification"
  | "Storage"
  | "QueryRetrieve"
  | "BasicWorklistManagement"
  | "ModalityPerformedProcedureStep"
  | "StorageCommitment"
  | "UnifiedProcedureStep"
  | "PrintManagement"
  | "DisplaySystemManagement"
  | "ApplicationEventLogging"
  | "InstanceAvailabilityNotification"
  | "MediaCreationManagement"
  | "RTMachineVerification"
  | "Inventory"
  | "StorageManagement"
  | "ProtocolApproval"
  | "SubstanceAdministrationQuery"
  | "RelevantPatientInformationQuery"
  | "HangingProtocolQueryRetrieve"
  | "ColorPaletteQueryRetrieve"
  | "ImplantTemplateQueryRetrieve"
  | "DefinedProcedureProtocolQueryRetrieve";

/** One SOP class of the registry: its service class and the operations PS3.4 gives it. */
export interface SopClassInfo {
  /** The SOP class UID. */
  readonly uid: string;
  /** The service class it belongs to. */
  readonly serviceClass: ServiceClassName;
  /** The DIMSE operations PS3.4 gives it; a request for another one is answered 0x0211. */
  readonly operations: readonly DimseOperation[];
  /** For a meta SOP class (PS3.4 H.3.1): the SOP classes it stands for on one context. */
  readonly members?: readonly string[];
}

const ALL_N: readonly DimseOperation[] = ["N-EVENT-REPORT", "N-GET", "N-SET", "N-ACTION", "N-CREATE", "N-DELETE"];
const FIND: readonly DimseOperation[] = ["C-FIND"];

// PS3.4 H.4 and H.2: the print SOP classes and the operations of each.
const printClasses: readonly (readonly [string, readonly DimseOperation[]])[] = [
  [sop.BasicFilmSession, ["N-CREATE", "N-SET", "N-DELETE", "N-ACTION"]],
  [sop.BasicFilmBox, ["N-CREATE", "N-SET", "N-DELETE", "N-ACTION"]],
  [sop.BasicGrayscaleImageBox, ["N-SET"]],
  [sop.BasicColorImageBox, ["N-SET"]],
  [sop.BasicAnnotationBox, ["N-SET"]],
  [sop.PrintJob, ["N-EVENT-REPORT", "N-GET"]],
  [sop.Printer, ["N-EVENT-REPORT", "N-GET"]],
  [sop.PresentationLUT, ["N-CREATE", "N-DELETE"]],
  [sop.VOILUTBox, ["N-CREATE", "N-DELETE"]],
  [sop.PrinterConfigurationRetrieval, ["N-GET"]],
];

/** PS3.4 H.3.1: the Basic Grayscale and Basic Color Print Management Meta SOP classes. */
const printMeta: readonly (readonly [string, readonly string[]])[] = [
  [
    sop.BasicGrayscalePrintManagementMeta,
    [sop.BasicFilmSession, sop.BasicFilmBox, sop.BasicGrayscaleImageBox, sop.Printer],
  ],
  [sop.BasicColorPrintManagementMeta, [sop.BasicFilmSession, sop.BasicFilmBox, sop.BasicColorImageBox, sop.Printer]],
];

/** The PS3.6 keywords of `uids`, read off the generated `sop` table (no registry built). */
function keywordsOf(uids: readonly string[]): Map<string, string> {
  const wanted = new Set(uids);
  const out = new Map<string, string>();
  for (const [keyword, uid] of Object.entries(sop)) if (wanted.has(uid)) out.set(uid, keyword);
  return out;
}

function queryModels(
  serviceClass: ServiceClassName,
  uids: readonly string[],
  keywords: ReadonlyMap<string, string>,
): (readonly [string, ServiceClassName, readonly DimseOperation[]])[] {
  return uids.map((uid) => {
    const key = keywords.get(uid) ?? "";
    const op: DimseOperation = key.endsWith("Move") ? "C-MOVE" : key.endsWith("Get") ? "C-GET" : "C-FIND";
    return [uid, serviceClass, [op]] as const;
  });
}

/** Every SOP class of the registry that is not a Storage SOP class, with its entry. */
function buildServices(): Map<string, SopClassInfo> {
  const inventory = [sop.InventoryFind, sop.InventoryMove, sop.InventoryGet];
  const protocolApproval = [
    sop.ProtocolApprovalInformationModelFind,
    sop.ProtocolApprovalInformationModelMove,
    sop.ProtocolApprovalInformationModelGet,
  ];
  const hangingProtocol = [
    sop.HangingProtocolInformationModelFind,
    sop.HangingProtocolInformationModelMove,
    sop.HangingProtocolInformationModelGet,
  ];
  const colorPalette = [
    sop.ColorPaletteQueryRetrieveInformationModelFind,
    sop.ColorPaletteQueryRetrieveInformationModelMove,
    sop.ColorPaletteQueryRetrieveInformationModelGet,
  ];
  const implantTemplate = [
    sop.GenericImplantTemplateInformationModelFind,
    sop.GenericImplantTemplateInformationModelMove,
    sop.GenericImplantTemplateInformationModelGet,
    sop.ImplantAssemblyTemplateInformationModelFind,
    sop.ImplantAssemblyTemplateInformationModelMove,
    sop.ImplantAssemblyTemplateInformationModelGet,
    sop.ImplantTemplateGroupInformationModelFind,
    sop.ImplantTemplateGroupInformationModelMove,
    sop.ImplantTemplateGroupInformationModelGet,
  ];
  const definedProcedureProtocol = [
    sop.DefinedProcedureProtocolInformationModelFind,
    sop.DefinedProcedureProtocolInformationModelMove,
    sop.DefinedProcedureProtocolInformationModelGet,
  ];
  const keywords = keywordsOf([
    ...queryRetrieveSopClasses,
    ...inventory,
    ...protocolApproval,
    ...hangingProtocol,
    ...colorPalette,
    ...implantTemplate,
    ...definedProcedureProtocol,
  ]);
  const rows: (readonly [string, ServiceClassName, readonly DimseOperation[]])[] = [
    [sop.Verification, "Verification", ["C-ECHO"]],
    ...queryModels("QueryRetrieve", queryRetrieveSopClasses, keywords),
    [sop.ModalityWorklistInformationModelFind, "BasicWorklistManagement", FIND],
    // PS3.4 F.7, F.8, F.9: MPPS, its retrieve and its notification SOP classes.
    [sop.ModalityPerformedProcedureStep, "ModalityPerformedProcedureStep", ["N-CREATE", "N-SET"]],
    [sop.ModalityPerformedProcedureStepRetrieve, "ModalityPerformedProcedureStep", ["N-GET"]],
    [sop.ModalityPerformedProcedureStepNotification, "ModalityPerformedProcedureStep", ["N-EVENT-REPORT"]],
    // PS3.4 J.3: the request is an N-ACTION, the result an N-EVENT-REPORT.
    [sop.StorageCommitmentPushModel, "StorageCommitment", ["N-ACTION", "N-EVENT-REPORT"]],
    // PS3.4 CC.2: the five UPS SOP classes.
    [sop.UnifiedProcedureStepPush, "UnifiedProcedureStep", ["N-CREATE", "N-ACTION", "N-GET"]],
    [sop.UnifiedProcedureStepWatch, "UnifiedProcedureStep", ["N-ACTION", "N-GET", "C-FIND"]],
    [sop.UnifiedProcedureStepPull, "UnifiedProcedureStep", ["C-FIND", "N-GET", "N-SET", "N-ACTION"]],
    [sop.UnifiedProcedureStepEvent, "UnifiedProcedureStep", ["N-EVENT-REPORT"]],
    [sop.UnifiedProcedureStepQuery, "UnifiedProcedureStep", FIND],
    ...printClasses.map(([uid, ops]) => [uid, "PrintManagement", ops] as const),
    // PS3.4 EE.3: the Display System SOP class is read with N-GET.
    [sop.DisplaySystem, "DisplaySystemManagement", ["N-GET"]],
    // PS3.4 P.3: events are logged with N-ACTION.
    [sop.ProceduralEventLogging, "ApplicationEventLogging", ["N-ACTION"]],
    [sop.SubstanceAdministrationLogging, "ApplicationEventLogging", ["N-ACTION"]],
    // PS3.4 R.3: availability is notified with N-CREATE.
    [sop.InstanceAvailabilityNotification, "InstanceAvailabilityNotification", ["N-CREATE"]],
    // PS3.4 S.3: N-CREATE the request, N-ACTION initiate/cancel, N-GET its state.
    [sop.MediaCreationManagement, "MediaCreationManagement", ["N-CREATE", "N-ACTION", "N-GET"]],
    // PS3.4 DD.3: every DIMSE-N operation.
    [sop.RTConventionalMachineVerification, "RTMachineVerification", ALL_N],
    [sop.RTIonMachineVerification, "RTMachineVerification", ALL_N],
    // The Inventory information model (C-FIND/C-MOVE/C-GET) and the Repository Query.
    ...queryModels("Inventory", inventory, keywords),
    [sop.RepositoryQuery, "Inventory", FIND],
    // PS3.4 KK.2: Inventory Creation is requested by N-ACTION and reported by N-EVENT-REPORT.
    [sop.InventoryCreation, "StorageManagement", ["N-ACTION", "N-EVENT-REPORT"]],
    ...queryModels("ProtocolApproval", protocolApproval, keywords),
    [sop.ProductCharacteristicsQuery, "SubstanceAdministrationQuery", FIND],
    [sop.SubstanceApprovalQuery, "SubstanceAdministrationQuery", FIND],
    [sop.GeneralRelevantPatientInformationQuery, "RelevantPatientInformationQuery", FIND],
    [sop.BreastImagingRelevantPatientInformationQuery, "RelevantPatientInformationQuery", FIND],
    [sop.CardiacRelevantPatientInformationQuery, "RelevantPatientInformationQuery", FIND],
    ...queryModels("HangingProtocolQueryRetrieve", hangingProtocol, keywords),
    ...queryModels("ColorPaletteQueryRetrieve", colorPalette, keywords),
    ...queryModels("ImplantTemplateQueryRetrieve", implantTemplate, keywords),
    ...queryModels("DefinedProcedureProtocolQueryRetrieve", definedProcedureProtocol, keywords),
  ];
  const map = new Map<string, SopClassInfo>();
  for (const [uid, serviceClass, operations] of rows) map.set(uid, Object.freeze({ uid, serviceClass, operations }));
  for (const [uid, members] of printMeta) {
    const operations = [...new Set(members.flatMap((m) => map.get(m)?.operations ?? []))];
    map.set(uid, Object.freeze({ uid, serviceClass: "PrintManagement", operations, members }));
  }
  return map;
}

const STORE: readonly DimseOperation[] = ["C-STORE"];

/** The non-storage entries, built on the first lookup (a few dozen rows, no UID registry). */
let services: Map<string, SopClassInfo> | undefined;
/** The entries of the Storage SOP classes looked up so far (at most one per registry row). */
const storageEntries = new Map<string, SopClassInfo>();

/**
 * The entry of `uid`. A lookup, what every request of an SCP makes, builds only the small table
 * of non-storage SOP classes and decides "Storage" for the one UID asked about: the whole table
 * (the UID registry read and filtered, ~1.8 ms) is made only for {@link sopClassesOf}, not on
 * the first C-ECHO or C-STORE a server answers.
 */
function lookup(uid: string): SopClassInfo | undefined {
  services ??= buildServices();
  const known = services.get(uid);
  if (known !== undefined) return known;
  let entry = storageEntries.get(uid);
  if (entry === undefined && isStorageSopClass(uid)) {
    entry = Object.freeze({ uid, serviceClass: "Storage", operations: STORE });
    storageEntries.set(uid, entry);
  }
  return entry;
}

/** The whole registry, storage classes first (registry order), then the others. */
let registry: Map<string, SopClassInfo> | undefined;

function table(): Map<string, SopClassInfo> {
  if (registry === undefined) {
    const map = new Map<string, SopClassInfo>();
    for (const uid of storageSopClasses()) map.set(uid, lookup(uid) as SopClassInfo);
    // The non-storage rows win over a storage row of the same UID, as in lookup().
    for (const [uid, info] of (services ??= buildServices())) map.set(uid, info);
    registry = map;
  }
  return registry;
}

/** The registry entry of a SOP class (or meta SOP class), or undefined when netdicom does not know it. */
export function sopClassInfo(uid: string): SopClassInfo | undefined {
  return lookup(uid);
}

/**
 * The service class of a SOP class UID (pynetdicom's `uid_to_service_class`, by name): undefined
 * for a UID netdicom does not know. The Storage Service Class UID itself (1.2.840.10008.4.2)
 * answers "Storage" as pynetdicom's does.
 */
export function uidToServiceClass(uid: string): ServiceClassName | undefined {
  if (uid === "1.2.840.10008.4.2") return "Storage";
  return lookup(uid)?.serviceClass;
}

/** Every SOP class of `serviceClass`, in registry order (storage classes: retired ones included). */
export function sopClassesOf(serviceClass: ServiceClassName): string[] {
  return [...table().values()].filter((e) => e.serviceClass === serviceClass).map((e) => e.uid);
}

/** The operation a request command field stands for (PS3.7 E.1), or undefined for a response or C-CANCEL. */
export function operationOf(commandField: number): DimseOperation | undefined {
  return OPS.get(commandField);
}

const OPS = new Map<number, DimseOperation>([
  [0x0001, "C-STORE"],
  [0x0010, "C-GET"],
  [0x0020, "C-FIND"],
  [0x0021, "C-MOVE"],
  [0x0030, "C-ECHO"],
  [0x0100, "N-EVENT-REPORT"],
  [0x0110, "N-GET"],
  [0x0120, "N-SET"],
  [0x0130, "N-ACTION"],
  [0x0140, "N-CREATE"],
  [0x0150, "N-DELETE"],
]);

/**
 * Whether a request for `sopClassUid` may come on a context of `abstractSyntax`: the same UID,
 * or a meta SOP class whose members include it (PS3.4 H.3.1: one context for the whole print
 * session).
 */
export function sopClassFitsContext(sopClassUid: string, abstractSyntax: string | undefined): boolean {
  if (sopClassUid === abstractSyntax) return true;
  if (abstractSyntax === undefined) return false;
  return lookup(abstractSyntax)?.members?.includes(sopClassUid) === true;
}

/**
 * The refusal status for `operation` on `sopClassUid`, or undefined when it is allowed: a SOP
 * class netdicom knows but whose service class has no such operation answers 0x0211
 * (Unrecognized operation, PS3.7 C.5.7). Unknown (private) SOP classes are left to the service.
 */
export function operationRefusal(commandField: number, sopClassUid: string): number | undefined {
  const op = operationOf(commandField);
  if (op === undefined) return undefined;
  // A Storage SOP class has C-STORE alone, and no other service class lists one (see the tests):
  // the C-STOREs of a storage SCP need no table of the other service classes.
  if (op === "C-STORE" && isStorageSopClass(sopClassUid)) return undefined;
  const info = lookup(sopClassUid);
  if (info === undefined) return undefined;
  return info.operations.includes(op) ? undefined : 0x0211;
}
