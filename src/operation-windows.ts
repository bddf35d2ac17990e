// The Asynchronous Operations Window of one association at work (PS3.7 D.3.3.3): the requests
// this side sends take a slot of the invoked window on their way to the outstanding requests,
// the peer's requests a slot of the performed window; both limits come from negotiation.
import type { ServiceUser } from "./acse/index.js";
import {
  AheadLine,
  type AsyncOperationsWindow,
  inWindow,
  negotiatedWindow,
  OperationWindow,
  SYNCHRONOUS_WINDOW,
  type WorkAhead,
  windowedStream,
  withRequestsInWindow,
} from "./async-window.js";
import type { DimseCommand } from "./dimse/index.js";
import { OutstandingRequests, type RequestHost } from "./outstanding-requests.js";
import type { DimseChannel, DimseMessage, RequestOptions, ResponseStream } from "./services/channel.js";

/** The invoked and performed windows of one association, and the requests sent through the first. */
export class OperationWindows {
  /** The requests this side has sent and awaits answers to. */
  readonly requests: OutstandingRequests;
  /** Requests outstanding from this side. */
  readonly invoked = new OperationWindow(1);
  /** Requests of the peer being performed by this side. */
  readonly performed = new OperationWindow(1);
  /** The requests waiting for an invoked slot with work to do ahead (one does it at a time). */
  readonly ahead = new AheadLine();
  #window: AsyncOperationsWindow = SYNCHRONOUS_WINDOW;
  #held: DimseChannel | undefined;

  /** The requests go out through `host`; before establishment they fail at once, waiting for no slot. */
  constructor(readonly host: RequestHost) {
    this.requests = new OutstandingRequests(host);
  }

  /** The negotiated window from the local side's point of view; (1, 1) until established. */
  get window(): AsyncOperationsWindow {
    return this.#window;
  }

  /** Sets both limits from what the two service users negotiated. */
  negotiate(requestor: ServiceUser, acceptor: ServiceUser, mode: "requestor" | "acceptor"): void {
    this.#window = negotiatedWindow(requestor, acceptor, mode);
    this.invoked.setLimit(this.#window.invoked);
    this.performed.setLimit(this.#window.performed);
  }

  /** The association ended: whoever waits for a slot fails with `error` (made when first needed). */
  close(error: Error | (() => Error)): void {
    this.invoked.close(error);
    this.performed.close(error);
  }

  /** Sends a request, in turn when the invoked window is full, and resolves with its final response. */
  request(contextId: number, command: DimseCommand, options: RequestOptions = {}): Promise<DimseMessage> {
    if (this.host.notEstablished() !== undefined) return this.requests.request(contextId, command, options);
    const onSent = options.onSent;
    if (onSent === undefined) {
      return inWindow(this.invoked, options.signal, () => this.requests.request(contextId, command, options));
    }
    // A request that never gets its slot is done with its data set too.
    let reached = false;
    const send = () => {
      reached = true;
      return this.requests.request(contextId, command, options);
    };
    return inWindow(this.invoked, options.signal, send).catch((err: unknown) => {
      if (!reached) onSent(err);
      throw err;
    });
  }

  /** Sends a request and yields its responses, holding a slot from the first `next()` until the final one. */
  requestMany(contextId: number, command: DimseCommand, options: RequestOptions = {}): ResponseStream {
    if (this.host.notEstablished() !== undefined) return this.requests.requestMany(contextId, command, options);
    return windowedStream(this.invoked, options.signal ?? options.windowSignal, () =>
      this.requests.requestMany(contextId, command, options),
    );
  }

  /**
   * Runs `run` holding a slot of the invoked window, taken before `run` starts, with a view of
   * `channel` whose requests go out without waiting for a slot again. With `ahead`, a call that
   * must wait for its slot does that work meanwhile (one such call at a time, see `AheadLine`) and
   * hands it to `run`.
   */
  holdingSlot<T, A = never>(
    channel: DimseChannel,
    signal: AbortSignal | undefined,
    run: (held: DimseChannel, done?: A) => Promise<T>,
    ahead?: WorkAhead<A>,
  ): Promise<T> {
    this.#held ??= withRequestsInWindow(channel, (c, cmd, o) => this.requests.request(c, cmd, o));
    const held = this.#held;
    // Not established: no slot to wait for, the call fails at once (AssociationNotEstablishedError).
    if (this.host.notEstablished() !== undefined) return run(held);
    if (ahead) return this.ahead.inWindow(this.invoked, signal, ahead, (done) => run(held, done));
    return inWindow(this.invoked, signal, () => run(held));
  }
}
