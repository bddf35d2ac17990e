// Metrics bookkeeping (no DICOM here): the registry abstraction and the built-in Prometheus one.
export { PROMETHEUS_CONTENT_TYPE, PrometheusRegistry } from "./prometheus.js";
export {
  type Counter,
  DEFAULT_DURATION_BUCKETS,
  type Gauge,
  type Histogram,
  type HistogramOptions,
  type Labels,
  type MetricOptions,
  type MetricsRegistry,
} from "./registry.js";
