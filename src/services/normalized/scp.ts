// The DIMSE-N services as SCP (PS3.7 10.1): each decodes nothing up front, hands the request to
// its N_* handler (which decodes the data set if it wants it), and answers with the handler's
// status and data set. No handler, a handler that throws, or an answer that is not a status:
// 0x0110 Processing failure, as pynetdicom answers (PS3.7 C.4.2).
import type { PresentationContext } from "../../acse/index.js";
import { Dataset, resolveTag } from "../../dataset/dataset.js";
import {
  CommandField,
  type DimseCommand,
  nActionRsp,
  nCreateRsp,
  nDeleteRsp,
  nEventReportRsp,
  nGetRsp,
  nSetRsp,
  status as statusTable,
} from "../../dimse/index.js";
import type { DimseChannel } from "../channel.js";
import type { IncomingRequest, InvokeHandler } from "../dispatch.js";
import { encodeNDataset, lazyDataset } from "./codec.js";
import type { NEventBase, NServiceAnswer } from "./event.js";
import { generateUid } from "./uid.js";

/** PS3.7 C.4.2: 0x0110 Processing failure, the N- services' answer when the SCP could not serve. */
const ProcessingFailure = 0x0110;

/** An N_* handler's answer, checked and normalised (tags resolved). */
export interface ParsedNServiceAnswer {
  /** The Status (0000,0900). */
  status: number;
  /** The response's data set, if any. */
  attributeList?: Dataset | undefined;
  /** Error Comment (0000,0902). */
  errorComment?: string | undefined;
  /** Error ID (0000,0903). */
  errorId?: number | undefined;
  /** Offending Element (0000,0901), as tags. */
  offendingElement?: number[] | undefined;
  /** Attribute Identifier List (0000,1005), as tags. */
  attributeIdentifierList?: number[] | undefined;
  /** The Affected SOP Instance UID of the response. */
  sopInstanceUid?: string | undefined;
}

/** Tags given as keywords or numbers; undefined when absent or not all resolvable. */
function tagList(v: unknown): number[] | undefined {
  if (!Array.isArray(v)) return undefined;
  try {
    return v.map((k) => resolveTag(k as string | number));
  } catch {
    return undefined;
  }
}

/** The answer an N_* handler's return value gives; undefined when it is not one. */
export function nServiceAnswer(answer: unknown): ParsedNServiceAnswer | undefined {
  const ok = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 0xffff;
  if (ok(answer)) return { status: answer };
  if (typeof answer !== "object" || answer === null) return undefined;
  const a = answer as Record<string, unknown>;
  if (!ok(a.status)) return undefined;
  return {
    status: a.status,
    errorId: ok(a.errorId) ? a.errorId : undefined,
    offendingElement: tagList(a.offendingElement),
    attributeIdentifierList: tagList(a.attributeIdentifierList),
    attributeList: a.attributeList instanceof Dataset ? a.attributeList : undefined,
    errorComment: typeof a.errorComment === "string" ? a.errorComment : undefined,
    sopInstanceUid: typeof a.sopInstanceUid === "string" && a.sopInstanceUid !== "" ? a.sopInstanceUid : undefined,
  };
}

const eventNames: ReadonlyMap<number, string> = new Map([
  [CommandField.N_EVENT_REPORT_RQ, "N_EVENT_REPORT"],
  [CommandField.N_GET_RQ, "N_GET"],
  [CommandField.N_SET_RQ, "N_SET"],
  [CommandField.N_ACTION_RQ, "N_ACTION"],
  [CommandField.N_CREATE_RQ, "N_CREATE"],
  [CommandField.N_DELETE_RQ, "N_DELETE"],
]);

/** The handler-specific part of the event for `rq` (the data set accessors decode lazily). */
function payloadFor(req: IncomingRequest, maxBytes: number | undefined): NEventBase & Record<string, unknown> {
  const rq = req.command;
  const ts = req.context.transferSyntax ?? "";
  const data = lazyDataset(req.dataset, rq.hasDataset, ts, maxBytes);
  const base = {
    sopClassUid: rq.affectedSopClassUid ?? rq.requestedSopClassUid ?? req.context.abstractSyntax ?? "",
    sopInstanceUid: rq.affectedSopInstanceUid ?? rq.requestedSopInstanceUid,
  };
  switch (rq.commandField) {
    case CommandField.N_EVENT_REPORT_RQ:
      return { ...base, eventTypeId: rq.eventTypeId ?? 0, eventInformation: data };
    case CommandField.N_GET_RQ:
      return { ...base, attributeIdentifierList: rq.attributeIdentifierList ?? [] };
    case CommandField.N_SET_RQ: {
      return { ...base, modificationList: () => data() ?? new Dataset() };
    }
    case CommandField.N_ACTION_RQ:
      return { ...base, actionTypeId: rq.actionTypeId ?? 0, actionInformation: data };
    case CommandField.N_CREATE_RQ:
      return { ...base, attributeList: data };
    default:
      return base;
  }
}

/** The response to `rq` with `answer` (PS3.7 10.1: Affected SOP Class/Instance UID echo the request). */
function responseFor(
  rq: DimseCommand,
  context: PresentationContext,
  answer: ParsedNServiceAnswer,
  hasDataset: boolean,
  sopInstanceUid: string | undefined,
): DimseCommand {
  const common = {
    messageIdBeingRespondedTo: rq.messageId ?? 0,
    status: answer.status,
    affectedSopClassUid: rq.affectedSopClassUid ?? rq.requestedSopClassUid ?? context.abstractSyntax ?? "",
    ...(sopInstanceUid === undefined ? {} : { affectedSopInstanceUid: sopInstanceUid }),
    ...(answer.errorComment === undefined ? {} : { errorComment: answer.errorComment.slice(0, 64) }),
    ...(answer.errorId === undefined ? {} : { errorId: answer.errorId }),
    ...(answer.offendingElement === undefined ? {} : { offendingElement: answer.offendingElement }),
    ...(answer.attributeIdentifierList === undefined
      ? {}
      : { attributeIdentifierList: answer.attributeIdentifierList }),
    hasDataset,
  };
  switch (rq.commandField) {
    case CommandField.N_EVENT_REPORT_RQ:
      return nEventReportRsp({ ...common, eventTypeId: rq.eventTypeId ?? 0 });
    case CommandField.N_GET_RQ:
      return nGetRsp(common);
    case CommandField.N_SET_RQ:
      return nSetRsp(common);
    case CommandField.N_ACTION_RQ:
      return nActionRsp({ ...common, actionTypeId: rq.actionTypeId ?? 0 });
    case CommandField.N_CREATE_RQ:
      return nCreateRsp(common);
    default: {
      const { hasDataset: _unused, ...rest } = common;
      return nDeleteRsp(rest);
    }
  }
}

/**
 * Answers one DIMSE-N request (N-EVENT-REPORT, N-GET, N-SET, N-ACTION, N-CREATE, N-DELETE) with
 * its handler's answer. The response's data set goes only with a success or warning status and
 * is encoded in the context's transfer syntax; one that cannot be encoded turns the answer into
 * 0x0110. An N-CREATE-RSP always names the instance when the status is success or warning: the
 * request's UID, else the handler's, else a generated one (PS3.7 10.1.5.1.4).
 */
export async function serveN(channel: DimseChannel, req: IncomingRequest, invoke: InvokeHandler): Promise<void> {
  const rq = req.command;
  const name = eventNames.get(rq.commandField) ?? "N_*";
  let answer: ParsedNServiceAnswer = { status: ProcessingFailure };
  if (!invoke) {
    channel.logger.warn?.(`no ${name} handler is bound; answering 0x0110 (processing failure)`);
    answer.errorComment = `no ${name} handler`;
  } else {
    try {
      const a = nServiceAnswer(
        (await invoke(payloadFor(req, channel.storageSettings?.maxDatasetBytes))) as NServiceAnswer,
      );
      if (a === undefined) channel.logger.error?.(`the ${name} handler returned something that is not a status`);
      else answer = a;
    } catch (err) {
      channel.logger.error?.(`the ${name} handler threw; answering 0x0110 (processing failure)`, err);
      // The peer learns that the handler failed, not why (its message may hold local details).
      answer.errorComment = `the ${name} handler failed`;
    }
  }
  const category = statusTable.category(answer.status);
  const good = category === "success" || category === "warning";
  let instance = rq.affectedSopInstanceUid ?? rq.requestedSopInstanceUid;
  if (rq.commandField === CommandField.N_CREATE_RQ && instance === undefined && good) {
    instance = answer.sopInstanceUid ?? answer.attributeList?.string("SOPInstanceUID") ?? generateUid();
  }
  let bytes: Uint8Array | undefined;
  if (good && answer.attributeList !== undefined && rq.commandField !== CommandField.N_DELETE_RQ) {
    try {
      bytes = encodeNDataset(answer.attributeList, req.context.transferSyntax ?? "");
    } catch (err) {
      channel.logger.error?.(`the ${name} handler's data set could not be encoded; answering 0x0110`, err);
      answer = { status: ProcessingFailure, errorComment: "the reply data set could not be encoded" };
    }
  }
  await channel.send(req.contextId, responseFor(rq, req.context, answer, bytes !== undefined, instance), bytes);
}
