// Metrics of an AE's associations, fed from their notification events into a MetricsRegistry:
// associations by outcome and the number established now, operations by type and status
// category, their durations, and bytes each way.
import { AE } from "./ae.js";
import { Association } from "./association.js";
import { pduLength, trackStatistics } from "./association-statistics.js";
import { CommandField, commandName, type DimseCommand, isResponse, status } from "./dimse/index.js";
import type { EventOf } from "./events.js";
import { PrometheusRegistry } from "./metrics/prometheus.js";
import { DEFAULT_DURATION_BUCKETS, type MetricsRegistry } from "./metrics/registry.js";
import type { AssociationServer } from "./server.js";

/** Options of {@link collectMetrics}. */
export interface CollectMetricsOptions<R extends MetricsRegistry> {
  /** Where the metrics go (default: a new `PrometheusRegistry`). */
  readonly registry?: R;
  /** Prefix of every metric name (default "netdicom_"). */
  readonly prefix?: string;
  /** Buckets of the operation duration histogram, in seconds (default 1 ms … 60 s). */
  readonly durationBuckets?: readonly number[];
}

/** What {@link collectMetrics} returns: the registry, and a way to stop observing new associations. */
export interface MetricsCollection<R extends MetricsRegistry> {
  /** The registry the metrics go to (`registry.metrics()` renders a `PrometheusRegistry`). */
  readonly registry: R;
  /** Stops observing associations created from now on (those under way keep reporting until they end). */
  stop(): void;
}

/** The operation a command field belongs to ("C-STORE"), for labels. */
function operationName(field: number): string {
  return commandName(field & 0x7fff).replace(/-RQ$/, "");
}

/** Status values that mean more responses follow (PS3.7 C.4: Pending). */
function isPending(code: number): boolean {
  return code === 0xff00 || code === 0xff01;
}

function instruments(registry: MetricsRegistry, prefix: string, buckets: readonly number[]) {
  return {
    associations: registry.counter({
      name: `${prefix}associations_total`,
      help: "Associations by local mode (requestor, acceptor) and event (requested, accepted, rejected, released, aborted).",
      labelNames: ["mode", "event"],
    }),
    active: registry.gauge({
      name: `${prefix}associations_active`,
      help: "Associations established and not yet released or aborted, by local mode.",
      labelNames: ["mode"],
    }),
    operations: registry.counter({
      name: `${prefix}operations_total`,
      help: "DIMSE operations completed, by local role (scu, scp), operation (C-STORE…) and status category (success, warning, failure, cancel, aborted).",
      labelNames: ["role", "operation", "status"],
    }),
    duration: registry.histogram({
      name: `${prefix}operation_duration_seconds`,
      help: "Time from a DIMSE request to its final response, by local role and operation.",
      labelNames: ["role", "operation"],
      buckets,
    }),
    bytesSent: registry.counter({
      name: `${prefix}sent_bytes_total`,
      help: "PDU bytes sent, by local mode.",
      labelNames: ["mode"],
    }),
    bytesReceived: registry.counter({
      name: `${prefix}received_bytes_total`,
      help: "PDU bytes received, by local mode.",
      labelNames: ["mode"],
    }),
  };
}

type Instruments = ReturnType<typeof instruments>;

/** The associations each registry already counts. */
const observedBy = new WeakMap<MetricsRegistry, WeakSet<Association>>();

/** Subscribes to one association's events; counts from the moment of the call. */
function observe(assoc: Association, m: Instruments, seen: WeakSet<Association>): void {
  if (seen.has(assoc)) return;
  seen.add(assoc);
  trackStatistics(assoc);
  const mode = assoc.mode;
  let established = false;
  let ended = false;
  const ops = new Map<string, { readonly started: number; readonly operation: string; readonly role: string }>();
  const count = (event: string) => m.associations.inc({ mode, event });
  const finish = (key: string, code: number | undefined) => {
    const op = ops.get(key);
    if (!op || (code !== undefined && isPending(code))) return;
    ops.delete(key);
    const category = code === undefined ? "aborted" : status.category(code);
    m.operations.inc({ role: op.role, operation: op.operation, status: category });
    m.duration.observe({ role: op.role, operation: op.operation }, (performance.now() - op.started) / 1000);
  };
  const end = () => {
    if (ended) return;
    ended = true;
    if (established) m.active.dec({ mode });
    // Requests still waiting for their final response never got one.
    for (const key of [...ops.keys()]) finish(key, undefined);
  };
  const start = (role: string, cmd: DimseCommand) => {
    if (cmd.commandField === CommandField.C_CANCEL_RQ) return; // C-CANCEL has no response of its own
    ops.set(`${role}:${cmd.messageId ?? 0}`, {
      started: performance.now(),
      operation: operationName(cmd.commandField ?? 0),
      role,
    });
  };
  assoc.on("requested", () => count("requested"));
  assoc.on("accepted", () => count("accepted"));
  assoc.on("rejected", () => count("rejected"));
  assoc.on("established", () => {
    established = true;
    m.active.inc({ mode });
  });
  assoc.on("released", () => {
    count("released");
    end();
  });
  assoc.on("aborted", () => {
    count("aborted");
    end();
  });
  assoc.on("connClose", end);
  assoc.on("pduSent", (e) => m.bytesSent.inc({ mode }, pduLength(e.pdu)));
  assoc.on("pduReceived", (e) => m.bytesReceived.inc({ mode }, pduLength(e.pdu)));
  assoc.on("dimseSent", (e) => {
    const cmd = e.message;
    if (!isResponse(cmd.commandField ?? 0)) start("scu", cmd);
    else finish(`scp:${cmd.messageIdBeingRespondedTo ?? 0}`, cmd.status ?? 0);
  });
  assoc.on("dimseReceived", (e) => {
    const cmd = e.message;
    if (!isResponse(cmd.commandField ?? 0)) start("scp", cmd);
    else finish(`scu:${cmd.messageIdBeingRespondedTo ?? 0}`, cmd.status ?? 0);
  });
  if (assoc.isEstablished) {
    // Observed late (an association passed in directly): it counts as established from now.
    established = true;
    m.active.inc({ mode });
  }
}

/**
 * Collects metrics of `target`: every association an AE creates from now on (requested and
 * accepted; the usual choice), the associations a server accepts from now on, or one
 * association (counted from the call). Per-association statistics are gathered too
 * (`getStatistics(assoc)`).
 *
 * Metrics (names prefixed "netdicom_"): `associations_total{mode,event}`,
 * `associations_active{mode}`, `operations_total{role,operation,status}`,
 * `operation_duration_seconds{role,operation}` (histogram), `sent_bytes_total{mode}`,
 * `received_bytes_total{mode}`.
 *
 * @example
 * ```ts
 * const { registry } = collectMetrics(ae);        // a PrometheusRegistry
 * http.createServer((_, res) => res.end(registry.metrics())).listen(9100);
 * ```
 */
export function collectMetrics<R extends MetricsRegistry = PrometheusRegistry>(
  target: AE | AssociationServer | Association,
  options: CollectMetricsOptions<R> = {},
): MetricsCollection<R> {
  const registry = options.registry ?? (new PrometheusRegistry() as unknown as R);
  const m = instruments(registry, options.prefix ?? "netdicom_", options.durationBuckets ?? DEFAULT_DURATION_BUCKETS);
  // One registry counts an association once, however many collections reach it (AE and server).
  const seen = observedBy.get(registry) ?? new WeakSet<Association>();
  observedBy.set(registry, seen);
  let stop: () => void = () => {};
  if (target instanceof AE) {
    stop = target.onAssociation((assoc) => observe(assoc, m, seen));
  } else if (target instanceof Association) {
    observe(target, m, seen);
  } else {
    // A server: its associations fire CONN_OPEN before their first PDU arrives.
    const handler = (e: EventOf<"CONN_OPEN">) => observe(e.assoc, m, seen);
    target.bind("CONN_OPEN", handler);
    stop = () => target.unbind("CONN_OPEN", handler);
  }
  return { registry, stop };
}
