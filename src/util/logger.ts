/** Where netdicom's log lines go. Every method is optional; the default logger is silent. */
export interface Logger {
  /** Details: every PDU and DIMSE message at the apps' `-d`. */
  debug?(message: string, ...args: unknown[]): void;
  /** Progress: associations, requests, results. */
  info?(message: string, ...args: unknown[]): void;
  /** Something odd that netdicom handled (a refused request, a peer's mistake). */
  warn?(message: string, ...args: unknown[]): void;
  /** A failure: a handler threw, a file could not be written. */
  error?(message: string, ...args: unknown[]): void;
}

let current: Logger = {};

/** Injects the logger the library writes to. The library prints nothing until this is called. */
export function setLogger(logger: Logger): void {
  current = logger;
}

/** The logger in force (silent by default). */
export function getLogger(): Logger {
  return current;
}

/** A logger writing to the console at `level` and above, for the apps' `-v`/`-d` flags. */
export function consoleLogger(level: "debug" | "info" | "warn" | "error" = "info"): Logger {
  const order = ["debug", "info", "warn", "error"] as const;
  const min = order.indexOf(level);
  const out: Logger = {};
  for (const l of order) {
    if (order.indexOf(l) >= min) {
      out[l] = (message: string, ...args: unknown[]) => console.error(`${l.toUpperCase()}: ${message}`, ...args);
    }
  }
  return out;
}

/** Named tracers (`NETDICOM_TRACE=pdu,dimse,fsm` or `all`), grpc-js style. */
const traced = new Set(
  (process.env.NETDICOM_TRACE ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);

/** True when the tracer `name` is on, so callers can skip building expensive messages. */
export function isTracing(name: string): boolean {
  return traced.has(name) || traced.has("all");
}

/** Writes a trace line for `name` when that tracer is on: to the logger's debug, else stderr. */
export function trace(name: string, message: string): void {
  if (!isTracing(name)) return;
  if (current.debug) current.debug(`[${name}] ${message}`);
  else process.stderr.write(`[${name}] ${message}\n`);
}
