// qrscp's configuration: pynetdicom's qrscp INI format, read unchanged. A [DEFAULT] section holds
// the application settings; every other section is a move destination named by its AE title,
// with `address` and `port` (Python's configparser rules: "key: value" or "key = value",
// comments after "#" or ";" at the start of a line, keys case-insensitive, DEFAULT values
// inherited by every section).
import { dirname, isAbsolute, resolve } from "node:path";

/** A parsed INI file: section name → key (lower case) → value. DEFAULT is a section too. */
export type IniSections = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** A line of an INI file that cannot be read. */
export class IniSyntaxError extends Error {
  override readonly name = "IniSyntaxError";
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`${message} on line ${line}`);
  }
}

/**
 * Parses INI text as Python's configparser does for the files pynetdicom ships: sections in
 * brackets, `key: value` or `key = value`, indented lines continuing the previous value, full-line
 * comments starting with `#` or `;`. Section names keep their case (they are AE titles); keys are
 * lower-cased.
 */
export function parseIni(text: string): IniSections {
  const sections = new Map<string, Map<string, string>>();
  let section: Map<string, string> | undefined;
  let lastKey: string | undefined;
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const lineNo = i + 1;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";")) {
      if (trimmed === "") lastKey = undefined;
      continue;
    }
    const header = /^\[([^\]]+)\]$/.exec(trimmed);
    if (header) {
      const name = (header[1] ?? "").trim();
      section = sections.get(name) ?? new Map();
      sections.set(name, section);
      lastKey = undefined;
      continue;
    }
    if (section === undefined) throw new IniSyntaxError("a key before any [section]", lineNo);
    const kv = /^([^:=]+?)\s*[:=]\s*(.*)$/.exec(trimmed);
    // configparser: a line indented deeper than its key continues the key's value.
    if (lastKey !== undefined && /^\s/.test(raw) && kv === null) {
      section.set(lastKey, `${section.get(lastKey) ?? ""}\n${trimmed}`);
      continue;
    }
    if (kv === null) throw new IniSyntaxError(`expected "key: value", got ${JSON.stringify(trimmed)}`, lineNo);
    lastKey = (kv[1] ?? "").toLowerCase();
    section.set(lastKey, kv[2] ?? "");
  }
  return sections;
}

/** A move destination: where C-MOVE sends instances for one AE title. */
export interface MoveDestination {
  readonly address: string;
  readonly port: number;
}

/** qrscp's settings, with pynetdicom's defaults. Times are in seconds, as in the file. */
export interface QrscpConfig {
  readonly aeTitle: string;
  readonly port: number;
  readonly bindAddress: string;
  readonly acseTimeout: number;
  readonly dimseTimeout: number;
  readonly networkTimeout: number;
  readonly maximumPduSize: number;
  readonly maximumAssociations: number;
  /** A file path (SQLite) or a postgres:// URL, resolved against the config file's folder. */
  readonly databaseLocation: string;
  /** The folder instances are stored in, resolved against the config file's folder. */
  readonly instanceLocation: string;
  /** Move destinations by AE title. */
  readonly moveDestinations: ReadonlyMap<string, MoveDestination>;
}

/**
 * The embedded default configuration: pynetdicom's default.ini settings, except that data goes
 * to ./qrscp-data (instances in ./qrscp-data/instances, the index in
 * ./qrscp-data/instances.sqlite) rather than inside the installed package.
 */
export const DEFAULT_CONFIG_TEXT = `# netdicom qrscp: the default configuration (pynetdicom's qrscp format)
[DEFAULT]
    ae_title: QRSCP
    port: 11112
    bind_address:
    acse_timeout: 30
    dimse_timeout: 30
    network_timeout: 60
    maximum_pdu_size: 16382
    maximum_associations: 10
    instance_location: qrscp-data/instances
    database_location: qrscp-data/instances.sqlite

# Move destinations: one section per AE title
[STORESCP]
    address: 127.0.0.1
    port: 11113
`;

/** Whether `location` names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

function numberSetting(
  values: ReadonlyMap<string, string>,
  key: string,
  fallback: number,
  range: { min: number; max: number },
): number {
  const raw = values.get(key);
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < range.min || n > range.max) {
    throw new Error(`${key} must be a number from ${range.min} to ${range.max}, not ${JSON.stringify(raw)}`);
  }
  return n;
}

/**
 * The settings of a configuration file's text. Relative locations are resolved against `baseDir`
 * (the config file's folder; the current directory for the embedded default). pynetdicom's older
 * keys `max_pdu` is read as `maximum_pdu_size`; `log_identifier` is accepted and ignored.
 */
export function parseQrscpConfig(text: string, baseDir: string): QrscpConfig {
  const ini = parseIni(text);
  const defaults = ini.get("DEFAULT") ?? new Map<string, string>();
  const location = (key: string, fallback: string): string => {
    const raw = (defaults.get(key) ?? "").trim() || fallback;
    return isPostgresUrl(raw) || isAbsolute(raw) ? raw : resolve(baseDir, raw);
  };
  const pdu = defaults.has("maximum_pdu_size") ? "maximum_pdu_size" : "max_pdu";
  const moveDestinations = new Map<string, MoveDestination>();
  for (const [name, values] of ini) {
    if (name === "DEFAULT") continue;
    const address = values.get("address")?.trim();
    if (!address) throw new Error(`move destination [${name}] has no address`);
    // configparser: a section inherits DEFAULT's keys, so a missing port would be qrscp's own.
    const port = numberSetting(values.has("port") ? values : defaults, "port", Number.NaN, { min: 1, max: 65535 });
    if (!Number.isInteger(port)) throw new Error(`move destination [${name}] has no valid port`);
    moveDestinations.set(name.trim(), { address, port });
  }
  return {
    aeTitle: (defaults.get("ae_title") ?? "QRSCP").trim() || "QRSCP",
    port: numberSetting(defaults, "port", 11112, { min: 0, max: 65535 }),
    bindAddress: (defaults.get("bind_address") ?? "").trim(),
    acseTimeout: numberSetting(defaults, "acse_timeout", 30, { min: 0, max: 1e6 }),
    dimseTimeout: numberSetting(defaults, "dimse_timeout", 30, { min: 0, max: 1e6 }),
    networkTimeout: numberSetting(defaults, "network_timeout", 60, { min: 0, max: 1e6 }),
    maximumPduSize: numberSetting(defaults, pdu, 16382, { min: 0, max: 0xffffffff }),
    maximumAssociations: numberSetting(defaults, "maximum_associations", 10, { min: 1, max: 1e6 }),
    databaseLocation: location("database_location", "instances.sqlite"),
    instanceLocation: location("instance_location", "instances"),
    moveDestinations,
  };
}

/** The settings of the configuration file at `path` (its text given), relative locations beside it. */
export function configFromFile(text: string, path: string): QrscpConfig {
  return parseQrscpConfig(text, dirname(resolve(path)));
}
