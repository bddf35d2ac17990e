// Ready-made presentation contexts per service class (pynetdicom's `…PresentationContexts`
// lists), from the SOP class registry so they cannot drift from what the SCP dispatch accepts.
import { buildContext, type PresentationContext } from "../acse/index.js";
import { type ServiceClassName, sopClassesOf } from "./registry.js";

/** Fresh contexts (default transfer syntaxes) for every SOP class of `serviceClass` in the registry. */
export function serviceClassPresentationContexts(serviceClass: ServiceClassName): PresentationContext[] {
  return sopClassesOf(serviceClass).map((uid) => buildContext(uid));
}

/** Modality Performed Procedure Step, its Retrieve and Notification SOP classes (PS3.4 F). */
export function modalityPerformedProcedureStepPresentationContexts(): PresentationContext[] {
  return serviceClassPresentationContexts("ModalityPerformedProcedureStep");
}
/** Storage Commitment Push Model (PS3.4 J). */
export function storageCommitmentPresentationContexts(): PresentationContext[] {
  return serviceClassPresentationContexts("StorageCommitment");
}
/** The UPS Push, Watch, Pull, Event and Query SOP classes (PS3.4 CC). */
export function unifiedProcedureStepPresentationContexts(): PresentationContext[] {
  return serviceClassPresentationContexts("UnifiedProcedureStep");
}
/** The Print Management SOP and meta SOP classes (PS3.4 H). */
export function printManagementPresentationContexts(): PresentationContext[] {
  return serviceClassPresentationContexts("PrintManagement");
}
/** Display System (PS3.4 EE). */
export function displaySystemPresentationContexts(): PresentationContext[] {
  return serviceClassPresentationContexts("DisplaySystemManagement");
}
/** Procedural Event Logging and Substance Administration Logging (PS3.4 P). */
export function applicationEventLoggingPresentationContexts(): PresentationContext[] {
  return serviceClassPresentationContexts("ApplicationEventLogging");
}
/** Instance Availability Notification (PS3.4 R). */
export function instanceAvailabilityPresentationContexts(): PresentationContext[] {
  return serviceClassPresentationContexts("InstanceAvailabilityNotification");
}
/** Media Creation Management (PS3.4 S). */
export function mediaCreationManagementPresentationContexts(): PresentationContext[] {
  return serviceClassPresentationContexts("MediaCreationManagement");
}
/** RT Conventional and Ion Machine Verification (PS3.4 DD). */
export function rtMachineVerificationPresentationContexts(): PresentationContext[] {
  return serviceClassPresentationContexts("RTMachineVerification");
}
/** Inventory FIND/MOVE/GET and Repository Query. */
export function inventoryPresentationContexts(): PresentationContext[] {
  return serviceClassPresentationContexts("Inventory");
}
/** Inventory Creation (Storage Management, PS3.4 KK). */
export function storageManagementPresentationContexts(): PresentationContext[] {
  return serviceClassPresentationContexts("StorageManagement");
}
/** Protocol Approval FIND/MOVE/GET. */
export function protocolApprovalPresentationContexts(): PresentationContext[] {
  return serviceClassPresentationContexts("ProtocolApproval");
}
/** Product Characteristics and Substance Approval Query (PS3.4 V). */
export function substanceAdministrationPresentationContexts(): PresentationContext[] {
  return serviceClassPresentationContexts("SubstanceAdministrationQuery");
}
/** The three Relevant Patient Information Query SOP classes (PS3.4 Q). */
export function relevantPatientInformationPresentationContexts(): PresentationContext[] {
  return serviceClassPresentationContexts("RelevantPatientInformationQuery");
}
