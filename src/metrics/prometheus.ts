// The built-in MetricsRegistry: metrics kept in memory and rendered in the Prometheus text
// exposition format, version 0.0.4 (HELP and TYPE lines, one sample per line, histograms as
// cumulative `_bucket{le="…"}` series plus `_sum` and `_count`).
import {
  type Counter,
  DEFAULT_DURATION_BUCKETS,
  type Gauge,
  type Histogram,
  type HistogramOptions,
  type Labels,
  type MetricOptions,
  type MetricsRegistry,
} from "./registry.js";

/** The Content-Type of {@link PrometheusRegistry.metrics}' output. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label value escaped for the text format: backslash, double quote and line feed. */
function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** HELP text escaped for the text format: backslash and line feed. */
function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function formatNumber(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  if (Number.isNaN(v)) return "NaN";
  return String(v);
}

type Kind = "counter" | "gauge" | "histogram";

interface HistogramSeries {
  readonly counts: number[];
  sum: number;
  count: number;
}

/** One metric family: its definition and its series by label values. */
class Family {
  readonly series = new Map<string, { labels: Labels; value: number; histogram?: HistogramSeries }>();
  constructor(
    readonly kind: Kind,
    readonly options: MetricOptions,
    readonly buckets: readonly number[] = [],
  ) {}

  /** The series of `labels` (created at zero), checked against the declared label names. */
  at(labels: Labels = {}) {
    const names = this.options.labelNames ?? [];
    const key = names.map((n) => labels[n] ?? "").join("\u0000");
    let s = this.series.get(key);
    if (!s) {
      for (const n of Object.keys(labels)) {
        if (!names.includes(n)) throw new RangeError(`metric ${this.options.name} has no label "${n}"`);
      }
      const own: Record<string, string> = {};
      for (const n of names) own[n] = labels[n] ?? "";
      s = { labels: own, value: 0 };
      if (this.kind === "histogram") s.histogram = { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    return s;
  }
}

function labelText(labels: Labels, extra?: [string, string]): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

/**
 * The default {@link MetricsRegistry}: in memory, no dependency. `metrics()` renders the
 * Prometheus text format (serve it with `PROMETHEUS_CONTENT_TYPE`, e.g. through
 * `startMetricsServer` of the apps); `value()` and `histogramValue()` read single series.
 * Asking twice for a metric of the same name and kind returns the same one.
 */
export class PrometheusRegistry implements MetricsRegistry {
  readonly #families = new Map<string, Family>();

  #family(kind: Kind, options: MetricOptions, buckets?: readonly number[]): Family {
    const existing = this.#families.get(options.name);
    if (existing) {
      if (existing.kind !== kind) throw new RangeError(`metric ${options.name} is already a ${existing.kind}`);
      return existing;
    }
    if (!NAME.test(options.name)) throw new RangeError(`invalid metric name "${options.name}"`);
    for (const l of options.labelNames ?? []) {
      if (!LABEL.test(l) || l.startsWith("__") || (kind === "histogram" && l === "le")) {
        throw new RangeError(`invalid label name "${l}" for ${options.name}`);
      }
    }
    const f = new Family(kind, options, buckets);
    this.#families.set(options.name, f);
    return f;
  }

  /** A counter (the same one when asked again for its name); throws a `RangeError` for an invalid name or label. */
  counter(options: MetricOptions): Counter {
    const f = this.#family("counter", options);
    return {
      inc: (labels, value = 1) => {
        if (!(value >= 0)) throw new RangeError(`counter ${options.name} cannot decrease (${value})`);
        f.at(labels).value += value;
      },
    };
  }

  /** A gauge (the same one when asked again for its name); throws a `RangeError` for an invalid name or label. */
  gauge(options: MetricOptions): Gauge {
    const f = this.#family("gauge", options);
    return {
      inc: (labels, value = 1) => {
        f.at(labels).value += value;
      },
      dec: (labels, value = 1) => {
        f.at(labels).value -= value;
      },
      set: (labels, value) => {
        f.at(labels).value = value;
      },
    };
  }

  /** A histogram (default buckets: `DEFAULT_DURATION_BUCKETS`); throws a `RangeError` for an invalid name or label. */
  histogram(options: HistogramOptions): Histogram {
    const buckets = [...(options.buckets ?? DEFAULT_DURATION_BUCKETS)].sort((a, b) => a - b);
    const f = this.#family("histogram", options, buckets);
    return {
      observe: (labels, value) => {
        const h = f.at(labels).histogram!;
        // Each bucket counts the observations up to its bound; rendering makes them cumulative.
        const i = f.buckets.findIndex((b) => value <= b);
        if (i >= 0) h.counts[i] = (h.counts[i] ?? 0) + 1;
        h.sum += value;
        h.count++;
      },
    };
  }

  /** The current value of a counter or gauge series (0 when never touched; undefined for an unknown metric). */
  value(name: string, labels: Labels = {}): number | undefined {
    const f = this.#families.get(name);
    if (!f || f.kind === "histogram") return undefined;
    return f.series.get((f.options.labelNames ?? []).map((n) => labels[n] ?? "").join("\u0000"))?.value ?? 0;
  }

  /** The count and sum of a histogram series (undefined when never observed). */
  histogramValue(
    name: string,
    labels: Labels = {},
  ):
    | {
        /** How many observations. */
        count: number;
        /** Their sum. */
        sum: number;
      }
    | undefined {
    const f = this.#families.get(name);
    if (f?.kind !== "histogram") return undefined;
    const h = f.series.get((f.options.labelNames ?? []).map((n) => labels[n] ?? "").join("\u0000"))?.histogram;
    return h ? { count: h.count, sum: h.sum } : undefined;
  }

  /** Every metric in the Prometheus text exposition format 0.0.4. */
  metrics(): string {
    const lines: string[] = [];
    for (const f of this.#families.values()) {
      const { name, help } = f.options;
      lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${f.kind}`);
      for (const s of f.series.values()) {
        if (!s.histogram) {
          lines.push(`${name}${labelText(s.labels)} ${formatNumber(s.value)}`);
          continue;
        }
        let cumulative = 0;
        f.buckets.forEach((b, i) => {
          cumulative += s.histogram!.counts[i] ?? 0;
          lines.push(`${name}_bucket${labelText(s.labels, ["le", formatNumber(b)])} ${cumulative}`);
        });
        lines.push(`${name}_bucket${labelText(s.labels, ["le", "+Inf"])} ${s.histogram.count}`);
        lines.push(`${name}_sum${labelText(s.labels)} ${formatNumber(s.histogram.sum)}`);
        lines.push(`${name}_count${labelText(s.labels)} ${s.histogram.count}`);
      }
    }
    return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
  }
}
