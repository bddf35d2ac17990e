import assert from "node:assert/strict";
import { test } from "node:test";
import { ArtimTimer, type Clock, systemClock } from "../../src/dul/artim.js";

/** A clock driven by hand: `advance(ms)` fires what is due, in deadline order. */
class FakeClock implements Clock {
  now = 0;
  protected timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  get pending(): number {
    return this.timers.size;
  }
  advance(ms: number): void {
    const end = this.now + ms;
    for (let guard = 0; guard < 1000; guard++) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = end;
  }
}

test("ARTIM expires once after its timeout", () => {
  const clock = new FakeClock();
  let fired = 0;
  const t = new ArtimTimer(30_000, () => fired++, clock);
  t.start();
  assert.equal(t.running, true);
  clock.advance(29_999);
  assert.equal(fired, 0);
  clock.advance(1);
  assert.equal(fired, 1);
  assert.equal(t.running, false);
  clock.advance(100_000);
  assert.equal(fired, 1);
});

test("ARTIM stop prevents expiry; stop when not running is harmless", () => {
  const clock = new FakeClock();
  let fired = 0;
  const t = new ArtimTimer(100, () => fired++, clock);
  t.stop();
  t.start();
  clock.advance(50);
  t.stop();
  assert.equal(clock.pending, 0);
  clock.advance(1000);
  assert.equal(fired, 0);
});

test("ARTIM start keeps the running deadline; restart resets it (AA-1)", () => {
  const clock = new FakeClock();
  let fired = 0;
  const t = new ArtimTimer(100, () => fired++, clock);
  t.start();
  clock.advance(60);
  t.start(); // no effect
  clock.advance(40);
  assert.equal(fired, 1);
  t.start();
  clock.advance(60);
  t.restart();
  clock.advance(60);
  assert.equal(fired, 1);
  clock.advance(40);
  assert.equal(fired, 2);
  assert.equal(clock.pending, 0);
});

test("ARTIM on the system clock fires (its timer is unref'd, so a ref'd one keeps the test alive)", async () => {
  const keepAlive = setTimeout(() => {}, 10_000);
  const fired = await new Promise<boolean>((resolve) => {
    const t = new ArtimTimer(10, () => resolve(true));
    t.start();
  });
  clearTimeout(keepAlive);
  assert.equal(fired, true);
});

/** A FakeClock whose running timers can be refreshed in place, as node's Timeout can. */
class RefreshingClock extends FakeClock {
  sets = 0;
  refreshes = 0;
  private readonly delays = new Map<number, number>();
  override setTimeout(fn: () => void, ms: number): unknown {
    this.sets++;
    const id = super.setTimeout(fn, ms) as number;
    this.delays.set(id, ms);
    return id;
  }
  refresh(handle: unknown): void {
    this.refreshes++;
    const t = this.timers.get(handle as number);
    if (t) t.at = this.now + (this.delays.get(handle as number) ?? 0);
  }
}

test("ARTIM restart of a running timer refreshes it in place when the clock can, with the full delay again", () => {
  const clock = new RefreshingClock();
  let fired = 0;
  const t = new ArtimTimer(1000, () => fired++, clock);
  t.restart(); // not running: a plain start
  assert.equal(clock.sets, 1);
  clock.advance(900);
  t.restart();
  assert.equal(clock.sets, 1, "no new timer for a restart");
  assert.equal(clock.refreshes, 1);
  clock.advance(900);
  assert.equal(fired, 0, "the deadline moved to 1000 ms after the restart");
  clock.advance(100);
  assert.equal(fired, 1);
  assert.equal(t.running, false);
  t.restart(); // expired: started afresh
  assert.equal(clock.sets, 2);
  t.stop();
  assert.equal(clock.pending, 0);
});

/** A fake clock that tells the time (so `touch` needs no timer operation). */
class TimedClock extends FakeClock {
  sets = 0;
  override setTimeout(fn: () => void, ms: number): unknown {
    this.sets++;
    return super.setTimeout(fn, ms);
  }
  timeMs(): number {
    return this.now;
  }
}

test("ARTIM touch: expiry moves to the full delay after the last touch, without a timer operation per touch", () => {
  const clock = new TimedClock();
  let fired = 0;
  const t = new ArtimTimer(1000, () => fired++, clock);
  t.touch(); // not running: a plain start
  assert.equal(clock.sets, 1);
  for (let i = 0; i < 5; i++) {
    clock.advance(300);
    t.touch();
  }
  // Five touches, one timer operation: the re-arming when the first deadline (1000) came.
  assert.equal(clock.sets, 2, "touches arm nothing");
  // Last touch at 1500: the first timer (due at 1000) re-arms for the rest, then expiry at 2500.
  clock.advance(999);
  assert.equal(fired, 0, "not before the full delay after the last touch");
  assert.equal(t.running, true);
  clock.advance(1);
  assert.equal(fired, 1);
  assert.equal(t.running, false);
  // Untouched, it expires after its own delay; stop() forgets a touch.
  t.start();
  clock.advance(500);
  t.touch();
  t.stop();
  t.start();
  clock.advance(1000);
  assert.equal(fired, 2);
  assert.equal(clock.pending, 0);
});

test("ARTIM touch without the clock's time is a restart", () => {
  const clock = new FakeClock();
  let fired = 0;
  const t = new ArtimTimer(1000, () => fired++, clock);
  t.start();
  clock.advance(900);
  t.touch();
  clock.advance(900);
  assert.equal(fired, 0);
  clock.advance(100);
  assert.equal(fired, 1);
});

test("ARTIM pause keeps its timer: the next start refreshes it to the full delay; stop lets it go", () => {
  const clock = new RefreshingClock();
  let fired = 0;
  const t = new ArtimTimer(1000, () => fired++, clock);
  t.start();
  clock.advance(400);
  t.pause(); // AE-6
  assert.equal(t.running, false);
  clock.advance(800); // past the first deadline (1000): the paused timer's expiry is ignored
  assert.equal(fired, 0);
  assert.equal(clock.pending, 0, "the expired paused timer is gone");
  t.start(); // nothing kept any more: a new timer
  assert.equal(clock.sets, 2);
  clock.advance(300);
  t.pause();
  clock.advance(100);
  t.start(); // AR-4: the same timer, refreshed
  assert.equal(clock.sets, 2, "no new timer");
  assert.equal(clock.refreshes, 1);
  clock.advance(999);
  assert.equal(fired, 0, "the full delay counts from the start after the pause");
  clock.advance(1);
  assert.equal(fired, 1);
  t.start();
  t.pause();
  assert.equal(clock.pending, 1, "a paused timer stays scheduled");
  t.stop();
  assert.equal(clock.pending, 0, "stop releases it");
  clock.advance(5000);
  assert.equal(fired, 1);
});

test("ARTIM pause without the clock's refresh is a stop", () => {
  const clock = new FakeClock();
  let fired = 0;
  const t = new ArtimTimer(1000, () => fired++, clock);
  t.start();
  t.pause();
  assert.equal(clock.pending, 0);
  t.start();
  clock.advance(1000);
  assert.equal(fired, 1);
});

/** A clock that both tells the time and refreshes timers (as the system clock does). */
class FullClock extends RefreshingClock {
  timeMs(): number {
    return this.now;
  }
}

test("ARTIM restart after a touch re-armed its timer for the rest of the delay waits the full delay again", () => {
  const clock = new FullClock();
  let fired = 0;
  const t = new ArtimTimer(1000, () => fired++, clock);
  t.start();
  clock.advance(500);
  t.touch();
  clock.advance(500); // the first timer fires and re-arms for the 500 ms left
  assert.equal(clock.sets, 2);
  t.restart(); // must wait 1000 ms, not the re-armed timer's 500
  clock.advance(999);
  assert.equal(fired, 0);
  clock.advance(1);
  assert.equal(fired, 1);
  // Paused with such a timer: stopped instead (a refresh would give the shorter delay).
  t.start();
  clock.advance(500);
  t.touch();
  clock.advance(500);
  t.pause();
  assert.equal(clock.pending, 0);
  t.start();
  clock.advance(999);
  assert.equal(fired, 1);
  clock.advance(1);
  assert.equal(fired, 2);
});

test("the system clock's time is monotonic milliseconds (the clock ARTIM measures activity with)", async () => {
  const a = systemClock.timeMs?.() ?? Number.NaN;
  await new Promise((r) => setTimeout(r, 25));
  const b = systemClock.timeMs?.() ?? Number.NaN;
  assert.ok(b - a >= 20 && b - a < 5000, `25 ms apart, the clock moved ${b - a} ms`);
});
