// The DIMSE-N services as SCU (PS3.7 10.1): N-EVENT-REPORT, N-GET, N-SET, N-ACTION, N-CREATE,
// N-DELETE. Each sends one request and resolves with the peer's status and data set.
import type { PresentationContext } from "../../acse/index.js";
import type { Dataset } from "../../dataset/dataset.js";
import { resolveTag } from "../../dataset/dataset.js";
import {
  CommandField,
  type DimseCommand,
  nActionRq,
  nCreateRq,
  nDeleteRq,
  nEventReportRq,
  nGetRq,
  nSetRq,
  type StatusInfo,
  status as statusTable,
} from "../../dimse/index.js";
import type { DimseChannel } from "../channel.js";
import { decodeNDataset, encodeNDataset } from "./codec.js";

/** Options of the DIMSE-N requests. */
export interface NServiceOptions {
  /**
   * A meta SOP class (e.g. Basic Grayscale Print Management Meta, PS3.4 H.3.1) whose context
   * carries the request: the context is found by it while the command names the real SOP
   * class (pynetdicom's `meta_uid`).
   */
  readonly metaSopClassUid?: string | undefined;
  /** Stops waiting for the response (rejects with the signal's reason). */
  readonly signal?: AbortSignal | undefined;
}

/** The answer to a DIMSE-N request (a failure status is a result, not an error). */
export interface NServiceResult {
  /** The Status (0000,0900) of the response. */
  readonly status: number;
  /** What the status means for the SOP class's service (category, meaning). */
  readonly statusInfo: StatusInfo;
  /** The Message ID of the request. */
  readonly messageId: number;
  /**
   * The response's data set, decoded in the context's transfer syntax: N-GET/N-SET/N-CREATE's
   * Attribute List, N-ACTION's Action Reply, N-EVENT-REPORT's Event Reply. Undefined when the
   * response had none (or it could not be decoded: see {@link datasetError}).
   */
  readonly attributeList?: Dataset | undefined;
  /** Why the response's data set could not be decoded, when it could not. */
  readonly datasetError?: Error | undefined;
  /**
   * The SOP Instance UID the response names (Affected SOP Instance UID), else the request's:
   * for an N-CREATE without one, the UID the SCP assigned (PS3.7 10.1.5.1.4).
   */
  readonly sopInstanceUid: string | undefined;
  /** The whole response command set (Error Comment, Offending Element, Event/Action Type ID…). */
  readonly response: DimseCommand;
}

/** Where the request goes: the context, and the transfer syntax its data sets are encoded in. */
function contextOf(
  channel: DimseChannel,
  sopClassUid: string,
  role: "scu" | "scp",
  options: NServiceOptions,
): PresentationContext {
  return channel.contextFor(options.metaSopClassUid ?? sopClassUid, role);
}

async function exchange(
  channel: DimseChannel,
  cx: PresentationContext,
  rq: DimseCommand,
  dataset: Dataset | undefined,
  sopClassUid: string,
  options: NServiceOptions,
): Promise<NServiceResult> {
  const transferSyntax = cx.transferSyntax ?? "";
  const bytes = dataset === undefined ? undefined : encodeNDataset(dataset, transferSyntax);
  const rsp = await channel.request(cx.contextId ?? 0, rq, { signal: options.signal, dataset: bytes });
  const code = rsp.command.status ?? 0;
  let attributeList: Dataset | undefined;
  let datasetError: Error | undefined;
  if (rsp.command.hasDataset) {
    try {
      attributeList = decodeNDataset(rsp.dataset, transferSyntax, channel.storageSettings?.maxDatasetBytes);
    } catch (err) {
      datasetError = err instanceof Error ? err : new Error(String(err));
      channel.logger.error?.("the response's data set could not be decoded", err);
    }
  }
  return {
    status: code,
    statusInfo: statusTable.describe(code, { commandField: rsp.command.commandField, sopClassUid }),
    messageId: rq.messageId ?? 0,
    attributeList,
    datasetError,
    sopInstanceUid:
      rsp.command.affectedSopInstanceUid ?? rq.affectedSopInstanceUid ?? rq.requestedSopInstanceUid ?? undefined,
    response: rsp.command,
  };
}

/**
 * Sends an N-EVENT-REPORT-RQ (PS3.7 10.1.1): the SCP of a SOP class tells its SCU of an event
 * (e.g. the Storage Commitment result, PS3.4 J.3.3), so the context is looked up with this side
 * as SCP. `eventInformation` is the data set, if any.
 */
export function sendNEventReport(
  channel: DimseChannel,
  eventInformation: Dataset | undefined,
  eventTypeId: number,
  sopClassUid: string,
  sopInstanceUid: string,
  options: NServiceOptions = {},
): Promise<NServiceResult> {
  const cx = contextOf(channel, sopClassUid, "scp", options);
  const rq = nEventReportRq({
    messageId: channel.nextMessageId(),
    affectedSopClassUid: sopClassUid,
    affectedSopInstanceUid: sopInstanceUid,
    eventTypeId,
    hasDataset: eventInformation !== undefined,
  });
  return exchange(channel, cx, rq, eventInformation, sopClassUid, options);
}

/**
 * Sends an N-GET-RQ (PS3.7 10.1.2) for the attributes listed (keywords or tags; an empty list
 * asks for all of them) and resolves with the Attribute List.
 */
export function sendNGet(
  channel: DimseChannel,
  attributeIdentifierList: readonly (string | number)[],
  sopClassUid: string,
  sopInstanceUid: string,
  options: NServiceOptions = {},
): Promise<NServiceResult> {
  const tags = attributeIdentifierList.map((k) => resolveTag(k));
  const cx = contextOf(channel, sopClassUid, "scu", options);
  const rq = nGetRq({
    messageId: channel.nextMessageId(),
    requestedSopClassUid: sopClassUid,
    requestedSopInstanceUid: sopInstanceUid,
    ...(tags.length > 0 ? { attributeIdentifierList: tags } : {}),
  });
  return exchange(channel, cx, rq, undefined, sopClassUid, options);
}

/** Sends an N-SET-RQ (PS3.7 10.1.3) with its Modification List. */
export function sendNSet(
  channel: DimseChannel,
  modificationList: Dataset,
  sopClassUid: string,
  sopInstanceUid: string,
  options: NServiceOptions = {},
): Promise<NServiceResult> {
  const cx = contextOf(channel, sopClassUid, "scu", options);
  const rq = nSetRq({
    messageId: channel.nextMessageId(),
    requestedSopClassUid: sopClassUid,
    requestedSopInstanceUid: sopInstanceUid,
  });
  return exchange(channel, cx, rq, modificationList, sopClassUid, options);
}

/** Sends an N-ACTION-RQ (PS3.7 10.1.4) with its Action Information, if any; resolves with the Action Reply. */
export function sendNAction(
  channel: DimseChannel,
  actionInformation: Dataset | undefined,
  actionTypeId: number,
  sopClassUid: string,
  sopInstanceUid: string,
  options: NServiceOptions = {},
): Promise<NServiceResult> {
  const cx = contextOf(channel, sopClassUid, "scu", options);
  const rq = nActionRq({
    messageId: channel.nextMessageId(),
    requestedSopClassUid: sopClassUid,
    requestedSopInstanceUid: sopInstanceUid,
    actionTypeId,
    hasDataset: actionInformation !== undefined,
  });
  return exchange(channel, cx, rq, actionInformation, sopClassUid, options);
}

/**
 * Sends an N-CREATE-RQ (PS3.7 10.1.5). Without `sopInstanceUid` the SCP assigns one and the
 * result's `sopInstanceUid` carries it.
 */
export function sendNCreate(
  channel: DimseChannel,
  attributeList: Dataset | undefined,
  sopClassUid: string,
  sopInstanceUid?: string,
  options: NServiceOptions = {},
): Promise<NServiceResult> {
  const cx = contextOf(channel, sopClassUid, "scu", options);
  const rq = nCreateRq({
    messageId: channel.nextMessageId(),
    affectedSopClassUid: sopClassUid,
    ...(sopInstanceUid === undefined ? {} : { affectedSopInstanceUid: sopInstanceUid }),
    hasDataset: attributeList !== undefined,
  });
  return exchange(channel, cx, rq, attributeList, sopClassUid, options);
}

/** Sends an N-DELETE-RQ (PS3.7 10.1.6). */
export function sendNDelete(
  channel: DimseChannel,
  sopClassUid: string,
  sopInstanceUid: string,
  options: NServiceOptions = {},
): Promise<NServiceResult> {
  const cx = contextOf(channel, sopClassUid, "scu", options);
  const rq = nDeleteRq({
    messageId: channel.nextMessageId(),
    requestedSopClassUid: sopClassUid,
    requestedSopInstanceUid: sopInstanceUid,
  });
  return exchange(channel, cx, rq, undefined, sopClassUid, options);
}

/** True for the request command fields of the DIMSE-N services (PS3.7 E.1). */
export function isNRequest(commandField: number): boolean {
  return commandField >= CommandField.N_EVENT_REPORT_RQ && commandField <= CommandField.N_DELETE_RQ;
}
