import { monotonicMs } from "../util/clock.js";

/** A timer source, injectable so tests can drive time by hand. */
export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Restarts a running timer's full delay in place (optional: without it, clear and set again). */
  refresh?(handle: unknown): void;
  /** A monotonic time in ms (optional: without it, {@link ArtimTimer.touch} restarts the timer). */
  timeMs?(): number;
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
  timeMs: monotonicMs,
};

/**
 * The Association Request/Reject/Release timer (PS3.8 9.1.5). Started when an acceptor opens a
 * transport connection (AE-5) and when this side is waiting for the peer to close (AE-8, AR-4,
 * AA-1, AA-8); on expiry the provider feeds Evt18 to the state machine.
 */
export class ArtimTimer {
  private handle: unknown;
  /** The delay `handle` was created with (a refresh restarts that one). */
  private handleMs = 0;
  private armed = false;
  /** When {@link touch} last noted activity (clock time), if it did since the timer was armed. */
  private touchedAt: number | undefined;

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
    this.touchedAt = undefined;
    // Paused (see pause): the same timer, refreshed to the full delay from now.
    if (this.handle !== undefined && this.clock.refresh) {
      this.armed = true;
      this.clock.refresh(this.handle);
      return;
    }
    this.arm(this.timeoutMs);
  }

  private arm(ms: number): void {
    this.armed = true;
    this.handleMs = ms;
    this.handle = this.clock.setTimeout(() => {
      const armed = this.armed;
      this.armed = false;
      this.handle = undefined;
      // Paused: nothing to do, and nothing holds this timer any more.
      if (!armed) return;
      const touched = this.touchedAt;
      this.touchedAt = undefined;
      // Touched while running: the full delay counts from the last touch.
      const left = touched === undefined ? 0 : touched + this.timeoutMs - (this.clock.timeMs?.() ?? 0);
      if (left > 0) this.arm(left);
      else this.onExpired();
    }, ms);
  }

  /** Disarms the timer if running, and lets go of its timer. */
  stop(): void {
    this.touchedAt = undefined;
    this.armed = false;
    if (this.handle === undefined) return;
    this.clock.clearTimeout(this.handle);
    this.handle = undefined;
  }

  /**
   * Disarms the timer as {@link stop} does, but keeps its timer for the next {@link start}, which
   * then refreshes it in place instead of making a new one (an acceptor's ARTIM is stopped when
   * the A-ASSOCIATE-RQ arrives, AE-6, and started again after the A-RELEASE-RP, AR-4). Until then
   * the timer still fires once, ignored; {@link stop} it for good when its owner is done (it
   * references `onExpired`). Without the clock's `refresh`, it is {@link stop}.
   */
  pause(): void {
    if (!this.clock.refresh || this.handleMs !== this.timeoutMs) {
      this.stop();
      return;
    }
    this.touchedAt = undefined;
    this.armed = false;
  }

  /**
   * Notes activity: a running timer then expires its full delay after the last touch instead of
   * after its start, as {@link restart} would make it, but by reading the clock instead of
   * re-arming a timer (the idle timer is touched on every chunk received). Without the clock's
   * `timeMs`, or when not running, it is {@link restart}.
   */
  touch(): void {
    if (this.armed && this.clock.timeMs) this.touchedAt = this.clock.timeMs();
    else this.restart();
  }

  /** Starts the timer afresh (AA-1: "start, or restart if already started"). */
  restart(): void {
    // Refreshing the running timer spares a clear, a new timer and a closure; one re-armed for
    // what was left of a touched delay (arm) would refresh to that shorter delay: replaced.
    if (this.armed && this.clock.refresh && this.handleMs === this.timeoutMs) {
      this.touchedAt = undefined;
      this.clock.refresh(this.handle);
      return;
    }
    this.stop();
    this.start();
  }
}
