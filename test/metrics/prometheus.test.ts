// The built-in Prometheus registry: exact text exposition format 0.0.4 for each kind, escaping,
// and the checks that keep the output valid.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PROMETHEUS_CONTENT_TYPE, PrometheusRegistry } from "../../src/index.js";

test("counters, gauges and histograms render in the text format, histograms cumulative with +Inf, _sum, _count", () => {
  const r = new PrometheusRegistry();
  const c = r.counter({ name: "x_requests_total", help: "Requests.", labelNames: ["op"] });
  c.inc({ op: "C-STORE" });
  c.inc({ op: "C-STORE" }, 2);
  c.inc({ op: "C-ECHO" });
  const g = r.gauge({ name: "x_active", help: "Active." });
  g.inc();
  g.inc();
  g.dec();
  const h = r.histogram({ name: "x_seconds", help: "Durations.", labelNames: ["op"], buckets: [0.1, 1] });
  h.observe({ op: "C-STORE" }, 0.05);
  h.observe({ op: "C-STORE" }, 0.5);
  h.observe({ op: "C-STORE" }, 5);
  assert.equal(
    r.metrics(),
    [
      "# HELP x_requests_total Requests.",
      "# TYPE x_requests_total counter",
      'x_requests_total{op="C-STORE"} 3',
      'x_requests_total{op="C-ECHO"} 1',
      "# HELP x_active Active.",
      "# TYPE x_active gauge",
      "x_active 1",
      "# HELP x_seconds Durations.",
      "# TYPE x_seconds histogram",
      'x_seconds_bucket{op="C-STORE",le="0.1"} 1',
      'x_seconds_bucket{op="C-STORE",le="1"} 2',
      'x_seconds_bucket{op="C-STORE",le="+Inf"} 3',
      'x_seconds_sum{op="C-STORE"} 5.55',
      'x_seconds_count{op="C-STORE"} 3',
      "",
    ].join("\n"),
  );
  assert.equal(r.value("x_requests_total", { op: "C-STORE" }), 3);
  assert.equal(r.value("x_requests_total", { op: "N-GET" }), 0);
  assert.deepEqual(r.histogramValue("x_seconds", { op: "C-STORE" }), { count: 3, sum: 5.55 });
  assert.match(PROMETHEUS_CONTENT_TYPE, /^text\/plain; version=0\.0\.4/);
});

test("label values and help text are escaped", () => {
  const r = new PrometheusRegistry();
  r.counter({ name: "y_total", help: 'a \\ b\nc "q"', labelNames: ["v"] }).inc({ v: 'say "hi"\\\n' });
  assert.equal(
    r.metrics(),
    '# HELP y_total a \\\\ b\\nc "q"\n# TYPE y_total counter\ny_total{v="say \\"hi\\"\\\\\\n"} 1\n',
  );
});

test("asking twice for a metric returns the same series; conflicting or invalid definitions throw", () => {
  const r = new PrometheusRegistry();
  r.counter({ name: "z_total", help: "z" }).inc();
  r.counter({ name: "z_total", help: "z" }).inc();
  assert.equal(r.value("z_total"), 2);
  assert.throws(() => r.gauge({ name: "z_total", help: "z" }), /already a counter/);
  assert.throws(() => r.counter({ name: "bad-name", help: "" }), /invalid metric name/);
  assert.throws(() => r.histogram({ name: "h", help: "", labelNames: ["le"] }), /invalid label name/);
  assert.throws(() => r.counter({ name: "n_total", help: "" }).inc({}, -1), /cannot decrease/);
  assert.throws(() => r.counter({ name: "l_total", help: "", labelNames: ["a"] }).inc({ b: "1" }), /no label "b"/);
  assert.equal(new PrometheusRegistry().metrics(), "");
});
