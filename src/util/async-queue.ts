// A single-consumer queue read as an async iterator: a producer pushes values as they arrive (the
// responses of a C-FIND…), the consumer takes them at its own pace.

/**
 * Values pushed by a producer and read with `next()` / `for await`, in order. `end()` finishes the
 * iteration after the values already queued; `fail(error)` rejects the next read once those are
 * taken. The queue itself is unbounded: whoever pushes decides how much may wait, and can pause
 * with {@link whenRoom} until the consumer has caught up.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  readonly #values: T[] = [];
  #head = 0;
  #done = false;
  #error: { readonly error: unknown } | undefined;
  #waiter: { resolve(r: IteratorResult<T>): void; reject(e: unknown): void } | undefined;
  #room: { readonly below: number; readonly resolve: () => void } | undefined;
  /** Called once when the consumer stops early (`return()`), e.g. to stop the producer. */
  onReturn: (() => void) | undefined;

  /** Queues a value (ignored once the queue has ended or failed). */
  push(value: T): void {
    if (this.#done || this.#error) return;
    const w = this.#waiter;
    if (w) {
      this.#waiter = undefined;
      w.resolve({ value, done: false });
      return;
    }
    this.#values.push(value);
  }

  /** No more values: the iteration ends after the queued ones. */
  end(): void {
    if (this.#done || this.#error) return;
    this.#done = true;
    this.#settleWaiter();
    this.#checkRoom();
  }

  /** The producer failed: the next read after the queued values rejects with `error`. */
  fail(error: unknown): void {
    if (this.#done || this.#error) return;
    this.#error = { error };
    this.#settleWaiter();
    this.#checkRoom();
  }

  /** The values queued and not yet read. */
  get size(): number {
    return this.#values.length - this.#head;
  }

  /**
   * Resolves once fewer than `below` values wait (at once when that is already so, or when the
   * queue is closed): how a producer that can pause waits for its consumer.
   */
  whenRoom(below: number): Promise<void> {
    if (this.size < below || this.closed) return Promise.resolve();
    this.#room?.resolve();
    return new Promise((resolve) => {
      this.#room = { below, resolve };
    });
  }

  #checkRoom(): void {
    const room = this.#room;
    if (room && (this.size < room.below || this.closed)) {
      this.#room = undefined;
      room.resolve();
    }
  }

  /** True once {@link end} or {@link fail} was called. */
  get closed(): boolean {
    return this.#done || this.#error !== undefined;
  }

  #settleWaiter(): void {
    const w = this.#waiter;
    if (!w) return;
    this.#waiter = undefined;
    if (this.#error) w.reject(this.#error.error);
    else w.resolve({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#values.length) {
      const value = this.#values[this.#head] as T;
      this.#head++;
      if (this.#head === this.#values.length) {
        this.#values.length = 0;
        this.#head = 0;
      }
      this.#checkRoom();
      return Promise.resolve({ value, done: false });
    }
    if (this.#error) return Promise.reject(this.#error.error);
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    if (this.#waiter) return Promise.reject(new Error("AsyncQueue has a single consumer"));
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    const wasOpen = !this.closed;
    this.#values.length = 0;
    this.#head = 0;
    this.#done = true;
    this.#error = undefined;
    this.#settleWaiter();
    this.#checkRoom();
    if (wasOpen) this.onReturn?.();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
