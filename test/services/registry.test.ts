// The SOP class → service class registry (pynetdicom's uid_to_service_class) and the context
// lists built from it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { sop, storageSopClasses, uidEntry } from "../../src/dataset/uids.js";
import {
  operationOf,
  operationRefusal,
  sopClassesOf,
  sopClassFitsContext,
  sopClassInfo,
  uidToServiceClass,
} from "../../src/services/registry.js";
import {
  modalityPerformedProcedureStepPresentationContexts,
  printManagementPresentationContexts,
  serviceClassPresentationContexts,
  storageCommitmentPresentationContexts,
  unifiedProcedureStepPresentationContexts,
} from "../../src/services/service-contexts.js";

test("uidToServiceClass: one SOP class of each service class", () => {
  const cases: [string, string][] = [
    [sop.Verification, "Verification"],
    [sop.CTImageStorage, "Storage"],
    ["1.2.840.10008.4.2", "Storage"],
    [sop.StudyRootQueryRetrieveInformationModelMove, "QueryRetrieve"],
    [sop.ModalityWorklistInformationModelFind, "BasicWorklistManagement"],
    [sop.ModalityPerformedProcedureStepNotification, "ModalityPerformedProcedureStep"],
    [sop.StorageCommitmentPushModel, "StorageCommitment"],
    [sop.UnifiedProcedureStepEvent, "UnifiedProcedureStep"],
    [sop.BasicColorPrintManagementMeta, "PrintManagement"],
    [sop.DisplaySystem, "DisplaySystemManagement"],
    [sop.SubstanceAdministrationLogging, "ApplicationEventLogging"],
    [sop.InstanceAvailabilityNotification, "InstanceAvailabilityNotification"],
    [sop.MediaCreationManagement, "MediaCreationManagement"],
    [sop.RTIonMachineVerification, "RTMachineVerification"],
    [sop.InventoryFind, "Inventory"],
    [sop.InventoryCreation, "StorageManagement"],
    [sop.ProtocolApprovalInformationModelGet, "ProtocolApproval"],
    [sop.SubstanceApprovalQuery, "SubstanceAdministrationQuery"],
    [sop.CardiacRelevantPatientInformationQuery, "RelevantPatientInformationQuery"],
    [sop.HangingProtocolInformationModelFind, "HangingProtocolQueryRetrieve"],
  ];
  for (const [uid, name] of cases) assert.equal(uidToServiceClass(uid), name, uid);
  assert.equal(uidToServiceClass("1.2.3.4.5"), undefined);
});

test("registry: every Storage SOP class is C-STORE only; every current non-storage SOP class of PS3.6 is known", () => {
  for (const uid of storageSopClasses()) assert.deepEqual(sopClassInfo(uid)?.operations, ["C-STORE"], uid);
  // The registry's SOP classes that are neither storage nor retired nor real-time video (PS3.22, not DIMSE).
  const storage = new Set(storageSopClasses());
  const missing = Object.values(sop).filter((uid) => {
    const e = uidEntry(uid);
    return e?.type === "SOP Class" && !e.retired && !storage.has(uid) && !uid.startsWith("1.2.840.10008.10.");
  });
  assert.deepEqual(
    missing.filter((uid) => sopClassInfo(uid) === undefined),
    [],
  );
});

test("registry: operations by SOP class (PS3.4 F, J, CC, H)", () => {
  assert.deepEqual(sopClassInfo(sop.ModalityPerformedProcedureStep)?.operations, ["N-CREATE", "N-SET"]);
  assert.deepEqual(sopClassInfo(sop.StorageCommitmentPushModel)?.operations, ["N-ACTION", "N-EVENT-REPORT"]);
  assert.equal(operationRefusal(0x0120, sop.UnifiedProcedureStepPull), undefined); // N-SET on Pull
  assert.equal(operationRefusal(0x0120, sop.UnifiedProcedureStepPush), 0x0211);
  assert.equal(operationRefusal(0x0001, sop.ModalityPerformedProcedureStep), 0x0211); // C-STORE
  assert.equal(operationRefusal(0x0001, "1.2.3.4.5"), undefined); // unknown (private) classes are left alone
  assert.equal(operationOf(0x8120), undefined);
  assert.equal(operationOf(0x0fff), undefined);
  // A meta SOP class has its members' operations and lets them share its context.
  assert.deepEqual(sopClassInfo(sop.BasicGrayscalePrintManagementMeta)?.members, [
    sop.BasicFilmSession,
    sop.BasicFilmBox,
    sop.BasicGrayscaleImageBox,
    sop.Printer,
  ]);
  assert.equal(sopClassFitsContext(sop.Printer, sop.BasicColorPrintManagementMeta), true);
  assert.equal(sopClassFitsContext(sop.BasicGrayscaleImageBox, sop.BasicColorPrintManagementMeta), false);
  assert.equal(sopClassFitsContext(sop.CTImageStorage, sop.CTImageStorage), true);
  assert.equal(sopClassFitsContext(sop.CTImageStorage, undefined), false);
});

test("context lists: one context per SOP class of the service class", () => {
  assert.deepEqual(
    modalityPerformedProcedureStepPresentationContexts().map((c) => c.abstractSyntax),
    [
      sop.ModalityPerformedProcedureStep,
      sop.ModalityPerformedProcedureStepRetrieve,
      sop.ModalityPerformedProcedureStepNotification,
    ],
  );
  assert.deepEqual(
    storageCommitmentPresentationContexts().map((c) => c.abstractSyntax),
    [sop.StorageCommitmentPushModel],
  );
  assert.equal(unifiedProcedureStepPresentationContexts().length, 5);
  const print = printManagementPresentationContexts().map((c) => c.abstractSyntax);
  assert.ok(print.includes(sop.BasicGrayscalePrintManagementMeta));
  assert.ok(print.includes(sop.PresentationLUT));
  assert.equal(print.length, sopClassesOf("PrintManagement").length);
  const fresh = serviceClassPresentationContexts("DisplaySystemManagement");
  assert.equal(fresh[0]?.abstractSyntax, sop.DisplaySystem);
  assert.ok((fresh[0]?.transferSyntaxes.length ?? 0) > 0);
});

test("operationRefusal: the same answers whichever lookup comes first (storage and other classes)", () => {
  assert.equal(operationRefusal(0x0001, sop.CTImageStorage), undefined);
  assert.equal(operationRefusal(0x0030, sop.CTImageStorage), 0x0211); // C-ECHO on a storage class
  assert.equal(operationRefusal(0x0001, sop.Verification), 0x0211); // C-STORE on Verification
  assert.equal(operationRefusal(0x0030, sop.Verification), undefined);
  assert.equal(operationRefusal(0x0001, "1.2.3.4.5"), undefined); // unknown: left to the service
  assert.equal(operationRefusal(0x8001, sop.CTImageStorage), undefined); // a response: no operation
  // The entries of the lookups and of the whole table are the same objects.
  assert.equal(sopClassInfo(sop.CTImageStorage)?.serviceClass, "Storage");
  assert.ok(sopClassesOf("Storage").includes(sop.CTImageStorage));
  assert.deepEqual(sopClassesOf("Verification"), [sop.Verification]);
});
