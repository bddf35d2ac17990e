import type { PDataTf } from "../pdu/index.js";

/** Queued P-DATA-TF PDUs at which reading from the socket pauses (resumes at half). */
export const P_DATA_HIGH_WATER = 16;

/**
 * Handles one P-DATA indication synchronously, while its PDV data are valid (they may alias the
 * read buffer, which the next read reuses). Returns a promise when it must finish something
 * (e.g. wait for the disk) before the next indication; it must then have copied whatever of
 * this PDU it still needs.
 */
export type PDataConsumer = (pdu: PDataTf) => Promise<void> | undefined;

/**
 * Called once the P-DATA indications of one read were handed over, before the read buffer is
 * reused: a consumer that kept views of their PDV data (to write several at once) must write or
 * copy them now.
 */
export type PDataReadEnd = () => void;

/** A P-DATA-TF whose PDV data are copies, safe to keep after the read buffer is reused. */
function owned(pdu: PDataTf): PDataTf {
  return { ...pdu, values: pdu.values.map((v) => ({ ...v, data: new Uint8Array(v.data) })) };
}

/**
 * The queue between the socket and the consumer of P-DATA indications, with backpressure: when
 * the consumer falls `P_DATA_HIGH_WATER` PDUs behind, `pause` is called (the socket stops
 * reading, TCP flow control slows the peer) and `resume` once it has caught up. A consumer set
 * with {@link consume} is called synchronously on each push; only what waits in the queue is
 * copied. The async iterator form ({@link iterate}) always receives copies.
 */
export class PDataInbox {
  private readonly queue: PDataTf[] = [];
  private waiter: { resolve: (r: IteratorResult<PDataTf>) => void; reject: (e: Error) => void } | undefined;
  private done = false;
  private error: Error | undefined;
  private paused = false;
  private consumer: PDataConsumer | undefined;
  private onEnd: ((error?: Error) => void) | undefined;
  private onReadEnd: PDataReadEnd | undefined;
  /** The consumer is finishing a PDU: later ones wait in the queue. */
  private busy = false;
  /** The consumer failed: nothing more is handed to it. */
  private stopped = false;

  constructor(
    private readonly pause: () => void,
    private readonly resume: () => void,
  ) {}

  /**
   * Hands every indication, in order, to `consumer` (synchronously when it is not busy), and
   * calls `onEnd` once: after the last one when the stream ends (with the abort error, if any),
   * or with the consumer's error if one of its promises rejects or it throws (then nothing more
   * is handed to it). Replaces the async iterator form: one consumer at a time. `onReadEnd`, if
   * given, is called by {@link readEnd}.
   */
  consume(consumer: PDataConsumer, onEnd: (error?: Error) => void, onReadEnd?: PDataReadEnd): void {
    this.consumer = consumer;
    this.onEnd = onEnd;
    this.onReadEnd = onReadEnd;
    this.drain();
  }

  /**
   * The indications of one read have all been pushed and the read buffer is about to be reused:
   * tells the consumer (see {@link PDataReadEnd}). A consumer that failed is not called.
   */
  readEnd(): void {
    if (this.onReadEnd !== undefined && !this.stopped) this.onReadEnd();
  }

  /** Queues one indication (or hands it to the consumer or a waiting reader). */
  push(pdu: PDataTf): void {
    if (this.done) return;
    if (this.consumer) {
      if (this.stopped) return;
      if (!this.busy && this.queue.length === 0) {
        this.deliver(pdu);
        return;
      }
    } else {
      const w = this.waiter;
      if (w) {
        this.waiter = undefined;
        // The reader runs later, after the read buffer may have been reused.
        w.resolve({ value: owned(pdu), done: false });
        return;
      }
    }
    this.queue.push(owned(pdu));
    if (!this.paused && this.queue.length >= P_DATA_HIGH_WATER) {
      this.paused = true;
      this.pause();
    }
  }

  /** No more indications will come; the consumer sees the queued ones, then the end (or `error`). */
  end(error?: Error): void {
    if (this.done) return;
    this.done = true;
    this.error = error;
    if (this.consumer) {
      if (!this.busy && this.queue.length === 0) this.finish(error);
      return;
    }
    const w = this.waiter;
    this.waiter = undefined;
    if (w) {
      if (error) w.reject(error);
      else w.resolve({ value: undefined, done: true });
    }
  }

  /** Calls the consumer with one PDU; a failure stops the consumption. */
  private deliver(pdu: PDataTf): void {
    let wait: Promise<void> | undefined;
    try {
      wait = (this.consumer as PDataConsumer)(pdu);
    } catch (err) {
      this.stop(err);
      return;
    }
    if (wait === undefined) return;
    this.busy = true;
    wait.then(
      () => {
        this.busy = false;
        this.drain();
      },
      (err: unknown) => this.stop(err),
    );
  }

  /** Hands queued PDUs to the consumer until it is busy again or the queue is empty. */
  private drain(): void {
    // Each turn removes one queued PDU, so the loop is bounded by the queue's length.
    while (!this.busy && !this.stopped) {
      const pdu = this.queue.shift();
      if (pdu === undefined) break;
      this.resumeIfLow();
      this.deliver(pdu);
    }
    if (!this.busy && !this.stopped && this.queue.length === 0 && this.done) this.finish(this.error);
  }

  private stop(err: unknown): void {
    this.stopped = true;
    this.busy = false;
    this.queue.length = 0;
    this.finish(err instanceof Error ? err : new Error(String(err)));
  }

  private finish(error: Error | undefined): void {
    const onEnd = this.onEnd;
    this.onEnd = undefined;
    onEnd?.(error);
  }

  private resumeIfLow(): void {
    if (this.paused && this.queue.length <= P_DATA_HIGH_WATER / 2) {
      this.paused = false;
      if (!this.done) this.resume();
    }
  }

  /** The next indication. */
  next(): Promise<IteratorResult<PDataTf>> {
    const pdu = this.queue.shift();
    if (pdu !== undefined) {
      this.resumeIfLow();
      return Promise.resolve({ value: pdu, done: false });
    }
    if (this.done) {
      return this.error ? Promise.reject(this.error) : Promise.resolve({ value: undefined, done: true });
    }
    if (this.waiter) return Promise.reject(new Error("P-DATA already has a pending reader"));
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** An async iterator over the indications. */
  iterate(): AsyncIterableIterator<PDataTf> {
    const it: AsyncIterableIterator<PDataTf> = {
      next: () => this.next(),
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  }
}
