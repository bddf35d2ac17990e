// A pool of associations to one peer: operations from anywhere share a few established
// associations (each within its asynchronous operations window), idle ones are released, and an
// association that was aborted or could not be made is replaced on the next operation.
import type { AE, AssociateOptions } from "./ae.js";
import type { Association } from "./association.js";
import type { Dataset } from "./dataset/dataset.js";
import type { CStoreOptions, CStoreResult } from "./services/storage/scu.js";
import type { CEchoOptions, CEchoResult } from "./services/verification/scu.js";
import { NetdicomError } from "./util/errors.js";

/** Options of an {@link AssociationPool}. */
export interface AssociationPoolOptions {
  /** The peer's host name or address. */
  readonly address: string;
  /** The peer's port. */
  readonly port: number;
  /** The called AE title (default "ANY-SCP"). */
  readonly aeTitle?: string;
  /** The most associations open to the peer at once (default 4). */
  readonly maxAssociations?: number;
  /** An association with no operation for this long is released (ms; default 30000; 0 = keep until `close`). */
  readonly idleTimeoutMs?: number;
  /** Further options of each `ae.associate` (contexts, TLS, max PDU, `maxAsyncOperations`…). */
  readonly associateOptions?: Omit<AssociateOptions, "aeTitle" | "signal">;
}

/** The pool could not establish an association for an operation (rejected, aborted, or no connection). */
export class PoolAssociationError extends NetdicomError {
  override readonly name = "PoolAssociationError";
  constructor(
    message: string,
    /** The association that was not established, when the connection was made. */
    readonly association?: Association,
    options?: ErrorOptions,
  ) {
    super("ERR_POOL_ASSOCIATE", message, options);
  }
}

/** The pool has been closed: no new operations. */
export class PoolClosedError extends NetdicomError {
  override readonly name = "PoolClosedError";
  constructor() {
    super("ERR_POOL_CLOSED", "the association pool is closed");
  }
}

interface Waiter {
  readonly resolve: (e: Entry) => void;
  readonly reject: (err: Error) => void;
}

interface Entry {
  /** Undefined while the association is being established. */
  assoc: Association | undefined;
  /** Operations running on it (or reserved for it while it is being established). */
  busy: number;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Leaving the pool (being released, or closed): no new operations. */
  leaving: boolean;
  /** Called when `busy` drops to 0. */
  drained: (() => void)[];
}

/**
 * Associations to one peer, shared by operations issued from anywhere:
 * `await pool.sendCStore(path)` uses an established association that has room in its
 * asynchronous operations window, else opens one (up to `maxAssociations`), else waits its turn
 * (first come, first served). An association idle for `idleTimeoutMs` is released (A-RELEASE);
 * one that was aborted leaves the pool and the next operation opens another. An operation in
 * flight on an aborted association rejects; so does the operation whose association could not be
 * established (`PoolAssociationError`).
 */
export class AssociationPool {
  /** The AE whose requested contexts, titles and timeouts the associations use. */
  readonly ae: AE;
  readonly #options: AssociationPoolOptions;
  readonly #max: number;
  readonly #idleMs: number;
  readonly #entries = new Set<Entry>();
  readonly #waiters: Waiter[] = [];
  readonly #releasing = new Set<Promise<void>>();
  #closed = false;
  #opened = 0;

  constructor(ae: AE, options: AssociationPoolOptions) {
    const max = options.maxAssociations ?? 4;
    if (!Number.isInteger(max) || max < 1) {
      throw new NetdicomError("ERR_POOL_OPTIONS", `maxAssociations ${max} is not a positive integer`);
    }
    this.ae = ae;
    this.#options = options;
    this.#max = max;
    this.#idleMs = options.idleTimeoutMs ?? 30_000;
  }

  /** Associations in the pool (established or being established). */
  get size(): number {
    return this.#entries.size;
  }

  /** Associations the pool has requested so far (including ones that were not established). */
  get associationsOpened(): number {
    return this.#opened;
  }

  /**
   * Runs `fn` on a pooled association, counted as one operation of its window while it runs, and
   * resolves with its result. `fn` should not keep the association after it settles. `signal`
   * gives up waiting for room (the call rejects with its reason); once `fn` runs, it is up to `fn`.
   */
  async withAssociation<T>(
    fn: (assoc: Association) => Promise<T>,
    options: { readonly signal?: AbortSignal | undefined } = {},
  ): Promise<T> {
    const entry = await this.#acquire(options.signal);
    try {
      return await fn(entry.assoc!);
    } finally {
      this.#done(entry);
    }
  }

  /** A C-STORE on a pooled association (see `Association.sendCStore`); `options.signal` also cancels the wait for room. */
  sendCStore(datasetOrPath: Dataset | string, options: CStoreOptions = {}): Promise<CStoreResult> {
    return this.withAssociation((assoc) => assoc.sendCStore(datasetOrPath, options), { signal: options.signal });
  }

  /** A C-ECHO on a pooled association (see `Association.sendCEcho`); `options.signal` also cancels the wait for room. */
  sendCEcho(options: CEchoOptions = {}): Promise<CEchoResult> {
    return this.withAssociation((assoc) => assoc.sendCEcho(options), { signal: options.signal });
  }

  /**
   * Closes the pool: operations not yet started reject with `PoolClosedError`, the running ones
   * finish, then every association is released. Resolves once all are closed.
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (const w of this.#waiters.splice(0)) w.reject(new PoolClosedError());
    await Promise.all(
      [...this.#entries].map(async (entry) => {
        if (entry.busy > 0) await new Promise<void>((resolve) => entry.drained.push(resolve));
        await this.#retire(entry);
      }),
    );
    await Promise.all([...this.#releasing]);
  }

  #capacity(assoc: Association): number {
    const invoked = assoc.asyncOperationsWindow.invoked;
    return invoked === 0 ? Number.POSITIVE_INFINITY : invoked;
  }

  /** The least busy established association with room, if any. */
  #pick(): Entry | undefined {
    let best: Entry | undefined;
    for (const e of this.#entries) {
      if (e.leaving || !e.assoc?.isEstablished || e.busy >= this.#capacity(e.assoc)) continue;
      if (!best || e.busy < best.busy) best = e;
    }
    return best;
  }

  #take(entry: Entry): Entry {
    entry.busy++;
    if (entry.idleTimer !== undefined) clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    return entry;
  }

  #acquire(signal: AbortSignal | undefined): Promise<Entry> {
    if (this.#closed) return Promise.reject(new PoolClosedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#waiters.length === 0) {
      const free = this.#pick();
      if (free) return Promise.resolve(this.#take(free));
      if (this.#entries.size < this.#max && !this.#expectRoom()) return this.#open();
    }
    return new Promise((resolve, reject) => {
      let gaveUp = false;
      const onAbort = () => {
        gaveUp = true;
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resolve: (e) => {
          signal?.removeEventListener("abort", onAbort);
          // Given up while an association was being opened for it: the room goes back to the pool.
          if (gaveUp) this.#done(e);
          else resolve(e);
        },
        reject: (err) => {
          signal?.removeEventListener("abort", onAbort);
          reject(err);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Opens an association for the caller, who holds it (busy 1) once it is established. */
  async #open(): Promise<Entry> {
    const entry: Entry = { assoc: undefined, busy: 1, idleTimer: undefined, leaving: false, drained: [] };
    this.#entries.add(entry);
    this.#opened++;
    let assoc: Association;
    try {
      assoc = await this.ae.associate(this.#options.address, this.#options.port, {
        ...this.#options.associateOptions,
        aeTitle: this.#options.aeTitle ?? "ANY-SCP",
      });
    } catch (err) {
      this.#drop(entry);
      const why = err instanceof Error ? err.message : String(err);
      throw new PoolAssociationError(`could not associate with ${this.#where()}: ${why}`, undefined, { cause: err });
    }
    entry.assoc = assoc;
    if (!assoc.isEstablished) {
      this.#drop(entry);
      throw new PoolAssociationError(
        `association with ${this.#where()} not established: ${assoc.reason ?? "unknown reason"}`,
        assoc,
        { cause: assoc.abortError },
      );
    }
    // An association that ends (abort, release) leaves the pool; the next operation opens another.
    assoc.closed
      .then(() => {
        if (this.#entries.has(entry)) this.#drop(entry);
      })
      .catch(() => {});
    // The window is known now: others waiting may fit beside the caller.
    this.#dispatch();
    return entry;
  }

  /**
   * An association is being established and may well have room: with a window above 1 proposed,
   * wait for it rather than open another (its window decides, once known).
   */
  #expectRoom(): boolean {
    const proposed = this.#options.associateOptions?.maxAsyncOperations ?? this.ae.maxAsyncOperations;
    if (proposed.invoked === 1) return false;
    for (const e of this.#entries) if (!e.assoc && !e.leaving) return true;
    return false;
  }

  #done(entry: Entry): void {
    entry.busy--;
    if (entry.busy === 0) {
      for (const d of entry.drained.splice(0)) d();
      if (!entry.leaving && !this.#closed && this.#idleMs > 0 && this.#entries.has(entry)) {
        entry.idleTimer = setTimeout(() => {
          entry.idleTimer = undefined;
          if (entry.busy === 0) this.#retire(entry).catch(() => {});
        }, this.#idleMs);
        entry.idleTimer.unref?.();
      }
    }
    this.#dispatch();
  }

  /** Releases an association (not abort: PS3.8 7.2) and removes it from the pool. */
  #retire(entry: Entry): Promise<void> {
    this.#drop(entry);
    const p = (entry.assoc?.release() ?? Promise.resolve()).catch(() => {});
    this.#releasing.add(p);
    return p.finally(() => this.#releasing.delete(p));
  }

  #drop(entry: Entry): void {
    if (entry.idleTimer !== undefined) clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    entry.leaving = true;
    // An entry that never got its association has no operation left to wait for.
    if (!entry.assoc?.isEstablished) for (const d of entry.drained.splice(0)) d();
    if (!this.#entries.delete(entry)) return;
    this.#dispatch();
  }

  /** Hands free room (or a new association) to the waiters, in order. */
  #dispatch(): void {
    while (this.#waiters.length > 0 && !this.#closed) {
      const free = this.#pick();
      if (free) {
        this.#waiters.shift()?.resolve(this.#take(free));
        continue;
      }
      if (this.#entries.size >= this.#max || this.#expectRoom()) return;
      const w = this.#waiters.shift()!;
      this.#open().then(w.resolve, w.reject);
    }
  }

  #where(): string {
    return `${this.#options.aeTitle ?? "ANY-SCP"} at ${this.#options.address}:${this.#options.port}`;
  }
}
