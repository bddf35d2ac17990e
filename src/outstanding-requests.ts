// The requests this side has sent and awaits answers to, by Message ID (PS3.7 9.3.1.1): their
// Message IDs, their responses (pending ones for C-FIND, C-GET, C-MOVE), and the DIMSE timer.
import type { DimseCommand } from "./dimse/index.js";
import type { DimseMessage, OutgoingDataset, RequestOptions, ResponseStream } from "./services/channel.js";
import { AssociationNotEstablishedError, DimseTimeoutError } from "./services/errors.js";
import { AsyncQueue } from "./util/async-queue.js";

/** Unread pending responses of one request past which the receiver stops reading from the peer. */
export const UNREAD_RESPONSES_HIGH_WATER = 256;

/** One outstanding request: where its responses go. */
export interface OutstandingRequest {
  readonly resolve: (m: DimseMessage) => void;
  readonly reject: (e: Error) => void;
  readonly cleanup: () => void;
  /**
   * Takes the pending responses (C-FIND, C-GET, C-MOVE); without it they are dropped. A returned
   * promise asks the receiver to read nothing more from the peer until it settles (the reader has
   * fallen behind).
   */
  readonly pending?: (m: DimseMessage) => undefined | Promise<void>;
}

/** What the requests need from their association. */
export interface RequestHost {
  /** Undefined while established; else the state to name in the error ("released"…). */
  notEstablished(): string | undefined;
  /** The DIMSE timeout (ms; 0 = none), read when each request is sent. */
  dimseTimeoutMs(): number;
  send(contextId: number, command: DimseCommand, dataset?: OutgoingDataset): Promise<void>;
  /** No response came within the DIMSE timeout: the association is to be aborted. */
  timedOut(error: DimseTimeoutError): void;
}

/** The outstanding requests of one association. */
export class OutstandingRequests {
  readonly #byId = new Map<number, OutstandingRequest>();
  #messageId = 0;

  constructor(readonly host: RequestHost) {}

  /** The outstanding request with this Message ID. */
  get(messageId: number): OutstandingRequest | undefined {
    return this.#byId.get(messageId);
  }

  /** The next Message ID: 1…65535, then 1 again (PS3.7 9.3.1.1), skipping IDs still outstanding. */
  nextMessageId(): number {
    for (let i = 0; i < 65535; i++) {
      this.#messageId = (this.#messageId % 65535) + 1;
      if (!this.#byId.has(this.#messageId)) return this.#messageId;
    }
    throw new RangeError("all 65535 message IDs are outstanding");
  }

  /** Sends a request and resolves with its final response. */
  request(contextId: number, command: DimseCommand, options: RequestOptions = {}): Promise<DimseMessage> {
    return new Promise<DimseMessage>((resolve, reject) =>
      this.#expect(contextId, command, options, { resolve, reject }),
    );
  }

  /** Sends a request and yields each of its responses, pending ones included, ending after the final one. */
  requestMany(contextId: number, command: DimseCommand, options: RequestOptions = {}): ResponseStream {
    const queue = new AsyncQueue<DimseMessage>();
    const id = command.messageId ?? 0;
    queue.onReturn = () => this.#byId.get(id)?.cleanup();
    this.#expect(contextId, command, options, {
      resolve: (m) => {
        queue.push(m);
        queue.end();
      },
      reject: (e) => queue.fail(e),
      pending: (m) => {
        queue.push(m);
        // A peer may send pending responses faster than the reader takes them: past the high-water
        // mark the receiver stops reading (the socket pauses) until the reader is halfway back.
        return queue.size >= UNREAD_RESPONSES_HIGH_WATER ? queue.whenRoom(UNREAD_RESPONSES_HIGH_WATER / 2) : undefined;
      },
    });
    return queue;
  }

  /** Fails every outstanding request (the association ended); `error` is made only if one is outstanding. */
  failAll(error: Error | (() => Error)): void {
    if (this.#byId.size === 0) return;
    if (typeof error === "function") error = error();
    for (const p of [...this.#byId.values()]) {
      p.cleanup();
      p.reject(error);
    }
  }

  /** Registers `to` for the responses to `command`, sends it, and runs the DIMSE timer between responses. */
  #expect(
    contextId: number,
    command: DimseCommand,
    options: RequestOptions,
    to: Pick<OutstandingRequest, "resolve" | "reject" | "pending">,
  ): void {
    const state = this.host.notEstablished();
    if (state !== undefined) {
      const error = new AssociationNotEstablishedError(state);
      options.onSent?.(error);
      to.reject(error);
      return;
    }
    const id = command.messageId ?? 0;
    const signal = options.signal;
    if (signal?.aborted) {
      options.onSent?.(signal.reason);
      to.reject(signal.reason);
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      cleanup();
      to.reject(signal?.reason);
    };
    const cleanup = () => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (this.#byId.get(id) === entry) this.#byId.delete(id);
    };
    const ms = this.host.dimseTimeoutMs();
    // The DIMSE timer runs from the end of the request, so a large data set's own transfer time
    // does not count against it, and restarts on each pending response.
    const startTimer = () => {
      if (ms <= 0 || this.#byId.get(id) !== entry) return;
      // A pending response restarts the running timer (cheaper than a new one per response).
      if (timer !== undefined) {
        timer.refresh();
        return;
      }
      timer = setTimeout(() => {
        cleanup();
        const error = new DimseTimeoutError(ms);
        to.reject(error);
        // pynetdicom and DCMTK abort when a DIMSE response does not come in time.
        this.host.timedOut(error);
      }, ms);
    };
    const pending = to.pending;
    const entry: OutstandingRequest = {
      resolve: to.resolve,
      reject: to.reject,
      cleanup,
      ...(pending === undefined
        ? {}
        : {
            pending: (m: DimseMessage) => {
              startTimer();
              const held = pending(m);
              if (held === undefined) return undefined;
              // Nothing is read while the reader catches up: the DIMSE timer waits with it.
              if (timer !== undefined) clearTimeout(timer);
              timer = undefined;
              return held.then(startTimer);
            },
          }),
    };
    this.#byId.set(id, entry);
    signal?.addEventListener("abort", onAbort, { once: true });
    const onSent = options.onSent;
    const sent =
      onSent === undefined
        ? startTimer
        : () => {
            onSent();
            startTimer();
          };
    this.host.send(contextId, command, options.dataset).then(sent, (err: unknown) => {
      onSent?.(err);
      cleanup();
      to.reject(err as Error);
    });
  }
}
