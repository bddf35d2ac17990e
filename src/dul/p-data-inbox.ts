import type { PDataTf } from "../pdu/index.js";

/** Queued P-DATA-TF PDUs at which reading from the socket pauses (resumes at half). */
export const P_DATA_HIGH_WATER = 16;

/**
 * The queue between the socket and the consumer of P-DATA indications, with backpressure: when
 * the consumer falls `P_DATA_HIGH_WATER` PDUs behind, `pause` is called (the socket stops
 * reading, TCP flow control slows the peer) and `resume` once it has caught up.
 */
export class PDataInbox {
  private readonly queue: PDataTf[] = [];
  private waiter: { resolve: (r: IteratorResult<PDataTf>) => void; reject: (e: Error) => void } | undefined;
  private done = false;
  private error: Error | undefined;
  private paused = false;

  constructor(
    private readonly pause: () => void,
    private readonly resume: () => void,
  ) {}

  /** Queues one indication (or hands it to a waiting consumer). */
  push(pdu: PDataTf): void {
    if (this.done) return;
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w.resolve({ value: pdu, done: false });
      return;
    }
    this.queue.push(pdu);
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
    const w = this.waiter;
    this.waiter = undefined;
    if (w) {
      if (error) w.reject(error);
      else w.resolve({ value: undefined, done: true });
    }
  }

  /** The next indication. */
  next(): Promise<IteratorResult<PDataTf>> {
    const pdu = this.queue.shift();
    if (pdu !== undefined) {
      if (this.paused && this.queue.length <= P_DATA_HIGH_WATER / 2) {
        this.paused = false;
        if (!this.done) this.resume();
      }
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
