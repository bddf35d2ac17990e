// The event system: pynetdicom's evt.EVT_* as `Event.*`, typed payloads, and per-association
// handler tables. Notifications fan out to every handler; interventions have one handler that
// answers (a status, a verdict), as pynetdicom's intervention events do.
import type { PresentationContext, SOPClassCommonExtendedNegotiation, UserIdentityNegotiation } from "./acse/index.js";
import type { Association } from "./association.js";
import type { DimseCommand } from "./dimse/index.js";
import type { Pdu } from "./pdu/index.js";
import type {
  NActionEventPayload,
  NCreateEventPayload,
  NDeleteEventPayload,
  NEventReportEventPayload,
  NGetEventPayload,
  NServiceAnswer,
  NSetEventPayload,
} from "./services/normalized/event.js";
import type {
  MoveEventPayload,
  MoveHandlerResult,
  QueryEventPayload,
  QueryHandlerResult,
  RetrieveHandlerResult,
} from "./services/query-retrieve/types.js";
import type { CStoreEventPayload } from "./services/storage/event.js";
import type { Logger } from "./util/logger.js";

/** The notification events (handlers are told; what they return is ignored). */
export const NotificationEvent = {
  CONN_OPEN: "CONN_OPEN",
  CONN_CLOSE: "CONN_CLOSE",
  REQUESTED: "REQUESTED",
  ACCEPTED: "ACCEPTED",
  REJECTED: "REJECTED",
  ESTABLISHED: "ESTABLISHED",
  RELEASED: "RELEASED",
  ABORTED: "ABORTED",
  PDU_SENT: "PDU_SENT",
  PDU_RECV: "PDU_RECV",
  DIMSE_SENT: "DIMSE_SENT",
  DIMSE_RECV: "DIMSE_RECV",
  FSM_TRANSITION: "FSM_TRANSITION",
  DATA_SENT: "DATA_SENT",
  DATA_RECV: "DATA_RECV",
} as const;

/** The intervention events (one handler each; its return value is the answer). */
export const InterventionEvent = {
  C_ECHO: "C_ECHO",
  C_STORE: "C_STORE",
  C_FIND: "C_FIND",
  C_GET: "C_GET",
  C_MOVE: "C_MOVE",
  N_EVENT_REPORT: "N_EVENT_REPORT",
  N_GET: "N_GET",
  N_SET: "N_SET",
  N_ACTION: "N_ACTION",
  N_CREATE: "N_CREATE",
  N_DELETE: "N_DELETE",
  USER_ID: "USER_ID",
  ASYNC_OPS: "ASYNC_OPS",
  SOP_EXTENDED: "SOP_EXTENDED",
  SOP_COMMON: "SOP_COMMON",
} as const;

/** Every event, pynetdicom's `evt.EVT_<NAME>` as `Event.<NAME>`. */
export const Event = { ...NotificationEvent, ...InterventionEvent } as const;

/** The name of a notification event. */
export type NotificationEventName = keyof typeof NotificationEvent;
/** The name of an intervention event. */
export type InterventionEventName = keyof typeof InterventionEvent;
/** The name of any event. */
export type EventName = NotificationEventName | InterventionEventName;

/** What every event carries. */
export interface EventBase<K extends EventName> {
  /** Which event this is. */
  readonly name: K;
  /** The association it happened on. */
  readonly assoc: Association;
  /** When it happened. */
  readonly timestamp: Date;
}

/** A DIMSE request as an intervention handler sees it. */
export interface DimseRequestEvent {
  /** The request's command set. */
  readonly request: DimseCommand;
  /** The accepted presentation context it came on. */
  readonly context: PresentationContext;
  /** The request's Message ID. */
  readonly messageId: number;
}

/** The extra values each event carries, by event name. */
export interface EventPayloads {
  CONN_OPEN: { readonly address: string; readonly port: number | undefined };
  CONN_CLOSE: { readonly address: string; readonly port: number | undefined; readonly error: Error | undefined };
  REQUESTED: object;
  ACCEPTED: object;
  REJECTED: { readonly result: number; readonly source: number; readonly reason: number };
  ESTABLISHED: object;
  RELEASED: object;
  ABORTED: { readonly error: Error };
  PDU_SENT: { readonly pdu: Pdu };
  PDU_RECV: { readonly pdu: Pdu };
  DIMSE_SENT: { readonly message: DimseCommand; readonly contextId: number };
  DIMSE_RECV: { readonly message: DimseCommand; readonly contextId: number };
  FSM_TRANSITION: {
    readonly currentState: string;
    readonly fsmEvent: string;
    readonly action: string | undefined;
    readonly nextState: string;
  };
  /** One PDV's data (command or data set fragment), as sent or received in P-DATA-TF. */
  DATA_SENT: { readonly data: Uint8Array; readonly contextId: number; readonly isCommand: boolean };
  DATA_RECV: { readonly data: Uint8Array; readonly contextId: number; readonly isCommand: boolean };
  C_ECHO: DimseRequestEvent;
  /** A received instance, complete in a temporary Part 10 file (see `CStoreEventPayload`). */
  C_STORE: DimseRequestEvent & CStoreEventPayload;
  /** A query: the decoded identifier, the model, and a signal aborted on C-CANCEL (see `QueryEventPayload`). */
  C_FIND: DimseRequestEvent & QueryEventPayload;
  /** A retrieve to this association (C-STORE sub-operations back to the requestor). */
  C_GET: DimseRequestEvent & QueryEventPayload;
  /** A retrieve to the AE named by `moveDestination`. */
  C_MOVE: DimseRequestEvent & MoveEventPayload;
  N_EVENT_REPORT: DimseRequestEvent & NEventReportEventPayload;
  N_GET: DimseRequestEvent & NGetEventPayload;
  N_SET: DimseRequestEvent & NSetEventPayload;
  N_ACTION: DimseRequestEvent & NActionEventPayload;
  N_CREATE: DimseRequestEvent & NCreateEventPayload;
  N_DELETE: DimseRequestEvent & NDeleteEventPayload;
  /** PS3.7 D.3.3.7: the requestor's identity, to verify. */
  USER_ID: {
    readonly userIdType: number | undefined;
    readonly primaryField: Uint8Array;
    readonly secondaryField: Uint8Array;
    readonly positiveResponseRequested: boolean;
    readonly item: UserIdentityNegotiation;
  };
  /** PS3.7 D.3.3.3: the requestor's proposed window. */
  ASYNC_OPS: { readonly invoked: number; readonly performed: number };
  /** PS3.7 D.3.3.5: application information by SOP class UID. */
  SOP_EXTENDED: { readonly requested: ReadonlyMap<string, Uint8Array> };
  /** PS3.7 D.3.3.6: the common extended items by SOP class UID. */
  SOP_COMMON: { readonly requested: ReadonlyMap<string, SOPClassCommonExtendedNegotiation> };
}

/** The object a handler of event `K` receives. */
export type EventOf<K extends EventName> = EventBase<K> & EventPayloads[K];

/** The answer of a USER_ID handler: verified or not, and the server response to send back (types 3-5). */
export type UserIdentityVerdict =
  | boolean
  | { readonly verified: boolean; readonly response?: Uint8Array | string | undefined };

/** What a C_STORE handler answers: a status, or a status with an Error Comment (0000,0902). */
export type CStoreAnswer = number | { readonly status: number; readonly errorComment?: string | undefined };

/** The event a C_STORE handler receives. */
export type CStoreEvent = EventOf<"C_STORE">;
/** The event a C_FIND handler receives. */
export type CFindEvent = EventOf<"C_FIND">;
/** The event a C_GET handler receives. */
export type CGetEvent = EventOf<"C_GET">;
/** The event a C_MOVE handler receives. */
export type CMoveEvent = EventOf<"C_MOVE">;

/** What each intervention handler returns (or resolves with). */
export interface InterventionResults {
  /** A status (PS3.7 9.1.5.1.4); undefined means 0x0000 Success. */
  C_ECHO: number | undefined;
  /**
   * A status (0x0000, 0xB000…, 0xA700…, PS3.4 B.2.3), optionally with an Error Comment. Anything
   * else, or a throw, answers 0xC211.
   */
  C_STORE: CStoreAnswer;
  /**
   * The matches, one by one (an async generator is the natural form): a Dataset is a pending
   * 0xFF00 response; `{ status }` a pending or the final status. The end of the iteration is
   * 0x0000 Success, or 0xFE00 Cancel once the event's signal has aborted; a throw answers 0xC311.
   */
  C_FIND: QueryHandlerResult;
  /** First the number of sub-operations, then each instance (Dataset or Part 10 path), or `{ status }` to stop; a throw answers 0xC411. */
  C_GET: RetrieveHandlerResult;
  /** First the destination `{ address, port }` (null: 0xA801), then as C_GET; a throw answers 0xC511. */
  C_MOVE: MoveHandlerResult;
  /** A status, or a status with the reply data set (see `NServiceAnswer`); no handler or a throw answers 0x0110. */
  N_EVENT_REPORT: NServiceAnswer;
  N_GET: NServiceAnswer;
  N_SET: NServiceAnswer;
  N_ACTION: NServiceAnswer;
  N_CREATE: NServiceAnswer;
  N_DELETE: NServiceAnswer;
  USER_ID: UserIdentityVerdict;
  /**
   * `[invoked, performed]`: this acceptor's own limits for this association, used instead of the
   * AE's `maxAsyncOperations` to answer the proposal (undefined: the AE's). Unlike pynetdicom,
   * which always answers (1, 1), the answer is honoured (never above what was proposed).
   */
  ASYNC_OPS: readonly [number, number] | undefined;
  /** The application information to send back, by SOP class UID (PS3.7 D.3.3.5.2). */
  SOP_EXTENDED: ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>> | undefined;
  /** The SOP classes whose common extended negotiation is accepted (not sent back, PS3.7 D.3.3.6). */
  SOP_COMMON: readonly string[] | undefined;
}

/** A handler of event `K`: notifications return nothing; interventions return their answer. */
export type Handler<K extends EventName> = K extends InterventionEventName
  ? (event: EventOf<K>) => InterventionResults[K] | Promise<InterventionResults[K]>
  : (event: EventOf<K>) => void | Promise<void>;

/** Handlers by event, as given to `startServer({ handlers })` and `associate(…, { handlers })`. */
export type Handlers = { readonly [K in EventName]?: Handler<K> };

/** Is `name` an intervention event. */
export function isIntervention(name: EventName): name is InterventionEventName {
  return name in InterventionEvent;
}

/** The TS-style event names of `Association.on()`, for each notification. */
export const notificationAlias = {
  CONN_OPEN: "connOpen",
  CONN_CLOSE: "connClose",
  REQUESTED: "requested",
  ACCEPTED: "accepted",
  REJECTED: "rejected",
  ESTABLISHED: "established",
  RELEASED: "released",
  ABORTED: "aborted",
  PDU_SENT: "pduSent",
  PDU_RECV: "pduReceived",
  DIMSE_SENT: "dimseSent",
  DIMSE_RECV: "dimseReceived",
  FSM_TRANSITION: "transition",
  DATA_SENT: "dataSent",
  DATA_RECV: "dataReceived",
} as const satisfies Readonly<Record<NotificationEventName, string>>;

type AnyHandler = (event: never) => unknown;

/**
 * The handlers bound to one association (or one server, copied into each association). A
 * notification may have many handlers; an intervention has one, and binding another replaces it.
 */
export class HandlerTable {
  readonly #notify = new Map<NotificationEventName, Set<AnyHandler>>();
  readonly #intervene = new Map<InterventionEventName, AnyHandler>();

  /** A table holding `handlers`, plus the handlers of `base` (bound earlier, e.g. per server). */
  constructor(handlers: Handlers = {}, base?: HandlerTable) {
    if (base) {
      for (const [k, set] of base.#notify) this.#notify.set(k, new Set(set));
      for (const [k, h] of base.#intervene) this.#intervene.set(k, h);
    }
    for (const name of Object.keys(handlers) as EventName[]) {
      const h = handlers[name];
      if (h !== undefined) (this.bind as (e: EventName, h: unknown) => void)(name, h);
    }
  }

  /** Binds `handler` to `event`; for an intervention it replaces the one bound before. */
  bind<K extends EventName>(event: K, handler: Handler<K>): void {
    if (typeof handler !== "function") throw new TypeError(`the handler for ${event} is not a function`);
    if (!(event in Event)) throw new TypeError(`unknown event "${event}"`);
    if (isIntervention(event)) this.#intervene.set(event, handler as AnyHandler);
    else {
      const n = event as NotificationEventName;
      let set = this.#notify.get(n);
      if (!set) this.#notify.set(n, (set = new Set()));
      set.add(handler as AnyHandler);
    }
  }

  /** Unbinds `handler` from `event` (every handler of `event` when none is given). */
  unbind<K extends EventName>(event: K, handler?: Handler<K>): void {
    if (isIntervention(event)) {
      if (handler === undefined || this.#intervene.get(event) === handler) this.#intervene.delete(event);
      return;
    }
    const n = event as NotificationEventName;
    if (handler === undefined) this.#notify.delete(n);
    else this.#notify.get(n)?.delete(handler as AnyHandler);
  }

  /** The handlers bound to `event`. */
  get<K extends EventName>(event: K): Handler<K>[] {
    if (isIntervention(event)) {
      const h = this.#intervene.get(event);
      return h === undefined ? [] : [h as Handler<K>];
    }
    return [...(this.#notify.get(event as NotificationEventName) ?? [])] as Handler<K>[];
  }

  /** The events that have a handler. */
  events(): EventName[] {
    return [...this.#notify.keys(), ...this.#intervene.keys()].filter((k) => this.get(k).length > 0);
  }

  /** True when a notification has at least one handler (so payloads can be skipped when not). */
  has(event: EventName): boolean {
    return isIntervention(event) ? this.#intervene.has(event) : (this.#notify.get(event)?.size ?? 0) > 0;
  }

  /**
   * Calls every handler of a notification. A handler that throws or rejects is logged and
   * ignored: a user's bug never breaks the association.
   */
  notify<K extends NotificationEventName>(event: EventOf<K>, logger: Logger): void {
    const set = this.#notify.get(event.name);
    if (!set) return;
    for (const h of [...set]) {
      try {
        const r = (h as (e: EventOf<K>) => unknown)(event);
        if (r instanceof Promise) r.catch((err: unknown) => logger.error?.(`the ${event.name} handler failed`, err));
      } catch (err) {
        logger.error?.(`the ${event.name} handler threw`, err);
      }
    }
  }

  /** The intervention handler of `event`, if one is bound. */
  intervention<K extends InterventionEventName>(
    event: K,
  ): ((e: EventOf<K>) => InterventionResults[K] | Promise<InterventionResults[K]>) | undefined {
    return this.#intervene.get(event) as
      | ((e: EventOf<K>) => InterventionResults[K] | Promise<InterventionResults[K]>)
      | undefined;
  }
}
