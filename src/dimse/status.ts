// DIMSE status codes (PS3.7 Annex C and the PS3.4 service classes): categories and meanings.
import { uidEntry } from "../dataset/uids.js";
import { CommandField } from "./command-field.js";
import {
  generalStatuses,
  type ServiceKey,
  type ServiceStatuses,
  serviceBySopClass,
  serviceStatuses,
} from "./status-tables.js";

/** The status classes of PS3.7 Annex C. */
export type StatusCategory = "success" | "warning" | "pending" | "cancel" | "failure";

/** A status code explained. */
export interface StatusInfo {
  /** The status code (0x0000…0xFFFF). */
  readonly code: number;
  /** success, warning, pending, cancel or failure (PS3.7 C). */
  readonly category: StatusCategory;
  /** What the code means for the service, as PS3.4 or PS3.7 puts it. */
  readonly meaning: string;
  /** The name of the matching status constant (e.g. "OutOfResources"), when there is one. */
  readonly keyword?: string;
}

/** What tells which service's table explains a code: the command answered, or the SOP class. */
export interface StatusContext {
  readonly commandField?: number;
  readonly sopClassUid?: string;
}

/**
 * The category of a status by its code alone (PS3.7 Annex C): 0000 success; FF00/FF01 pending;
 * FE00 cancel; 0001, 0107, 0116 and Bxxx warning; everything else (01xx, 02xx, Axxx, Cxxx and
 * codes no table defines) failure, as a receiver must treat an unknown status.
 */
function category(code: number): StatusCategory {
  if (code === 0x0000) return "success";
  if (code === 0xff00 || code === 0xff01) return "pending";
  if (code === 0xfe00) return "cancel";
  if (code === 0x0001 || code === 0x0107 || code === 0x0116 || (code >= 0xb000 && code <= 0xbfff)) return "warning";
  return "failure";
}

function serviceFor(context: StatusContext | undefined): ServiceStatuses | undefined {
  if (context === undefined) return undefined;
  const byUid = context.sopClassUid === undefined ? undefined : serviceBySopClass.get(context.sopClassUid);
  if (byUid !== undefined) return serviceStatuses[byUid];
  let key: ServiceKey | undefined;
  switch (context.commandField === undefined ? undefined : context.commandField & 0x7fff) {
    case CommandField.C_STORE_RQ:
      key = "storage";
      break;
    case CommandField.C_FIND_RQ:
      key = "find";
      break;
    case CommandField.C_GET_RQ:
      key = "get";
      break;
    case CommandField.C_MOVE_RQ:
      key = "move";
      break;
    case CommandField.C_ECHO_RQ:
      key = "verification";
      break;
  }
  if (key === undefined && context.sopClassUid !== undefined && context.commandField === undefined) {
    // A Q/R information model's keyword ends in Find, Move or Get; storage classes in Storage (PS3.6 A-1).
    const keyword = uidEntry(context.sopClassUid)?.keyword ?? "";
    if (keyword.endsWith("Find")) key = "find";
    else if (keyword.endsWith("Move")) key = "move";
    else if (keyword.endsWith("Get")) key = "get";
    else if (/Storage/.test(keyword)) key = "storage";
  }
  return key === undefined ? undefined : serviceStatuses[key];
}

function lookup(table: ServiceStatuses, code: number): string | undefined {
  const exact = table.codes.get(code);
  if (exact !== undefined) return exact;
  for (const [first, last, meaning] of table.ranges) if (code >= first && code <= last) return meaning;
  return undefined;
}

/** The named status codes (pynetdicom's names in TypeScript casing). */
const named = {
  Success: 0x0000,
  Pending: 0xff00,
  PendingWarning: 0xff01,
  Cancel: 0xfe00,
  OptionalAttributesNotSupported: 0x0001,
  NoSuchAttribute: 0x0105,
  InvalidAttributeValue: 0x0106,
  AttributeListError: 0x0107,
  ProcessingFailure: 0x0110,
  DuplicateSopInstance: 0x0111,
  NoSuchSopInstance: 0x0112,
  NoSuchEventType: 0x0113,
  NoSuchArgument: 0x0114,
  InvalidArgumentValue: 0x0115,
  AttributeValueOutOfRange: 0x0116,
  InvalidObjectInstance: 0x0117,
  NoSuchSopClass: 0x0118,
  ClassInstanceConflict: 0x0119,
  MissingAttribute: 0x0120,
  MissingAttributeValue: 0x0121,
  SopClassNotSupported: 0x0122,
  NoSuchActionType: 0x0123,
  NotAuthorized: 0x0124,
  DuplicateInvocation: 0x0210,
  UnrecognizedOperation: 0x0211,
  MistypedArgument: 0x0212,
  ResourceLimitation: 0x0213,
  OutOfResources: 0xa700,
  OutOfResourcesUnableToCalculateMatches: 0xa701,
  OutOfResourcesUnableToPerformSuboperations: 0xa702,
  MoveDestinationUnknown: 0xa801,
  DataSetDoesNotMatchSopClass: 0xa900,
  IdentifierDoesNotMatchSopClass: 0xa900,
  CoercionOfDataElements: 0xb000,
  SuboperationsCompleteWithFailures: 0xb000,
  ElementsDiscarded: 0xb006,
  DataSetDoesNotMatchSopClassWarning: 0xb007,
  CannotUnderstand: 0xc000,
  UnableToProcess: 0xc000,
} as const;

// The first name of each code, for StatusInfo.keyword.
const keywords = new Map<number, string>();
for (const [k, v] of Object.entries(named)) if (!keywords.has(v)) keywords.set(v, k);

/**
 * Explains a status code. With a context, the service's own meaning wins where codes collide
 * (0xA700 is "out of resources" for C-STORE and C-FIND alike, but 0xB000 is a coercion warning
 * for C-STORE and "sub-operations complete with failures" for C-MOVE).
 */
function describe(code: number, context?: StatusContext): StatusInfo {
  const table = serviceFor(context);
  const known = described.get(table)?.get(code);
  if (known !== undefined) return known;
  const meaning =
    (table === undefined ? undefined : lookup(table, code)) ??
    generalStatuses.get(code) ??
    lookup(serviceStatuses.anyService, code) ??
    defaultMeaning(code);
  const keyword = keywords.get(code);
  const info: StatusInfo = Object.freeze(
    keyword === undefined
      ? { code, category: category(code), meaning }
      : { code, category: category(code), meaning, keyword },
  );
  if (isListed(table, code)) {
    let byCode = described.get(table);
    if (byCode === undefined) described.set(table, (byCode = new Map()));
    byCode.set(code, info);
  }
  return info;
}

/**
 * Descriptions already made, by service table (undefined: no context) and code: every response
 * an SCU receives is described (its `statusInfo`), mostly with the same few codes. Only codes a
 * table names one by one are kept, so a peer sending every code of a range grows nothing.
 */
const described = new Map<ServiceStatuses | undefined, Map<number, StatusInfo>>();

function isListed(table: ServiceStatuses | undefined, code: number): boolean {
  return (
    table?.codes.has(code) === true ||
    generalStatuses.has(code) ||
    serviceStatuses.anyService.codes.has(code) ||
    keywords.has(code)
  );
}

function defaultMeaning(code: number): string {
  const c = category(code);
  if (c === "warning") return "Warning";
  return `Unknown status 0x${code.toString(16).padStart(4, "0")}`;
}

/**
 * DIMSE status codes: `status.describe(code, context?)`, `status.category(code)` and named
 * constants (`status.Success`, `status.Pending`, `status.OutOfResources`…).
 */
export const status = { describe, category, ...named } as const;
