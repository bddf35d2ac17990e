// What the N_* intervention handlers get besides the request, and what they answer.
import type { Dataset } from "../../dataset/dataset.js";

/** What every DIMSE-N event carries: the SOP class and instance the request is about. */
export interface NEventBase {
  /** The Affected or Requested SOP Class UID of the request. */
  readonly sopClassUid: string;
  /** The Affected or Requested SOP Instance UID (undefined for an N-CREATE that leaves it to the SCP). */
  readonly sopInstanceUid: string | undefined;
}

/** N_EVENT_REPORT: the event type and its Event Information (PS3.7 10.1.1.1). */
export interface NEventReportEventPayload extends NEventBase {
  /** Event Type ID (0000,1002): which event, as the SOP class defines them (e.g. Storage Commitment 1 or 2). */
  readonly eventTypeId: number;
  /** The Event Information, decoded on first call; undefined when the request had none. Throws `DicomParseError` when malformed. */
  eventInformation(): Dataset | undefined;
}

/** N_GET: the attributes asked for (PS3.7 10.1.2.1). */
export interface NGetEventPayload extends NEventBase {
  /** Tags (group << 16 | element) of the attributes wanted; empty means all of them. */
  readonly attributeIdentifierList: readonly number[];
}

/** N_SET: the Modification List (PS3.7 10.1.3.1). */
export interface NSetEventPayload extends NEventBase {
  /** The Modification List, decoded on first call (an empty Dataset when the request had none). Throws when malformed. */
  modificationList(): Dataset;
}

/** N_ACTION: the action type and its Action Information (PS3.7 10.1.4.1). */
export interface NActionEventPayload extends NEventBase {
  /** Action Type ID (0000,1008): which action, as the SOP class defines them (e.g. Storage Commitment 1). */
  readonly actionTypeId: number;
  /** The Action Information, decoded on first call; undefined when the request had none. Throws when malformed. */
  actionInformation(): Dataset | undefined;
}

/** N_CREATE: the Attribute List of the new instance (PS3.7 10.1.5.1). */
export interface NCreateEventPayload extends NEventBase {
  /** The Attribute List, decoded on first call; undefined when the request had none. Throws when malformed. */
  attributeList(): Dataset | undefined;
}

/** N_DELETE: only the SOP class and instance (PS3.7 10.1.6.1). */
export type NDeleteEventPayload = NEventBase;

/**
 * What an N_* handler answers: a status, or a status with the response's data set and an Error
 * Comment. The data set is sent only with a success or warning status: N-GET's and N-SET's
 * Attribute List, N-CREATE's created attributes, N-ACTION's Action Reply, N-EVENT-REPORT's
 * Event Reply. For N-CREATE, `sopInstanceUid` is the UID the SCP assigned when the request had
 * none (else the attribute list's SOP Instance UID is used, else one is generated).
 */
export type NServiceAnswer =
  | number
  | {
      /** The Status (0000,0900). */
      readonly status: number;
      /** The response's data set (Attribute List, Action Reply, Event Reply); sent with success or warning only. */
      readonly attributeList?: Dataset | undefined;
      /** Error Comment (0000,0902): free text, up to 64 characters. */
      readonly errorComment?: string | undefined;
      /** Error ID (0000,0903), e.g. 0xA710 with MPPS's 0x0110 "may no longer be updated" (PS3.4 F.7.2.2.2). */
      readonly errorId?: number | undefined;
      /** Offending Element (0000,0901): the tags at fault, with 0x0105/0x0106/0x0120… (PS3.7 C). */
      readonly offendingElement?: readonly (string | number)[] | undefined;
      /** Attribute Identifier List (0000,1005): e.g. the unsupported attributes of a 0x0107 warning. */
      readonly attributeIdentifierList?: readonly (string | number)[] | undefined;
      /** The Affected SOP Instance UID of the response (N-CREATE: the UID assigned). */
      readonly sopInstanceUid?: string | undefined;
    };
