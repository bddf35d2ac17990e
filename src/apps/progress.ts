// A one-line progress bar for the sending apps: instances done, bytes and rate, redrawn in place
// with "\r" on a terminal. No dependency: it is one line of text.

/** Bytes as a short human figure: "512 B", "1.5 kB", "12.3 MB" (decimal units, as rates are). */
export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** A transfer rate in MB/s (10^6 bytes per second), two decimals; "0.00 MB/s" before any time has passed. */
export function formatRate(bytes: number, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? bytes / 1e6 / (elapsedMs / 1000) : 0;
  return `${rate.toFixed(2)} MB/s`;
}

/** What one progress line shows. */
export interface ProgressState {
  /** Instances finished (sent or failed). */
  readonly done: number;
  /** Instances to send. */
  readonly total: number;
  /** Data set bytes sent so far. */
  readonly bytes: number;
  /** Time since sending started (ms). */
  readonly elapsedMs: number;
}

/** The progress line: `[#####-----] 12/40 instances, 3.4 MB, 12.50 MB/s`. */
export function formatProgress(state: ProgressState, barWidth = 24): string {
  const fraction = state.total > 0 ? Math.min(1, state.done / state.total) : 1;
  const filled = Math.round(fraction * barWidth);
  const bar = `${"#".repeat(filled)}${"-".repeat(barWidth - filled)}`;
  return `[${bar}] ${state.done}/${state.total} instances, ${formatBytes(state.bytes)}, ${formatRate(state.bytes, state.elapsedMs)}`;
}

/** Options of {@link ProgressBar}. */
export interface ProgressBarOptions {
  /** Instances to send. */
  readonly total: number;
  /** Where the line goes (the app's stderr). */
  readonly write: (text: string) => void;
  /** The clock (ms), for tests (default `performance.now`). */
  readonly now?: () => number;
  /** Redraw at most this often (ms; default 100), so thousands of tiny files don't flood the terminal. */
  readonly minIntervalMs?: number;
}

/**
 * A progress line redrawn in place. Use it on a terminal only: on a pipe or a file the "\r"
 * redraws would pile up as garbage, and a per-file log line serves better there.
 */
export class ProgressBar {
  readonly #options: ProgressBarOptions;
  readonly #now: () => number;
  readonly #start: number;
  #lastDraw = Number.NEGATIVE_INFINITY;
  #lastLength = 0;
  #done = 0;
  #bytes = 0;

  constructor(options: ProgressBarOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
    this.#start = this.#now();
  }

  /** Counts one more finished instance of `bytes` bytes and redraws when due. */
  tick(bytes: number): void {
    this.#done++;
    this.#bytes += bytes;
    const now = this.#now();
    const last = this.#done >= this.#options.total;
    if (last || now - this.#lastDraw >= (this.#options.minIntervalMs ?? 100)) this.#draw(now);
  }

  /** Writes `text` (whole lines) above the bar: the bar is cleared, the text written, the bar redrawn. */
  log(text: string): void {
    this.clear();
    this.#options.write(text);
    this.#draw(this.#now());
  }

  /** Removes the bar from the screen (before the summary is printed). */
  clear(): void {
    if (this.#lastLength === 0) return;
    this.#options.write(`\r${" ".repeat(this.#lastLength)}\r`);
    this.#lastLength = 0;
  }

  #draw(now: number): void {
    this.#lastDraw = now;
    const line = formatProgress({
      done: this.#done,
      total: this.#options.total,
      bytes: this.#bytes,
      elapsedMs: now - this.#start,
    });
    // Pad over the previous line's tail: the new line may be shorter.
    this.#options.write(`\r${line.padEnd(this.#lastLength)}`);
    this.#lastLength = line.length;
  }
}
