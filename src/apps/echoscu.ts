// `netdicom echoscu ADDR PORT`: pynetdicom's echoscu. Requests an association proposing
// Verification, sends C-ECHO (--repeat times), then releases (or --abort-s) it. Exit 0 when every
// echo succeeded, 1 when anything failed, 2 for a usage error.
import { AE, type Association, sop, ts } from "../index.js";
import { type AppOptions, formatOptions, loggingOptions, numberOption, parseAppArgs, UsageError } from "./args.js";
import type { CliIo, Command } from "./command.js";
import {
  type AppLogger,
  aeNetworkSettings,
  appLogger,
  clientTls,
  describeError,
  generalOptions,
  networkOptions,
  packageVersion,
  parsePort,
  printedHelpOrVersion,
  tlsClientOptions,
} from "./net-options.js";

const options: AppOptions = {
  ...generalOptions,
  ...loggingOptions,
  "calling-aet": {
    type: "string",
    aliases: ["aet"],
    arg: "AETITLE",
    default: "ECHOSCU",
    help: "set my calling AE title (default: ECHOSCU)",
  },
  "called-aet": {
    type: "string",
    aliases: ["aec"],
    arg: "AETITLE",
    default: "ANY-SCP",
    help: "set called AE title of peer (default: ANY-SCP)",
  },
  ...networkOptions,
  "request-little": { type: "boolean", aliases: ["xe"], help: "request explicit VR little endian TS only" },
  "request-big": { type: "boolean", aliases: ["xb"], help: "request explicit VR big endian TS only" },
  "request-implicit": { type: "boolean", aliases: ["xi"], help: "request implicit VR little endian TS only" },
  repeat: { type: "string", arg: "N", default: "1", help: "repeat echo request N times (default: 1)" },
  abort: { type: "boolean", help: "abort association instead of releasing it" },
  ...tlsClientOptions,
};

const USAGE = `usage: netdicom echoscu [options] ADDR PORT

Sends C-ECHO (Verification) requests to the DICOM peer at ADDR:PORT, to check connectivity.
Exits with 0 when every echo succeeded, 1 when the association or an echo failed, 2 for a usage error.

options:
${formatOptions(options)}`;

/** The transfer syntaxes to propose: pynetdicom's four, or the one a -x flag asks for. */
function transferSyntaxes(values: Record<string, unknown>): string[] {
  const only = [
    ["request-little", ts.ExplicitVRLittleEndian],
    ["request-big", ts.ExplicitVRBigEndian],
    ["request-implicit", ts.ImplicitVRLittleEndian],
  ].filter(([flag]) => values[flag as string] === true);
  if (only.length > 1)
    throw new UsageError("--request-little, --request-big and --request-implicit exclude each other");
  if (only[0]) return [only[0][1] as string];
  return [
    ts.ExplicitVRLittleEndian,
    ts.ImplicitVRLittleEndian,
    ts.DeflatedExplicitVRLittleEndian,
    ts.ExplicitVRBigEndian,
  ];
}

interface Plan {
  readonly ae: AE;
  readonly address: string;
  readonly port: number;
  readonly calledAet: string;
  readonly repeat: number;
  readonly abort: boolean;
  readonly tls: Awaited<ReturnType<typeof clientTls>>;
}

async function plan(values: Record<string, unknown>, positionals: string[], log: AppLogger): Promise<Plan> {
  if (positionals.length !== 2) throw new UsageError(`expected ADDR and PORT, got ${positionals.length} argument(s)`);
  const [address = "", rawPort] = positionals;
  const port = parsePort(rawPort);
  const repeat = numberOption(values, "repeat", { min: 1, integer: true }) ?? 1;
  let ae: AE;
  try {
    ae = new AE({ aeTitle: String(values["calling-aet"]), ...aeNetworkSettings(values), logger: log });
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--calling-aet: ${(e as Error).message}`);
  }
  const calledAet = String(values["called-aet"]).trim();
  if (calledAet.length === 0 || calledAet.length > 16) throw new UsageError("--called-aet must be 1-16 characters");
  ae.addRequestedContext(sop.Verification, transferSyntaxes(values));
  return { ae, address, port, calledAet, repeat, abort: values.abort === true, tls: await clientTls(values) };
}

/** Sends the echoes; resolves with true when every one succeeded. */
async function echo(assoc: Association, repeat: number, log: AppLogger): Promise<boolean> {
  assoc.on("dimseSent", (e) => log.info?.(`Sending Echo Request: MsgID ${e.message.messageId ?? "?"}`));
  let ok = true;
  for (let i = 0; i < repeat; i++) {
    try {
      const r = await assoc.sendCEcho();
      const s = `0x${r.status.toString(16).padStart(4, "0")}`;
      if (r.status === 0) log.info?.("Received Echo Response (Status: Success)");
      else {
        ok = false;
        const comment = r.response.errorComment ? `, ${r.response.errorComment}` : "";
        log.error?.(
          `Received Echo Response (Status: ${s} ${r.statusInfo.category}: ${r.statusInfo.meaning}${comment})`,
        );
      }
    } catch (e) {
      // No answer can come (aborted, DIMSE timeout, context refused): stop here.
      log.error?.(`Echo failed: ${describeError(e)}`);
      return false;
    }
  }
  return ok;
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  let values: Record<string, unknown>;
  let log: AppLogger;
  let p: Plan;
  try {
    const parsed = parseAppArgs(args, options);
    values = parsed.values;
    if (printedHelpOrVersion(values, "echoscu", USAGE, io)) return 0;
    log = appLogger(values, io);
    p = await plan(values, parsed.positionals, log);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`netdicom echoscu: ${e.message}\n${USAGE}\n`);
    return 2;
  }
  log.debug?.(`echoscu (netdicom) v${packageVersion()}`);
  log.info?.("Requesting Association");
  let assoc: Association;
  try {
    assoc = await p.ae.associate(p.address, p.port, { aeTitle: p.calledAet, ...(p.tls ? { tls: p.tls } : {}) });
  } catch (e) {
    log.error?.(`Association request failed: unable to connect to ${p.address}:${p.port}: ${describeError(e)}`);
    return 1;
  }
  if (assoc.isRejected) {
    log.error?.(`Association Rejected: ${assoc.reason ?? "no reason given"}`);
    return 1;
  }
  if (!assoc.isEstablished) {
    log.error?.(`Association Aborted: ${assoc.reason ?? "the connection closed during negotiation"}`);
    return 1;
  }
  log.info?.("Association Accepted");
  if (assoc.acceptedContexts.length === 0) {
    log.error?.("No accepted presentation contexts");
    await assoc.abort();
    return 1;
  }
  const ok = await echo(assoc, p.repeat, log);
  if (assoc.isAborted) return 1;
  if (p.abort) {
    log.info?.("Aborting Association");
    await assoc.abort();
  } else {
    log.info?.("Releasing Association");
    await assoc.release();
    if (!assoc.isReleased) {
      log.error?.(`Association release failed: ${assoc.reason ?? "no A-RELEASE-RP"}`);
      return 1;
    }
  }
  return ok ? 0 : 1;
}

/** `netdicom echoscu ADDR PORT`: pynetdicom's echoscu (Verification SCU). */
export const echoscuCommand: Command = {
  summary: "send C-ECHO requests to a DICOM peer to check connectivity (Verification SCU)",
  run,
};
