// `netdicom echoscp PORT`: pynetdicom's echoscp. Accepts associations proposing Verification and
// answers C-ECHO with Success until SIGINT or SIGTERM, then shuts down in order and exits 0.
import { AE, type AssociationServer, Event, sop, ts } from "../index.js";
import { type AppOptions, formatOptions, loggingOptions, numberOption, parseAppArgs, UsageError } from "./args.js";
import type { CliIo, Command } from "./command.js";
import {
  type AppLogger,
  aeNetworkSettings,
  appLogger,
  describeError,
  generalOptions,
  networkOptions,
  packageVersion,
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
    default: "ECHOSCP",
    help: "set my AE title (default: ECHOSCP)",
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
    help: "accept at most N associations at once; more are rejected (default: 100, as storescp)",
  },
  "prefer-uncompr": { type: "boolean", help: "prefer explicit VR local byte order (alias -x=)" },
  "prefer-little": { type: "boolean", aliases: ["xe"], help: "prefer explicit VR little endian TS" },
  "prefer-big": { type: "boolean", aliases: ["xb"], help: "prefer explicit VR big endian TS" },
  implicit: { type: "boolean", aliases: ["xi"], help: "accept implicit VR little endian TS only" },
  ...tlsServerOptions,
};

const USAGE = `usage: netdicom echoscp [options] PORT

Answers C-ECHO (Verification) requests on PORT (0: a free port) until interrupted (SIGINT or
SIGTERM). Once it listens it prints "echoscp: listening on HOST:PORT" to stderr (not with -q).

options:
${formatOptions(options)}`;

/** The transfer syntaxes to accept, in pynetdicom's order, rearranged by the preference flags. */
function transferSyntaxes(values: Record<string, unknown>): string[] {
  const flags = ["prefer-uncompr", "prefer-little", "prefer-big", "implicit"].filter((f) => values[f] === true);
  if (flags.length > 1) throw new UsageError(`--${flags[0]} and --${flags[1]} exclude each other`);
  const all = [
    ts.ImplicitVRLittleEndian,
    ts.ExplicitVRLittleEndian,
    ts.DeflatedExplicitVRLittleEndian,
    ts.ExplicitVRBigEndian,
  ];
  const first = (uid: string) => [uid, ...all.filter((u) => u !== uid)];
  switch (flags[0]) {
    case "prefer-uncompr":
      return [...all.filter((u) => u !== ts.ImplicitVRLittleEndian), ts.ImplicitVRLittleEndian];
    case "prefer-little":
      return first(ts.ExplicitVRLittleEndian);
    case "prefer-big":
      return first(ts.ExplicitVRBigEndian);
    case "implicit":
      return [ts.ImplicitVRLittleEndian];
    default:
      return all;
  }
}

/** parseArgs cannot take pynetdicom's `-x=` flag (it reads as `-x` with an empty value). */
function expandPreferUncompr(args: readonly string[]): string[] {
  return args.map((a) => (a === "-x=" ? "--prefer-uncompr" : a));
}

interface Plan {
  readonly ae: AE;
  readonly port: number;
  readonly host: string | undefined;
  readonly tls: Awaited<ReturnType<typeof serverTls>>;
}

async function plan(values: Record<string, unknown>, positionals: string[], log: AppLogger): Promise<Plan> {
  if (positionals.length !== 1) throw new UsageError(`expected PORT, got ${positionals.length} argument(s)`);
  const port = parsePort(positionals[0], true);
  const maximumAssociations = numberOption(values, "max-associations", { min: 1, integer: true }) ?? 100;
  let ae: AE;
  try {
    ae = new AE({
      aeTitle: String(values["ae-title"]),
      ...aeNetworkSettings(values),
      maximumAssociations,
      logger: log,
    });
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--ae-title: ${(e as Error).message}`);
  }
  ae.addSupportedContext(sop.Verification, transferSyntaxes(values));
  const bind = values["bind-address"];
  const host = typeof bind === "string" && bind !== "" ? bind : undefined;
  return { ae, port, host, tls: await serverTls(values) };
}

function hostPort(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Waits for SIGINT or SIGTERM; `cancel` removes the listeners (they also go once one came). */
function stopSignal(): { stopped: Promise<NodeJS.Signals>; cancel: () => void } {
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];
  let on: (s: NodeJS.Signals) => void = () => {};
  const cancel = () => {
    for (const s of signals) process.off(s, on);
  };
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    on = (s) => {
      cancel();
      resolve(s);
    };
    for (const s of signals) process.on(s, on);
  });
  return { stopped, cancel };
}

async function serve(p: Plan, log: AppLogger, io: CliIo): Promise<number> {
  // Listening for signals from the start, so a SIGTERM while starting still ends in order.
  const stop = stopSignal();
  let server: AssociationServer;
  try {
    server = await p.ae.startServer({
      port: p.port,
      ...(p.host === undefined ? {} : { host: p.host }),
      ...(p.tls ? { tls: p.tls } : {}),
      handlers: {
        [Event.REQUESTED]: (e) => log.debug?.(`Association requested by ${e.assoc.requestor.aeTitle ?? "?"}`),
        [Event.ACCEPTED]: () => log.info?.("Accepting Association"),
        [Event.REJECTED]: (e) => log.info?.(`Association Rejected: ${e.assoc.reason ?? ""}`),
        [Event.RELEASED]: () => log.info?.("Association Released"),
        [Event.ABORTED]: (e) => log.info?.(`Association Aborted: ${describeError(e.error)}`),
        [Event.C_ECHO]: (e) => {
          log.info?.(`Received Echo Request (MsgID ${e.messageId})`);
          return 0x0000;
        },
      },
    });
  } catch (e) {
    stop.cancel();
    log.error?.(`cannot listen on port ${p.port}: ${describeError(e)}`);
    return 1;
  }
  const { address, port } = server.address();
  // Printed at the default verbosity: whoever started us with port 0 needs the port.
  if (log.level !== "none") io.stderr(`echoscp: listening on ${hostPort(address, port)}\n`);
  const signal = await stop.stopped;
  log.info?.(`${signal}: shutting down`);
  await server.shutdown({ deadlineMs: 5000 });
  return 0;
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  let p: Plan;
  let log: AppLogger;
  try {
    const { values, positionals } = parseAppArgs(expandPreferUncompr(args), options);
    if (printedHelpOrVersion(values, "echoscp", USAGE, io)) return 0;
    log = appLogger(values, io);
    p = await plan(values, positionals, log);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`netdicom echoscp: ${e.message}\n${USAGE}\n`);
    return 2;
  }
  log.debug?.(`echoscp (netdicom) v${packageVersion()}`);
  return serve(p, log, io);
}

/** `netdicom echoscp PORT`: pynetdicom's echoscp (Verification SCP), until SIGINT/SIGTERM. */
export const echoscpCommand: Command = {
  summary: "answer C-ECHO requests on a port until interrupted (Verification SCP)",
  run,
};
