// The metrics abstraction netdicom reports through: counters, gauges and histograms with
// labels, shaped like prom-client's so that its objects (or an OpenTelemetry meter behind a
// few lines of glue) can stand in for the built-in registry.

/** Label values by label name. */
export type Labels = Readonly<Record<string, string>>;

/** What defines a metric. Names follow Prometheus conventions: counters end in `_total`, units are base units (`_seconds`, `_bytes`). */
export interface MetricOptions {
  /** The metric's name (`netdicom_operations_total`). */
  readonly name: string;
  /** One line saying what it measures (Prometheus's `# HELP`). */
  readonly help: string;
  /** The label names every observation gives values for. */
  readonly labelNames?: readonly string[];
}

/** Options of a histogram: upper bounds of its buckets, ascending (`+Inf` is implicit). */
export interface HistogramOptions extends MetricOptions {
  /** Upper bounds of the buckets, ascending (default: the registry's). */
  readonly buckets?: readonly number[];
}

/** A value that only goes up. */
export interface Counter {
  /** Adds `value` (default 1, never negative) to the series of `labels`. */
  inc(labels?: Labels, value?: number): void;
}

/** A value that goes up and down. */
export interface Gauge {
  /** Adds `value` (default 1) to the series of `labels`. */
  inc(labels?: Labels, value?: number): void;
  /** Subtracts `value` (default 1) from the series of `labels`. */
  dec(labels?: Labels, value?: number): void;
  /** Sets the series of `labels` to `value`. */
  set(labels: Labels, value: number): void;
}

/** Observations counted into buckets, with their sum and count. */
export interface Histogram {
  /** Counts one observation of `value` (seconds, for durations) in the series of `labels`. */
  observe(labels: Labels, value: number): void;
}

/**
 * Where netdicom's metrics go. The default, `PrometheusRegistry`, keeps them in memory and
 * renders the Prometheus text format; any other implementation (prom-client, OpenTelemetry)
 * plugs in by implementing these three factories.
 *
 * @example prom-client (not a dependency of netdicom)
 * ```ts
 * import client from "prom-client";
 * const registry: MetricsRegistry = {
 *   counter: (o) => { const c = new client.Counter({ ...o, labelNames: [...(o.labelNames ?? [])] });
 *                     return { inc: (l = {}, v = 1) => c.inc(l, v) }; },
 *   gauge: (o) => { const g = new client.Gauge({ ...o, labelNames: [...(o.labelNames ?? [])] });
 *                   return { inc: (l = {}, v = 1) => g.inc(l, v), dec: (l = {}, v = 1) => g.dec(l, v), set: (l, v) => g.set(l, v) }; },
 *   histogram: (o) => { const h = new client.Histogram({ ...o, labelNames: [...(o.labelNames ?? [])], buckets: [...(o.buckets ?? client.linearBuckets(0.01, 0.05, 10))] });
 *                       return { observe: (l, v) => h.observe(l, v) }; },
 * };
 * collectMetrics(ae, { registry });
 * ```
 *
 * @example OpenTelemetry (not a dependency of netdicom)
 * ```ts
 * const meter = metrics.getMeter("netdicom");
 * const registry: MetricsRegistry = {
 *   counter: (o) => { const c = meter.createCounter(o.name, { description: o.help });
 *                     return { inc: (l, v = 1) => c.add(v, l) }; },
 *   gauge: (o) => { const g = meter.createUpDownCounter(o.name, { description: o.help });
 *                   let last = 0; return { inc: (l, v = 1) => g.add(v, l), dec: (l, v = 1) => g.add(-v, l),
 *                                          set: (l, v) => { g.add(v - last, l); last = v; } }; },
 *   histogram: (o) => { const h = meter.createHistogram(o.name, { description: o.help, unit: "s" });
 *                       return { observe: (l, v) => h.record(v, l) }; },
 * };
 * ```
 */
export interface MetricsRegistry {
  /** Creates (or returns) the counter `options.name`. */
  counter(options: MetricOptions): Counter;
  /** Creates (or returns) the gauge `options.name`. */
  gauge(options: MetricOptions): Gauge;
  /** Creates (or returns) the histogram `options.name`. */
  histogram(options: HistogramOptions): Histogram;
}

/** Default histogram buckets for operation durations (seconds): 1 ms to 1 min. */
export const DEFAULT_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
]);
