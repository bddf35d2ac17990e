// What every network app shares: the general flags (--help, --version), pynetdicom's timeout
// and max-PDU flags, the TLS flags of an SCU and of an SCP, the port argument, and a logger in
// pynetdicom's "I: message" style that writes through the app's CliIo.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { AEOptions, AssociateOptions, AsyncOperationsWindow, Logger } from "../index.js";
import { type AppOptions, logLevel, numberOption, UsageError } from "./args.js";
import type { CliIo } from "./command.js";

/** `--help` and `--version`, which every app has. */
export const generalOptions: AppOptions = {
  help: { type: "boolean", short: "h", help: "print this help and exit" },
  version: { type: "boolean", help: "print version information and exit" },
};

/** pynetdicom's network flags: ACSE, DIMSE and network timeouts (seconds) and the max PDU. */
export const networkOptions: AppOptions = {
  "acse-timeout": {
    type: "string",
    aliases: ["ta"],
    arg: "SECONDS",
    default: "30",
    help: "timeout for ACSE messages (default: 30 s)",
  },
  "dimse-timeout": {
    type: "string",
    aliases: ["td"],
    arg: "SECONDS",
    default: "30",
    help: "timeout for DIMSE messages (default: 30 s; 0: wait forever)",
  },
  "network-timeout": {
    type: "string",
    aliases: ["tn"],
    arg: "SECONDS",
    default: "30",
    help: "timeout for the network: abort when nothing arrives for this long (default: 30 s; 0: never)",
  },
  "max-pdu": {
    type: "string",
    aliases: ["pdu"],
    arg: "BYTES",
    default: "16382",
    help: "set max receive pdu to BYTES bytes (0 for unlimited, default: 16382)",
  },
};

/** TLS flags of an SCU (PS3.15 B.1, the secure transport connection profile). */
export const tlsClientOptions: AppOptions = {
  tls: { type: "boolean", help: "connect with TLS (the server certificate is verified)" },
  "tls-ca": { type: "string", arg: "FILE", help: "PEM file of the certificate authorities to trust" },
  "tls-cert": { type: "string", arg: "FILE", help: "PEM file of my certificate, when the server asks for one" },
  "tls-key": { type: "string", arg: "FILE", help: "PEM file of my private key (with --tls-cert)" },
  "tls-no-verify": { type: "boolean", help: "do not verify the server certificate (tests only: insecure)" },
  "tls-profile": {
    type: "string",
    arg: "NAME",
    help: "PS3.15 TLS profile: bcp195 (default), bcp195-nd (non-downgrading) or bcp195-extended",
  },
};

/** TLS flags of an SCP. */
export const tlsServerOptions: AppOptions = {
  tls: { type: "boolean", help: "accept TLS connections only (needs --tls-cert and --tls-key)" },
  "tls-cert": { type: "string", arg: "FILE", help: "PEM file of my certificate" },
  "tls-key": { type: "string", arg: "FILE", help: "PEM file of my private key" },
  "tls-ca": {
    type: "string",
    arg: "FILE",
    help: "PEM file of the certificate authorities that sign client certificates",
  },
  "tls-require-client-cert": {
    type: "boolean",
    help: "refuse clients without a certificate signed by --tls-ca",
  },
  "tls-profile": {
    type: "string",
    arg: "NAME",
    help: "PS3.15 TLS profile: bcp195 (default), bcp195-nd (non-downgrading) or bcp195-extended",
  },
};

/** The TLS settings `AE.associate` and `AE.startServer` take. */
export type AppTlsOptions = NonNullable<AssociateOptions["tls"]>;

/** The names `--tls-profile` takes (PS3.15 B.9, B.10, B.11). */
export const tlsProfileChoices: readonly NonNullable<AppTlsOptions["profile"]>[] = Object.freeze([
  "bcp195",
  "bcp195-nd",
  "bcp195-extended",
]);

/** The profile named by `--tls-profile` (undefined when not given: the library's default, bcp195). */
function tlsProfile(values: Record<string, unknown>): { profile?: NonNullable<AppTlsOptions["profile"]> } {
  const raw = values["tls-profile"];
  if (raw === undefined) return {};
  const profile = tlsProfileChoices.find((name) => name === raw);
  if (profile === undefined) {
    throw new UsageError(`--tls-profile must be one of ${tlsProfileChoices.join(", ")}, not ${JSON.stringify(raw)}`);
  }
  return { profile };
}

/** The AE settings the network options ask for (seconds converted to milliseconds). */
export function aeNetworkSettings(
  values: Record<string, unknown>,
): Pick<AEOptions, "acseTimeoutMs" | "dimseTimeoutMs" | "networkTimeoutMs" | "maximumPduSize"> {
  const seconds = (name: string, min: number) => Math.round((numberOption(values, name, { min }) ?? 30) * 1000);
  return {
    // An ACSE timeout of 0 would fire the ARTIM timer at once (PS3.8 9.1.5), so it must be positive.
    acseTimeoutMs: Math.max(1, seconds("acse-timeout", 0.001)),
    dimseTimeoutMs: seconds("dimse-timeout", 0),
    networkTimeoutMs: seconds("network-timeout", 0),
    // PS3.8 9.3.3.2 (Maximum Length sub-item): a 32-bit value, 0 meaning no limit.
    maximumPduSize: numberOption(values, "max-pdu", { min: 0, max: 0xffffffff, integer: true }) ?? 16382,
  };
}

/** A TCP port from the command line: 1-65535, or 0 too when `allowZero` (a free port, for listeners). */
export function parsePort(raw: string | undefined, allowZero = false): number {
  const n = Number(raw);
  if (raw === undefined || raw.trim() === "" || !Number.isInteger(n) || n < (allowZero ? 0 : 1) || n > 65535) {
    throw new UsageError(`port must be a whole number from ${allowZero ? 0 : 1} to 65535, not ${JSON.stringify(raw)}`);
  }
  return n;
}

async function readPem(values: Record<string, unknown>, name: string): Promise<Buffer | undefined> {
  const path = values[name];
  if (typeof path !== "string") return undefined;
  try {
    return await readFile(path);
  } catch (e) {
    throw new UsageError(`--${name}: cannot read ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
}

/** The TLS settings of an SCU from the TLS client flags, undefined without `--tls`. */
export async function clientTls(values: Record<string, unknown>): Promise<AppTlsOptions | undefined> {
  const given = ["tls-ca", "tls-cert", "tls-key", "tls-no-verify", "tls-profile"].filter(
    (k) => values[k] !== undefined && values[k] !== false,
  );
  if (!values.tls) {
    if (given.length > 0) throw new UsageError(`--${given[0]} needs --tls`);
    return undefined;
  }
  if ((values["tls-cert"] === undefined) !== (values["tls-key"] === undefined)) {
    throw new UsageError("--tls-cert and --tls-key go together");
  }
  const profile = tlsProfile(values);
  const [ca, cert, key] = await Promise.all([
    readPem(values, "tls-ca"),
    readPem(values, "tls-cert"),
    readPem(values, "tls-key"),
  ]);
  return {
    ...profile,
    ...(ca ? { ca } : {}),
    ...(cert && key ? { cert, key } : {}),
    // Verification stays on unless explicitly turned off.
    rejectUnauthorized: values["tls-no-verify"] !== true,
  };
}

/** The TLS settings of an SCP from the TLS server flags, undefined without `--tls`. */
export async function serverTls(values: Record<string, unknown>): Promise<AppTlsOptions | undefined> {
  const given = ["tls-ca", "tls-cert", "tls-key", "tls-require-client-cert", "tls-profile"].filter(
    (k) => values[k] !== undefined && values[k] !== false,
  );
  if (!values.tls) {
    if (given.length > 0) throw new UsageError(`--${given[0]} needs --tls`);
    return undefined;
  }
  if (values["tls-cert"] === undefined || values["tls-key"] === undefined) {
    throw new UsageError("--tls needs --tls-cert and --tls-key");
  }
  const requireClientCert = values["tls-require-client-cert"] === true;
  if (requireClientCert && values["tls-ca"] === undefined) {
    throw new UsageError("--tls-require-client-cert needs --tls-ca to verify client certificates");
  }
  const profile = tlsProfile(values);
  const [ca, cert, key] = await Promise.all([
    readPem(values, "tls-ca"),
    readPem(values, "tls-cert"),
    readPem(values, "tls-key"),
  ]);
  return {
    ...profile,
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    requestCert: requireClientCert,
    rejectUnauthorized: requireClientCert,
  };
}

/** An app's logger: the library's `Logger` interface, plus whether debug output is on. */
export interface AppLogger extends Logger {
  /** The level in force ("none" for -q). */
  readonly level: "none" | "debug" | "info" | "warn" | "error";
}

function detail(arg: unknown): string {
  if (arg instanceof Error) return describeError(arg);
  return typeof arg === "string" ? arg : JSON.stringify(arg);
}

/**
 * A logger for the logging flags (-q, -v, -d, -ll) writing pynetdicom-style lines ("I: …",
 * "E: …") to the app's stderr. Give it to the AE too, so -d shows every PDU and DIMSE message.
 */
export function appLogger(values: Record<string, unknown>, io: CliIo): AppLogger {
  const level = logLevel(values);
  const order = ["debug", "info", "warn", "error"] as const;
  const min = level === "none" ? order.length : order.indexOf(level);
  const logger: { -readonly [K in keyof AppLogger]: AppLogger[K] } = { level };
  for (const [i, name] of order.entries()) {
    if (i < min) continue;
    const letter = name[0]?.toUpperCase();
    logger[name] = (message: string, ...args: unknown[]) =>
      io.stderr(`${letter}: ${[message, ...args.map(detail)].join(": ")}\n`);
  }
  return logger;
}

/** One line for an error: its message and the messages of its causes, without repeats. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e !== undefined && depth < 5; depth++) {
    const m = e instanceof Error ? e.message : String(e);
    if (m !== "" && !parts.some((p) => p.includes(m))) parts.push(m);
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(": ") || "unknown error";
}

/** The netdicom version, from package.json (three levels above build/src/apps/). */
export function packageVersion(): string {
  // build/src/apps/ when run from tsc's output, build/ from the bundled bin: the nearest
  // package.json named netdicom, a few folders up.
  for (const up of ["../", "../../", "../../../"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(`${up}package.json`, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "netdicom") return pkg.version ?? "unknown";
    } catch {
      // not here: look one folder up
    }
  }
  return "unknown";
}

/**
 * Answers `--help` (the usage screen) and `--version` ("APP (netdicom) vX.Y.Z") on stdout; true
 * when it did, so that the app exits 0 without doing anything else.
 */
export function printedHelpOrVersion(values: Record<string, unknown>, app: string, usage: string, io: CliIo): boolean {
  if (values.help) io.stdout(`${usage}\n`);
  else if (values.version) io.stdout(`${app} (netdicom) v${packageVersion()}\n`);
  else return false;
  return true;
}

/**
 * `--async N`: the asynchronous operations window of an app (PS3.7 D.3.3.3), with its help text
 * and default (storescu and storescp default to {@link APP_ASYNC_WINDOW}).
 */
export function asyncOption(help: string, defaultWindow = 1): AppOptions {
  return { async: { type: "string", arg: "N", default: String(defaultWindow), help } };
}

/**
 * The window storescu proposes and storescp accepts unless told otherwise. A peer that does not
 * support asynchronous operations leaves the item out of its answer, which means one at a time
 * (PS3.7 D.3.3.3), so proposing costs nothing there; between netdicom's own apps the sender
 * keeps streaming the next instance while the receiver files the previous one, instead of the
 * two taking turns (measured: 2000 tiny files, 1,850 -> 2,700 instances/s on loopback).
 */
export const APP_ASYNC_WINDOW = 16;

/**
 * The window `--async N` asks for: N in the direction the app uses (`invoked` for an SCU that
 * sends, `performed` for an SCP that serves), 1 in the other.
 */
export function asyncWindow(
  values: Record<string, unknown>,
  direction: "invoked" | "performed",
): AsyncOperationsWindow {
  const n = numberOption(values, "async", { min: 0, max: 65535, integer: true }) ?? 1;
  return direction === "invoked" ? { invoked: n, performed: 1 } : { invoked: 1, performed: n };
}
