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
  /** A TCP (or TLS) connection opened: the peer's address and port. */
  CONN_OPEN: "CONN_OPEN",
  /** The connection closed, with the error that closed it, if any. */
  CONN_CLOSE: "CONN_CLOSE",
  /** An A-ASSOCIATE-RQ was sent (requestor) or received (acceptor). */
  REQUESTED: "REQUESTED",
  /** An A-ASSOCIATE-AC was sent or received. */
  ACCEPTED: "ACCEPTED",
  /** An A-ASSOCIATE-RJ was sent or received (PS3.8 9.3.4: result, source, reason). */
  REJECTED: "REJECTED",
  /** The association is established: DIMSE messages may flow. */
  ESTABLISHED: "ESTABLISHED",
  /** The association was released (A-RELEASE, PS3.8 7.2). */
  RELEASED: "RELEASED",
  /** The association was aborted (A-ABORT or A-P-ABORT, PS3.8 7.3-7.4), with why. */
  ABORTED: "ABORTED",
  /** A PDU was written to the connection. */
  PDU_SENT: "PDU_SENT",
  /** A PDU was read from the connection. */
  PDU_RECV: "PDU_RECV",
  /** A DIMSE command set was sent. */
  DIMSE_SENT: "DIMSE_SENT",
  /** A DIMSE command set was received. */
  DIMSE_RECV: "DIMSE_RECV",
  /** The upper-layer state machine took a transition (PS3.8 Table 9-10). */
  FSM_TRANSITION: "FSM_TRANSITION",
  /** A PDV was sent in a P-DATA-TF. */
  DATA_SENT: "DATA_SENT",
  /** A PDV was received in a P-DATA-TF. */
  DATA_RECV: "DATA_RECV",
} as const;

/** The intervention events (one handler each; its return value is the answer). */
export const InterventionEvent = {
  /** A C-ECHO request (Verification, PS3.7 9.1.5). */
  C_ECHO: "C_ECHO",
  /** A C-STORE request (Storage, PS3.7 9.1.1): the instance is in a temporary file. */
  C_STORE: "C_STORE",
  /** A C-FIND request (PS3.7 9.1.2): the handler yields the matches. */
  C_FIND: "C_FIND",
  /** A C-GET request (PS3.7 9.1.3): the handler yields the instances to send back. */
  C_GET: "C_GET",
  /** A C-MOVE request (PS3.7 9.1.4): the handler yields the destination, then the instances. */
  C_MOVE: "C_MOVE",
  /** An N-EVENT-REPORT request (PS3.7 10.1.1). */
  N_EVENT_REPORT: "N_EVENT_REPORT",
  /** An N-GET request (PS3.7 10.1.2). */
  N_GET: "N_GET",
  /** An N-SET request (PS3.7 10.1.3). */
  N_SET: "N_SET",
  /** An N-ACTION request (PS3.7 10.1.4). */
  N_ACTION: "N_ACTION",
  /** An N-CREATE request (PS3.7 10.1.5). */
  N_CREATE: "N_CREATE",
  /** An N-DELETE request (PS3.7 10.1.6). */
  N_DELETE: "N_DELETE",
  /** A User Identity item to verify (PS3.7 D.3.3.7). */
  USER_ID: "USER_ID",
  /** An Asynchronous Operations Window item was proposed (PS3.7 D.3.3.3). */
  ASYNC_OPS: "ASYNC_OPS",
  /** SOP Class Extended Negotiation items were proposed (PS3.7 D.3.3.5). */
  SOP_EXTENDED: "SOP_EXTENDED",
  /** SOP Class Common Extended Negotiation items were proposed (PS3.7 D.3.3.6). */
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
  /** See {@link NotificationEvent.CONN_OPEN}. */
  CONN_OPEN: {
    /** The peer's address. */
    readonly address: string;
    /** The peer's port (undefined when the transport has none). */
    readonly port: number | undefined;
  };
  /** See {@link NotificationEvent.CONN_CLOSE}. */
  CONN_CLOSE: {
    /** The peer's address. */
    readonly address: string;
    /** The peer's port (undefined when the transport has none). */
    readonly port: number | undefined;
    /** Why the connection closed, when it was not a normal close. */
    readonly error: Error | undefined;
  };
  /** See {@link NotificationEvent.REQUESTED}: nothing beyond the association (its `requestor` holds the request). */
  REQUESTED: object;
  /** See {@link NotificationEvent.ACCEPTED}: the association's `acceptedContexts` hold the result. */
  ACCEPTED: object;
  /** See {@link NotificationEvent.REJECTED}. */
  REJECTED: {
    /** Result: 1 rejected-permanent, 2 rejected-transient (PS3.8 9.3.4). */
    readonly result: number;
    /** Source: 1 service-user, 2 service-provider (ACSE), 3 service-provider (presentation). */
    readonly source: number;
    /** Reason/Diag., whose meaning depends on the source. */
    readonly reason: number;
  };
  /** See {@link NotificationEvent.ESTABLISHED}. */
  ESTABLISHED: object;
  /** See {@link NotificationEvent.RELEASED}. */
  RELEASED: object;
  /** See {@link NotificationEvent.ABORTED}. */
  ABORTED: {
    /** Why: an `AssociationAbortedError` (with the A-ABORT's source and reason) or the transport's error. */
    readonly error: Error;
  };
  /** See {@link NotificationEvent.PDU_SENT}. */
  PDU_SENT: {
    /** The PDU, decoded. */
    readonly pdu: Pdu;
  };
  /** See {@link NotificationEvent.PDU_RECV}. */
  PDU_RECV: {
    /** The PDU, decoded (a P-DATA-TF's values are views valid only while the handler runs). */
    readonly pdu: Pdu;
  };
  /** See {@link NotificationEvent.DIMSE_SENT}. */
  DIMSE_SENT: {
    /** The command set. */
    readonly message: DimseCommand;
    /** The presentation context it went on. */
    readonly contextId: number;
  };
  /** See {@link NotificationEvent.DIMSE_RECV}. */
  DIMSE_RECV: {
    /** The command set. */
    readonly message: DimseCommand;
    /** The presentation context it came on. */
    readonly contextId: number;
  };
  /** See {@link NotificationEvent.FSM_TRANSITION}. */
  FSM_TRANSITION: {
    /** The state before (`Sta1`…`Sta13`). */
    readonly currentState: string;
    /** The event (`Evt1`…`Evt19`). */
    readonly fsmEvent: string;
    /** The action taken (`AE-1`, `DT-2`…), undefined when none. */
    readonly action: string | undefined;
    /** The state after. */
    readonly nextState: string;
  };
  /** One PDV's data (command or data set fragment), as sent in P-DATA-TF. */
  DATA_SENT: {
    /** The PDV's bytes (a view; copy them to keep them). */
    readonly data: Uint8Array;
    /** The presentation context. */
    readonly contextId: number;
    /** True for a command set fragment, false for a data set fragment (PS3.8 E.2). */
    readonly isCommand: boolean;
  };
  /** One PDV's data (command or data set fragment), as received in P-DATA-TF. */
  DATA_RECV: {
    /** The PDV's bytes (a copy the handler may keep). */
    readonly data: Uint8Array;
    /** The presentation context. */
    readonly contextId: number;
    /** True for a command set fragment, false for a data set fragment (PS3.8 E.2). */
    readonly isCommand: boolean;
  };
  /** A C-ECHO: only the request. */
  C_ECHO: DimseRequestEvent;
  /** A received instance, complete in a temporary Part 10 file (see `CStoreEventPayload`). */
  C_STORE: DimseRequestEvent & CStoreEventPayload;
  /** A query: the decoded identifier, the model, and a signal aborted on C-CANCEL (see `QueryEventPayload`). */
  C_FIND: DimseRequestEvent & QueryEventPayload;
  /** A retrieve to this association (C-STORE sub-operations back to the requestor). */
  C_GET: DimseRequestEvent & QueryEventPayload;
  /** A retrieve to the AE named by `moveDestination`. */
  C_MOVE: DimseRequestEvent & MoveEventPayload;
  /** An event report: its type and Event Information (see `NEventReportEventPayload`). */
  N_EVENT_REPORT: DimseRequestEvent & NEventReportEventPayload;
  /** A read of attributes (see `NGetEventPayload`). */
  N_GET: DimseRequestEvent & NGetEventPayload;
  /** A change of attributes: the Modification List (see `NSetEventPayload`). */
  N_SET: DimseRequestEvent & NSetEventPayload;
  /** An action: its type and Action Information (see `NActionEventPayload`). */
  N_ACTION: DimseRequestEvent & NActionEventPayload;
  /** A creation: the Attribute List (see `NCreateEventPayload`). */
  N_CREATE: DimseRequestEvent & NCreateEventPayload;
  /** A deletion of the SOP instance named. */
  N_DELETE: DimseRequestEvent & NDeleteEventPayload;
  /** PS3.7 D.3.3.7: the requestor's identity, to verify. */
  USER_ID: {
    /** 1 username, 2 username and passcode, 3 Kerberos, 4 SAML, 5 JWT. */
    readonly userIdType: number | undefined;
    /** The username or the token, as sent. */
    readonly primaryField: Uint8Array;
    /** The passcode (type 2), else empty. */
    readonly secondaryField: Uint8Array;
    /** Whether the requestor asked for a server response (PS3.7 D.3.3.7.1). */
    readonly positiveResponseRequested: boolean;
    /** The whole item. */
    readonly item: UserIdentityNegotiation;
  };
  /** PS3.7 D.3.3.3: the requestor's proposed window. */
  ASYNC_OPS: {
    /** Maximum Number Operations Invoked (0: unlimited). */
    readonly invoked: number;
    /** Maximum Number Operations Performed (0: unlimited). */
    readonly performed: number;
  };
  /** PS3.7 D.3.3.5: application information by SOP class UID. */
  SOP_EXTENDED: {
    /** The Service-class-application-information of each item, by SOP class UID. */
    readonly requested: ReadonlyMap<string, Uint8Array>;
  };
  /** PS3.7 D.3.3.6: the common extended items by SOP class UID. */
  SOP_COMMON: {
    /** The items, by SOP class UID. */
    readonly requested: ReadonlyMap<string, SOPClassCommonExtendedNegotiation>;
  };
}

/** The object a handler of event `K` receives. */
export type EventOf<K extends EventName> = EventBase<K> & EventPayloads[K];

/** The answer of a USER_ID handler: verified or not, and the server response to send back (types 3-5). */
export type UserIdentityVerdict =
  | boolean
  | {
      /** True to accept the association. */
      readonly verified: boolean;
      /** The Server Response sent back when the requestor asked for one (SAML, Kerberos, JWT). */
      readonly response?: Uint8Array | string | undefined;
    };

/** What a C_STORE handler answers: a status, or a status with an Error Comment (0000,0902). */
export type CStoreAnswer =
  | number
  | {
      /** The Status (0000,0900). */
      readonly status: number;
      /** The Error Comment (0000,0902): free text, up to 64 characters. */
      readonly errorComment?: string | undefined;
    };

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
  /** A status, or with the Attribute List asked for. */
  N_GET: NServiceAnswer;
  /** A status, or with the Attribute List as changed. */
  N_SET: NServiceAnswer;
  /** A status, or with the Action Reply. */
  N_ACTION: NServiceAnswer;
  /** A status, or with the Attribute List and the SOP Instance UID assigned. */
  N_CREATE: NServiceAnswer;
  /** A status. */
  N_DELETE: NServiceAnswer;
  /** Verified or not, and the server response (see `UserIdentityVerdict`). */
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
  #notify: Map<NotificationEventName, Set<AnyHandler>>;
  #intervene: Map<InterventionEventName, AnyHandler>;
  /**
   * The maps (and their sets) may be another table's too: a server's table and the table of each
   * association it accepted share them until one of them binds or unbinds, which copies first.
   * Copying them for every association cost two maps and a set per bound notification each time.
   */
  #shared = false;

  /** A table holding `handlers`, plus the handlers of `base` (bound earlier, e.g. per server). */
  constructor(handlers: Handlers = {}, base?: HandlerTable) {
    if (base) {
      this.#notify = base.#notify;
      this.#intervene = base.#intervene;
      this.#shared = true;
      base.#shared = true;
    } else {
      this.#notify = new Map();
      this.#intervene = new Map();
    }
    for (const name of Object.keys(handlers) as EventName[]) {
      const h = handlers[name];
      if (h !== undefined) (this.bind as (e: EventName, h: unknown) => void)(name, h);
    }
  }

  /** Makes the maps this table's own before a change (see #shared). */
  #own(): void {
    if (!this.#shared) return;
    const notify = new Map<NotificationEventName, Set<AnyHandler>>();
    for (const [k, set] of this.#notify) notify.set(k, new Set(set));
    this.#notify = notify;
    this.#intervene = new Map(this.#intervene);
    this.#shared = false;
  }

  /** Binds `handler` to `event`; for an intervention it replaces the one bound before. */
  bind<K extends EventName>(event: K, handler: Handler<K>): void {
    if (typeof handler !== "function") throw new TypeError(`the handler for ${event} is not a function`);
    if (!(event in Event)) throw new TypeError(`unknown event "${event}"`);
    this.#own();
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
    this.#own();
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

  /** {@link has} for a notification: asked before every notification an association may fire. */
  hasNotification(event: NotificationEventName): boolean {
    return this.#notify.size > 0 && (this.#notify.get(event)?.size ?? 0) > 0;
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
