// `netdicom qrscp`: a small PACS, as pynetdicom's qrscp. A Storage SCP that files what it receives
// and indexes it (embedded SQLite, or PostgreSQL shared by several qrscp processes), a
// Query/Retrieve SCP (C-FIND, C-GET, C-MOVE; patient root, study root, patient/study only) and a
// Verification SCP. Settings come from pynetdicom's INI configuration file, overridden by flags.
import { mkdir, readFile, unlink } from "node:fs/promises";
import { AE, type AssociationServer, collectMetrics, Event, modelByName, sop, storageSopClasses } from "../../index.js";
import { type AppOptions, formatOptions, loggingOptions, numberOption, parseAppArgs, UsageError } from "../args.js";
import type { CliIo, Command } from "../command.js";
import { type MetricsServer, metricsOptions, metricsPort, startMetricsServer } from "../metrics-server.js";
import {
  type AppLogger,
  appLogger,
  describeError,
  generalOptions,
  networkOptions,
  parsePort,
  printedHelpOrVersion,
  serverTls,
  tlsServerOptions,
} from "../net-options.js";
import { acceptedTransferSyntaxes, describeShutdown } from "../storescp.js";
import { configFromFile, DEFAULT_CONFIG_TEXT, parseQrscpConfig, type QrscpConfig } from "./config.js";
import { findHandler, getHandler, moveHandler, type QrscpContext, storeHandler } from "./handlers.js";
import type { InstanceIndex } from "./index/index.js";
import { openIndex } from "./index/open.js";

/** The network flags without their defaults: an unset flag leaves the config file's value. */
const networkOverrides: AppOptions = Object.fromEntries(
  Object.entries(networkOptions).map(([name, { default: _unused, ...o }]) => [
    name,
    { ...o, help: o.help.replace(/default: [^)]*\)/, "default: from the configuration)") },
  ]),
);

const options: AppOptions = {
  ...generalOptions,
  ...loggingOptions,
  config: {
    type: "string",
    short: "c",
    arg: "FILE",
    help: "use configuration file FILE (pynetdicom's qrscp INI format; default: the embedded one)",
  },
  port: {
    type: "string",
    arg: "PORT",
    help: "listen on PORT (default: from the configuration, 11112; 0: any free port)",
  },
  "ae-title": { type: "string", aliases: ["aet"], arg: "AETITLE", help: "set my AE title (default: QRSCP)" },
  "bind-address": {
    type: "string",
    aliases: ["ba"],
    arg: "ADDRESS",
    help: "the address of the network interface to listen on (default: all interfaces)",
  },
  ...networkOverrides,
  "max-associations": { type: "string", arg: "N", help: "the most associations accepted at once (default: 10)" },
  "database-location": {
    type: "string",
    arg: "LOCATION",
    help: "the index: a SQLite file, or a postgres:// URL shared by several qrscp processes (default: qrscp-data/instances.sqlite)",
  },
  "instance-location": {
    type: "string",
    arg: "DIRECTORY",
    help: "the folder instances are stored in, one sub-folder per study (default: qrscp-data/instances)",
  },
  "no-fsync": {
    type: "boolean",
    help: "don't flush received instances to disk before acknowledging them: faster, but an acknowledged instance may be lost on power failure",
  },
  clean: {
    type: "boolean",
    help: "remove every entry from the index and delete the stored instances, then exit",
  },
  ...metricsOptions,
  ...tlsServerOptions,
  "shutdown-deadline": {
    type: "string",
    arg: "SECONDS",
    default: "5",
    help: "on SIGINT/SIGTERM, how long requests in flight may take before the rest is aborted (default: 5)",
  },
};

const USAGE = `usage: netdicom qrscp [options]

A Query/Retrieve SCP (PS3.4 Annex C: C-FIND, C-GET, C-MOVE in the patient root, study root and
patient/study only models), Storage SCP and Verification SCP: a small PACS. Instances it receives
are stored under the instance location as <Study Instance UID>/<SOP Instance UID>.dcm and indexed
(a re-sent SOP Instance UID replaces the old one). The index is a SQLite file, or a PostgreSQL
database when --database-location is a postgres:// URL: several qrscp processes sharing one
database and one instance folder then answer as one archive. Settings come from the configuration
file (pynetdicom's format: [DEFAULT] ae_title, port, bind_address, acse_timeout, dimse_timeout,
network_timeout, maximum_pdu_size, maximum_associations, database_location, instance_location;
one [AE TITLE] section with address and port per C-MOVE destination); flags override them.
Relative locations in a configuration file are relative to its folder. The line
"qrscp: listening on HOST:PORT" says where it listens.

options:
${formatOptions(options)}`;

/** The configuration file's settings (or the embedded default's) with the flags applied. */
async function loadConfig(values: Record<string, unknown>): Promise<QrscpConfig> {
  let config: QrscpConfig;
  const file = values.config;
  try {
    if (typeof file === "string") config = configFromFile(await readFile(file, "utf8"), file);
    else config = parseQrscpConfig(DEFAULT_CONFIG_TEXT, process.cwd());
  } catch (e) {
    throw new UsageError(`configuration ${typeof file === "string" ? file : "(embedded)"}: ${(e as Error).message}`);
  }
  const str = (name: string): string | undefined =>
    typeof values[name] === "string" ? String(values[name]) : undefined;
  const seconds = (name: string, min: number) => numberOption(values, name, { min });
  const port = str("port");
  return {
    ...config,
    ...(port !== undefined ? { port: parsePort(port, true) } : {}),
    ...(str("ae-title") !== undefined ? { aeTitle: str("ae-title") as string } : {}),
    ...(str("bind-address") !== undefined ? { bindAddress: str("bind-address") as string } : {}),
    acseTimeout: seconds("acse-timeout", 0.001) ?? config.acseTimeout,
    dimseTimeout: seconds("dimse-timeout", 0) ?? config.dimseTimeout,
    networkTimeout: seconds("network-timeout", 0) ?? config.networkTimeout,
    maximumPduSize:
      numberOption(values, "max-pdu", { min: 0, max: 0xffffffff, integer: true }) ?? config.maximumPduSize,
    maximumAssociations:
      numberOption(values, "max-associations", { min: 1, integer: true }) ?? config.maximumAssociations,
    ...(str("database-location") !== undefined ? { databaseLocation: str("database-location") as string } : {}),
    ...(str("instance-location") !== undefined ? { instanceLocation: str("instance-location") as string } : {}),
  };
}

/** The Q/R SOP classes served: the three Query/Retrieve models' FIND, GET and MOVE. */
function queryRetrieveSopClasses(): string[] {
  return ["patientRoot", "studyRoot", "patientStudyOnly"].flatMap((name) => {
    const m = modelByName(name);
    return m ? [m.find, m.get, m.move].filter((u): u is string => u !== undefined) : [];
  });
}

function makeAe(config: QrscpConfig, log: AppLogger, fsync: boolean): AE {
  let ae: AE;
  try {
    ae = new AE({
      aeTitle: config.aeTitle,
      acseTimeoutMs: Math.max(1, Math.round(config.acseTimeout * 1000)),
      dimseTimeoutMs: Math.round(config.dimseTimeout * 1000),
      networkTimeoutMs: Math.round(config.networkTimeout * 1000),
      maximumPduSize: config.maximumPduSize,
      maximumAssociations: config.maximumAssociations,
      storageFsync: fsync,
      // Received instances are written beside where they end up (hidden .part files), so moving
      // one into place is a rename on one file system (see storescp's storageDirectory).
      storageDirectory: config.instanceLocation,
      logger: log,
    });
  } catch (e) {
    throw new UsageError(`ae_title: ${(e as Error).message}`);
  }
  // Storage classes in both roles: SCP for C-STORE, and the SCP role a C-GET requestor proposes
  // (PS3.4 C.4.3.1: the C-GET SCU is the Storage SCP of the sub-operations).
  for (const uid of storageSopClasses()) ae.addSupportedContext(uid, acceptedTransferSyntaxes, true, true);
  ae.addSupportedContext(sop.Verification, acceptedTransferSyntaxes);
  for (const uid of queryRetrieveSopClasses()) ae.addSupportedContext(uid, acceptedTransferSyntaxes);
  return ae;
}

async function clean(index: InstanceIndex, log: AppLogger, io: CliIo): Promise<number> {
  const paths = await index.clean();
  let failed = 0;
  for (const path of paths) {
    try {
      await unlink(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
        failed++;
        log.error?.(`cannot delete ${path}: ${describeError(e)}`);
      }
    }
  }
  io.stderr(
    `qrscp: removed ${paths.length} instance(s) from the index${failed ? `, ${failed} file(s) not deleted` : ""}\n`,
  );
  return failed === 0 ? 0 : 1;
}

/** What {@link runQrscp} can be given besides its arguments. */
export interface QrscpHooks {
  /** Shuts the server down when aborted (the command wires SIGINT and SIGTERM to it). */
  readonly signal?: AbortSignal;
  /** Called once listening, with the port. */
  readonly onListening?: (port: number) => void;
}

/** Runs qrscp with `args` until `hooks.signal` aborts; resolves with the exit code. */
export async function runQrscp(args: readonly string[], io: CliIo, hooks: QrscpHooks = {}): Promise<number> {
  let values: Record<string, unknown>;
  let log: AppLogger;
  let config: QrscpConfig;
  let ae: AE;
  let tls: Awaited<ReturnType<typeof serverTls>>;
  let deadlineMs: number;
  let metricsAt: number | undefined;
  try {
    let positionals: string[];
    ({ values, positionals } = parseAppArgs(args, options));
    if (printedHelpOrVersion(values, "qrscp", USAGE, io)) return 0;
    log = appLogger(values, io);
    if (positionals.length > 1) throw new UsageError(`expected at most one PORT, got ${positionals.length} arguments`);
    // pynetdicom's older qrscp took the port as an argument: accepted too.
    if (positionals[0] !== undefined && values.port === undefined) values.port = positionals[0];
    config = await loadConfig(values);
    ae = makeAe(config, log, values["no-fsync"] !== true);
    deadlineMs = Math.round((numberOption(values, "shutdown-deadline", { min: 0 }) ?? 5) * 1000);
    tls = await serverTls(values);
    metricsAt = metricsPort(values);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`netdicom qrscp: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  let index: InstanceIndex;
  try {
    index = await openIndex(config.databaseLocation);
  } catch (e) {
    log.error?.(describeError(e));
    return 1;
  }
  try {
    if (values.clean === true) return await clean(index, log, io);
    log.debug?.(
      `AE title ${config.aeTitle}, instances in ${config.instanceLocation}, index ${index.kind} ` +
        `(${index.kind === "postgres" ? "PostgreSQL" : config.databaseLocation}), move destinations: ` +
        ([...config.moveDestinations].map(([k, v]) => `${k}=${v.address}:${v.port}`).join(", ") || "none"),
    );
    try {
      await mkdir(config.instanceLocation, { recursive: true });
    } catch (e) {
      log.error?.(`cannot create the instance location: ${describeError(e)}`);
      return 1;
    }
    const ctx: QrscpContext = {
      index,
      instanceLocation: config.instanceLocation,
      aeTitle: config.aeTitle,
      moveDestinations: config.moveDestinations,
      log,
    };
    const host = config.bindAddress !== "" ? config.bindAddress : undefined;
    // Collected from before the first association, so that every one is counted.
    const metrics = metricsAt === undefined ? undefined : collectMetrics(ae);
    let metricsServer: MetricsServer | undefined;
    if (metrics && metricsAt !== undefined) {
      try {
        metricsServer = await startMetricsServer(metrics.registry, metricsAt, host);
      } catch (e) {
        log.error?.(`cannot serve metrics on port ${metricsAt}: ${describeError(e)}`);
        return 1;
      }
      if (log.level !== "none") io.stderr(`qrscp: metrics on ${metricsServer.url}\n`);
    }
    let server: AssociationServer;
    try {
      server = await ae.startServer({
        port: config.port,
        ...(host !== undefined ? { host } : {}),
        ...(tls ? { tls } : {}),
        handlers: {
          [Event.ACCEPTED]: (e) => log.info?.(`Association accepted from ${e.assoc.requestor.aeTitle}`),
          [Event.RELEASED]: () => log.info?.("Association released"),
          [Event.ABORTED]: (e) => log.warn?.(`Association aborted: ${describeError(e.error)}`),
          [Event.C_ECHO]: () => 0x0000,
          [Event.C_STORE]: storeHandler(ctx),
          [Event.C_FIND]: findHandler(ctx),
          [Event.C_GET]: getHandler(ctx),
          [Event.C_MOVE]: moveHandler(ctx),
        },
      });
    } catch (e) {
      log.error?.(`cannot listen on port ${config.port}: ${describeError(e)}`);
      await metricsServer?.close();
      return 1;
    }
    const { address, port } = server.address();
    // Printed at the default verbosity: whoever started us with port 0 needs the port.
    if (log.level !== "none") {
      io.stderr(`qrscp: listening on ${address.includes(":") ? `[${address}]` : address}:${port}\n`);
      // Where things go, so that a first run says what it did (the index is not a secret).
      const where = index.kind === "postgres" ? "PostgreSQL" : `SQLite ${config.databaseLocation}`;
      const fsync = values["no-fsync"] === true ? " (no fsync)" : "";
      io.stderr(`qrscp: AE title ${config.aeTitle}, instances in ${config.instanceLocation}${fsync}, index ${where}\n`);
    }
    hooks.onListening?.(port);
    const signal = hooks.signal;
    if (signal && !signal.aborted) {
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    }
    const report = await server.shutdown({ deadlineMs });
    await metricsServer?.close();
    if (log.level !== "none") io.stderr(`${describeShutdown(report).replace(/^storescp/, "qrscp")}\n`);
    return 0;
  } finally {
    await index.close();
  }
}

/** The `netdicom qrscp` command: runs until SIGINT or SIGTERM. */
export const qrscpCommand: Command = {
  summary: "a small PACS: Query/Retrieve SCP (C-FIND, C-GET, C-MOVE) and Storage SCP over a SQLite or PostgreSQL index",
  run: async (args, io) => {
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      return await runQrscp(args, io, { signal: stop.signal });
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  },
};
