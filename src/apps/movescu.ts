// `netdicom movescu ADDR PORT -k KEY…`: pynetdicom's movescu. Sends one C-MOVE asking the peer to
// send the matching instances to a move destination (-aem); with --store it is that destination
// too: a Storage SCP listening on --store-port as --store-aet, writing what arrives to -od.
import { type AE, type AssociationServer, Event, storageSopClasses, ts } from "../index.js";
import { type AppOptions, formatOptions, loggingOptions, parseAppArgs, UsageError } from "./args.js";
import type { CliIo, Command } from "./command.js";
import {
  type AppLogger,
  appLogger,
  describeError,
  generalOptions,
  networkOptions,
  parsePort,
  printedHelpOrVersion,
  tlsClientOptions,
} from "./net-options.js";
import {
  aeTitleOptions,
  chosenModel,
  followRetrieve,
  openAssociation,
  peerAddress,
  queryIdentifier,
  queryOptions,
  releaseAssociation,
  scuAe,
} from "./qr-options.js";
import { acceptedTransferSyntaxes, receivedFileName } from "./storescp.js";

const options: AppOptions = {
  ...generalOptions,
  ...loggingOptions,
  ...aeTitleOptions("MOVESCU"),
  "move-aet": {
    type: "string",
    aliases: ["aem"],
    arg: "AETITLE",
    help: "set the move destination AE title (default: --store-aet with --store, else my calling AE title)",
  },
  ...networkOptions,
  ...queryOptions,
  store: { type: "boolean", help: "start a Storage SCP here as the move destination, writing to -od" },
  "store-port": {
    type: "string",
    arg: "PORT",
    default: "11113",
    help: "the port the --store SCP listens on (default: 11113; 0: any free port)",
  },
  "store-bind-address": {
    type: "string",
    arg: "ADDRESS",
    help: "the address the --store SCP listens on (default: all interfaces)",
  },
  "store-aet": {
    type: "string",
    arg: "AETITLE",
    default: "STORESCP",
    help: "the AE title of the --store SCP (default: STORESCP)",
  },
  "output-directory": {
    type: "string",
    aliases: ["od"],
    arg: "DIRECTORY",
    default: ".",
    help: "where the --store SCP writes received instances (default: the current directory)",
  },
  ...tlsClientOptions,
};

const USAGE = `usage: netdicom movescu [options] ADDR PORT (-k KEYWORD[=VALUE]… and/or -f FILE)

A Query/Retrieve (C-MOVE) SCU: asks the peer at ADDR:PORT to send the instances matching the
identifier to the move destination AE title (-aem), which the peer must know. With --store this
app is the destination as well: it listens on --store-port as --store-aet and writes what arrives
to the output directory (the line "movescu: store SCP listening on HOST:PORT" says where).
The study root model is the default (-P patient root, -O patient/study only).
Exits with 0 when the move ended in success or warning, 1 otherwise, 2 for a usage error.

options:
${formatOptions(options)}`;

async function startStoreScp(values: Record<string, unknown>, log: AppLogger, io: CliIo): Promise<AssociationServer> {
  const outDir = String(values["output-directory"]);
  const ae = scuAe({ ...values, "calling-aet": values["store-aet"] }, log);
  for (const uid of storageSopClasses()) ae.addSupportedContext(uid, acceptedTransferSyntaxes);
  const bind = values["store-bind-address"];
  const host = typeof bind === "string" && bind !== "" ? bind : undefined;
  const server = await ae.startServer({
    port: parsePort(String(values["store-port"]), true),
    ...(host ? { host } : {}),
    handlers: {
      [Event.C_ECHO]: () => 0x0000,
      [Event.C_STORE]: async (event) => {
        try {
          const path = await event.saveTo(outDir, {
            filename: receivedFileName(event.sopClassUid, event.sopInstanceUid),
          });
          log.info?.(`stored ${path}`);
          return 0x0000;
        } catch (e) {
          log.error?.(`cannot store ${event.sopInstanceUid}: ${describeError(e)}`);
          return 0xa700; // PS3.4 B.2.3: Refused: Out of Resources
        }
      },
    },
  });
  const { address, port } = server.address();
  if (log.level !== "none")
    io.stderr(`movescu: store SCP listening on ${address.includes(":") ? `[${address}]` : address}:${port}\n`);
  return server;
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  let server: AssociationServer | undefined;
  try {
    const parsed = parseAppArgs(args, options);
    const values = parsed.values;
    if (printedHelpOrVersion(values, "movescu", USAGE, io)) return 0;
    const log = appLogger(values, io);
    const peer = peerAddress(parsed.positionals);
    const model = chosenModel(values);
    if (model.move === undefined) throw new UsageError(`the ${model.title} has no C-MOVE`);
    const sopClass = model.move;
    const identifier = await queryIdentifier(values);
    const destination = String(
      values["move-aet"] ?? (values.store === true ? values["store-aet"] : values["calling-aet"]),
    );
    const ae: AE = scuAe(values, log);
    ae.addRequestedContext(sopClass, [ts.ExplicitVRLittleEndian, ts.ImplicitVRLittleEndian]);
    if (values.store === true) {
      try {
        server = await startStoreScp(values, log, io);
      } catch (e) {
        if (e instanceof UsageError) throw e;
        log.error?.(`cannot start the store SCP: ${describeError(e)}`);
        return 1;
      }
    }
    const assoc = await openAssociation(ae, peer, values, log);
    if (assoc === undefined) return 1;
    log.info?.(`Sending Move Request to ${destination}`);
    const outcome = await followRetrieve(assoc.sendCMove(identifier, destination, sopClass), "Move", log);
    const released = await releaseAssociation(assoc, log);
    if (log.level !== "none") {
      io.stderr(`movescu: completed ${outcome.completed}, failed ${outcome.failed}, warning ${outcome.warning}\n`);
    }
    return outcome.ok && released ? 0 : 1;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`netdicom movescu: ${e.message}\n\n${USAGE}\n`);
    return 2;
  } finally {
    // The sub-associations have ended by the final response; release whatever is left.
    await server?.shutdown({ deadlineMs: 2000 });
  }
}

/** `netdicom movescu ADDR PORT`: pynetdicom's movescu (Query/Retrieve C-MOVE SCU). */
export const movescuCommand: Command = {
  summary: "ask a DICOM peer to send instances to a destination with C-MOVE (optionally receiving them here)",
  run,
};
