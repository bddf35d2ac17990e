// The status codes of PS3.7 Annex C and of the PS3.4 service classes, with their meanings.
// Category is not stored: it follows from the code alone (see category() in status.ts).

/** A status row: code and meaning. */
export type StatusRow = readonly [code: number, meaning: string];
/** A status range row: first code, last code, meaning (e.g. PS3.4 B.2.3's A7xx). */
export type StatusRange = readonly [first: number, last: number, meaning: string];

/** One service class's statuses, consulted before the general ones. */
export interface ServiceStatuses {
  readonly name: string;
  readonly codes: ReadonlyMap<number, string>;
  readonly ranges: readonly StatusRange[];
}

/** PS3.7 Annex C: the statuses any DIMSE service may return. */
export const generalStatuses: ReadonlyMap<number, string> = new Map<number, string>([
  [0x0000, "Success"],
  [0xfe00, "Cancel"],
  [0xff00, "Pending"],
  [0xff01, "Pending: warning"],
  [0x0001, "Warning: requested optional attributes are not supported"],
  [0x0105, "No such attribute"],
  [0x0106, "Invalid attribute value"],
  [0x0107, "Attribute list error"],
  [0x0110, "Processing failure"],
  [0x0111, "Duplicate SOP Instance"],
  [0x0112, "No such SOP Instance"],
  [0x0113, "No such event type"],
  [0x0114, "No such argument"],
  [0x0115, "Invalid argument value"],
  [0x0116, "Attribute value out of range"],
  [0x0117, "Invalid SOP Instance"],
  [0x0118, "No such SOP Class"],
  [0x0119, "Class-instance conflict"],
  [0x0120, "Missing attribute"],
  [0x0121, "Missing attribute value"],
  [0x0122, "Refused: SOP Class not supported"],
  [0x0123, "No such action"],
  [0x0124, "Refused: not authorized"],
  [0x0210, "Duplicate invocation"],
  [0x0211, "Unrecognized operation"],
  [0x0212, "Mistyped argument"],
  [0x0213, "Resource limitation"],
]);

function service(name: string, codes: readonly StatusRow[], ranges: readonly StatusRange[] = []): ServiceStatuses {
  return { name, codes: new Map(codes), ranges };
}

const unableToProcess: StatusRange = [0xc000, 0xcfff, "Failed: unable to process"];

/** PS3.4 B.2.3 (and GG for non-patient objects): Storage. */
const storage = service(
  "Storage",
  [
    [0xb000, "Warning: coercion of data elements"],
    [0xb006, "Warning: elements discarded"],
    [0xb007, "Warning: data set does not match SOP Class"],
  ],
  [
    [0xa700, 0xa7ff, "Refused: out of resources"],
    [0xa900, 0xa9ff, "Error: data set does not match SOP Class"],
    [0xc000, 0xcfff, "Error: cannot understand"],
  ],
);

/** PS3.4 C.4.1.1.4 (and the FIND of Hanging Protocol, Color Palette, Implant Template… U, X, BB, HH). */
const find = service(
  "Query/Retrieve - FIND",
  [
    [0xa700, "Refused: out of resources"],
    [0xa900, "Failed: identifier does not match SOP Class"],
    [0xfe00, "Cancel: matching terminated due to cancel request"],
    [0x0000, "Success: matching is complete"],
    [0xff00, "Pending: matches are continuing, current match supplied and any optional keys were supported"],
    [0xff01, "Pending: matches are continuing, warning that one or more optional keys were not supported"],
  ],
  [unableToProcess],
);

const retrieveCommon: readonly StatusRow[] = [
  [0xa701, "Refused: out of resources, unable to calculate number of matches"],
  [0xa702, "Refused: out of resources, unable to perform sub-operations"],
  [0xa900, "Failed: identifier does not match SOP Class"],
  // PS3.4 C.4.3.1.4 / Y: frame-level and composite-instance-root retrieve.
  [0xaa00, "Failed: none of the frames requested were found in the SOP Instance"],
  [0xaa01, "Failed: unable to create new object for this SOP Class"],
  [0xaa02, "Failed: unable to extract frames"],
  [0xaa03, "Failed: time-based request received for a non-time-based original SOP Instance"],
  [0xaa04, "Failed: invalid request"],
  [0xfe00, "Cancel: sub-operations terminated due to cancel indication"],
  [0xb000, "Warning: sub-operations complete, one or more failures or warnings"],
  [0x0000, "Success: sub-operations complete, no failures"],
  [0xff00, "Pending: sub-operations are continuing"],
];

/** PS3.4 C.4.2.1.5: C-MOVE. */
const move = service(
  "Query/Retrieve - MOVE",
  [...retrieveCommon, [0xa801, "Refused: move destination unknown"]],
  [unableToProcess],
);

/** PS3.4 C.4.3.1.4: C-GET. */
const get = service("Query/Retrieve - GET", retrieveCommon, [unableToProcess]);

/** PS3.4 K.4.1.1.4: Modality Worklist. */
const worklist = service(
  "Basic Worklist Management",
  [
    [0xa700, "Refused: out of resources"],
    [0xa900, "Failed: identifier does not match SOP Class"],
    [0xfe00, "Cancel: matching terminated due to cancel request"],
    [0x0000, "Success: matching is complete"],
    [0xff00, "Pending: matches are continuing, current match supplied and any optional keys were supported"],
    [0xff01, "Pending: matches are continuing, warning that one or more optional keys were not supported"],
  ],
  [unableToProcess],
);

/** PS3.4 Q: Relevant Patient Information Query. */
const relevantPatient = service("Relevant Patient Information Query", [
  [0xa700, "Refused: out of resources"],
  [0xa900, "Failed: identifier does not match SOP Class"],
  [0xc000, "Failed: unable to process"],
  [0xc100, "Failed: more than one match found"],
  [0xc200, "Failed: unable to support requested template"],
  [0xff00, "Pending: current match is supplied"],
]);

/** PS3.4 F.7/F.8: Modality Performed Procedure Step. */
const mpps = service("Modality Performed Procedure Step", [
  [0x0110, "Failed: Performed Procedure Step object may no longer be updated"],
]);

/** PS3.4 J: Storage Commitment (general statuses only). */
const storageCommitment = service("Storage Commitment", []);

/** PS3.4 A: Verification (general statuses only). */
const verification = service("Verification", []);

/** PS3.4 H: Print Management. */
const print = service("Print Management", [
  [0xb600, "Warning: memory allocation not supported"],
  [0xb601, "Warning: film session printing (collation) is not supported"],
  [0xb602, "Warning: Film Session SOP Instance hierarchy does not contain Image Box SOP Instances (empty page)"],
  [0xb603, "Warning: Film Box SOP Instance hierarchy does not contain Image Box SOP Instances (empty page)"],
  [0xb604, "Warning: image size is larger than image box size, the image has been demagnified"],
  [0xb605, "Warning: requested min or max density outside of printer's operating range, the printer's own is used"],
  [0xb609, "Warning: image size is larger than image box size, the image has been cropped to fit"],
  [0xb60a, "Warning: image size or combined print image size is larger than image box size, decimated to fit"],
  [0xc600, "Failed: Film Session SOP Instance hierarchy does not contain Film Box SOP Instances"],
  [0xc601, "Failed: unable to create Print Job SOP Instance; print queue is full"],
  [0xc602, "Failed: unable to create Print Job SOP Instance; print queue is full"],
  [0xc603, "Failed: image size is larger than image box size"],
  [0xc605, "Failed: insufficient memory in printer to store the image"],
  [0xc613, "Failed: combined print image size is larger than image box size"],
  [0xc616, "Failed: an existing film box has not been printed and N-ACTION at the film session level is not supported"],
]);

/** PS3.4 S: Media Creation Management. */
const mediaCreation = service("Media Creation Management", [
  [0xa510, "Failed: an Initiate Media Creation action has already been received for this SOP Instance"],
  [0xc201, "Failed: media creation request already completed"],
  [0xc202, "Failed: media creation request already in progress and cannot be interrupted"],
  [0xc203, "Failed: cancellation denied for unspecified reason"],
]);

/** PS3.4 P: Application Event Logging (Procedural Event, Substance Administration Logging). */
const applicationEventLogging = service("Application Event Logging", [
  [0xb101, "Warning: specified Synchronization Frame of Reference UID does not match SCP's"],
  [0xb102, "Warning: Study Instance UID coercion; event logged under a different Study Instance UID"],
  [0xb104, "Warning: IDs inconsistent in matching a current study; event logged"],
  [0xc101, "Failed: procedural logging not available for specified Study Instance UID"],
  [0xc102, "Failed: event information does not match template"],
  [0xc103, "Failed: cannot match event to a current study"],
  [0xc104, "Failed: IDs inconsistent in matching a current study; event not logged"],
  [0xc10e, "Failed: operator not authorized to add entry to Medication Administration Record"],
  [0xc110, "Failed: patient cannot be identified from Patient ID or Admission ID"],
  [0xc111, "Failed: update of Medication Administration Record failed"],
]);

/** PS3.4 CC.2: Unified Procedure Step. */
const ups = service(
  "Unified Procedure Step",
  [
    [0xa700, "Refused: out of resources"],
    [0xa900, "Failed: identifier does not match SOP Class"],
    [0xb300, "Warning: the UPS was created with modifications"],
    [0xb301, "Warning: deletion lock not granted"],
    [0xb304, "Warning: the UPS is already in the requested state of CANCELED"],
    [0xb305, "Warning: coerced invalid values to valid values"],
    [0xb306, "Warning: the UPS is already in the requested state of COMPLETED"],
    [0xc300, "Failed: the UPS may no longer be updated"],
    [0xc301, "Failed: the correct Transaction UID was not provided"],
    [0xc302, "Failed: the UPS is already IN PROGRESS"],
    [0xc303, "Failed: the UPS may only become SCHEDULED via N-CREATE, not N-SET or N-ACTION"],
    [0xc304, "Failed: the UPS has not met final state requirements for the requested state change"],
    [0xc307, "Failed: specified SOP Instance UID does not exist or is not a UPS Instance managed by this SCP"],
    [0xc308, "Failed: receiving AE title is unknown to this SCP"],
    [0xc309, "Failed: the provided value of UPS State was not SCHEDULED"],
    [0xc310, "Failed: the UPS is not yet in the IN PROGRESS state"],
    [0xc311, "Failed: the UPS is already COMPLETED"],
    [0xc312, "Failed: the performer cannot be contacted"],
    [0xc313, "Failed: performer chooses not to cancel"],
    [0xc314, "Failed: specified action is not appropriate for specified instance"],
    [0xc315, "Failed: SCP does not support event reports"],
    [0xfe00, "Cancel: matching terminated due to cancel request"],
    [0xff00, "Pending: matches are continuing, current match supplied and any optional keys were supported"],
    [0xff01, "Pending: matches are continuing, warning that one or more optional keys were not supported"],
  ],
  [unableToProcess],
);

/** PS3.4 DD: RT Machine Verification. */
const rtMachineVerification = service("RT Machine Verification", [
  [0xc112, "Failed: no such object instance, applicable Machine Verification instance not found"],
  [0xc221, "Failed: the Referenced Fraction Group Number does not exist in the referenced plan"],
  [0xc222, "Failed: no beams exist within the referenced fraction group"],
  [0xc223, "Failed: SCU already verifying and cannot currently process this request"],
  [0xc224, "Failed: Referenced Beam Number not found within the referenced Fraction Group"],
  [0xc225, "Failed: referenced device or accessory not supported"],
  [0xc226, "Failed: referenced device or accessory not found within the referenced beam"],
  [0xc227, "Failed: no such object instance, Referenced RT Plan not found"],
]);

/** When nothing tells which service answered: the meanings the common services share. */
const anyService = service(
  "",
  [
    [0xa801, "Refused: move destination unknown"],
    [0xb000, "Warning: coercion of data elements (C-STORE) or sub-operations complete with failures (C-GET, C-MOVE)"],
    [0xb006, "Warning: elements discarded"],
    [0xb007, "Warning: data set does not match SOP Class"],
  ],
  [
    [0xa700, 0xa7ff, "Refused: out of resources"],
    [0xa900, 0xa9ff, "Failed: data set or identifier does not match SOP Class"],
    [0xc000, 0xcfff, "Failed: cannot understand or unable to process"],
  ],
);

/** The service tables, by key. */
export const serviceStatuses = {
  storage,
  find,
  move,
  get,
  worklist,
  relevantPatient,
  mpps,
  storageCommitment,
  verification,
  print,
  mediaCreation,
  applicationEventLogging,
  ups,
  rtMachineVerification,
  anyService,
} as const;

/** A key of {@link serviceStatuses}. */
export type ServiceKey = keyof typeof serviceStatuses;

/** SOP classes whose service has its own statuses, when the command field alone does not tell (PS3.4). */
export const serviceBySopClass: ReadonlyMap<string, ServiceKey> = new Map<string, ServiceKey>([
  ["1.2.840.10008.1.1", "verification"],
  ["1.2.840.10008.1.20.1", "storageCommitment"],
  ["1.2.840.10008.3.1.2.3.3", "mpps"],
  ["1.2.840.10008.5.1.4.31", "worklist"],
  ["1.2.840.10008.5.1.4.37.1", "relevantPatient"],
  ["1.2.840.10008.5.1.4.37.2", "relevantPatient"],
  ["1.2.840.10008.5.1.4.37.3", "relevantPatient"],
  ["1.2.840.10008.5.1.1.1", "print"],
  ["1.2.840.10008.5.1.1.2", "print"],
  ["1.2.840.10008.5.1.1.4", "print"],
  ["1.2.840.10008.5.1.1.4.1", "print"],
  ["1.2.840.10008.5.1.1.9", "print"],
  ["1.2.840.10008.5.1.1.14", "print"],
  ["1.2.840.10008.5.1.1.16", "print"],
  ["1.2.840.10008.5.1.1.18", "print"],
  ["1.2.840.10008.5.1.1.23", "print"],
  ["1.2.840.10008.5.1.1.33", "mediaCreation"],
  ["1.2.840.10008.1.40", "applicationEventLogging"],
  ["1.2.840.10008.1.42", "applicationEventLogging"],
  ["1.2.840.10008.5.1.4.34.6.1", "ups"],
  ["1.2.840.10008.5.1.4.34.6.2", "ups"],
  ["1.2.840.10008.5.1.4.34.6.3", "ups"],
  ["1.2.840.10008.5.1.4.34.6.4", "ups"],
  ["1.2.840.10008.5.1.4.34.6.5", "ups"],
  ["1.2.840.10008.5.1.4.34.8", "rtMachineVerification"],
  ["1.2.840.10008.5.1.4.34.9", "rtMachineVerification"],
]);
