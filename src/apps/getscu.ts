// `netdicom getscu ADDR PORT -k KEY…`: pynetdicom's getscu. Sends one C-GET; the peer sends the
// matching instances back over the same association as C-STORE sub-operations (this side takes
// the SCP role for the storage classes, PS3.4 C.4.3.1), and they are written to -od.
import { buildRole, Event, ts } from "../index.js";
import { type AppOptions, formatOptions, loggingOptions, parseAppArgs, UsageError } from "./args.js";
import type { CliIo, Command } from "./command.js";
import {
  appLogger,
  describeError,
  generalOptions,
  networkOptions,
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
  storageClassesToPropose,
} from "./qr-options.js";
import { acceptedTransferSyntaxes, receivedFileName } from "./storescp.js";

const options: AppOptions = {
  ...generalOptions,
  ...loggingOptions,
  ...aeTitleOptions("GETSCU"),
  ...networkOptions,
  ...queryOptions,
  "output-directory": {
    type: "string",
    aliases: ["od"],
    arg: "DIRECTORY",
    default: ".",
    help: "write received instances to DIRECTORY (default: the current directory)",
  },
  ignore: { type: "boolean", help: "receive the instances but don't store them" },
  ...tlsClientOptions,
};

const USAGE = `usage: netdicom getscu [options] ADDR PORT (-k KEYWORD[=VALUE]… and/or -f FILE)

A Query/Retrieve (C-GET) SCU: asks the peer at ADDR:PORT for the instances matching the
identifier (e.g. -k QueryRetrieveLevel=STUDY -k StudyInstanceUID=1.2.3) and writes each one it
receives to the output directory as <modality prefix>.<SOP Instance UID>. The study root model is
the default (-P patient root, -O patient/study only).
Exits with 0 when the retrieve ended in success or warning, 1 otherwise, 2 for a usage error.

options:
${formatOptions(options)}`;

/** Contexts proposed: the C-GET SOP class, and storage classes up to the limit of 128. */
const STORAGE_CONTEXTS = 127;

async function run(args: readonly string[], io: CliIo): Promise<number> {
  try {
    const parsed = parseAppArgs(args, options);
    const values = parsed.values;
    if (printedHelpOrVersion(values, "getscu", USAGE, io)) return 0;
    const log = appLogger(values, io);
    const peer = peerAddress(parsed.positionals);
    const model = chosenModel(values);
    if (model.get === undefined) throw new UsageError(`the ${model.title} has no C-GET`);
    const sopClass = model.get;
    const identifier = await queryIdentifier(values);
    const ae = scuAe(values, log);
    ae.addRequestedContext(sopClass, [ts.ExplicitVRLittleEndian, ts.ImplicitVRLittleEndian]);
    const storage = storageClassesToPropose(STORAGE_CONTEXTS);
    for (const uid of storage) ae.addRequestedContext(uid, acceptedTransferSyntaxes);
    const outDir = String(values["output-directory"]);
    const ignore = values.ignore === true;
    let received = 0;
    const assoc = await openAssociation(ae, peer, values, log, {
      // PS3.4 C.4.3.1: this side is the Storage SCP of the sub-operations, so it proposes the SCP role.
      extendedNegotiation: storage.map((uid) => buildRole(uid, { scpRole: true })),
      handlers: {
        [Event.C_STORE]: async (event) => {
          received++;
          if (ignore) return 0x0000;
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
    if (assoc === undefined) return 1;
    log.info?.("Sending Get Request");
    const outcome = await followRetrieve(assoc.sendCGet(identifier, sopClass), "Get", log);
    const released = await releaseAssociation(assoc, log);
    if (log.level !== "none") {
      io.stderr(
        `getscu: received ${received}, completed ${outcome.completed}, failed ${outcome.failed}, warning ${outcome.warning}\n`,
      );
    }
    return outcome.ok && released ? 0 : 1;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`netdicom getscu: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
}

/** `netdicom getscu ADDR PORT`: pynetdicom's getscu (Query/Retrieve C-GET SCU). */
export const getscuCommand: Command = {
  summary: "retrieve instances from a DICOM peer with C-GET, writing them to a folder",
  run,
};
