// What findscu, getscu and movescu share: pynetdicom's query flags (-k keyword paths, -f query
// file, -P/-S/-O model choice), the association to the peer, and the printing of responses.
import {
  AE,
  type AEOptions,
  type AssociateOptions,
  type Association,
  applyKeyPaths,
  type Dataset,
  datasetToJson,
  IdentifierError,
  type InformationModel,
  identifierFromKeyPaths,
  modelByName,
  type RetrieveResponse,
  readDicomFile,
  sop,
  storageSopClasses,
  uidEntry,
} from "../index.js";
import { type AppOptions, UsageError } from "./args.js";
import type { CliIo } from "./command.js";
import { dumpDataset } from "./dump-format.js";
import { type AppLogger, aeNetworkSettings, clientTls, describeError, parsePort } from "./net-options.js";

/** The query flags: keys, a query file, and the information model. */
export const queryOptions: AppOptions = {
  key: {
    type: "string",
    short: "k",
    multiple: true,
    arg: "KEYWORD[=VALUE]",
    help: "add or override a query key: a keyword path (PatientName=DOE*, ReferencedStudySequence[0].StudyInstanceUID=1.2); repeatable",
  },
  file: {
    type: "string",
    short: "f",
    arg: "FILE",
    help: "use the DICOM file FILE as the query (-k keys override its elements)",
  },
  patient: { type: "boolean", short: "P", help: "use the patient root information model" },
  study: { type: "boolean", short: "S", help: "use the study root information model (default)" },
  psonly: { type: "boolean", short: "O", help: "use the patient/study only information model (retired)" },
};

/** The AE title flags of an SCU. */
export function aeTitleOptions(callingDefault: string): AppOptions {
  return {
    "calling-aet": {
      type: "string",
      aliases: ["aet"],
      arg: "AETITLE",
      default: callingDefault,
      help: `set my calling AE title (default: ${callingDefault})`,
    },
    "called-aet": {
      type: "string",
      aliases: ["aec"],
      arg: "AETITLE",
      default: "ANY-SCP",
      help: "set called AE title of peer (default: ANY-SCP)",
    },
  };
}

/** The information model the -P/-S/-O (and findscu's -W) flags choose. */
export function chosenModel(values: Record<string, unknown>): InformationModel {
  const flags = [
    ["patient", "patientRoot"],
    ["study", "studyRoot"],
    ["psonly", "patientStudyOnly"],
    ["worklist", "modalityWorklist"],
  ].filter(([flag]) => values[flag as string] === true);
  if (flags.length > 1)
    throw new UsageError(`choose one information model, not ${flags.map(([f]) => `--${f}`).join(" and ")}`);
  const model = modelByName(flags[0]?.[1] ?? "studyRoot");
  if (model === undefined) throw new UsageError("unknown information model");
  return model;
}

/** The query identifier: the -f file's data set (or an empty one) with the -k keys applied. */
export async function queryIdentifier(values: Record<string, unknown>): Promise<Dataset> {
  const keys = Array.isArray(values.key) ? values.key.map(String) : [];
  const file = values.file;
  if (typeof file !== "string" && keys.length === 0)
    throw new UsageError("give query keys with -k and/or a query file with -f");
  try {
    if (typeof file !== "string") return identifierFromKeyPaths(keys);
    let ds: Dataset;
    try {
      ds = (await readDicomFile(file)).dataset;
    } catch (e) {
      throw new UsageError(`cannot read the query file ${JSON.stringify(file)}: ${describeError(e)}`);
    }
    return applyKeyPaths(ds, keys);
  } catch (e) {
    if (e instanceof IdentifierError) throw new UsageError(`-k: ${e.message}`);
    throw e;
  }
}

/** ADDR PORT from the positionals. */
export function peerAddress(positionals: readonly string[]): { address: string; port: number } {
  if (positionals.length !== 2) throw new UsageError(`expected ADDR PORT, got ${positionals.length} argument(s)`);
  return { address: positionals[0] as string, port: parsePort(positionals[1]) };
}

/** The SCU's AE (network flags applied). */
export function scuAe(values: Record<string, unknown>, log: AppLogger, extra: Partial<AEOptions> = {}): AE {
  try {
    return new AE({ aeTitle: String(values["calling-aet"]), ...aeNetworkSettings(values), logger: log, ...extra });
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--calling-aet: ${(e as Error).message}`);
  }
}

/**
 * Requests the association, logging as pynetdicom does; resolves with it when established, or
 * undefined (after logging why) when it was refused, aborted or could not connect.
 */
export async function openAssociation(
  ae: AE,
  peer: { address: string; port: number },
  values: Record<string, unknown>,
  log: AppLogger,
  options: Omit<AssociateOptions, "aeTitle" | "tls"> = {},
): Promise<Association | undefined> {
  const tls = await clientTls(values);
  log.info?.("Requesting Association");
  let assoc: Association;
  try {
    assoc = await ae.associate(peer.address, peer.port, {
      ...options,
      aeTitle: String(values["called-aet"]),
      ...(tls ? { tls } : {}),
    });
  } catch (e) {
    log.error?.(`Association request failed: unable to connect to ${peer.address}:${peer.port}: ${describeError(e)}`);
    return undefined;
  }
  if (assoc.isRejected) {
    log.error?.(`Association Rejected: ${assoc.reason ?? "no reason given"}`);
    return undefined;
  }
  if (!assoc.isEstablished) {
    log.error?.(`Association Aborted: ${assoc.reason ?? "the connection closed during negotiation"}`);
    return undefined;
  }
  log.info?.("Association Accepted");
  return assoc;
}

/** Releases (logging a failure); true when released cleanly. */
export async function releaseAssociation(assoc: Association, log: AppLogger): Promise<boolean> {
  if (assoc.isAborted) return false;
  log.info?.("Releasing Association");
  await assoc.release();
  if (!assoc.isReleased) {
    log.error?.(`Association release failed: ${assoc.reason ?? "no A-RELEASE-RP"}`);
    return false;
  }
  return true;
}

/** A status's category (PS3.7 C: 0xFF00/0xFF01 pending, 0xFE00 cancel, 0x0001/0xBxxx warning…). */
export function statusCategory(status: number): "Success" | "Pending" | "Cancel" | "Warning" | "Failure" {
  if (status === 0x0000) return "Success";
  if (status === 0xff00 || status === 0xff01) return "Pending";
  if (status === 0xfe00) return "Cancel";
  if (status === 0x0001 || (status & 0xf000) === 0xb000) return "Warning";
  return "Failure";
}

/** `0xFF00 (Pending)`. */
export function formatStatus(status: number): string {
  return `0x${status.toString(16).toUpperCase().padStart(4, "0")} (${statusCategory(status)})`;
}

/** Prints identifiers readably (one block per response) or as a DICOM JSON array (--json). */
export class ResponsePrinter {
  #count = 0;
  constructor(
    private readonly io: CliIo,
    private readonly json: boolean,
  ) {
    if (json) io.stdout("[");
  }

  /** Prints one response identifier. */
  print(n: number, status: number, identifier: Dataset): void {
    if (this.json) {
      this.io.stdout(`${this.#count === 0 ? "\n" : ",\n"}${JSON.stringify(datasetToJson(identifier))}`);
    } else {
      this.io.stdout(`# Response ${n}: ${formatStatus(status)}\n${dumpDataset(identifier).join("\n")}\n\n`);
    }
    this.#count++;
  }

  /** Closes the JSON array. */
  end(): void {
    if (this.json) this.io.stdout(this.#count === 0 ? "]\n" : "\n]\n");
  }
}

/** The storage SOP classes a retrieving SCU proposes first (the common ones), before the rest fill the context limit. */
const COMMON_STORAGE = [
  sop.CTImageStorage,
  sop.MRImageStorage,
  sop.ComputedRadiographyImageStorage,
  sop.DigitalXRayImageStorageForPresentation,
  sop.DigitalMammographyXRayImageStorageForPresentation,
  sop.UltrasoundImageStorage,
  sop.UltrasoundMultiFrameImageStorage,
  sop.SecondaryCaptureImageStorage,
  sop.MultiFrameTrueColorSecondaryCaptureImageStorage,
  sop.PositronEmissionTomographyImageStorage,
  sop.NuclearMedicineImageStorage,
  sop.XRayAngiographicImageStorage,
  sop.XRayRadiofluoroscopicImageStorage,
  sop.EnhancedCTImageStorage,
  sop.EnhancedMRImageStorage,
  sop.RTImageStorage,
  sop.RTDoseStorage,
  sop.RTStructureSetStorage,
  sop.RTPlanStorage,
  sop.BasicTextSRStorage,
  sop.EnhancedSRStorage,
  sop.ComprehensiveSRStorage,
  sop.KeyObjectSelectionDocumentStorage,
  sop.GrayscaleSoftcopyPresentationStateStorage,
  sop.EncapsulatedPDFStorage,
  sop.VLPhotographicImageStorage,
  sop.SegmentationStorage,
  sop.BreastTomosynthesisImageStorage,
];

/**
 * Up to `count` storage SOP classes: the common ones first, then the rest of the registry's
 * current (not retired) ones, for a C-GET requestor that can propose at most 128 contexts in all
 * (PS3.8 9.3.2.2: context IDs are odd numbers 1-255).
 */
export function storageClassesToPropose(count: number): string[] {
  const out = new Set<string>(COMMON_STORAGE);
  for (const uid of storageSopClasses()) {
    if (out.size >= count) break;
    if (uidEntry(uid)?.retired) continue;
    out.add(uid);
  }
  return [...out].slice(0, count);
}

/** What a C-GET or C-MOVE ended with. */
export interface RetrieveOutcome {
  readonly ok: boolean;
  readonly completed: number;
  readonly failed: number;
  readonly warning: number;
}

/** Follows the responses of a C-GET or C-MOVE, logging progress; `ok` when it ended in success or warning. */
export async function followRetrieve(
  responses: AsyncIterable<RetrieveResponse>,
  operation: "Get" | "Move",
  log: AppLogger,
): Promise<RetrieveOutcome> {
  let last: RetrieveResponse | undefined;
  let n = 0;
  try {
    for await (const rsp of responses) {
      n++;
      last = rsp;
      const counts = `remaining ${rsp.remaining ?? "-"}, completed ${rsp.completed ?? "-"}, failed ${rsp.failed ?? "-"}, warning ${rsp.warning ?? "-"}`;
      log.info?.(`${operation} SCP Response: ${n} - ${formatStatus(rsp.status)}: ${counts}`);
    }
  } catch (e) {
    log.error?.(`C-${operation.toUpperCase()} failed: ${describeError(e)}`);
    return { ok: false, completed: last?.completed ?? 0, failed: last?.failed ?? 0, warning: last?.warning ?? 0 };
  }
  const outcome = {
    completed: last?.completed ?? 0,
    failed: last?.failed ?? 0,
    warning: last?.warning ?? 0,
  };
  if (last === undefined || statusCategory(last.status) === "Pending") {
    log.error?.(`C-${operation.toUpperCase()} ended without a final response`);
    return { ok: false, ...outcome };
  }
  const category = statusCategory(last.status);
  const ok = category === "Success" || category === "Warning";
  (ok ? log.info : log.error)?.(`${operation} SCP Result: ${formatStatus(last.status)}`);
  if (last.failedInstances?.length) log.warn?.(`failed instances: ${last.failedInstances.join(", ")}`);
  return { ok, ...outcome };
}
