/** A timer source, injectable so tests can drive time by hand. */
export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /**
   * Milliseconds on a monotonic scale. Optional: with it, {@link ArtimTimer.touch} only notes
   * the time; without it, each touch re-arms the timer.
   */
  nowMs?(): number;
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
  nowMs: () => performance.now(),
};

/**
 * The Association Request/Reject/Release timer (PS3.8 9.1.5). Started when an acceptor opens a
 * transport connection (AE-5) and when this side is waiting for the peer to close (AE-8, AR-4,
 * AA-1, AA-8); on expiry the provider feeds Evt18 to the state machine.
 */
export class ArtimTimer {
  private handle: unknown;
  private armed = false;
  /** When the timer was last armed or touched (clock.nowMs()), for {@link touch}. */
  private since = 0;

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
    this.since = this.clock.nowMs?.() ?? 0;
    this.arm(this.timeoutMs);
  }

  private arm(ms: number): void {
    this.handle = this.clock.setTimeout(() => {
      // Touched since it was armed: wait for the rest of the period from the last touch.
      const now = this.clock.nowMs?.();
      const left = now === undefined ? 0 : this.since + this.timeoutMs - now;
      if (left >= 1) {
        this.arm(left);
        return;
      }
      this.armed = false;
      this.handle = undefined;
      this.onExpired();
    }, ms);
  }

  /**
   * Notes activity: the timer (armed if it was not) now expires `timeoutMs` after this call.
   * With a clock that tells the time, this records the time and the timer, when it goes off
   * early, waits for the rest, rather than clearing and re-creating a timer on every read.
   */
  touch(): void {
    const now = this.clock.nowMs?.();
    if (!this.armed || now === undefined) {
      this.restart();
      return;
    }
    this.since = now;
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
    this.stop();
    this.start();
  }
}
