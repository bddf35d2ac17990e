import {
  type AAbort,
  type AAssociateAc,
  type AAssociateRj,
  type AAssociateRq,
  AbortReason,
  decodePDataTfItems,
  decodePdu,
  describePdu,
  encodePdu,
  type FramedPdu,
  type PDataTf,
  type Pdu,
  PduDecodeError,
  PduFramer,
  PduReadBuffer,
  PduType,
  type PresentationDataValue,
  pDataTfHeader,
} from "../pdu/index.js";
import { isTracing, trace } from "../util/logger.js";
import { ArtimTimer, type Clock, systemClock } from "./artim.js";
import { TypedEmitter } from "./emitter.js";
import {
  AbortSource,
  ArtimTimeoutError,
  AssociationAbortedError,
  InvalidStateError,
  TimeoutError,
  TransportClosedError,
} from "./errors.js";
import { step } from "./machine.js";
import { type PDataConsumer, PDataInbox, type PDataReadEnd } from "./p-data-inbox.js";
import { Pending } from "./pending.js";
import { giveReadBuffer, takeReadBuffer } from "./read-buffer-pool.js";
import type { Action, Evt, Sta } from "./transitions.js";
import { connectTcp, type TcpConnectOptions } from "./transport/tcp.js";
import { connectTls, type TlsOptions } from "./transport/tls.js";
import type { Transport } from "./transport/transport.js";

/** One state transition, as reported to observers (pynetdicom's "Sta6 + Evt10 -> DT-2 -> Sta6"). */
export interface Transition {
  readonly from: Sta;
  readonly event: Evt;
  /** Undefined for an empty cell (see `machine.step`). */
  readonly action: Action | undefined;
  readonly to: Sta;
}

/** Events of an {@link UpperLayer}. */
export interface UpperLayerEvents {
  /** Acceptor: the A-ASSOCIATE indication (Sta3); answer with `accept()` or `reject()`. */
  associateRequest: [rq: AAssociateRq];
  /**
   * The A-RELEASE indication. Without a listener the provider answers at once (A-RELEASE has no
   * negative response, PS3.8 7.2); with one, the listener must call `releaseResponse()`, and may
   * send P-DATA before it (Sta8, AR-7). On a release collision (`collision` true) the provider
   * always answers by itself, since this side asked for the release too.
   */
  releaseRequest: [collision: boolean];
  /** The association ended abnormally: A-ABORT or A-P-ABORT indication, ARTIM or idle timeout. */
  aborted: [error: Error];
  /** The transport connection is closed and the machine is back in Sta1. */
  closed: [error: Error | undefined];
  /** A PDU was written to the transport. */
  pduSent: [pdu: Pdu];
  /**
   * A PDU was read and decoded. A P-DATA-TF's values may alias the read buffer, which the next
   * read reuses: a listener that keeps them must copy them.
   */
  pduReceived: [pdu: Pdu];
  /** The state machine took a step. */
  transition: [t: Transition];
}

/** Options of an {@link UpperLayer}. */
export interface UpperLayerOptions {
  /** Which side of the association this is. */
  readonly role: "requestor" | "acceptor";
  /** ARTIM timeout in ms (PS3.8 9.1.5; default 30000). */
  readonly artimTimeoutMs?: number;
  /**
   * The largest PDU body (the PDU-length field) accepted from the peer; default 16 MiB + 6. A
   * P-DATA-TF is further held to the Maximum Length announced in this side's A-ASSOCIATE-RQ or
   * -AC (PS3.8 D.1.1), checked from its header; exceeding it is A-ABORT (2, 6).
   */
  readonly maxPduLength?: number;
  /** Abort when nothing arrives for this many ms while reading (default 0 = never). */
  readonly idleTimeoutMs?: number;
  /**
   * AE-6: the service-provider's own check of an A-ASSOCIATE-RQ, before the user sees it.
   * Return a rejection to refuse it. Default: reject unless bit 0 of the protocol version is set
   * (PS3.8 9.3.2: a version 1 receiver "shall only test that bit 0 is set").
   */
  readonly checkAssociateRq?: (rq: AAssociateRq) => AAssociateRj | undefined;
  /** Timer source for ARTIM and the idle timer (tests inject a fake one). */
  readonly clock?: Clock;
}

/** Where to connect, for {@link UpperLayer.connect}. */
export interface UpperLayerConnectOptions extends TcpConnectOptions {
  /** Connect with TLS (PS3.15 B.1) using these options. */
  readonly tls?: TlsOptions;
}

// What an event carries into the action that handles it.
interface EventInput {
  /** A received PDU (Evt3, 4, 6, 10, 12, 13, 16). */
  readonly pdu?: Pdu;
  /** The bytes to send and the PDU they encode, for local primitives (Evt7, 8, 9, 14). */
  readonly out?: { readonly bytes: Uint8Array | readonly Uint8Array[]; readonly pdu: () => Pdu };
  /** Source and reason of an A-ABORT to send (Evt15, Evt19, unexpected PDUs). */
  readonly abort?: { readonly source: number; readonly reason: number };
  /** Why the transport closed (Evt17) or the local cause of an abort (Evt15). */
  readonly error?: Error;
}

// The tracers are named once, by NETDICOM_TRACE when the logger module loads (see util/logger):
// asked here once rather than at every step and PDU of every association.
const tracingFsm = isTracing("fsm");
const tracingPdu = isTracing("pdu");

const pduEvents: Readonly<Record<number, Evt>> = {
  [PduType.AAssociateRq]: "Evt6",
  [PduType.AAssociateAc]: "Evt3",
  [PduType.AAssociateRj]: "Evt4",
  [PduType.PDataTf]: "Evt10",
  [PduType.AReleaseRq]: "Evt12",
  [PduType.AReleaseRp]: "Evt13",
  [PduType.AAbort]: "Evt16",
};

const defaultCheck = (rq: AAssociateRq): AAssociateRj | undefined =>
  (rq.protocolVersion & 1) === 1
    ? undefined
    : // PS3.8 9.3.4: rejected-permanent, service-provider (ACSE), protocol-version not supported
      { type: PduType.AAssociateRj, result: 1, source: 2, reason: 2 };

/**
 * The DICOM upper-layer service-provider for one transport connection (PS3.8 9): feeds received
 * bytes through the PDU framer and decoder into the state machine of PS3.8 Table 9-10, performs
 * the actions it returns, and offers the service primitives (A-ASSOCIATE, P-DATA, A-RELEASE,
 * A-ABORT) to the association layer as promises, events and an async iterator of P-DATA.
 * Nothing a peer sends can throw out of it: bad input becomes an A-ABORT and a typed error.
 */
export class UpperLayer extends TypedEmitter<UpperLayerEvents> {
  private currentState: Sta = "Sta1";
  private readonly role: "requestor" | "acceptor";
  private readonly framer: PduFramer | PduReadBuffer;
  private readonly artim: ArtimTimer;
  private readonly idle: ArtimTimer | undefined;
  private readonly checkRq: (rq: AAssociateRq) => AAssociateRj | undefined;
  // While a slow consumer holds reading paused, silence is ours, not the peer's: no idle timeout.
  private readonly inbox = new PDataInbox(
    () => {
      this.idle?.stop();
      this.transport.pause();
    },
    () => {
      this.transport.resume();
      this.idle?.restart();
    },
  );
  private framingBroken = false;
  /** The transport is corked by {@link batch} until the next tick. */
  private corked = false;
  private failure: Error | undefined;
  private finished = false;
  private readonly assocConfirm = new Pending<AAssociateAc | AAssociateRj>();
  private readonly assocIndication = new Pending<AAssociateRq>();
  private readonly releaseConfirm = new Pending<void>();
  private releaseRequested = false;
  private readonly closedSignal = new Pending<Error | undefined>();
  /** Someone listens to 'transition' / 'pduSent' (kept by {@link on} and {@link off}: asked at every step and PDU). */
  private transitionListened = false;
  private pduSentListened = false;

  constructor(
    readonly transport: Transport,
    options: UpperLayerOptions,
  ) {
    super();
    this.role = options.role;
    // The socket reads into one reusable buffer where the transport can (TCP): P-DATA values are
    // views of it, handled at once or copied (see PDataInbox). Otherwise P-DATA-TF payloads are
    // views of the socket's fresh chunks all the way to the sink. No copy either way.
    const limits = options.maxPduLength === undefined ? {} : { maxPduLength: options.maxPduLength };
    // The memory comes from a closed connection when one gave it back (see read-buffer-pool.ts),
    // and goes back once this socket is closed: by then every P-DATA view of it was handled.
    const readBuffer = transport.readInto ? new PduReadBuffer({ ...limits, buffer: takeReadBuffer() }) : undefined;
    if (
      readBuffer &&
      transport.readInto?.(
        () => readBuffer.readTarget(),
        () => giveReadBuffer(readBuffer.detach()),
      )
    ) {
      this.framer = readBuffer;
    } else {
      if (readBuffer) giveReadBuffer(readBuffer.detach());
      this.framer = new PduFramer({ ...limits, pDataViews: true });
    }
    const clock = options.clock ?? systemClock;
    const artimMs = options.artimTimeoutMs ?? 30_000;
    this.artim = new ArtimTimer(
      artimMs,
      () => this.dispatch("Evt18", { error: new ArtimTimeoutError(artimMs) }),
      clock,
    );
    const idleMs = options.idleTimeoutMs ?? 0;
    this.idle = idleMs > 0 ? new ArtimTimer(idleMs, () => this.onIdle(idleMs), clock) : undefined;
    this.checkRq = options.checkAssociateRq ?? defaultCheck;
    transport.onData((chunk) => this.onData(chunk));
    // Once finished (back in Sta1, everything settled) the close of a connection this side
    // closed itself (AR-3, AE-4…) tells nothing more: no step.
    transport.onClose((error) => {
      if (!this.finished) this.dispatch("Evt17", { error });
    });
    this.idle?.start();
    // PS3.8 9.1.2: an accepted connection is the transport connection indication (Evt5 -> AE-5).
    if (this.role === "acceptor") this.dispatch("Evt5", {});
  }

  /** Opens a TCP (or TLS) connection and returns a requestor on it, in Sta1. */
  static connect(
    connect: UpperLayerConnectOptions,
    options: Omit<UpperLayerOptions, "role"> = {},
  ): Promise<UpperLayer> {
    const transport = connect.tls ? connectTls(connect) : connectTcp(connect);
    return transport.then((t) => new UpperLayer(t, { ...options, role: "requestor" }));
  }

  override on<K extends keyof UpperLayerEvents>(event: K, listener: (...args: UpperLayerEvents[K]) => void): this {
    super.on(event, listener);
    if (event === "transition" || event === "pduSent") this.noteListeners();
    return this;
  }

  override off<K extends keyof UpperLayerEvents>(event: K, listener: (...args: UpperLayerEvents[K]) => void): this {
    super.off(event, listener);
    if (event === "transition" || event === "pduSent") this.noteListeners();
    return this;
  }

  private noteListeners(): void {
    this.transitionListened = this.listenerCount("transition") > 0;
    this.pduSentListened = this.listenerCount("pduSent") > 0;
  }

  /** The current state, Sta1..Sta13. */
  get state(): Sta {
    return this.currentState;
  }

  /** Resolves once the transport is closed and the machine is back in Sta1 (never rejects). */
  get closed(): Promise<Error | undefined> {
    return this.closedSignal.promise;
  }

  // ---- A-ASSOCIATE ----

  /**
   * Requestor: sends the A-ASSOCIATE-RQ (Evt1 -> AE-1 -> Evt2 -> AE-2), as `encoded` when given
   * (the caller's encoding of `rq`, which must not change), and resolves with the
   * peer's A-ASSOCIATE-AC (now Sta6) or A-ASSOCIATE-RJ (connection closed, Sta1). Rejects with
   * `AssociationAbortedError` or `TransportClosedError` if the association ends first.
   */
  requestAssociation(rq: AAssociateRq, encoded?: Uint8Array): Promise<AAssociateAc | AAssociateRj> {
    const refused = this.refusal("Evt1");
    if (refused) return Promise.reject(refused);
    // PS3.8 D.1.1: the requestor's Maximum Length bounds the P-DATA-TFs the acceptor sends.
    this.framer.limitPData(rq.userInformation.maximumLength ?? 0);
    this.dispatch("Evt1", { out: { bytes: encoded ?? encodePdu(rq), pdu: () => rq } });
    return this.assocConfirm.promise;
  }

  /** Acceptor: resolves with the A-ASSOCIATE-RQ once it has arrived and passed AE-6 (Sta3). */
  associateRequest(): Promise<AAssociateRq> {
    return this.assocIndication.promise;
  }

  /**
   * Acceptor: answers the A-ASSOCIATE indication with an A-ASSOCIATE-AC (Evt7 -> AE-7 -> Sta6),
   * sent as `encoded` when given (the caller's encoding of `ac`, which must not change).
   */
  accept(ac: AAssociateAc, encoded?: Uint8Array): Promise<void> {
    const refused = this.refusal("Evt7");
    if (refused) return Promise.reject(refused);
    // PS3.8 D.1.1: the acceptor's Maximum Length bounds the P-DATA-TFs the requestor sends.
    this.framer.limitPData(ac.userInformation.maximumLength ?? 0);
    return this.handle("Evt7", { out: { bytes: encoded ?? encodePdu(ac), pdu: () => ac } });
  }

  /** Acceptor: answers with an A-ASSOCIATE-RJ (Evt8 -> AE-8 -> Sta13, then the peer closes). */
  reject(rj: AAssociateRj): Promise<void> {
    const refused = this.refusal("Evt8");
    if (refused) return Promise.reject(refused);
    return this.handle("Evt8", { out: { bytes: encodePdu(rj), pdu: () => rj } });
  }

  // ---- P-DATA ----

  /** Sends one P-DATA-TF PDU with these PDVs (Evt9: DT-1 in Sta6, AR-7 in Sta8); resolves when drained. */
  sendPData(values: readonly PresentationDataValue[]): Promise<void> {
    const refused = this.refusal("Evt9");
    if (refused) return Promise.reject(refused);
    const pdu: PDataTf = { type: PduType.PDataTf, values };
    return this.handle("Evt9", { out: { bytes: encodePdu(pdu), pdu: () => pdu } });
  }

  /**
   * Sends one PDV in its own P-DATA-TF without copying `data`: the 12-byte header and `data`
   * are written back to back. `data` must not change until the returned promise resolves.
   */
  sendPDataValue(contextId: number, isCommand: boolean, isLast: boolean, data: Uint8Array): Promise<void> {
    const refused = this.refusal("Evt9");
    if (refused) return Promise.reject(refused);
    const header = pDataTfHeader(contextId, isCommand, isLast, data.byteLength);
    const pdu = (): PDataTf => ({ type: PduType.PDataTf, values: [{ contextId, isCommand, isLast, data }] });
    return this.handle("Evt9", { out: { bytes: [header, data], pdu } });
  }

  /**
   * Sends P-DATA-TF PDUs that the caller encoded whole (a command set written straight into its
   * PDU, see `encodeCommandPdus`), each an Evt9 (DT-1 in Sta6, AR-7 in Sta8), in one write when
   * they lie back to back in one buffer. They must not change until the returned promise resolves.
   */
  sendEncodedPData(pdus: readonly Uint8Array[]): Promise<void> {
    const n = pdus.length;
    const first = pdus[0];
    const last = pdus[n - 1];
    if (first === undefined || last === undefined) return done;
    let span = first.byteLength;
    for (let i = 1; i < n && span >= 0; i++) {
      const pdu = pdus[i]!;
      span = pdu.buffer === first.buffer && pdu.byteOffset === first.byteOffset + span ? span + pdu.byteLength : -1;
    }
    const bytes = n === 1 ? first : span >= 0 ? new Uint8Array(first.buffer, first.byteOffset, span) : undefined;
    // PS3.8 Table 9-10: Evt9 in Sta6 is DT-1 (send the P-DATA-TF), staying in Sta6. The message
    // sent by the thousand takes that cell directly when nobody observes the steps or the PDUs.
    if (
      bytes !== undefined &&
      this.currentState === "Sta6" &&
      !this.observesSteps() &&
      !tracingPdu &&
      !this.pduSentListened
    ) {
      return this.transport.write(bytes);
    }
    const refused = this.refusal("Evt9");
    if (refused) return Promise.reject(refused);
    // Decoded only for a tracer or a pduSent listener. PS3.8 9.3.1: the items follow the 6-byte header.
    if (bytes === undefined) {
      const writes = pdus.map((pdu) =>
        this.handle("Evt9", { out: { bytes: pdu, pdu: () => decodePDataTfItems(pdu, 6) } }),
      );
      return Promise.all(writes).then(ignore);
    }
    // The state stays Sta6 (or Sta8) through Evt9: each PDU is its own step, the last writes them all.
    for (let i = 0; i < n - 1; i++) {
      const pdu = pdus[i]!;
      this.dispatch("Evt9", { out: { bytes: writtenWithNext, pdu: () => decodePDataTfItems(pdu, 6) } });
    }
    return this.handle("Evt9", { out: { bytes, pdu: () => decodePDataTfItems(last, 6) } });
  }

  /**
   * Runs `fn`, which sends PDUs without awaiting them, with the transport corked until the
   * current run of callbacks and promise reactions is over (the next `process.nextTick`): what it
   * writes, and what any other batch of the same turn writes (C-STOREs of an asynchronous window
   * answered together send their next ones together), leaves in one system call and, on
   * loopback, wakes the peer once. `fn` must not wait for a write, which would not drain until
   * the transport is uncorked.
   */
  batch<T>(fn: () => T): T {
    if (!this.corked) {
      this.corked = true;
      this.transport.cork?.();
      // A static function and an argument: no closure made per batch (one batch per message).
      process.nextTick(UpperLayer.endBatch, this);
    }
    return fn();
  }

  /** Ends the batch {@link batch} started: uncorks the transport. */
  private static endBatch(this: void, ul: UpperLayer): void {
    ul.corked = false;
    ul.transport.uncork?.();
  }

  /**
   * The P-DATA indications, in order. A consumer that stops reading pauses the socket once
   * `P_DATA_HIGH_WATER` PDUs are queued. Ends after release; throws the abort error if
   * the association was aborted. One consumer at a time.
   */
  pData(): AsyncIterableIterator<PDataTf> {
    return this.inbox.iterate();
  }

  /**
   * The P-DATA indications, in order, handed to `consumer` synchronously as they are read (its
   * PDV data may alias the read buffer: valid only during the call, see {@link PDataConsumer}).
   * While a promise it returned is pending, later PDUs are queued (copied), and past
   * `P_DATA_HIGH_WATER` of them the socket pauses. `onEnd` is called once: after release (no
   * error), abort (the abort error) or a failure of the consumer. `onReadEnd` is called after
   * the PDUs of each read, before the read buffer is reused (see {@link PDataReadEnd}). Instead
   * of {@link pData}.
   */
  consumePData(consumer: PDataConsumer, onEnd: (error?: Error) => void, onReadEnd?: PDataReadEnd): void {
    this.inbox.consume(consumer, onEnd, onReadEnd);
  }

  // ---- A-RELEASE ----

  /**
   * Requests an orderly release (Evt11 -> AR-1 -> Sta7) and resolves on the A-RELEASE
   * confirmation: the A-RELEASE-RP (AR-3, connection closed) or, in a release collision, AR-10 on
   * the acceptor's side. The collision answer (Sta9 -> AR-9, Sta12 -> AR-4) is sent automatically.
   */
  release(): Promise<void> {
    const refused = this.refusal("Evt11");
    if (refused) return Promise.reject(refused);
    this.releaseRequested = true;
    this.dispatch("Evt11", { out: { bytes: encodePdu({ type: PduType.AReleaseRq }), pdu: releaseRq } });
    return this.releaseConfirm.promise;
  }

  /** Answers an A-RELEASE indication with an A-RELEASE-RP (Evt14: AR-4 in Sta8/Sta12, AR-9 in Sta9). */
  releaseResponse(): Promise<void> {
    const refused = this.refusal("Evt14");
    if (refused) return Promise.reject(refused);
    return this.handle("Evt14", { out: { bytes: encodePdu({ type: PduType.AReleaseRp }), pdu: releaseRp } });
  }

  // ---- A-ABORT ----

  /**
   * Aborts (Evt15 -> AA-1: A-ABORT PDU, then wait for the peer to close, bounded by ARTIM).
   * Resolves when the connection is closed. With no association yet (Sta1, Sta2) it just drops
   * the connection; in Sta13 it only waits for the close.
   */
  async abort(source: number = AbortSource.ServiceUser, reason = 0): Promise<void> {
    if (this.currentState === "Sta1" || this.currentState === "Sta2") this.transport.destroy();
    else {
      const error = new AssociationAbortedError(source, reason, "local");
      this.dispatch("Evt15", { abort: { source, reason }, error });
    }
    await this.closed;
  }

  // ---- machinery ----

  /** Why the local primitive `event` cannot be issued now, if it cannot (an empty cell: refused). */
  private refusal(event: Evt): Error | undefined {
    if (step(this.currentState, event).invalid !== "refuse") return undefined;
    if (this.failure && (this.currentState === "Sta13" || this.currentState === "Sta1")) return this.failure;
    return new InvalidStateError(this.currentState, event);
  }

  private onData(chunk: Uint8Array): void {
    this.idle?.touch();
    if (this.framingBroken) return;
    let framed: FramedPdu[];
    try {
      framed = this.framer.push(chunk);
    } catch (err) {
      // The stream can no longer be cut into PDUs (e.g. too large): abort, ignore the rest.
      this.framingBroken = true;
      this.dispatch("Evt19", { abort: abortOf(err), error: asError(err) });
      return;
    }
    try {
      for (let i = 0; i < framed.length; i++) {
        if (this.finished) return;
        this.onFramed(framed[i] as FramedPdu);
      }
    } finally {
      // The read buffer is reused once this returns: P-DATA views kept by the consumer go now.
      this.inbox.readEnd();
    }
  }

  private onFramed(f: FramedPdu): void {
    const event = pduEvents[f.type];
    if (event === undefined) {
      trace("pdu", `unrecognized PDU type 0x${f.type.toString(16).padStart(2, "0")} (${f.length} bytes)`);
      this.dispatch("Evt19", {
        abort: { source: AbortSource.ServiceProvider, reason: AbortReason.UnrecognizedPdu },
      });
      return;
    }
    let pdu: Pdu;
    try {
      pdu = f.pData ?? decodePdu(f.bytes);
    } catch (err) {
      trace("pdu", `invalid PDU: ${asError(err).message}`);
      this.dispatch("Evt19", { abort: abortOf(err), error: asError(err) });
      return;
    }
    if (tracingPdu) for (const line of describePdu(pdu)) trace("pdu", `< ${line}`);
    this.emit("pduReceived", pdu);
    // PS3.8 Table 9-10: Evt10 in Sta6 is DT-2 (P-DATA indication), staying in Sta6. The PDU that
    // comes by the thousand takes that cell directly when nobody observes the transition.
    if (pdu.type === PduType.PDataTf && this.currentState === "Sta6" && !this.observesSteps()) {
      this.inbox.push(pdu);
      return;
    }
    this.dispatch(event, { pdu });
  }

  /** True when each step of the machine must be reported (FSM trace or a `transition` listener). */
  private observesSteps(): boolean {
    return tracingFsm || this.transitionListened;
  }

  private onIdle(ms: number): void {
    const error = new TimeoutError("idle", ms);
    if (step(this.currentState, "Evt15").invalid) this.transport.destroy(error);
    else
      this.dispatch("Evt15", {
        abort: { source: AbortSource.ServiceProvider, reason: AbortReason.NotSpecified },
        error,
      });
  }

  /** Feeds an event nobody awaits: its write errors surface as the transport's close instead. */
  private dispatch(event: Evt, input: EventInput): void {
    const p = this.handle(event, input);
    // Most actions settle at once with `done`, which cannot reject: no handler to attach.
    if (p !== done) p.catch(ignore);
  }

  /**
   * Feeds one event to the machine and performs the resulting action synchronously (writes are
   * queued on the socket in order at once); returns the write's drain promise, if any.
   */
  private handle(event: Evt, input: EventInput): Promise<void> {
    const from = this.currentState;
    const isRequestor = this.role === "requestor";
    let rqRejection: AAssociateRj | undefined;
    if (event === "Evt6" && input.pdu?.type === PduType.AAssociateRq) rqRejection = this.checkRq(input.pdu);
    const r = step(from, event, { rqAcceptable: rqRejection === undefined, isRequestor });
    const action = r.actions[0];
    this.currentState = r.next;
    if (tracingFsm) {
      trace("fsm", `${isRequestor ? "R" : "A"}: ${from} + ${event} -> ${action ?? "(empty cell)"} -> ${r.next}`);
    }
    if (this.transitionListened) this.emit("transition", { from, event, action, to: r.next });
    const p = action === undefined ? done : this.perform(action, input, rqRejection);
    // A close in Sta1 (before any association) is an empty cell but still ends this provider.
    if (this.currentState === "Sta1" && (action !== undefined || event === "Evt17")) this.finish(input.error);
    return p;
  }

  private perform(action: Action, input: EventInput, rqRejection: AAssociateRj | undefined): Promise<void> {
    const pdu = input.pdu;
    switch (action) {
      case "AE-1":
        // The transport is already connected (see the constructor / connect()): confirm at once.
        return this.handle("Evt2", input);
      case "AE-2":
      case "AE-7":
      case "DT-1":
      case "AR-1":
      case "AR-7":
      case "AR-9":
        return this.sendOut(input);
      case "AE-3":
        if (pdu?.type === PduType.AAssociateAc) this.assocConfirm.resolve(pdu);
        return done;
      case "AE-4":
        if (pdu?.type === PduType.AAssociateRj) this.assocConfirm.resolve(pdu);
        this.transport.end();
        return done;
      case "AE-5":
        this.artim.start();
        return done;
      case "AE-6":
        // Paused, not stopped: AR-4 (or the rejection below) starts it again with the same timer.
        this.artim.pause();
        if (rqRejection) {
          this.artim.start();
          const bytes = encodePdu(rqRejection);
          return this.sendOut({ out: { bytes, pdu: () => rqRejection } }, true);
        }
        if (pdu?.type === PduType.AAssociateRq) {
          this.assocIndication.resolve(pdu);
          this.emit("associateRequest", pdu);
        }
        return done;
      case "AE-8":
        this.artim.start();
        return this.sendOut(input);
      case "DT-2":
      case "AR-6":
        if (pdu?.type === PduType.PDataTf) this.inbox.push(pdu);
        return done;
      case "AR-2":
        if (!this.emit("releaseRequest", false)) return this.autoReleaseResponse();
        return done;
      case "AR-3":
        this.releaseConfirm.resolve();
        // "Close transport connection": nothing more may come after the A-RELEASE-RP, so the
        // socket is closed at once rather than half-closed and then read until the peer's FIN.
        if (this.transport.close) this.transport.close();
        else this.transport.end();
        return done;
      case "AR-4":
        this.artim.start();
        return this.sendOut(input);
      case "AR-5":
      case "AA-5":
        this.artim.stop();
        return done;
      case "AR-8":
        this.emit("releaseRequest", true);
        // Sta9: the requestor answers the collision at once; Sta10: the acceptor waits for the RP.
        if (this.currentState === "Sta9") return this.autoReleaseResponse();
        return done;
      case "AR-10":
        this.releaseConfirm.resolve();
        return this.autoReleaseResponse();
      case "AA-1": {
        const abort = input.abort ?? { source: AbortSource.ServiceProvider, reason: AbortReason.UnexpectedPdu };
        const local = input.error instanceof AssociationAbortedError || input.error instanceof TimeoutError;
        this.fail(
          local
            ? input.error!
            : new AssociationAbortedError(abort.source, abort.reason, "local", { cause: input.error }),
        );
        this.artim.restart();
        return this.sendAbort(abort);
      }
      case "AA-2":
        this.artim.stop();
        if (input.error instanceof ArtimTimeoutError) {
          this.fail(input.error);
          this.transport.destroy(input.error);
        } else this.transport.end();
        return done;
      case "AA-3": {
        const a = pdu as AAbort | undefined;
        this.fail(new AssociationAbortedError(a?.source ?? 0, a?.reason ?? 0, "peer"));
        this.transport.end();
        return done;
      }
      case "AA-4":
        this.fail(new TransportClosedError("transport connection closed by the peer", { cause: input.error }));
        return done;
      case "AA-6":
        return done;
      case "AA-7":
        return this.sendAbort(
          input.abort ?? { source: AbortSource.ServiceProvider, reason: AbortReason.UnexpectedPdu },
        );
      case "AA-8": {
        const abort = input.abort ?? { source: AbortSource.ServiceProvider, reason: AbortReason.UnexpectedPdu };
        this.fail(new AssociationAbortedError(abort.source, abort.reason, "local", { cause: input.error }));
        this.artim.start();
        return this.sendAbort(abort);
      }
    }
  }

  private autoReleaseResponse(): Promise<void> {
    return this.handle("Evt14", { out: { bytes: encodePdu({ type: PduType.AReleaseRp }), pdu: releaseRp } });
  }

  private sendAbort(abort: { source: number; reason: number }): Promise<void> {
    const pdu: AAbort = { type: PduType.AAbort, source: abort.source, reason: abort.reason };
    return this.sendOut({ out: { bytes: encodePdu(pdu), pdu: () => pdu } }, true);
  }

  /** Writes `input.out`; a provider-initiated write (`quiet`) never rejects. */
  private sendOut(input: EventInput, quiet = false): Promise<void> {
    const out = input.out;
    if (!out) return done;
    if (tracingPdu) for (const line of describePdu(out.pdu())) trace("pdu", `> ${line}`);
    if (this.pduSentListened) this.emit("pduSent", out.pdu());
    if (out.bytes === writtenWithNext) return done;
    const p = this.transport.write(out.bytes);
    if (quiet) return p.catch(() => {});
    return p;
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.assocConfirm.reject(error);
    this.assocIndication.reject(error);
    this.releaseConfirm.reject(error);
    this.emit("aborted", error);
  }

  /** Back in Sta1: stop the timers, close the transport, settle everything still pending. */
  private finish(error: Error | undefined): void {
    if (this.finished) return;
    this.finished = true;
    this.artim.stop();
    this.idle?.stop();
    // Also after the peer's FIN: with half-open sockets our side must still be ended.
    this.transport.end();
    const cause = this.failure ?? (this.releaseRequested ? undefined : error);
    // Made only if a still-pending confirmation is asked for: normally nobody waits.
    let closedError: TransportClosedError | undefined;
    const closed = () => (closedError ??= new TransportClosedError("transport connection closed", { cause }));
    this.assocConfirm.reject(this.failure ?? closed);
    this.assocIndication.reject(this.failure ?? error ?? closed);
    this.releaseConfirm.reject(this.failure ?? closed);
    this.inbox.end(this.failure);
    // Let the caller of the action that closed the association see its result first. A reaction
    // to a settled promise rather than queueMicrotask, which makes an async resource per call.
    void done.then(() => {
      this.emit("closed", this.failure);
      this.closedSignal.resolve(this.failure);
    });
  }
}

/** The result of an action with nothing left to wait for (shared: it carries no value). */
const done: Promise<void> = Promise.resolve();
const ignore = (): void => {};
/** The bytes of a PDU that the next PDU's write carries with its own (see sendEncodedPData). */
const writtenWithNext = new Uint8Array(0);

const releaseRq = (): Pdu => ({ type: PduType.AReleaseRq });
const releaseRp = (): Pdu => ({ type: PduType.AReleaseRp });

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** The A-ABORT that answers a decode or framing error (PS3.8 9.3.8 reasons). */
function abortOf(err: unknown): { source: number; reason: number } {
  if (err instanceof PduDecodeError) return { source: err.abort.source, reason: err.abort.reason };
  return { source: AbortSource.ServiceProvider, reason: AbortReason.InvalidPduParameterValue };
}
