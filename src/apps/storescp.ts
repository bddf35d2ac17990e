// `netdicom storescp PORT`: a Storage SCP that writes what it receives to a folder, like
// pynetdicom's storescp; it answers C-ECHO too, and shuts down cleanly on SIGINT/SIGTERM.
import { mkdir } from "node:fs/promises";
import {
  AE,
  type AssociationServer,
  collectMetrics,
  Event,
  type Handlers,
  isTransferSyntax,
  type ShutdownReport,
  sop,
  storageSopClasses,
  storageTransferSyntaxes,
  ts,
  uidName,
} from "../index.js";
import { type AppOptions, formatOptions, loggingOptions, numberOption, parseAppArgs, UsageError } from "./args.js";
import type { CliIo, Command } from "./command.js";
import { type MetricsServer, metricsOptions, metricsPort, startMetricsServer } from "./metrics-server.js";
import {
  APP_ASYNC_WINDOW,
  type AppLogger,
  aeNetworkSettings,
  appLogger,
  asyncOption,
  asyncWindow,
  describeError,
  generalOptions,
  networkOptions,
  parsePort,
  printedHelpOrVersion,
  serverTls,
  tlsServerOptions,
} from "./net-options.js";

const options: AppOptions = {
  ...generalOptions,
  ...loggingOptions,
  "ae-title": {
    type: "string",
    aliases: ["aet"],
    arg: "AETITLE",
    default: "STORESCP",
    help: "set my AE title (default: STORESCP)",
  },
  ...networkOptions,
  "bind-address": {
    type: "string",
    aliases: ["ba"],
    arg: "ADDRESS",
    help: "the address of the network interface to listen on (default: all interfaces)",
  },
  "max-associations": {
    type: "string",
    arg: "N",
    default: "100",
    help: "the most associations accepted at once; one more is rejected, transient (default: 100)",
  },
  "require-called-aet": { type: "boolean", help: "reject associations whose called AE title is not mine" },
  ...asyncOption(
    "accept an asynchronous operations window: receive up to N C-STOREs at once per association (0: unlimited; default: 16; 1: one at a time)",
    APP_ASYNC_WINDOW,
  ),
  ...tlsServerOptions,
  ...metricsOptions,
  implicit: { type: "boolean", aliases: ["xi"], help: "accept implicit VR little endian only" },
  "output-directory": {
    type: "string",
    aliases: ["od"],
    arg: "DIRECTORY",
    default: ".",
    help: "write received objects to DIRECTORY (default: the current directory)",
  },
  ignore: { type: "boolean", help: "receive data but don't store it (answer success)" },
  "store-transfer-syntax": {
    type: "string",
    arg: "UID",
    help: "store each instance in this transfer syntax (a UID or a keyword such as RLELossless), decompressing or compressing through the codecs (RLE built in; JPEG, JPEG-LS, JPEG 2000, HTJ2K with the dcmjs-codecs package); an instance that cannot be transcoded is stored as received",
  },
  "storage-directory": {
    type: "string",
    arg: "DIRECTORY",
    help: "write instances being received to DIRECTORY, then rename them into the output directory (default: the output directory, as hidden .part files; keep it on the output directory's file system)",
  },
  "no-fsync": {
    type: "boolean",
    help: "don't flush received instances to disk before acknowledging them: faster, but an acknowledged instance may be lost on power failure",
  },
  "shutdown-deadline": {
    type: "string",
    arg: "SECONDS",
    default: "5",
    help: "on SIGINT/SIGTERM, how long requests in flight and releases may take before the rest is aborted (default: 5)",
  },
};

const USAGE = `usage: netdicom storescp [options] PORT

A Storage SCP (PS3.4 Annex B) and Verification SCP: it accepts every storage SOP class in the
uncompressed and the common compressed transfer syntaxes, writes each instance it receives to
the output directory as <modality prefix>.<SOP Instance UID> (as pynetdicom names them), and
prints one line for each. PORT 0 picks a free port; the line "listening on HOST:PORT" says which.
An instance is acknowledged only once it is on disk under its final name (flushed, unless
--no-fsync). SIGINT or SIGTERM shuts it down gracefully: no new connections, requests in flight
finish, then the associations are released (aborted after --shutdown-deadline); it prints what
happened and exits with status 0.

options:
${formatOptions(options)}`;

/**
 * The transfer syntaxes accepted: the uncompressed ones (PS3.5 A.1-A.5) and the compressed ones
 * in common use, whose data sets are stored as received (nothing needs decoding to store them).
 */
export const acceptedTransferSyntaxes: readonly string[] = [
  ...storageTransferSyntaxes,
  // Video is stored as received too (PS3.5 A.4.5-A.4.8).
  ts.MPEG2MPML,
  ts.MPEG4HP41,
  ts.HEVCMP51,
];

/** File name prefixes by SOP class: the modality, as pynetdicom's storescp names its files. */
const prefixes: ReadonlyMap<string, string> = new Map([
  [sop.CTImageStorage, "CT"],
  [sop.EnhancedCTImageStorage, "CTE"],
  [sop.MRImageStorage, "MR"],
  [sop.EnhancedMRImageStorage, "MRE"],
  [sop.PositronEmissionTomographyImageStorage, "PT"],
  [sop.EnhancedPETImageStorage, "PTE"],
  [sop.RTImageStorage, "RI"],
  [sop.RTDoseStorage, "RD"],
  [sop.RTPlanStorage, "RP"],
  [sop.RTStructureSetStorage, "RS"],
  [sop.ComputedRadiographyImageStorage, "CR"],
  [sop.UltrasoundImageStorage, "US"],
  [sop.EnhancedUSVolumeStorage, "USE"],
  [sop.XRayAngiographicImageStorage, "XA"],
  [sop.EnhancedXAImageStorage, "XAE"],
  [sop.NuclearMedicineImageStorage, "NM"],
  [sop.SecondaryCaptureImageStorage, "SC"],
]);

/**
 * The file name of a received instance: `<prefix>.<SOP Instance UID>` ("UN" for SOP classes
 * without a prefix). The UID comes from the peer, so `saveTo` sanitises it; a valid UID
 * (PS3.5 9.1: digits and dots) passes unchanged.
 */
export function receivedFileName(sopClassUid: string, sopInstanceUid: string): string {
  return `${prefixes.get(sopClassUid) ?? "UN"}.${sopInstanceUid}`;
}

/** What {@link runStorescp} can be given besides its arguments. */
export interface StorescpHooks {
  /** Shuts the server down when aborted (the command wires SIGINT and SIGTERM to it). */
  readonly signal?: AbortSignal;
  /** Called once listening, with the port (the one picked when PORT is 0). */
  readonly onListening?: (port: number) => void;
}

/**
 * Where instances are written while they arrive: `--storage-directory`, else the output
 * directory itself (as hidden `.part` files), so that creating the file costs what it costs
 * there and moving it into place is a rename within one directory. A folder in the system's
 * temporary directory may sit on another file system (a copy instead of a rename) or in a crowded
 * part of the same one: on one ext4 disk here, creating a file under /tmp took ~1 ms, against
 * ~12 µs elsewhere.
 */
function storageDirectory(values: Record<string, unknown>): { storageDirectory?: string } {
  const given = values["storage-directory"];
  if (typeof given === "string" && given !== "") return { storageDirectory: given };
  if (values.ignore === true) return {};
  return { storageDirectory: String(values["output-directory"]) };
}

/**
 * Associations served at once by default. Not pynetdicom's 10: modalities send concurrently, and
 * with 10, 30 of 50 DCMTK storescu processes started together were turned away (A-ASSOCIATE-RJ,
 * transient, local limit exceeded) where DCMTK's storescp takes them all in turn. An idle
 * association costs a socket and a 64 KiB read buffer.
 */
const DEFAULT_MAX_ASSOCIATIONS = 100;

/** The AE the options ask for: every storage SOP class and Verification, as acceptor. */
function makeAe(values: Record<string, unknown>, log: AppLogger): AE {
  const maximumAssociations =
    numberOption(values, "max-associations", { min: 1, integer: true }) ?? DEFAULT_MAX_ASSOCIATIONS;
  let ae: AE;
  try {
    ae = new AE({
      aeTitle: String(values["ae-title"]),
      ...aeNetworkSettings(values),
      maximumAssociations,
      maxAsyncOperations: asyncWindow(values, "performed"),
      requireCalledAet: values["require-called-aet"] === true,
      storageFsync: values["no-fsync"] !== true,
      ...storageDirectory(values),
      logger: log,
    });
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--ae-title: ${(e as Error).message}`);
  }
  const syntaxes = values.implicit ? [ts.ImplicitVRLittleEndian] : acceptedTransferSyntaxes;
  // Supported contexts have no 128 limit (that bounds a request), so every storage class fits.
  for (const uid of storageSopClasses()) ae.addSupportedContext(uid, syntaxes);
  ae.addSupportedContext(sop.Verification, syntaxes);
  return ae;
}

/** The `--store-transfer-syntax` value as a UID (a keyword of `ts` or a known transfer syntax UID), or undefined. */
export function storeTransferSyntax(values: Record<string, unknown>): string | undefined {
  const raw = values["store-transfer-syntax"];
  if (typeof raw !== "string") return undefined;
  const uid = (ts as Readonly<Record<string, string>>)[raw] ?? raw;
  if (!isTransferSyntax(uid)) {
    throw new UsageError(`--store-transfer-syntax: ${JSON.stringify(raw)} is not a transfer syntax UID or keyword`);
  }
  return uid;
}

function storeHandler(values: Record<string, unknown>, io: CliIo, log: AppLogger): Handlers[typeof Event.C_STORE] {
  const outDir = String(values["output-directory"]);
  const storeAs = storeTransferSyntax(values);
  const ignore = values.ignore === true;
  const quiet = log.level === "none";
  return async (event) => {
    // Only spelled out when printed: at -q nothing is, and every microsecond counts per instance.
    const what = () =>
      `${uidName(event.sopClassUid)} ${event.sopInstanceUid} from ${event.assoc.requestor.aeTitle} (${event.fileSize} bytes)`;
    if (!ignore) {
      try {
        const filename = receivedFileName(event.sopClassUid, event.sopInstanceUid);
        let path: string | undefined;
        if (storeAs !== undefined && storeAs !== event.transferSyntax) {
          path = await event.saveTo(outDir, { filename, transferSyntax: storeAs }).catch((e: unknown) => {
            // Better kept as received than lost: the peer's data is stored either way.
            log.warn?.(`cannot store ${what()} as ${uidName(storeAs)}, stored as received: ${describeError(e)}`);
            return undefined;
          });
        }
        path ??= await event.saveTo(outDir, { filename });
        if (log.info) log.info(`stored ${path}`);
      } catch (e) {
        log.error?.(`cannot store ${what()} in ${outDir}: ${describeError(e)}`);
        // PS3.4 B.2.3: 0xA7xx Refused: Out of Resources, as pynetdicom answers a write failure.
        return 0xa700;
      }
    }
    if (!quiet) io.stdout(`Received ${what()}\n`);
    return 0x0000;
  };
}

/**
 * Runs storescp with `args` until `hooks.signal` aborts (at once when there is none, after
 * listening); resolves with the exit code.
 */
export async function runStorescp(args: readonly string[], io: CliIo, hooks: StorescpHooks = {}): Promise<number> {
  let values: Record<string, unknown>;
  let log: AppLogger;
  let port: number;
  let ae: AE;
  let tls: Awaited<ReturnType<typeof serverTls>>;
  let deadlineMs: number;
  let metricsAt: number | undefined;
  try {
    let positionals: string[];
    ({ values, positionals } = parseAppArgs(args, options));
    if (printedHelpOrVersion(values, "storescp", USAGE, io)) return 0;
    log = appLogger(values, io);
    if (positionals.length !== 1) throw new UsageError(`expected PORT, got ${positionals.length} argument(s)`);
    port = parsePort(positionals[0], true);
    ae = makeAe(values, log);
    deadlineMs = Math.round((numberOption(values, "shutdown-deadline", { min: 0 }) ?? 5) * 1000);
    metricsAt = metricsPort(values);
    storeTransferSyntax(values);
    tls = await serverTls(values);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`netdicom storescp: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.ignore !== true) {
    try {
      await mkdir(String(values["output-directory"]), { recursive: true });
    } catch (e) {
      log.error?.(`cannot create the output directory: ${describeError(e)}`);
      return 1;
    }
  }
  let server: AssociationServer;
  const bind = values["bind-address"];
  const host = typeof bind === "string" && bind !== "" ? bind : undefined;
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
    // Printed at the default verbosity, like the listening line: a scraper started with port 0 needs it.
    if (log.level !== "none") io.stderr(`storescp: metrics on ${metricsServer.url}\n`);
  }
  try {
    server = await ae.startServer({
      port,
      ...(host === undefined ? {} : { host }),
      ...(tls ? { tls } : {}),
      handlers: {
        [Event.ACCEPTED]: (e) => log.info?.(`Association accepted from ${e.assoc.requestor.aeTitle}`),
        [Event.RELEASED]: () => log.info?.("Association released"),
        [Event.ABORTED]: (e) => log.warn?.(`Association aborted: ${describeError(e.error)}`),
        [Event.C_ECHO]: () => 0x0000,
        [Event.C_STORE]: storeHandler(values, io, log),
      },
    });
  } catch (e) {
    log.error?.(`cannot listen on port ${port}: ${describeError(e)}`);
    await metricsServer?.close();
    return 1;
  }
  const { address, port: bound } = server.address();
  // Printed at the default verbosity: whoever started us with port 0 needs the port.
  if (log.level !== "none") {
    io.stderr(`storescp: listening on ${address.includes(":") ? `[${address}]` : address}:${bound}\n`);
  }
  hooks.onListening?.(bound);
  const signal = hooks.signal;
  if (signal && !signal.aborted) {
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  }
  log.info?.("shutting down");
  const report = await server.shutdown({ deadlineMs });
  await metricsServer?.close();
  // Printed at the default verbosity: whoever stopped us should know whether anything was cut.
  if (log.level !== "none") io.stderr(`${describeShutdown(report)}\n`);
  return 0;
}

/** One line saying what a graceful shutdown did. */
export function describeShutdown(report: ShutdownReport): string {
  const { associations: a, operations: o } = report;
  return (
    `storescp: shut down in ${report.durationMs} ms${report.deadlineReached ? " (deadline reached)" : ""}: ` +
    `associations released ${a.released}, aborted ${a.aborted}; ` +
    `requests completed ${o.completed}, failed ${o.failed}, aborted in flight ${o.abortedInFlight}`
  );
}

/** The `netdicom storescp` command: runs until SIGINT or SIGTERM. */
export const storescpCommand: Command = {
  summary: "receive DICOM instances as a Storage SCP (C-STORE) and write them to a folder",
  run: async (args, io) => {
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      return await runStorescp(args, io, { signal: stop.signal });
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  },
};
