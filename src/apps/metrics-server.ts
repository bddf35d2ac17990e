// The `--metrics-port` of the SCP apps: an HTTP endpoint serving GET /metrics in the Prometheus
// text exposition format, fed by the library's `collectMetrics`.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PROMETHEUS_CONTENT_TYPE } from "../index.js";
import type { AppOptions } from "./args.js";
import { UsageError } from "./args.js";
import { parsePort } from "./net-options.js";

/** What a metrics endpoint renders: `PrometheusRegistry` has it (`metrics()`). */
export interface MetricsSource {
  metrics(): string | Promise<string>;
}

/** A running metrics endpoint. */
export interface MetricsServer {
  /** The port listened on (the one picked when 0 was asked for). */
  readonly port: number;
  /** The address listened on. */
  readonly address: string;
  /** The URL of the metrics, e.g. "http://127.0.0.1:9100/metrics". */
  readonly url: string;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** The options every SCP app with metrics takes. */
export const metricsOptions: AppOptions = {
  "metrics-port": {
    type: "string",
    arg: "PORT",
    help: 'serve Prometheus metrics at http://ADDRESS:PORT/metrics (0 picks a free port; the line "metrics on …" says which); on --bind-address when given',
  },
};

/**
 * Serves `source` at GET /metrics (HEAD too) on `port` (0: a free one) and `host` (default: all
 * interfaces); other paths answer 404, other methods 405. Resolves once listening.
 */
export async function startMetricsServer(source: MetricsSource, port: number, host?: string): Promise<MetricsServer> {
  // node:http on first use: a storescp without --metrics-port does not load it (~2 ms of start-up).
  const server: Server = process.getBuiltinModule("node:http").createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: try /metrics\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("method not allowed\n");
      return;
    }
    Promise.resolve()
      .then(() => source.metrics())
      .then(
        (body) => {
          res.writeHead(200, { "content-type": PROMETHEUS_CONTENT_TYPE });
          res.end(req.method === "HEAD" ? undefined : body);
        },
        (err: unknown) => {
          res.writeHead(500, { "content-type": "text/plain" }).end(`cannot render metrics: ${String(err)}\n`);
        },
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  const shown = a.address.includes(":") ? `[${a.address}]` : a.address;
  return {
    port: a.port,
    address: a.address,
    url: `http://${shown}:${a.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The `--metrics-port` value, or undefined when the option was not given. */
export function metricsPort(values: Record<string, unknown>): number | undefined {
  const raw = values["metrics-port"];
  if (raw === undefined) return undefined;
  try {
    return parsePort(String(raw), true);
  } catch (e) {
    throw new UsageError(`--metrics-port: ${(e as Error).message}`);
  }
}
