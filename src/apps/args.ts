// Command-line parsing for the apps: node:util parseArgs, plus a pre-pass for pynetdicom's
// multi-letter single-dash flags (`-aet`, `-aec`, `-ta`, `-td`, `-tn`, `-pdu`, `-ll`, `-ba`…),
// which parseArgs cannot express.
import { parseArgs } from "node:util";

/** One option of an app. */
export interface AppOption {
  readonly type: "string" | "boolean";
  /** A one-letter short flag (`v` for `-v`). */
  readonly short?: string;
  /** pynetdicom-style multi-letter single-dash aliases (`aet` for `-aet`). */
  readonly aliases?: readonly string[];
  readonly multiple?: boolean;
  readonly default?: string | boolean;
  /** Placeholder and help text for the usage screen. */
  readonly arg?: string;
  readonly help: string;
}

/** An app's options by long name (`calling-aet`), as `parseAppArgs` and `formatOptions` take them. */
export type AppOptions = Readonly<Record<string, AppOption>>;

/** A usage error: the app prints it with its usage and exits with 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Rewrites `-aet X` into `--calling-aet X` (and `-aet=X`) for the aliases in `options`. */
function expandAliases(args: readonly string[], options: AppOptions): string[] {
  const byAlias = new Map<string, string>();
  for (const [long, o] of Object.entries(options)) for (const a of o.aliases ?? []) byAlias.set(a, long);
  return args.map((arg) => {
    if (!arg.startsWith("-") || arg.startsWith("--") || arg.length < 3) return arg;
    const [flag = "", value] = arg.slice(1).split(/=(.*)/s, 2);
    const long = byAlias.get(flag);
    if (long === undefined) return arg;
    return value === undefined ? `--${long}` : `--${long}=${value}`;
  });
}

/** Parses `args` against `options`; throws {@link UsageError} with a readable message. */
export function parseAppArgs(
  args: readonly string[],
  options: AppOptions,
): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  const config: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
  for (const [long, o] of Object.entries(options)) {
    config[long] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({
      args: expandAliases(args, options),
      options: config,
      allowPositionals: true,
      strict: true,
    });
    const out: Record<string, string | boolean | string[] | undefined> = {};
    for (const [long, o] of Object.entries(options))
      out[long] = (values[long] as string | boolean | undefined) ?? o.default;
    return { values: out, positionals };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The options part of a usage screen, aligned. */
export function formatOptions(options: AppOptions): string {
  const rows = Object.entries(options).map(([long, o]) => {
    const flags = [
      ...(o.short ? [`-${o.short}`] : []),
      ...(o.aliases ?? []).map((a) => `-${a}`),
      `--${long}${o.type === "string" ? ` ${o.arg ?? "VALUE"}` : ""}`,
    ].join(", ");
    return [flags, o.help] as const;
  });
  const width = Math.min(40, Math.max(...rows.map(([f]) => f.length)));
  return rows
    .map(([f, h]) => (f.length > width ? `  ${f}\n  ${"".padEnd(width)}  ${h}` : `  ${f.padEnd(width)}  ${h}`))
    .join("\n");
}

/** A number option: finite and within [min, max], else a usage error naming the option. */
export function numberOption(
  values: Record<string, unknown>,
  name: string,
  range: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  const raw = values[name];
  if (raw === undefined || raw === false) return undefined;
  const n = Number(raw);
  if (
    !Number.isFinite(n) ||
    (range.integer && !Number.isInteger(n)) ||
    (range.min !== undefined && n < range.min) ||
    (range.max !== undefined && n > range.max)
  ) {
    const bounds = [range.min !== undefined ? `≥ ${range.min}` : "", range.max !== undefined ? `≤ ${range.max}` : ""]
      .filter(Boolean)
      .join(" and ");
    throw new UsageError(
      `--${name} must be a ${range.integer ? "whole " : ""}number${bounds ? ` ${bounds}` : ""}, not ${JSON.stringify(raw)}`,
    );
  }
  return n;
}

/** The logging options every network app shares (pynetdicom's -q, -v, -d, -ll). */
export const loggingOptions: AppOptions = {
  quiet: { type: "boolean", short: "q", help: "quiet mode, print no warnings and errors" },
  verbose: { type: "boolean", short: "v", help: "verbose mode, print processing details" },
  debug: { type: "boolean", short: "d", help: "debug mode, print debug information (every PDU and DIMSE message)" },
  "log-level": {
    type: "string",
    aliases: ["ll"],
    arg: "LEVEL",
    help: "use level LEVEL for the logger (critical, error, warn, info, debug)",
  },
};

/** The log level the logging options ask for ("none" for -q). */
export function logLevel(values: Record<string, unknown>): "none" | "debug" | "info" | "warn" | "error" {
  if (values.quiet) return "none";
  if (values.debug) return "debug";
  if (values.verbose) return "info";
  const ll = values["log-level"];
  if (ll === undefined) return "warn";
  switch (String(ll).toLowerCase()) {
    case "critical":
    case "error":
      return "error";
    case "warn":
    case "warning":
      return "warn";
    case "info":
      return "info";
    case "debug":
      return "debug";
    default:
      throw new UsageError(`--log-level must be one of critical, error, warn, info, debug, not ${JSON.stringify(ll)}`);
  }
}
