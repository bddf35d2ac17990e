// An association between two AEs (pynetdicom's Association): its two service users, its
// lifecycle flags and events, its service methods, and the wiring of the DIMSE plumbing between
// the upper layer and the services: dimse-sender.ts, dimse-receiver.ts, operation-windows.ts
// (with outstanding-requests.ts), operations-in-flight.ts and negotiated-contexts.ts.
import {
  describeRejection,
  type PresentationContext,
  type Rejection,
  ServiceUser,
  type ServiceUserOwner,
} from "./acse/index.js";
import type { AE } from "./ae.js";
import type { AsyncOperationsWindow } from "./async-window.js";
import type { Dataset } from "./dataset/dataset.js";
import type { DimseCommand } from "./dimse/index.js";
import { DimseReceiver } from "./dimse-receiver.js";
import { DimseSender } from "./dimse-sender.js";
import { TypedEmitter } from "./dul/emitter.js";
import { AbortSource } from "./dul/errors.js";
import type { UpperLayer } from "./dul/provider.js";
import {
  type EventName,
  type EventOf,
  type EventPayloads,
  type Handler,
  type HandlerTable,
  type NotificationEventName,
  notificationAlias,
} from "./events.js";
import { NegotiatedContexts } from "./negotiated-contexts.js";
import { OperationWindows } from "./operation-windows.js";
import { type OperationCounts, OperationsInFlight } from "./operations-in-flight.js";
import { describePdu } from "./pdu/index.js";
import type {
  DimseChannel,
  DimseMessage,
  OutgoingDataset,
  RequestOptions,
  ResponseStream,
  StorageSettings,
  SubAssociationTarget,
} from "./services/channel.js";
import { AssociationNotEstablishedError } from "./services/errors.js";
import {
  type NServiceOptions,
  type NServiceResult,
  sendNAction,
  sendNCreate,
  sendNDelete,
  sendNEventReport,
  sendNGet,
  sendNSet,
} from "./services/normalized/scu.js";
import { cancelAllOperations } from "./services/query-retrieve/cancellation.js";
import type { IdentifierInit } from "./services/query-retrieve/identifier.js";
import { sendCFind, sendCGet, sendCMove } from "./services/query-retrieve/scu.js";
import type { QueryOptions, QueryResponse, RetrieveResponse } from "./services/query-retrieve/types.js";
import { type CStoreOptions, type CStoreResult, readAheadOf, sendCStore } from "./services/storage/scu.js";
import { type CEchoOptions, type CEchoResult, sendCEcho } from "./services/verification/scu.js";
import { isTracing, type Logger } from "./util/logger.js";

export type { OperationCounts } from "./operations-in-flight.js";

type AliasOf<K extends NotificationEventName> = (typeof notificationAlias)[K];

/** `assoc.on(…)` events: one per notification event, TS-style names ("established", "pduSent"…). */
export type AssociationEvents = { [K in NotificationEventName as AliasOf<K>]: [event: EventOf<K>] };

/** The settings an association takes from its AE when it is created. */
export interface AssociationSettings {
  readonly acseTimeoutMs: number;
  readonly dimseTimeoutMs: number;
  readonly logger: Logger;
  /** Where received instances are stored, and the in-memory data set limit (defaults when absent). */
  readonly storage?: StorageSettings;
}

/**
 * One association, as requestor (from `AE.associate`) or acceptor (from a server). It resolves
 * from `associate` established, rejected or aborted: check {@link isEstablished},
 * {@link isRejected} (and {@link rejection}), {@link isAborted}. Its DIMSE operations resolve
 * with the peer's status and reject only when no answer can come.
 */
export class Association extends TypedEmitter<AssociationEvents> implements ServiceUserOwner, DimseChannel {
  /** The AE this association belongs to. */
  readonly ae: AE;
  /** `"requestor"` when the local AE requested the association, `"acceptor"` when it accepted it. */
  readonly mode: "requestor" | "acceptor";
  /** The requestor's service user (local when {@link mode} is "requestor"). */
  readonly requestor: ServiceUser;
  /** The acceptor's service user (local when {@link mode} is "acceptor"). */
  readonly acceptor: ServiceUser;
  /** Timeouts (ms) and the logger, copied from the AE at creation; may be changed per association. */
  readonly settings: {
    /** How long to wait for the peer's answer to an A-ASSOCIATE-RQ or A-RELEASE-RQ (ms). */
    acseTimeoutMs: number;
    /** How long to wait for a DIMSE response before aborting (ms; 0 waits forever). */
    dimseTimeoutMs: number;
    /** Where this association logs. */
    logger: Logger;
    /** Where received instances are stored, and the in-memory data set limit (defaults when absent). */
    storage?: StorageSettings | undefined;
  };
  #handlers: HandlerTable;
  #ul: UpperLayer | undefined;
  /** The logger's debug method when the upper layer was attached (it dumps every PDU). */
  #debug: ((message: string) => void) | undefined;
  #tappedPdus = false;
  #tappedTransitions = false;
  #established = false;
  #rejected = false;
  #aborted = false;
  #released = false;
  #negotiationStarted = false;
  #rejection: Rejection | undefined;
  #abortError: Error | undefined;
  readonly #contexts = new NegotiatedContexts();
  readonly #windows = new OperationWindows({
    notEstablished: () => (this.#established ? undefined : this.#stateName()),
    dimseTimeoutMs: () => this.settings.dimseTimeoutMs,
    send: (contextId, command, dataset) => this.send(contextId, command, dataset),
    timedOut: (error) => {
      this.markAborted(error);
      this.#ul?.abort(AbortSource.ServiceUser, 0).catch(() => {});
    },
  });
  readonly #sender = new DimseSender({
    upperLayer: () => this.#ul,
    stateName: () => this.#stateName(),
    peerMaxPduLength: () => this.remote.maximumLength ?? 0,
    logger: () => this.logger,
    firesDataSent: () => this.#handlers.has("DATA_SENT") || this.listenerCount("dataSent") > 0,
    fire: (name, payload) => this.fire(name, payload),
  });
  #receiveDone: Promise<void> = Promise.resolve();
  readonly #ops = new OperationsInFlight(this.#windows.performed);
  readonly #receiver = new DimseReceiver({
    assoc: this,
    context: (id) => this.#contexts.byId(id),
    pending: (id) => this.#windows.requests.get(id),
    performWindow: this.#windows.performed,
    operations: this.#ops,
  });
  #closedResolve!: () => void;
  /** Resolves once the connection is closed (after release, rejection or abort); never rejects. */
  readonly closed: Promise<void> = new Promise((resolve) => {
    this.#closedResolve = resolve;
  });

  /** @internal Created by `AE.associate` and the server; not meant to be constructed directly. */
  constructor(ae: AE, mode: "requestor" | "acceptor", settings: AssociationSettings, handlers: HandlerTable) {
    super();
    this.ae = ae;
    this.mode = mode;
    this.settings = { ...settings };
    this.#handlers = handlers;
    this.requestor = new ServiceUser(this, "requestor");
    this.acceptor = new ServiceUser(this, "acceptor");
  }

  // ---- state ----

  /** True when the local AE requested the association. */
  get isRequestor(): boolean {
    return this.mode === "requestor";
  }
  /** True when the local AE accepted (or is answering) the association. */
  get isAcceptor(): boolean {
    return this.mode === "acceptor";
  }
  /** @internal (ServiceUserOwner) An A-ASSOCIATE-RQ has been sent or received. */
  get negotiationStarted(): boolean {
    return this.#negotiationStarted;
  }
  /** True while the association is established (after acceptance, until release or abort). */
  get isEstablished(): boolean {
    return this.#established;
  }
  /** True when the association was rejected (see {@link rejection}). */
  get isRejected(): boolean {
    return this.#rejected;
  }
  /** True when the association was aborted, by either side or by the service-provider. */
  get isAborted(): boolean {
    return this.#aborted;
  }
  /** True when the association was released in an orderly way. */
  get isReleased(): boolean {
    return this.#released;
  }
  /** The result, source and reason of a rejection (PS3.8 Table 9-21). */
  get rejection(): Rejection | undefined {
    return this.#rejection;
  }
  /** A readable account of the rejection or abort, e.g. "rejected-permanent by service-user: …". */
  get reason(): string | undefined {
    if (this.#rejection) return describeRejection(this.#rejection);
    return this.#abortError?.message;
  }
  /** The error that ended the association abnormally, if it was aborted. */
  get abortError(): Error | undefined {
    return this.#abortError;
  }
  /** The accepted presentation contexts, by increasing ID (this side's roles in `asScu`/`asScp`). */
  get acceptedContexts(): readonly PresentationContext[] {
    return this.#contexts.accepted;
  }
  /** The rejected presentation contexts. */
  get rejectedContexts(): readonly PresentationContext[] {
    return this.#contexts.rejected;
  }
  /** The local service user. */
  get local(): ServiceUser {
    return this.isRequestor ? this.requestor : this.acceptor;
  }
  /** The peer's service user. */
  get remote(): ServiceUser {
    return this.isRequestor ? this.acceptor : this.requestor;
  }
  /** The upper layer of this association's connection (undefined before it connects). */
  get upperLayer(): UpperLayer | undefined {
    return this.#ul;
  }
  /** Where this association logs. */
  get logger(): Logger {
    return this.settings.logger;
  }

  // ---- handlers ----

  /** Binds a handler to an event at run time (an intervention's handler replaces the previous one). */
  bind<K extends EventName>(event: K, handler: Handler<K>): void {
    this.#handlers.bind(event, handler);
    this.#syncTaps();
  }
  /** Unbinds a handler (all handlers of `event` when none is given). */
  unbind<K extends EventName>(event: K, handler?: Handler<K>): void {
    this.#handlers.unbind(event, handler);
  }
  /** The handlers bound to `event`. */
  getHandlers<K extends EventName>(event: K): Handler<K>[] {
    return this.#handlers.get(event);
  }
  /** The events that have handlers bound. */
  getEvents(): EventName[] {
    return this.#handlers.events();
  }
  /** @internal The handler table (the negotiation and dispatch code reads interventions from it). */
  get handlers(): HandlerTable {
    return this.#handlers;
  }

  /** @internal Fires a notification: to the bound handlers and to `on()` listeners. */
  fire<K extends NotificationEventName>(name: K, payload: EventPayloads[K]): void {
    if (!this.isObserved(name)) return;
    const alias = notificationAlias[name];
    const event = { ...payload, name, assoc: this, timestamp: new Date() } as EventOf<K>;
    this.#handlers.notify(event, this.logger);
    this.emit(alias, ...([event] as unknown as AssociationEvents[AliasOf<K>]));
  }

  /** @internal True when a handler or listener is bound to `name` (its payload is then worth building). */
  isObserved(name: NotificationEventName): boolean {
    return this.#handlers.hasNotification(name) || this.listenerCount(notificationAlias[name]) > 0;
  }

  // ---- lifecycle, driven by the negotiation code ----

  /** @internal Attaches the upper layer and subscribes to its events. */
  attach(ul: UpperLayer): void {
    this.#ul = ul;
    this.#debug = this.logger.debug?.bind(this.logger);
    this.#syncTaps();
    ul.on("aborted", (error) => this.markAborted(error));
    ul.on("closed", (error) => {
      this.#established = false;
      // Made only if something still waits (normally nothing does: an Error costs a stack trace).
      let endedError = error;
      const ended = () => (endedError ??= new AssociationNotEstablishedError(this.#released ? "released" : "closed"));
      this.#windows.requests.failAll(ended);
      cancelAllOperations(this, ended);
      this.#windows.close(ended);
      const t = ul.transport;
      this.#ops.cut();
      if (this.isObserved("CONN_CLOSE"))
        this.fire("CONN_CLOSE", { address: t.remoteAddress ?? "", port: t.remotePort, error });
      this.#closedResolve();
    });
  }

  /**
   * Subscribes to the upper layer's PDU and transition events once something here wants them
   * (a debug logger, a handler or a listener): otherwise the upper layer builds no event object
   * for each of an association's dozen transitions and every PDU it sends.
   */
  #syncTaps(): void {
    const ul = this.#ul;
    if (!ul) return;
    const debug = this.#debug;
    if (!this.#tappedPdus && (debug || this.isObserved("PDU_SENT") || this.isObserved("PDU_RECV"))) {
      this.#tappedPdus = true;
      ul.on("pduSent", (pdu) => {
        if (debug && !isTracing("pdu")) for (const line of describePdu(pdu)) debug(`> ${line}`);
        this.fire("PDU_SENT", { pdu });
      });
      ul.on("pduReceived", (pdu) => {
        if (debug && !isTracing("pdu")) for (const line of describePdu(pdu)) debug(`< ${line}`);
        this.fire("PDU_RECV", { pdu });
      });
    }
    if (!this.#tappedTransitions && this.isObserved("FSM_TRANSITION")) {
      this.#tappedTransitions = true;
      ul.on("transition", (t) =>
        this.fire("FSM_TRANSITION", { currentState: t.from, fsmEvent: t.event, action: t.action, nextState: t.to }),
      );
    }
  }

  /** Adds a listener (see {@link AssociationEvents}). */
  override on<K extends keyof AssociationEvents>(event: K, listener: (...args: AssociationEvents[K]) => void): this {
    super.on(event, listener);
    this.#syncTaps();
    return this;
  }

  /** @internal An A-ASSOCIATE-RQ was sent or received: the service users become read-only. */
  startNegotiation(): void {
    this.#negotiationStarted = true;
  }

  /** @internal Records the negotiated contexts and marks the association established. */
  markEstablished(contexts: readonly PresentationContext[]): void {
    this.#contexts.set(contexts);
    this.#established = true;
    this.#windows.negotiate(this.requestor, this.acceptor, this.mode);
    this.fire("ACCEPTED", {});
    this.fire("ESTABLISHED", {});
    const ul = this.#ul;
    if (!ul) return;
    ul.on("releaseRequest", (collision) => {
      // PS3.8 7.2: A-RELEASE has no negative answer. In a collision the upper layer answers
      // itself and release() records the outcome.
      if (!collision) this.#answerRelease(ul);
    });
    this.#receiveDone = this.#receiver.run(ul);
    this.#track(this.#receiveDone);
  }

  /** @internal Records the negotiated contexts without establishing (e.g. none was accepted). */
  setContexts(contexts: readonly PresentationContext[]): void {
    this.#contexts.set(contexts);
  }

  /** @internal Marks the association rejected. */
  markRejected(rejection: Rejection): void {
    this.#rejected = true;
    this.#rejection = rejection;
    this.fire("REJECTED", { result: rejection.result, source: rejection.source, reason: rejection.reason });
  }

  /** @internal Marks the association aborted (once). */
  markAborted(error: Error): void {
    if (this.#aborted || this.#released || this.#rejected) return;
    this.#aborted = true;
    this.#established = false;
    this.#abortError = error;
    this.#windows.requests.failAll(error);
    this.#windows.close(error);
    this.fire("ABORTED", { error });
  }

  #answerRelease(ul: UpperLayer): void {
    this.#established = false;
    // One reaction for both outcomes (a promise less than then().catch()).
    ul.releaseResponse().then(
      () => {
        this.#released = true;
        this.fire("RELEASED", {});
      },
      (err: unknown) => this.logger.debug?.("A-RELEASE-RP not sent", err),
    );
  }

  /**
   * Releases the association (PS3.8 7.2; a release collision is handled by the upper layer).
   * Resolves once released and the connection is closed; when the peer does not answer within
   * the ACSE timeout the association is aborted instead. Nothing happens when not established.
   */
  async release(): Promise<void> {
    const ul = this.#ul;
    if (!ul || !this.#established) return;
    this.#established = false;
    const ms = this.settings.acseTimeoutMs;
    // No answer within the ACSE timeout: abort, which also ends the waits below (the release
    // confirmation fails, and the operations still in flight are cut when the connection closes).
    const timer = ms > 0 ? setTimeout(() => ul.abort(AbortSource.ServiceUser, 0).catch(() => {}), ms) : undefined;
    try {
      // An answer this side still owes (e.g. to an N-EVENT-REPORT it received) goes out first.
      if (this.#ops.size > 0) await this.whenIdle();
      // Resumed in the confirmation's own reaction, so RELEASED comes before CONN_CLOSE.
      await ul.release();
      this.#released = true;
      this.fire("RELEASED", {});
    } catch (err) {
      this.markAborted(err instanceof Error ? err : new Error(String(err)));
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
    await this.closed;
  }

  /** Aborts the association (A-ABORT, source service-user) and resolves when the connection is closed. */
  async abort(): Promise<void> {
    const ul = this.#ul;
    if (!ul) return;
    await ul.abort(AbortSource.ServiceUser, 0);
  }

  // ---- services ----

  /**
   * Sends a C-FIND and yields each response as it arrives (pending matches, then the final
   * status); `model` is a C-FIND SOP class UID or a model name ("studyRoot"…). Aborting
   * `options.signal` or breaking out of the loop sends a C-CANCEL-RQ. See `services/query-retrieve/scu`.
   */
  sendCFind(identifier: Dataset | IdentifierInit, model: string, options?: QueryOptions): AsyncIterable<QueryResponse> {
    return sendCFind(this, identifier, model, options);
  }

  /** Sends a C-GET and yields each response; the instances arrive at this association's C_STORE handler. */
  sendCGet(
    identifier: Dataset | IdentifierInit,
    model: string,
    options?: QueryOptions,
  ): AsyncIterable<RetrieveResponse> {
    return sendCGet(this, identifier, model, options);
  }

  /** Sends a C-MOVE of the matching instances to the AE titled `moveDestination` and yields each response. */
  sendCMove(
    identifier: Dataset | IdentifierInit,
    moveDestination: string,
    model: string,
    options?: QueryOptions,
  ): AsyncIterable<RetrieveResponse> {
    return sendCMove(this, identifier, moveDestination, model, options);
  }

  /** @internal (DimseChannel) Opens the association a C-MOVE's sub-operations go on, from this AE. */
  associateForMove(target: SubAssociationTarget, contexts: readonly PresentationContext[]): Promise<Association> {
    return this.ae.associate(target.address, target.port, { aeTitle: target.aeTitle, contexts });
  }

  /** Sends a C-ECHO (Verification) and resolves with the status; see `services/verification`. */
  sendCEcho(options: CEchoOptions = {}): Promise<CEchoResult> {
    return settle(() => sendCEcho(this, options));
  }

  /**
   * Sends a C-STORE (Storage) of a Dataset or a Part 10 file and resolves with the status; a
   * file is streamed, never loaded whole. See `services/storage/scu`.
   */
  sendCStore(datasetOrPath: Dataset | string, options: CStoreOptions = {}): Promise<CStoreResult> {
    // The window slot is taken before the request is sent; while it waits, only the first of the
    // calls queued behind a full window reads its file's first bytes (at most 1 MiB, one file), so
    // that it sends as soon as the slot is free; the others hold no file and no buffer.
    return this.#windows.holdingSlot(
      this,
      options.signal,
      (held, started) => sendCStore(held, datasetOrPath, options, started),
      readAheadOf(datasetOrPath),
    );
  }

  /**
   * The Asynchronous Operations Window of this association (PS3.7 D.3.3.3), from the local
   * side's point of view: `invoked` requests may be outstanding from this side, `performed`
   * requests of the peer are served at once (0 = unlimited). (1, 1) unless both sides negotiated
   * more (the AE's `maxAsyncOperations`).
   */
  get asyncOperationsWindow(): AsyncOperationsWindow {
    return this.#windows.window;
  }

  // ---- DimseChannel ----

  /** The peer's AE title. */
  get peerAeTitle(): string {
    return this.remote.aeTitle;
  }

  /** Storage settings for received data sets (from the AE, or the server's options). */
  get storageSettings(): StorageSettings {
    return this.settings.storage ?? { maxDatasetBytes: 64 * 1024 * 1024 };
  }

  /** The accepted context for `abstractSyntax` in which this side may act as `role`. */
  contextFor(abstractSyntax: string, role: "scu" | "scp", transferSyntax?: string): PresentationContext {
    if (!this.#established) throw new AssociationNotEstablishedError(this.#stateName());
    return this.#contexts.select(abstractSyntax, role, transferSyntax);
  }

  /** The next Message ID: 1…65535, then 1 again (PS3.7 9.3.1.1), skipping IDs still outstanding. */
  nextMessageId(): number {
    return this.#windows.requests.nextMessageId();
  }

  /**
   * Sends a request and resolves with its final response; see {@link DimseChannel.request}. When
   * {@link asyncOperationsWindow} `invoked` requests are already outstanding it waits its turn
   * (first come, first sent).
   */
  request(contextId: number, command: DimseCommand, options: RequestOptions = {}): Promise<DimseMessage> {
    return this.#windows.request(contextId, command, options);
  }

  /**
   * Sends a request and yields each of its responses, pending ones included; see
   * {@link DimseChannel.requestMany}. Like {@link request}, it holds a slot of the invoke window
   * from its first `next()` until its final response.
   */
  requestMany(contextId: number, command: DimseCommand, options: RequestOptions = {}): ResponseStream {
    return this.#windows.requestMany(contextId, command, options);
  }

  /**
   * Sends one DIMSE message: the command set, then the data set, each cut into PDVs that fit the
   * peer's maximum PDU length (PS3.8 9.3.5). Messages are sent one after the other, never
   * interleaved.
   */
  send(contextId: number, command: DimseCommand, dataset?: OutgoingDataset): Promise<void> {
    return this.#sender.send(contextId, command, dataset);
  }

  // ---- requests in flight (for a graceful shutdown) ----

  /** Requests this side is serving: data set arriving, handler running, or answer being sent. */
  get operationsInFlight(): number {
    return this.#ops.size;
  }

  /** How the requests this side served have ended so far (cumulative; see {@link OperationCounts}). */
  get operationCounts(): OperationCounts {
    return this.#ops.counts;
  }

  /** Resolves once no request is in flight (at once when none is; when the connection closes, in-flight requests are cut). */
  whenIdle(): Promise<void> {
    return this.#ops.whenIdle();
  }

  /**
   * @internal Resolves once the receive loop has ended and a data set cut short has been
   * discarded (its temporary file deleted); never rejects.
   */
  get receiveEnded(): Promise<void> {
    return this.#receiveDone.catch(() => {});
  }

  #track(task: Promise<void>): void {
    task.catch((err: unknown) => this.logger.error?.("an association task failed", err));
  }

  #stateName(): string {
    if (this.#rejected) return "rejected";
    if (this.#aborted) return "aborted";
    if (this.#released) return "released";
    return this.#negotiationStarted ? "not established" : "not yet requested";
  }

  // ---- DIMSE-N services (services/normalized/scu.ts; parameter order as pynetdicom's send_n_*) ----

  /**
   * Sends an N-EVENT-REPORT (PS3.7 10.1.1) as the SCP of `sopClassUid`, e.g. a Storage
   * Commitment result from the acceptor back to the requestor; resolves with the status and
   * the Event Reply.
   */
  sendNEventReport(
    eventInformation: Dataset | undefined,
    eventTypeId: number,
    sopClassUid: string,
    sopInstanceUid: string,
    options: NServiceOptions = {},
  ): Promise<NServiceResult> {
    return settle(() => sendNEventReport(this, eventInformation, eventTypeId, sopClassUid, sopInstanceUid, options));
  }

  /** Sends an N-GET (PS3.7 10.1.2) for the listed attributes (keywords or tags; none = all); resolves with the Attribute List. */
  sendNGet(
    attributeIdentifierList: readonly (string | number)[],
    sopClassUid: string,
    sopInstanceUid: string,
    options: NServiceOptions = {},
  ): Promise<NServiceResult> {
    return settle(() => sendNGet(this, attributeIdentifierList, sopClassUid, sopInstanceUid, options));
  }

  /** Sends an N-SET (PS3.7 10.1.3) with its Modification List. */
  sendNSet(
    modificationList: Dataset,
    sopClassUid: string,
    sopInstanceUid: string,
    options: NServiceOptions = {},
  ): Promise<NServiceResult> {
    return settle(() => sendNSet(this, modificationList, sopClassUid, sopInstanceUid, options));
  }

  /** Sends an N-ACTION (PS3.7 10.1.4); resolves with the status and the Action Reply. */
  sendNAction(
    actionInformation: Dataset | undefined,
    actionTypeId: number,
    sopClassUid: string,
    sopInstanceUid: string,
    options: NServiceOptions = {},
  ): Promise<NServiceResult> {
    return settle(() => sendNAction(this, actionInformation, actionTypeId, sopClassUid, sopInstanceUid, options));
  }

  /** Sends an N-CREATE (PS3.7 10.1.5); without `sopInstanceUid` the result's carries the one the SCP assigned. */
  sendNCreate(
    attributeList: Dataset | undefined,
    sopClassUid: string,
    sopInstanceUid?: string,
    options: NServiceOptions = {},
  ): Promise<NServiceResult> {
    return settle(() => sendNCreate(this, attributeList, sopClassUid, sopInstanceUid, options));
  }

  /** Sends an N-DELETE (PS3.7 10.1.6). */
  sendNDelete(sopClassUid: string, sopInstanceUid: string, options: NServiceOptions = {}): Promise<NServiceResult> {
    return settle(() => sendNDelete(this, sopClassUid, sopInstanceUid, options));
  }
}

/** A synchronous throw (no context, not established) as a rejection, like every other failure. */
function settle<T>(run: () => Promise<T>): Promise<T> {
  try {
    return run();
  } catch (err) {
    return Promise.reject(err);
  }
}
