// The requests this side is serving, from their command set until their answer is sent, and how
// the served ones ended: what a graceful shutdown waits for and what the statistics count.

/**
 * How the requests this side served have ended so far: answered (whatever the status), failed
 * (no answer could be sent), or cut off because the connection closed while they were in flight.
 */
export interface OperationCounts {
  /** Requests answered (a response was sent, whatever its status). */
  readonly completed: number;
  /** Requests whose service failed before an answer could be sent, the connection still open. */
  readonly failed: number;
  /** Requests still in flight (data set arriving, handler running, answer being sent) when the connection closed. */
  readonly abortedInFlight: number;
}

/** One request being served; identity only. */
export type Operation = { readonly command: number };

/** The requests one association is serving. */
export class OperationsInFlight {
  readonly #ops = new Set<Operation>();
  readonly #counts = { completed: 0, failed: 0, abortedInFlight: 0 };
  #idleWaiters: (() => void)[] = [];

  /**
   * `performWindow` is the association's window of requests performed at once (PS3.7 D.3.3.3):
   * an operation that ends frees its slot there.
   */
  constructor(readonly performWindow: { release(): void }) {}

  /** Requests in flight. */
  get size(): number {
    return this.#ops.size;
  }

  /** How the served requests have ended so far (a copy; cumulative). */
  get counts(): OperationCounts {
    return { ...this.#counts };
  }

  /** Resolves once no request is in flight (at once when none is). */
  whenIdle(): Promise<void> {
    if (this.#ops.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** A request's command set has arrived: it is in flight until {@link end}. */
  start(command: number): Operation {
    const op: Operation = { command };
    this.#ops.add(op);
    return op;
  }

  /** A request was answered (`answered`) or its service failed before an answer could be sent. */
  end(op: Operation, answered: boolean): void {
    // Already counted as cut when the connection closed.
    if (!this.#ops.delete(op)) return;
    this.performWindow.release();
    if (answered) this.#counts.completed++;
    else this.#counts.failed++;
    this.#wakeIdle();
  }

  /** The connection closed: every request still in flight is counted as cut off. */
  cut(): void {
    this.#counts.abortedInFlight += this.#ops.size;
    this.#ops.clear();
    this.#wakeIdle();
  }

  #wakeIdle(): void {
    if (this.#ops.size !== 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}
