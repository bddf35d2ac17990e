import type { CommandFieldValue } from "./command-field.js";

/**
 * A decoded or to-be-encoded command set (PS3.7 9.3 / 10.3 tables; the group 0000 elements by
 * their PS3.7 names). Absent fields are left out of the encoding.
 */
export interface DimseCommand {
  /** Command Field (0000,0100): which message (C-STORE-RQ 0x0001, C-STORE-RSP 0x8001…, PS3.7 E.1). */
  readonly commandField: CommandFieldValue;
  /** CommandDataSetType (0000,0800) != 0101H (PS3.7 E.1: 0101H means no data set). */
  readonly hasDataset: boolean;
  /** Message ID (0000,0110) of a request. */
  readonly messageId?: number;
  /** Message ID Being Responded To (0000,0120) of a response. */
  readonly messageIdBeingRespondedTo?: number;
  /** Affected SOP Class UID (0000,0002). */
  readonly affectedSopClassUid?: string;
  /** Requested SOP Class UID (0000,0003). */
  readonly requestedSopClassUid?: string;
  /** Affected SOP Instance UID (0000,1000). */
  readonly affectedSopInstanceUid?: string;
  /** Requested SOP Instance UID (0000,1001). */
  readonly requestedSopInstanceUid?: string;
  /** Priority (0000,0700): 0 medium, 1 high, 2 low. */
  readonly priority?: number;
  /** Status (0000,0900) of a response. */
  readonly status?: number;
  /** Move Destination (0000,0600) of a C-MOVE-RQ. */
  readonly moveDestination?: string;
  /** Move Originator Application Entity Title (0000,1030) of a C-STORE caused by a C-MOVE. */
  readonly moveOriginatorApplicationEntityTitle?: string;
  /** Move Originator Message ID (0000,1031). */
  readonly moveOriginatorMessageId?: number;
  /** Number of Remaining Sub-operations (0000,1020). */
  readonly numberOfRemainingSuboperations?: number;
  /** Number of Completed Sub-operations (0000,1021). */
  readonly numberOfCompletedSuboperations?: number;
  /** Number of Failed Sub-operations (0000,1022). */
  readonly numberOfFailedSuboperations?: number;
  /** Number of Warning Sub-operations (0000,1023). */
  readonly numberOfWarningSuboperations?: number;
  /** Error Comment (0000,0902). */
  readonly errorComment?: string;
  /** Error ID (0000,0903). */
  readonly errorId?: number;
  /** Tags as group << 16 | element. */
  readonly offendingElement?: readonly number[];
  /** Event Type ID (0000,1002) of an N-EVENT-REPORT. */
  readonly eventTypeId?: number;
  /** Action Type ID (0000,1008) of an N-ACTION. */
  readonly actionTypeId?: number;
  /** Tags as group << 16 | element. */
  readonly attributeIdentifierList?: readonly number[];
}

/** The optional fields of a command: every field but the command field and the data set flag. */
export type CommandKey = Exclude<keyof DimseCommand, "commandField" | "hasDataset">;

/** The value representations the command elements use (PS3.7 E.1). */
export type CommandVr = "UI" | "US" | "AE" | "AT" | "LO";

/** One element of the command group: its element number in group 0000, field, VR and PS3.7 name. */
export interface CommandElement {
  readonly element: number;
  readonly key: CommandKey;
  readonly vr: CommandVr;
  readonly name: string;
}

/**
 * The command elements netdicom reads and writes, in ascending tag order (the order they are
 * encoded in, PS3.5 7.1). CommandField and CommandDataSetType are written separately.
 */
export const commandElements: readonly CommandElement[] = [
  { element: 0x0002, key: "affectedSopClassUid", vr: "UI", name: "Affected SOP Class UID" },
  { element: 0x0003, key: "requestedSopClassUid", vr: "UI", name: "Requested SOP Class UID" },
  { element: 0x0110, key: "messageId", vr: "US", name: "Message ID" },
  { element: 0x0120, key: "messageIdBeingRespondedTo", vr: "US", name: "Message ID Being Responded To" },
  { element: 0x0600, key: "moveDestination", vr: "AE", name: "Move Destination" },
  { element: 0x0700, key: "priority", vr: "US", name: "Priority" },
  { element: 0x0900, key: "status", vr: "US", name: "Status" },
  { element: 0x0901, key: "offendingElement", vr: "AT", name: "Offending Element" },
  { element: 0x0902, key: "errorComment", vr: "LO", name: "Error Comment" },
  { element: 0x0903, key: "errorId", vr: "US", name: "Error ID" },
  { element: 0x1000, key: "affectedSopInstanceUid", vr: "UI", name: "Affected SOP Instance UID" },
  { element: 0x1001, key: "requestedSopInstanceUid", vr: "UI", name: "Requested SOP Instance UID" },
  { element: 0x1002, key: "eventTypeId", vr: "US", name: "Event Type ID" },
  { element: 0x1005, key: "attributeIdentifierList", vr: "AT", name: "Attribute Identifier List" },
  { element: 0x1008, key: "actionTypeId", vr: "US", name: "Action Type ID" },
  { element: 0x1020, key: "numberOfRemainingSuboperations", vr: "US", name: "Number of Remaining Sub-operations" },
  { element: 0x1021, key: "numberOfCompletedSuboperations", vr: "US", name: "Number of Completed Sub-operations" },
  { element: 0x1022, key: "numberOfFailedSuboperations", vr: "US", name: "Number of Failed Sub-operations" },
  { element: 0x1023, key: "numberOfWarningSuboperations", vr: "US", name: "Number of Warning Sub-operations" },
  {
    element: 0x1030,
    key: "moveOriginatorApplicationEntityTitle",
    vr: "AE",
    name: "Move Originator Application Entity Title",
  },
  { element: 0x1031, key: "moveOriginatorMessageId", vr: "US", name: "Move Originator Message ID" },
];

/** Element numbers of the two elements every command carries (PS3.7 E.1). */
export const CommandFieldElement = 0x0100;
/** CommandDataSetType (0000,0800). */
export const CommandDataSetTypeElement = 0x0800;
/** PS3.7 E.1: CommandDataSetType 0101H means "no data set"; any other value means one follows. */
export const NoDataSet = 0x0101;
/** The value netdicom writes when a data set follows (DCMTK storescu sends it too: test/dimse/dcmtk.test.ts). */
export const DataSetPresent = 0x0001;

/** `(0000,xxxx)` for an element number of group 0000, or `(gggg,eeee)` for a full tag. */
export function formatTag(tag: number): string {
  const g = (tag >>> 16).toString(16).padStart(4, "0");
  const e = (tag & 0xffff).toString(16).padStart(4, "0");
  return `(${g},${e})`.toUpperCase();
}
