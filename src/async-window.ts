// The Asynchronous Operations Window (PS3.7 D.3.3.3): what each side proposes and answers, the
// window an association ends up with, and the FIFO counter that keeps each direction inside it.
import { AsynchronousOperationsWindowNegotiation, type ServiceUser } from "./acse/index.js";
import type { DimseChannel, ResponseStream } from "./services/channel.js";
import { NetdicomError } from "./util/errors.js";

/**
 * A window of outstanding operations, as numbers of requests (PS3.7 D.3.3.3). `0` means
 * unlimited; `1` (both, the default) is the synchronous mode every AE supports.
 */
export interface AsyncOperationsWindow {
  /** Requests this side may have outstanding (sent, not yet answered with a final response). */
  readonly invoked: number;
  /** Requests this side may be performing at once (received, not yet answered). */
  readonly performed: number;
}

/** The synchronous mode: one operation at a time in each direction (the standard's default). */
export const SYNCHRONOUS_WINDOW: AsyncOperationsWindow = Object.freeze({ invoked: 1, performed: 1 });

/** The smaller of two window values where 0 means unlimited (PS3.7 D.3.3.3). */
export function minWindow(a: number, b: number): number {
  if (a === 0) return b;
  if (b === 0) return a;
  return Math.min(a, b);
}

/** Throws unless both numbers are integers 0…65535 (the item's two 16-bit fields, PS3.7 Table D.3-7). */
export function checkWindow(window: AsyncOperationsWindow, what = "asynchronous operations window"): void {
  for (const [name, v] of [
    ["invoked", window.invoked],
    ["performed", window.performed],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) {
      throw new NetdicomError("ERR_ASYNC_WINDOW", `${what}: ${name} ${v} is not an integer 0-65535 (0 = unlimited)`);
    }
  }
}

/**
 * The item a requestor with `own` limits proposes: none for (1, 1), since an absent item means
 * exactly that (PS3.7 D.3.3.3), and some peers mishandle the item.
 */
export function proposalItem(own: AsyncOperationsWindow): AsynchronousOperationsWindowNegotiation | undefined {
  if (own.invoked === 1 && own.performed === 1) return undefined;
  return new AsynchronousOperationsWindowNegotiation(own.invoked, own.performed);
}

/**
 * The acceptor's answer to a proposal, given its own limits. Both fields of the answer are from
 * the requestor's point of view (PS3.7 D.3.3.3): how many requests the acceptor lets it invoke
 * (at most what the acceptor performs at once) and how many it lets it perform (at most what the
 * acceptor itself wants to invoke); neither above what was proposed.
 */
export function answerProposal(
  proposed: AsyncOperationsWindow,
  own: AsyncOperationsWindow,
): AsynchronousOperationsWindowNegotiation {
  return new AsynchronousOperationsWindowNegotiation(
    minWindow(proposed.invoked, own.performed),
    minWindow(proposed.performed, own.invoked),
  );
}

function itemOf(user: ServiceUser): AsyncOperationsWindow | undefined {
  for (const item of user.extendedNegotiation) {
    if (item instanceof AsynchronousOperationsWindowNegotiation) {
      return { invoked: item.maximumNumberOperationsInvoked, performed: item.maximumNumberOperationsPerformed };
    }
  }
  return undefined;
}

/**
 * The window an established association works in, from the local side's point of view. With no
 * item in the request, or none in the answer, it is (1, 1) (PS3.7 D.3.3.3). The answer is capped
 * at the proposal, in case a peer answers more than it was offered.
 */
export function negotiatedWindow(
  requestor: ServiceUser,
  acceptor: ServiceUser,
  local: "requestor" | "acceptor",
): AsyncOperationsWindow {
  const proposed = itemOf(requestor);
  const answered = itemOf(acceptor);
  if (!proposed || !answered) return SYNCHRONOUS_WINDOW;
  // Both fields of the answer describe the requestor (see answerProposal).
  const requestorInvokes = minWindow(proposed.invoked, answered.invoked);
  const requestorPerforms = minWindow(proposed.performed, answered.performed);
  return local === "requestor"
    ? { invoked: requestorInvokes, performed: requestorPerforms }
    : { invoked: requestorPerforms, performed: requestorInvokes };
}

/** Waiting for a window slot ended because the association closed. */
export class WindowClosedError extends NetdicomError {
  override readonly name = "WindowClosedError";
  constructor(reason: string) {
    super("ERR_WINDOW_CLOSED", `no more operations on this association: ${reason}`);
  }
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

/**
 * A counting semaphore with a FIFO queue: at most `limit` holders at once (0 = unlimited). Its
 * fast path is synchronous (`tryAcquire`), so a free slot costs no promise or microtask hop.
 */
export class OperationWindow {
  #limit: number;
  #held = 0;
  #closed: Error | (() => Error) | undefined;
  readonly #queue: Waiter[] = [];

  /** `limit` slots (0 = unlimited). */
  constructor(limit = 1) {
    this.#limit = limit;
  }

  /** Slots in use. */
  get held(): number {
    return this.#held;
  }
  /** The number of slots (0 = unlimited). */
  get limit(): number {
    return this.#limit;
  }
  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Changes the number of slots (e.g. once negotiated); waiters are let in when it grows. */
  setLimit(limit: number): void {
    this.#limit = limit;
    this.#wake();
  }

  /** Takes a slot when one is free and nobody waits ahead; false otherwise. */
  tryAcquire(): boolean {
    if (this.#closed || this.#queue.length > 0 || !this.#free()) return false;
    this.#held++;
    return true;
  }

  /**
   * Resolves once a slot is taken, in call order. Rejects with the close error when the window is
   * closed, or with the signal's reason when it aborts first (the place in the queue is given up).
   */
  acquire(signal?: AbortSignal): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closedError());
    if (this.tryAcquire()) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const at = this.#queue.indexOf(waiter);
        if (at >= 0) this.#queue.splice(at, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject: (e) => {
          signal?.removeEventListener("abort", onAbort);
          reject(e);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  /** Gives a slot back and lets the next waiter in. */
  release(): void {
    if (this.#held > 0) this.#held--;
    this.#wake();
  }

  /**
   * Rejects every waiter and all later acquires with `error` (the association has ended). Given
   * as a function, the error is made only when someone waits or acquires (normally nobody does).
   */
  close(error: Error | (() => Error)): void {
    if (this.#closed) return;
    this.#closed = error;
    if (this.#queue.length > 0) {
      const e = this.#closedError();
      for (const w of this.#queue.splice(0)) w.reject(e);
    }
  }

  /** The error of {@link close}, made now if it was given as a function. */
  #closedError(): Error {
    const e = this.#closed;
    if (typeof e === "function") this.#closed = e();
    return this.#closed as Error;
  }

  #free(): boolean {
    return this.#limit === 0 || this.#held < this.#limit;
  }

  #wake(): void {
    while (!this.#closed && this.#queue.length > 0 && this.#free()) {
      this.#held++;
      this.#queue.shift()?.resolve();
    }
  }
}

/**
 * Runs `run` holding a slot of `window` (waiting for one, in turn, when all are taken) and gives
 * the slot back when it settles. A free slot is taken synchronously.
 */
export function inWindow<T>(
  window: OperationWindow,
  signal: AbortSignal | undefined,
  run: () => Promise<T>,
): Promise<T> {
  const go = () => runHolding(window, run);
  return window.tryAcquire() ? go() : window.acquire(signal).then(go);
}

/** Runs `run`, which holds a slot of `window` already taken, and gives the slot back when it settles. */
function runHolding<T>(window: OperationWindow, run: () => Promise<T>): Promise<T> {
  let p: Promise<T>;
  try {
    p = run();
  } catch (err) {
    window.release();
    return Promise.reject(err);
  }
  return p.finally(() => window.release());
}

/**
 * Work a call queued behind a full window may do before its slot comes (a C-STORE reads its file's
 * first bytes), so that it sends as soon as the slot is free.
 */
export interface WorkAhead<A> {
  /** Does the work; called at most once, only while the call still waits (an error thrown is ignored). */
  start(): A;
  /** Undoes the work of a call that never got its slot (aborted, or the association ended). */
  drop(done: A): void;
}

/**
 * The calls waiting for a slot of one window with work to do ahead ({@link WorkAhead}). Only the
 * first of them does its work, so that the queue holds one call's worth of it at most (a file and
 * its first read buffer) however many wait; the next starts when it leaves the queue. The work is
 * started a little later (after the process ticks queued by then), so that the writes of the
 * request that just took the slot go out first.
 */
export class AheadLine {
  readonly #waiting: (() => void)[] = [];

  /**
   * Runs `run` holding a slot of `window`, as {@link inWindow} does; when it must wait, `ahead`'s
   * work is done in turn while it waits and handed to `run` (undefined when it was not done).
   */
  inWindow<T, A>(
    window: OperationWindow,
    signal: AbortSignal | undefined,
    ahead: WorkAhead<A>,
    run: (done: A | undefined) => Promise<T>,
  ): Promise<T> {
    if (window.tryAcquire()) return runHolding(window, () => run(undefined));
    let done: A | undefined;
    let waiting = true;
    const startAhead = () => {
      if (!waiting || done !== undefined) return;
      try {
        done = ahead.start();
      } catch {
        // Work ahead is only a head start: the call does it again, and meets the error, in turn.
      }
    };
    this.#waiting.push(startAhead);
    if (this.#waiting.length === 1) this.#startFirst();
    const leave = () => {
      waiting = false;
      const at = this.#waiting.indexOf(startAhead);
      if (at >= 0) this.#waiting.splice(at, 1);
      if (at === 0 && this.#waiting.length > 0) this.#startFirst();
    };
    return window.acquire(signal).then(
      () => {
        leave();
        return runHolding(window, () => run(done));
      },
      (err: unknown) => {
        leave();
        try {
          if (done !== undefined) ahead.drop(done);
        } catch {
          // Undoing the work failed (closing a file): the call's own error is the one to report.
        }
        throw err;
      },
    );
  }

  /** Calls waiting with work to do ahead. */
  get waiting(): number {
    return this.#waiting.length;
  }

  #startFirst(): void {
    // Two ticks on: the call that just took the slot (whose promise reaction called this) sends in
    // the same run of promise reactions, and its writes leave on the tick its batch queues, which
    // then comes before this work. A whole loop turn (setImmediate) costs a poll per instance:
    // measured, 2000 tiny files cost 6% more CPU that way.
    process.nextTick(() => process.nextTick(() => this.#waiting[0]?.()));
  }
}

/**
 * `channel` as a service sees it while it already holds a window slot: the same object, except
 * that `request` is `requestNow` (which does not wait for a slot again).
 */
export function withRequestsInWindow(channel: DimseChannel, requestNow: DimseChannel["request"]): DimseChannel {
  return new Proxy(channel, {
    get(target, prop) {
      if (prop === "request") return requestNow;
      // Read with the target as receiver, and bind methods to it, so private fields keep working.
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * A response stream that takes a slot of `window` on its first `next()` (waiting in turn when all
 * are taken), opens the stream with `open`, and gives the slot back as soon as the final response
 * (any status but pending 0xFF00/0xFF01) arrives, or when the stream fails or is closed early: a
 * C-FIND, C-GET or C-MOVE counts as one outstanding operation until its final response (PS3.7
 * D.3.3.3), whether or not its reader asks for anything after it.
 */
export function windowedStream(
  window: OperationWindow,
  signal: AbortSignal | undefined,
  open: () => ResponseStream,
): ResponseStream {
  let inner: ResponseStream | undefined;
  let starting: Promise<ResponseStream> | undefined;
  let held = false;
  const free = () => {
    if (!held) return;
    held = false;
    window.release();
  };
  const start = async (): Promise<ResponseStream> => {
    if (!window.tryAcquire()) await window.acquire(signal);
    held = true;
    inner = open();
    return inner;
  };
  const stream: ResponseStream = {
    async next() {
      try {
        starting ??= start();
        const r = await (await starting).next();
        if (r.done || !isPendingStatus(r.value.command.status)) free();
        return r;
      } catch (err) {
        free();
        throw err;
      }
    },
    async return(value?: unknown) {
      free();
      if (inner?.return) return inner.return(value);
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}

/** PS3.7 C.1.2: 0xFF00 and 0xFF01 are the pending statuses. */
function isPendingStatus(status: number | undefined): boolean {
  return status === 0xff00 || status === 0xff01;
}
