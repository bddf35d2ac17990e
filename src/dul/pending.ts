/**
 * A result that arrives later (pynetdicom's confirmations and indications), whose promise is
 * made only when someone asks for it. Most of an association's confirmations are settled with
 * nobody waiting (the acceptor's A-ASSOCIATE confirmation, the requestor's indication…): they
 * then cost no promise, and a failure given as a function costs no Error (a stack trace each)
 * unless the promise is asked for. The promise's rejection is never reported as unhandled.
 */
export class Pending<T> {
  #settled: "no" | "resolved" | "rejected" = "no";
  #value: T | undefined;
  #error: Error | (() => Error) | undefined;
  #promise: Promise<T> | undefined;
  #resolve: ((v: T) => void) | undefined;
  #reject: ((e: Error) => void) | undefined;

  /** The promise of the result (the same one on every call). */
  get promise(): Promise<T> {
    if (this.#promise === undefined) {
      if (this.#settled === "resolved") this.#promise = Promise.resolve(this.#value as T);
      else if (this.#settled === "rejected") this.#promise = Promise.reject(this.#failure());
      else
        this.#promise = new Promise<T>((resolve, reject) => {
          this.#resolve = resolve;
          this.#reject = reject;
        });
      this.#promise.catch(() => {});
    }
    return this.#promise;
  }

  /** Settles with `value` (ignored once settled). */
  resolve(value: T): void {
    if (this.#settled !== "no") return;
    this.#settled = "resolved";
    this.#value = value;
    this.#resolve?.(value);
  }

  /** Settles with a failure, or with a function making it when it is needed (ignored once settled). */
  reject(error: Error | (() => Error)): void {
    if (this.#settled !== "no") return;
    this.#settled = "rejected";
    this.#error = error;
    if (this.#reject) this.#reject(this.#failure());
  }

  #failure(): Error {
    const e = this.#error;
    if (typeof e === "function") this.#error = e();
    return this.#error as Error;
  }
}
