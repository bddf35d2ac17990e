// `netdicom findscu ADDR PORT -k KEY…`: pynetdicom's findscu. Sends one C-FIND built from -k keys
// and/or a -f query file, prints each pending response's identifier (or DICOM JSON with --json,
// or writes each to a file with -w), and exits 0 on a success final status.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { type Association, type Dataset, ts, writeDicomFile } from "../index.js";
import { type AppOptions, formatOptions, loggingOptions, parseAppArgs, UsageError } from "./args.js";
import type { CliIo, Command } from "./command.js";
import {
  type AppLogger,
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
  formatStatus,
  openAssociation,
  peerAddress,
  queryIdentifier,
  queryOptions,
  ResponsePrinter,
  releaseAssociation,
  scuAe,
  statusCategory,
} from "./qr-options.js";

const options: AppOptions = {
  ...generalOptions,
  ...loggingOptions,
  ...aeTitleOptions("FINDSCU"),
  ...networkOptions,
  ...queryOptions,
  worklist: { type: "boolean", short: "W", help: "use the modality worklist information model" },
  write: {
    type: "boolean",
    short: "w",
    help: "write each response identifier to rsp000001.dcm, rsp000002.dcm… in the output directory",
  },
  "output-directory": {
    type: "string",
    aliases: ["od"],
    arg: "DIRECTORY",
    default: ".",
    help: "where -w writes (default: the current directory)",
  },
  json: { type: "boolean", help: "print the response identifiers as a DICOM JSON array on stdout" },
  ...tlsClientOptions,
};

const USAGE = `usage: netdicom findscu [options] ADDR PORT (-k KEYWORD[=VALUE]… and/or -f FILE)

A Query/Retrieve (C-FIND) SCU: sends a query built from -k keys and/or a DICOM query file to the
peer at ADDR:PORT and prints the identifier of each pending response. The study root model is
the default (-P patient root, -O patient/study only, -W modality worklist).
Exits with 0 when the query ended in success, 1 on a failure or cancel status or when the
association failed, 2 for a usage error.

options:
${formatOptions(options)}`;

const TRANSFER_SYNTAXES = [ts.ExplicitVRLittleEndian, ts.ImplicitVRLittleEndian];

async function query(
  assoc: Association,
  identifier: Dataset,
  sopClass: string,
  values: Record<string, unknown>,
  io: CliIo,
  log: AppLogger,
): Promise<boolean> {
  const printer = new ResponsePrinter(io, values.json === true);
  const outDir = String(values["output-directory"]);
  if (values.write === true) await mkdir(outDir, { recursive: true });
  let n = 0;
  let final: number | undefined;
  log.info?.("Sending Find Request");
  try {
    for await (const rsp of assoc.sendCFind(identifier, sopClass)) {
      if (statusCategory(rsp.status) !== "Pending") {
        final = rsp.status;
        continue; // the last response: the loop ends by itself (breaking out would cancel)
      }
      n++;
      log.info?.(`Find SCP Response: ${n} - ${formatStatus(rsp.status)}`);
      if (rsp.identifier === undefined) continue;
      printer.print(n, rsp.status, rsp.identifier);
      if (values.write === true) {
        await writeDicomFile(join(outDir, `rsp${String(n).padStart(6, "0")}.dcm`), rsp.identifier, {
          transferSyntaxUid: ts.ExplicitVRLittleEndian,
        });
      }
    }
  } catch (e) {
    printer.end();
    log.error?.(`C-FIND failed: ${describeError(e)}`);
    return false;
  }
  printer.end();
  if (final === undefined) {
    log.error?.("C-FIND ended without a final response");
    return false;
  }
  const category = statusCategory(final);
  (category === "Success" ? log.info : log.error)?.(`Find SCP Result: ${formatStatus(final)}`);
  return category === "Success" || category === "Warning";
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  let values: Record<string, unknown>;
  let log: AppLogger;
  let peer: { address: string; port: number };
  let identifier: Dataset;
  let sopClass: string;
  try {
    const parsed = parseAppArgs(args, options);
    values = parsed.values;
    if (printedHelpOrVersion(values, "findscu", USAGE, io)) return 0;
    log = appLogger(values, io);
    peer = peerAddress(parsed.positionals);
    const model = chosenModel(values);
    if (model.find === undefined) throw new UsageError(`the ${model.title} has no C-FIND`);
    sopClass = model.find;
    identifier = await queryIdentifier(values);
    const ae = scuAe(values, log);
    ae.addRequestedContext(sopClass, TRANSFER_SYNTAXES);
    const assoc = await openAssociation(ae, peer, values, log);
    if (assoc === undefined) return 1;
    const ok = await query(assoc, identifier, sopClass, values, io, log);
    const released = await releaseAssociation(assoc, log);
    return ok && released ? 0 : 1;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`netdicom findscu: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
}

/** `netdicom findscu ADDR PORT`: pynetdicom's findscu (Query/Retrieve C-FIND SCU). */
export const findscuCommand: Command = {
  summary: "query a DICOM peer with C-FIND (Query/Retrieve and worklist SCU)",
  run,
};
