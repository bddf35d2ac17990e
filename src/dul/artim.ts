/** A timer source, injectable so tests can drive time by hand. */
export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Restarts a running timer's full delay in place (optional: without it, clear and set again). */
  refresh?(handle: unknown): void;
}

/** The real clock (node timers, unref'd so an idle timer never keeps the process alive). */
export const systemClock: Clock = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
  refresh(handle) {
    (handle as ReturnType<typeof setTimeout>).refresh();
  },
};

/**
 * The Association Request/Reject/Release timer (PS3.8 9.1.5). Started when an acceptor opens a
 * transport connection (AE-5) and when this side is waiting for the peer to close (AE-8, AR-4,
 * AA-1, AA-8); on expiry the provider feeds Evt18 to the state machine.
 */
export class ArtimTimer {
  private handle: unknown;
  private armed = false;

  constructor(
    readonly timeoutMs: number,
    private readonly onExpired: () => void,
    private readonly clock: Clock = systemClock,
  ) {}

  /** True while the timer is armed. */
  get running(): boolean {
    return this.armed;
  }

  /** Arms the timer; a running timer keeps its original deadline (use {@link restart} to reset it). */
  start(): void {
    if (this.armed) return;
    this.armed = true;
    this.handle = this.clock.setTimeout(() => {
      this.armed = false;
      this.handle = undefined;
      this.onExpired();
    }, this.timeoutMs);
  }

  /** Disarms the timer if running. */
  stop(): void {
    if (!this.armed) return;
    this.clock.clearTimeout(this.handle);
    this.armed = false;
    this.handle = undefined;
  }

  /** Starts the timer afresh (AA-1: "start, or restart if already started"). */
  restart(): void {
    // The idle timer restarts on every chunk received: refreshing the running timer spares a
    // clear, a new timer and a closure each time.
    if (this.armed && this.clock.refresh) {
      this.clock.refresh(this.handle);
      return;
    }
    this.stop();
    this.start();
  }
}
