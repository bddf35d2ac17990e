import type { Association } from "./association.js";
import type { OperationWindow } from "./async-window.js";
import { type DimseCommand, MessageReassembler, type ReassemblyEvent } from "./dimse/index.js";
import { type DispatchAccess, handleMessage, type IncomingMessage, openSink } from "./dimse-dispatch.js";
import { logDimse } from "./dimse-sender.js";
import { AbortSource } from "./dul/errors.js";
import type { UpperLayer } from "./dul/provider.js";
import type { Operation, OperationsInFlight } from "./operations-in-flight.js";
import { AbortReason, type PresentationDataValue } from "./pdu/index.js";
import type { DatasetSink } from "./services/channel.js";
import { isRequest } from "./services/dispatch.js";
import { MemorySink } from "./services/storage/memory-sink.js";

/** What the receiver needs from its association, besides the dispatch look-ups. */
export interface ReceiverHost extends DispatchAccess {
  /** The association: events are fired on it, sinks and services work on it. */
  readonly assoc: Association;
  /** The requests of the peer performed at once (PS3.7 D.3.3.3): a request beyond it waits. */
  readonly performWindow: OperationWindow;
  /** The requests this side is serving (one starts with its command set). */
  readonly operations: OperationsInFlight;
}

/** A message whose data set is arriving. */
interface Incoming {
  readonly contextId: number;
  readonly command: DimseCommand;
  readonly sink: DatasetSink;
  readonly op: Operation | undefined;
}

/** The DIMSE receive path of one association. */
export class DimseReceiver {
  readonly #reassembler = new MessageReassembler();
  #incoming: Incoming | undefined;

  /** What the dispatcher may ask of this receiver: the host's lookups, and backpressure. */
  readonly #access: DispatchAccess;
  /** Set by the dispatcher when a reader has fallen behind: read nothing more until it settles. */
  #held: Promise<void> | undefined;

  constructor(readonly host: ReceiverHost) {
    this.#access = {
      pending: (id) => host.pending(id),
      context: (id) => host.context(id),
      holdReceiving: (until) => {
        this.#held = until;
      },
    };
  }

  /**
   * Receives until the upper layer's P-DATA stream ends; resolves then, once a data set cut short
   * has been discarded. Each PDU is handled synchronously as it is read (its data may alias the
   * read buffer) unless a sink write or a full window returns a promise; the rest of that PDU is
   * then copied and handled once the promise settles, and later PDUs wait in the upper layer.
   */
  run(ul: UpperLayer): Promise<void> {
    return new Promise<void>((resolve) => {
      ul.consumePData(
        (pdu) =>
          pdu.values.length === 1 ? this.#onPdv(pdu.values[0] as PresentationDataValue) : this.#onPdvs(pdu.values, 0),
        (error) => {
          // The abort error reaches the pending calls through the upper layer's "aborted" event.
          const left = this.#incoming;
          this.#incoming = undefined;
          // PS3.8 7.3: an aborted association's partial data set is discarded, never handed on.
          if (!left) return resolve();
          Promise.resolve()
            .then(() => left.sink.abort(error ?? new Error("the association ended mid data set")))
            .catch(() => {})
            .then(resolve, resolve);
        },
        () => this.#incoming?.sink.releaseViews?.(),
      );
    });
  }

  /** Handles `values` from index `from`; on the first that must wait, copies the rest and goes on after it. */
  #onPdvs(values: readonly PresentationDataValue[], from: number): Promise<void> | undefined {
    for (let i = from; i < values.length; i++) {
      const wait = this.#onPdv(values[i] as PresentationDataValue);
      if (wait === undefined) continue;
      if (i + 1 === values.length) return wait;
      // The rest of this PDU aliases the read buffer, which the next read reuses.
      const rest = values.slice(i + 1).map((v) => ({ ...v, data: new Uint8Array(v.data) }));
      return wait.then(() => this.#onPdvs(rest, 0));
    }
    return undefined;
  }

  #onPdv(pdv: PresentationDataValue): Promise<void> | undefined {
    const assoc = this.host.assoc;
    // The PDV aliases the read buffer, which the next read overwrites: a handler gets its own copy,
    // so that keeping the bytes (as pynetdicom's EVT_DATA_RECV users do) is safe.
    if (assoc.isObserved("DATA_RECV"))
      assoc.fire("DATA_RECV", { data: pdv.data.slice(), contextId: pdv.contextId, isCommand: pdv.isCommand });
    if (this.host.context(pdv.contextId) === undefined) {
      // PS3.8 9.3.5.1: a PDV must use an accepted presentation context.
      assoc.logger.error?.(`received a PDV on presentation context ${pdv.contextId}, which was not accepted`);
      this.#providerAbort();
      return undefined;
    }
    // The usual PDV, the next fragment of a data set being received: no event object for it.
    if (this.#reassembler.takeDataFragment(pdv)) return this.#onData(pdv.data, pdv.isLast);
    let events: ReturnType<MessageReassembler["push"]>;
    try {
      events = this.#reassembler.push(pdv);
    } catch (err) {
      const abort = (err as { abort?: unknown }).abort;
      assoc.logger.error?.("could not decode a DIMSE message", err);
      if (abort !== false) this.#providerAbort();
      return undefined;
    }
    // push() reports at most one event per PDV.
    const e = events[0];
    if (e === undefined) return undefined;
    if (e.kind === "command") {
      // PS3.7 D.3.3.3: beyond the performed window a request waits, and so does the receive loop
      // (backpressure: the socket pauses) until an operation in progress has been answered.
      const window = this.host.performWindow;
      if (isRequest(e.command.commandField) && !window.tryAcquire()) {
        return window.acquire().then(() => this.#onCommand(e));
      }
      return this.#onCommand(e);
    }
    return this.#onData(e.chunk, e.isLast);
  }

  /** A fragment of the data set being received goes to its sink; the last one ends the message. */
  #onData(chunk: Uint8Array, isLast: boolean): Promise<void> | undefined {
    const m = this.#incoming;
    if (!m) return undefined;
    const wrote = m.sink.write(chunk);
    if (!isLast) return wrote ?? undefined;
    this.#incoming = undefined;
    return this.#finishIncoming(m, wrote ?? undefined);
  }

  /** A command set has arrived (a request has its window slot). */
  #onCommand(e: Extract<ReassemblyEvent, { kind: "command" }>): Promise<void> | undefined {
    const assoc = this.host.assoc;
    logDimse(assoc.logger, e.command, "inbound");
    // A request is in flight from its command set until its answer is sent (graceful shutdown waits for it).
    const op = isRequest(e.command.commandField) ? this.host.operations.start(e.command.commandField) : undefined;
    if (!e.command.hasDataset) return this.#onMessage({ contextId: e.contextId, command: e.command, dataset: [] }, op);
    const context = this.host.context(e.contextId);
    this.#incoming = { contextId: e.contextId, command: e.command, sink: openSink(assoc, e.command, context), op };
    return undefined;
  }

  /**
   * The last fragment is written: ends the sink, then dispatches the message. Synchronous when the
   * sink is (no fsync): a promise here would hold the receive loop for a turn per instance.
   */
  #finishIncoming(m: Incoming, wrote: Promise<void> | undefined): Promise<void> | undefined {
    const failed = (err: unknown) => this.host.assoc.logger.error?.("a received data set could not be stored", err);
    if (wrote) {
      return wrote
        .then(() => m.sink.end())
        .then(
          () => this.#dispatchIncoming(m),
          (err: unknown) => {
            failed(err);
            return this.#dispatchIncoming(m);
          },
        );
    }
    let ended: void | Promise<void>;
    try {
      ended = m.sink.end();
    } catch (err) {
      failed(err);
      ended = Promise.resolve();
    }
    if (ended) {
      return ended.then(
        () => this.#dispatchIncoming(m),
        (err: unknown) => {
          failed(err);
          return this.#dispatchIncoming(m);
        },
      );
    }
    return this.#dispatchIncoming(m);
  }

  #dispatchIncoming(m: Incoming): Promise<void> | undefined {
    const dataset = m.sink instanceof MemorySink ? m.sink.chunks : [];
    return this.#onMessage({ contextId: m.contextId, command: m.command, dataset, sink: m.sink }, m.op);
  }

  /** Dispatches one message; returns a promise when the receive loop must wait before reading on. */
  #onMessage(message: IncomingMessage, op?: Operation): Promise<void> | undefined {
    const { assoc, operations } = this.host;
    assoc.fire("DIMSE_RECV", { message: message.command, contextId: message.contextId });
    let task: Promise<void> | undefined;
    try {
      task = handleMessage(assoc, message, this.#access);
    } catch (err) {
      if (op) operations.end(op, false);
      throw err;
    }
    if (task) {
      // One reaction per request ends its operation and logs a failure (what `track` would do,
      // with the three promises it makes).
      task.then(
        () => {
          if (op) operations.end(op, true);
        },
        (err: unknown) => {
          if (op) operations.end(op, false);
          assoc.logger.error?.("an association task failed", err);
        },
      );
    } else if (op) operations.end(op, true);
    const held = this.#held;
    this.#held = undefined;
    return held;
  }

  #providerAbort(): void {
    // PS3.8 9.3.8: service-provider, invalid PDU parameter value.
    this.host.assoc.upperLayer
      ?.abort(AbortSource.ServiceProvider, AbortReason.InvalidPduParameterValue)
      .catch(() => {});
  }
}
