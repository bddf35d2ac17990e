// The public shapes of C-FIND, C-GET and C-MOVE: what the SCU methods take and yield, what the
// SCP handlers receive and yield (PS3.7 9.1.2-9.1.4, PS3.4 C.4).
import type { Dataset } from "../../dataset/dataset.js";
import type { DimseCommand } from "../../dimse/index.js";
import type { InformationModel } from "./models.js";

/** Options of `sendCFind`, `sendCGet` and `sendCMove`. */
export interface QueryOptions {
  /** Priority (0000,0700): 0 MEDIUM (default), 1 HIGH, 2 LOW (PS3.7 9.1.1.1.5). */
  readonly priority?: 0 | 1 | 2;
  /**
   * Cancels the operation: a C-CANCEL-RQ is sent (PS3.7 9.3.2.3), and the iterator then yields
   * the peer's final response (usually 0xFE00 Cancel) and ends.
   */
  readonly signal?: AbortSignal;
}

/** One response of a C-FIND (or the common part of a C-GET/C-MOVE response). */
export interface QueryResponse {
  /** Status (0000,0900): 0xFF00/0xFF01 pending, 0x0000 success, 0xFE00 cancel, failures… */
  readonly status: number;
  /** The response's identifier: a pending C-FIND's match; usually undefined in a final response. */
  readonly identifier: Dataset | undefined;
  /** The whole response command set (Error Comment, Offending Element…). */
  readonly command: DimseCommand;
}

/** One response of a C-GET or C-MOVE: the sub-operation counters come with each (PS3.7 9.1.3.1.7-10). */
export interface RetrieveResponse extends QueryResponse {
  /** Number of Remaining Sub-operations (0000,1020). */
  readonly remaining?: number;
  /** Number of Completed Sub-operations (0000,1021). */
  readonly completed?: number;
  /** Number of Failed Sub-operations (0000,1022). */
  readonly failed?: number;
  /** Number of Warning Sub-operations (0000,1023). */
  readonly warning?: number;
  /** Failed SOP Instance UID List (0008,0058) from the response's identifier, when it has one. */
  readonly failedInstances?: string[];
}

/**
 * What a C_FIND handler yields, one at a time: a Dataset is a match (a pending 0xFF00 response
 * carrying it); `{ status }` with 0xFF00/0xFF01 is a pending response too, any other status ends
 * the operation with it as the final status.
 */
export type QueryResult = Dataset | QueryStatusResult;

/** A status a handler yields, with an identifier (pending) and an Error Comment (failures). */
export interface QueryStatusResult {
  /** The Status (0000,0900): 0xFF00/0xFF01 pending, or a final status that ends the operation. */
  readonly status: number;
  /** The identifier of a pending C-FIND response. */
  readonly identifier?: Dataset | undefined;
  /** Error Comment (0000,0902) of a failure. */
  readonly errorComment?: string | undefined;
}

/**
 * What a C_GET handler yields, in this order (pynetdicom's): first the number of C-STORE
 * sub-operations, then each instance as a Dataset or the path of a Part 10 file, or a
 * `{ status }` to end early (0xFE00 cancel, a failure).
 */
export type RetrieveResult = number | Dataset | string | QueryStatusResult;

/** Where a C-MOVE's instances go: the storage SCP known as the Move Destination AE title. */
export interface MoveDestination {
  /** The destination's host name or IP address. */
  readonly address: string;
  /** The destination's port. */
  readonly port: number;
  /** The called AE title of the sub-association (default: the request's Move Destination). */
  readonly aeTitle?: string;
}

/**
 * What a C_MOVE handler yields: first the destination (`null`/`undefined`: unknown, answered
 * with 0xA801), then as a C_GET handler.
 */
export type MoveResult = MoveDestination | RetrieveResult | null | undefined;

/** What the C_FIND, C_GET and C_MOVE events carry besides the request. */
export interface QueryEventPayload {
  /** The request's identifier, decoded in the context's transfer syntax. */
  identifier(): Dataset;
  /** The information model of the request's SOP class, when netdicom knows it. */
  readonly model: InformationModel | undefined;
  /** Aborted when a C-CANCEL-RQ for this request arrives, or when the association ends. */
  readonly signal: AbortSignal;
  /** True once a C-CANCEL-RQ for this request has arrived (or the association ended). */
  readonly isCancelled: boolean;
}

/** What the C_MOVE event carries besides the request. */
export interface MoveEventPayload extends QueryEventPayload {
  /** Move Destination (0000,0600): the AE title the instances are to be sent to. */
  readonly moveDestination: string;
}

/** What a C_FIND handler returns: matches (and statuses), one by one. */
export type QueryHandlerResult = Iterable<QueryResult> | AsyncIterable<QueryResult>;
/** What a C_GET handler returns: the count, then the instances. */
export type RetrieveHandlerResult = Iterable<RetrieveResult> | AsyncIterable<RetrieveResult>;
/** What a C_MOVE handler returns: the destination, the count, then the instances. */
export type MoveHandlerResult = Iterable<MoveResult> | AsyncIterable<MoveResult>;
