// `netdicom storescu ADDR PORT PATH...`: sends DICOM files to a Storage SCP with C-STORE, like
// pynetdicom's storescu: files and folders, one association for everything unless more than 128
// presentation contexts are needed, a progress bar on a terminal, a summary and an exit code.
import { closeSync, type Dirent, fstatSync, openSync, readdirSync, readSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  AE,
  type AsyncOperationsWindow,
  buildContext,
  ensureCodec,
  findDecoder,
  type PresentationContext,
  readDataset,
  readDicomFileHead,
  readFileMeta,
  scanFileMeta,
  transferSyntaxInfo,
  ts,
  uidName,
} from "../index.js";
import { type AppOptions, formatOptions, loggingOptions, parseAppArgs, UsageError } from "./args.js";
import type { CliIo, Command } from "./command.js";
import {
  APP_ASYNC_WINDOW,
  type AppLogger,
  aeNetworkSettings,
  appLogger,
  asyncOption,
  asyncWindow,
  clientTls,
  describeError,
  generalOptions,
  networkOptions,
  packageVersion,
  parsePort,
  tlsClientOptions,
} from "./net-options.js";
import { formatRate, ProgressBar } from "./progress.js";

const options: AppOptions = {
  ...generalOptions,
  ...loggingOptions,
  recurse: { type: "boolean", short: "r", help: "recursively search the given directories" },
  "calling-aet": {
    type: "string",
    aliases: ["aet"],
    arg: "AETITLE",
    default: "STORESCU",
    help: "set my calling AE title (default: STORESCU)",
  },
  "called-aet": {
    type: "string",
    aliases: ["aec"],
    arg: "AETITLE",
    default: "ANY-SCP",
    help: "set called AE title of peer (default: ANY-SCP)",
  },
  ...networkOptions,
  ...tlsClientOptions,
  "request-little": {
    type: "boolean",
    aliases: ["xe"],
    help: "propose explicit VR little endian only (uncompressed files are converted to it)",
  },
  "request-big": { type: "boolean", aliases: ["xb"], help: "propose explicit VR big endian only" },
  "request-implicit": { type: "boolean", aliases: ["xi"], help: "propose implicit VR little endian only" },
  "request-deflated": { type: "boolean", aliases: ["xd"], help: "propose deflated explicit VR little endian only" },
  "required-contexts": {
    type: "boolean",
    aliases: ["cx"],
    help: "propose only each file's own transfer syntax, no conversion fallbacks",
  },
  strict: { type: "boolean", help: "exit with 1 when an instance was stored with a warning status" },
  ...asyncOption(
    "propose an asynchronous operations window: keep up to N C-STOREs outstanding (0: unlimited; default: 16; 1: one at a time)",
    APP_ASYNC_WINDOW,
  ),
};

const USAGE = `usage: netdicom storescu [options] ADDR PORT PATH...

Sends DICOM files to a Storage SCP with C-STORE (the Storage Service Class, PS3.4 Annex B).
PATH is a file or a folder (its files; with -r, its subfolders too). Each file's SOP class and
transfer syntax decide the presentation contexts proposed; uncompressed files are offered in
their own transfer syntax with explicit and implicit VR little endian as fallbacks, and converted
when the peer accepts only a fallback. Compressed files are always offered in their own transfer
syntax only, since they cannot be converted. -xe/-xb/-xi/-xd propose just that one syntax for
uncompressed files.

Exit status: 0 when every instance was stored (warnings included, unless --strict), 1 when any
failed or the association could not be made, 2 on a usage error.

options:
${formatOptions(options)}`;

/** The transfer syntax a `-x` flag asks for, by flag name. */
const forcedSyntax = {
  "request-little": ts.ExplicitVRLittleEndian,
  "request-big": ts.ExplicitVRBigEndian,
  "request-implicit": ts.ImplicitVRLittleEndian,
  "request-deflated": ts.DeflatedExplicitVRLittleEndian,
} as const;

/** A file to send, as its header describes it. */
export interface FileToSend {
  readonly path: string;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly transferSyntax: string;
  /** File size in bytes. */
  readonly size: number;
}

/** How transfer syntaxes are proposed. */
export interface ProposalOptions {
  /** The one syntax to propose for uncompressed files (-xe/-xb/-xi/-xd); undefined: the file's own plus fallbacks. */
  readonly forced?: string | undefined;
  /** Propose only each file's own transfer syntax (-cx). */
  readonly requiredOnly?: boolean;
  /**
   * For compressed files, also propose a separate context in the uncompressed syntaxes when
   * `canDecode(syntax)` says a codec can decompress it (default: none): the peer keeps the
   * compressed context when it supports it, and the SCU decompresses only when it does not.
   */
  readonly canDecode?: (transferSyntax: string) => boolean;
}

/**
 * The transfer syntaxes to propose for a file in `fileSyntax`. Uncompressed syntaxes (and
 * deflate) convert into one another, so the file's own comes first, then explicit and implicit
 * VR little endian: PS3.5 10.1 makes implicit VR little endian the one every acceptor supports.
 * An encapsulated (compressed) syntax has no conversion, so it is proposed alone.
 */
export function proposedSyntaxes(fileSyntax: string, options: ProposalOptions = {}): string[] {
  const info = transferSyntaxInfo(fileSyntax);
  if (info === undefined || info.encapsulated) return [fileSyntax];
  if (options.forced !== undefined) return [options.forced];
  if (options.requiredOnly) return [fileSyntax];
  return [...new Set([fileSyntax, ts.ExplicitVRLittleEndian, ts.ImplicitVRLittleEndian])];
}

/** One association's worth of work: the contexts to propose and the files to send on it. */
export interface AssociationPlan {
  readonly contexts: PresentationContext[];
  readonly files: FileToSend[];
}

/**
 * Groups the files by the presentation context they need (SOP class and proposed transfer
 * syntaxes) and packs the contexts into as few associations as hold `max` each (PS3.8 9.3.2.2:
 * 128 at most): one association for everything unless more contexts than that are needed.
 */
export function planAssociations(
  files: readonly FileToSend[],
  options: ProposalOptions = {},
  max = 128,
): AssociationPlan[] {
  const slot = new Map<string, number>();
  const contexts: PresentationContext[] = [];
  const owner: number[] = [];
  const place = (sopClassUid: string, syntaxes: string[]): number => {
    const key = `${sopClassUid} ${syntaxes.join(" ")}`;
    let at = slot.get(key);
    if (at === undefined) {
      at = contexts.length;
      slot.set(key, at);
      contexts.push(buildContext(sopClassUid, syntaxes));
    }
    return at;
  };
  for (const f of files) {
    owner.push(place(f.sopClassUid, proposedSyntaxes(f.transferSyntax, options)));
    const compressed = transferSyntaxInfo(f.transferSyntax)?.encapsulated === true;
    if (compressed && !options.requiredOnly && options.canDecode?.(f.transferSyntax)) {
      // A context of its own, so that the peer can still accept the compressed one.
      place(f.sopClassUid, [ts.ExplicitVRLittleEndian, ts.ImplicitVRLittleEndian]);
    }
  }
  const plans: AssociationPlan[] = [];
  for (let start = 0; start < contexts.length; start += max) {
    plans.push({ contexts: contexts.slice(start, start + max), files: [] });
  }
  files.forEach((f, i) => {
    plans[Math.floor((owner[i] ?? 0) / max)]?.files.push(f);
  });
  return plans;
}

/** A path found on the command line or in a folder. */
export interface FoundPath {
  readonly path: string;
  /** Named on the command line (an unreadable one is a failure) rather than found in a folder (skipped). */
  readonly named: boolean;
}

/** What `path` is (following symbolic links), or undefined when it cannot be reached. */
function kindOf(path: string): "file" | "folder" | "other" | undefined {
  try {
    const s = statSync(path);
    return s.isDirectory() ? "folder" : s.isFile() ? "file" : "other";
  } catch {
    return undefined;
  }
}

/**
 * The files of `paths`: files as given, folders expanded to their files (sorted by name), and to
 * their subfolders too with `recurse`. Each folder is visited once, so symbolic link loops end.
 * Synchronous calls throughout: from the page cache a stat costs a few microseconds, against the
 * thread-pool round trip (two thread wake-ups) of each asynchronous one, thousands of times over.
 */
export async function collectFiles(
  paths: readonly string[],
  recurse: boolean,
): Promise<{ files: FoundPath[]; missing: { path: string; reason: string }[] }> {
  const files: FoundPath[] = [];
  const missing: { path: string; reason: string }[] = [];
  const visited = new Set<string>();
  const folders: string[] = [];
  for (const p of paths) {
    try {
      if (statSync(p).isDirectory()) folders.push(p);
      else files.push({ path: p, named: true });
    } catch (e) {
      missing.push({ path: p, reason: describeError(e) });
    }
    // Depth-first, in name order; each folder's real path is visited once.
    while (folders.length > 0) {
      const dir = folders.pop() as string;
      let real = dir;
      try {
        real = realpathSync(dir);
      } catch {
        // Unresolvable: readdir below reports it.
      }
      if (visited.has(real)) continue;
      visited.add(real);
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
          a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
        );
      } catch (e) {
        missing.push({ path: dir, reason: describeError(e) });
        continue;
      }
      const subfolders: string[] = [];
      for (const entry of entries) {
        const child = join(dir, entry.name);
        // The entry's own type spares a stat, except for links (followed) and unknown types.
        const kind = entry.isFile() ? "file" : entry.isDirectory() ? "folder" : kindOf(child);
        if (kind === "folder") {
          if (recurse) subfolders.push(child);
        } else if (kind === "file") files.push({ path: child, named: false });
      }
      folders.push(...subfolders.reverse());
    }
  }
  return { files, missing };
}

/** The outcome of one file. */
interface Outcome {
  readonly path: string;
  readonly category: "success" | "warning" | "failure";
  /** The C-STORE status, when the SCP answered. */
  readonly status?: number;
  readonly meaning: string;
}

/** A status as `0xA700`. */
function hex(code: number): string {
  return `0x${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

// The UIDs that name an instance, by tag rather than keyword: a keyword lookup builds the whole
// PS3.6 dictionary (~5 ms and a few MB of heap) in a process that otherwise never needs it.
/** (0002,0002) Media Storage SOP Class UID. */
const MEDIA_STORAGE_SOP_CLASS_UID = 0x00020002;
/** (0002,0003) Media Storage SOP Instance UID. */
const MEDIA_STORAGE_SOP_INSTANCE_UID = 0x00020003;
/** (0008,0016) SOP Class UID. */
const SOP_CLASS_UID = 0x00080016;
/** (0008,0018) SOP Instance UID. */
const SOP_INSTANCE_UID = 0x00080018;

/** Bytes read from the start of each file to find its SOP Class and Instance UIDs. */
const HEAD_BYTES = 16 * 1024;

/** (0008,0018) SOP Instance UID is the last element needed; reading stops after it. */
const AFTER_SOP_INSTANCE_UID = 0x00080019;

/** The buffer {@link quickHead} reads into, reused: only strings are kept from what it holds. */
let headBuffer: Buffer | undefined;

/**
 * The UIDs of a file from its first {@link HEAD_BYTES}, read with synchronous calls (open, read,
 * fstat only for a larger file, close: from the page cache far cheaper than the thread-pool round
 * trips of an asynchronous read, which dominated thousands of tiny files). The File Meta Information's Media
 * Storage SOP Class and Instance UIDs name the instance, as `sendCStore` takes them, so the
 * contexts planned are the ones it looks for; the data set is read only when they are missing.
 * Undefined when the UIDs are not in that prefix (an unusual header), so the caller falls back
 * to the streaming reader.
 */
function quickHead(path: string): FileToSend | undefined {
  const fd = openSync(path, "r");
  let buf: Buffer;
  let size: number;
  try {
    headBuffer ??= Buffer.allocUnsafe(HEAD_BYTES);
    buf = headBuffer.subarray(0, readSync(fd, headBuffer, 0, HEAD_BYTES, 0));
    // A regular file reads short only at its end: a small file's size is known without a stat.
    size = buf.byteLength < HEAD_BYTES ? buf.byteLength : fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
  // The plain header of nearly every file is scanned in place; anything else is read in full.
  const quick = scanFileMeta(buf);
  if (quick) {
    const { sopClassUid, sopInstanceUid, transferSyntaxUid: transferSyntax } = quick;
    return { path, sopClassUid, sopInstanceUid, transferSyntax, size };
  }
  const partial = buf.byteLength < size;
  const meta = readFileMeta(buf, { partial });
  if (!meta.complete || meta.meta.size === 0) return undefined;
  const transferSyntax = meta.transferSyntaxUid;
  let sopClassUid = meta.meta.string(MEDIA_STORAGE_SOP_CLASS_UID);
  let sopInstanceUid = meta.meta.string(MEDIA_STORAGE_SOP_INSTANCE_UID);
  if (!sopClassUid || !sopInstanceUid) {
    const enc = transferSyntaxInfo(transferSyntax);
    if (!enc || enc.deflated) return undefined;
    const { dataset } = readDataset(buf, {
      explicitVr: enc.explicitVr,
      littleEndian: enc.littleEndian,
      offset: meta.datasetOffset,
      stopAtTag: AFTER_SOP_INSTANCE_UID,
      partial,
    });
    sopClassUid ||= dataset.string(SOP_CLASS_UID);
    sopInstanceUid ||= dataset.string(SOP_INSTANCE_UID);
  }
  if (!sopClassUid || !sopInstanceUid) return undefined;
  return { path, sopClassUid, sopInstanceUid, transferSyntax, size };
}

async function readHeaders(
  found: readonly FoundPath[],
  log: AppLogger,
  failed: Outcome[],
): Promise<{ files: FileToSend[]; skipped: number }> {
  const files: (FileToSend | undefined)[] = new Array(found.length);
  let skipped = 0;
  let next = 0;
  // A few header reads at once: thousands of small files are bound by open/read latency.
  const worker = async () => {
    while (next < found.length) {
      const i = next++;
      const f = found[i] as FoundPath;
      let problem: string;
      try {
        const quick = quickHead(f.path);
        if (quick) {
          files[i] = quick;
          continue;
        }
      } catch {
        // Not readable this way: the streaming reader below says why.
      }
      try {
        // (0008,0016) SOP Class UID and (0008,0018) SOP Instance UID are all that is needed.
        const head = await readDicomFileHead(f.path, { stopAtTag: AFTER_SOP_INSTANCE_UID });
        // PS3.10 7.1: a DICOM file has a File Meta Information header; without it (a text file
        // parses as an odd "data set") the transfer syntax is unknown.
        if (head.meta.size === 0) throw new Error("no DICOM File Meta Information");
        // As quickHead: the meta's UIDs first, as sendCStore takes them.
        const sopClassUid = head.meta.string(MEDIA_STORAGE_SOP_CLASS_UID) || head.dataset.string(SOP_CLASS_UID);
        const sopInstanceUid =
          head.meta.string(MEDIA_STORAGE_SOP_INSTANCE_UID) || head.dataset.string(SOP_INSTANCE_UID);
        if (sopClassUid && sopInstanceUid) {
          const t = head.transferSyntaxUid;
          files[i] = { path: f.path, sopClassUid, sopInstanceUid, transferSyntax: t, size: head.fileSize };
          continue;
        }
        problem = "no SOP Class UID or SOP Instance UID";
      } catch (e) {
        problem = `not a DICOM file (${describeError(e)})`;
      }
      if (f.named) failed.push({ path: f.path, category: "failure", meaning: problem });
      else {
        skipped++;
        log.warn?.(`skipping ${f.path}: ${problem}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, found.length) }, worker));
  return { files: files.filter((f): f is FileToSend => f !== undefined), skipped };
}

interface SendContext {
  readonly ae: AE;
  readonly address: string;
  readonly port: number;
  readonly calledAet: string;
  readonly tls: Awaited<ReturnType<typeof clientTls>>;
  readonly log: AppLogger;
  /** Logs the line `line()` gives at -v (built only then: the names cost time per instance). */
  readonly note: (line: () => string) => void;
  readonly tick: (bytes: number) => void;
}

/** Sends one plan's files on one association; every file gets an outcome. */
async function sendPlan(plan: AssociationPlan, c: SendContext, outcomes: Outcome[]): Promise<number> {
  let bytes = 0;
  const failAll = (files: readonly FileToSend[], meaning: string) => {
    for (const f of files) {
      outcomes.push({ path: f.path, category: "failure", meaning });
      c.tick(0);
    }
  };
  let assoc: Awaited<ReturnType<AE["associate"]>>;
  try {
    assoc = await c.ae.associate(c.address, c.port, {
      aeTitle: c.calledAet,
      contexts: plan.contexts,
      ...(c.tls ? { tls: c.tls } : {}),
    });
  } catch (e) {
    const why = `cannot associate with ${c.address}:${c.port}: ${describeError(e)}`;
    c.log.error?.(why);
    failAll(plan.files, why);
    return bytes;
  }
  if (!assoc.isEstablished) {
    const why = `association ${assoc.isRejected ? "rejected" : "aborted"}: ${assoc.reason ?? "no reason given"}`;
    c.log.error?.(why);
    failAll(plan.files, why);
    return bytes;
  }
  let next = 0;
  const sendNext = async (): Promise<void> => {
    while (next < plan.files.length) {
      if (!assoc.isEstablished) {
        const left = plan.files.slice(next);
        next = plan.files.length;
        failAll(left, `association lost: ${describeError(assoc.abortError ?? assoc.reason)}`);
        return;
      }
      const f = plan.files[next++] as FileToSend;
      bytes += await sendOne(assoc, f, c, outcomes);
    }
  };
  // As many senders as the negotiated window lets be outstanding (--async). With a window of 1
  // (most peers), one more: it waits for the slot with its file already read (sendCStore reads
  // ahead while it queues), so the next instance leaves as soon as the previous is answered. A
  // wider window already overlaps the reads with the transfers (measured: one more costs there).
  const window = assoc.asyncOperationsWindow.invoked;
  const senders = Math.min(plan.files.length, window === 0 ? UNLIMITED_SENDERS : window === 1 ? 2 : window);
  await Promise.all(Array.from({ length: Math.max(1, senders) }, sendNext));
  if (assoc.isEstablished)
    await assoc.release().catch((e: unknown) => c.log.warn?.(`release failed: ${describeError(e)}`));
  return bytes;
}

/** Requests kept outstanding when the peer accepts an unlimited window (0). */
const UNLIMITED_SENDERS = 64;

/** Sends one file; records its outcome and returns the bytes sent. */
async function sendOne(
  assoc: Awaited<ReturnType<AE["associate"]>>,
  f: FileToSend,
  c: SendContext,
  outcomes: Outcome[],
): Promise<number> {
  const what = () => `${f.path} (${uidName(f.sopClassUid)}, ${f.sopInstanceUid})`;
  try {
    const r = await assoc.sendCStore(f.path);
    const category =
      r.statusInfo.category === "success" || r.statusInfo.category === "warning" ? r.statusInfo.category : "failure";
    outcomes.push({ path: f.path, category, status: r.status, meaning: r.statusInfo.meaning });
    c.tick(r.bytes);
    c.note(() => `${category === "failure" ? "failed" : "sent"} ${what()}: ${hex(r.status)} ${r.statusInfo.meaning}`);
    return r.bytes;
  } catch (e) {
    outcomes.push({ path: f.path, category: "failure", meaning: describeError(e) });
    c.tick(0);
    c.note(() => `failed ${what()}: ${describeError(e)}`);
    return 0;
  }
}

/** Runs storescu with `args`; resolves with the exit code. */
export async function runStorescu(args: readonly string[], io: CliIo, isTty = false): Promise<number> {
  let values: Record<string, unknown>;
  let positionals: string[];
  let log: AppLogger;
  let forced: string | undefined;
  let settings: ReturnType<typeof aeNetworkSettings> & { maxAsyncOperations: AsyncOperationsWindow };
  let port: number;
  let tls: Awaited<ReturnType<typeof clientTls>>;
  try {
    ({ values, positionals } = parseAppArgs(args, options));
    if (values.help) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    if (values.version) {
      io.stdout(`netdicom storescu ${packageVersion()}\n`);
      return 0;
    }
    log = appLogger(values, io);
    const flags = (Object.keys(forcedSyntax) as (keyof typeof forcedSyntax)[]).filter((k) => values[k] === true);
    if (flags.length > 1) throw new UsageError(`--${flags[0]} and --${flags[1]} cannot be used together`);
    if (flags.length === 1 && values["required-contexts"]) {
      throw new UsageError(`--${flags[0]} and --required-contexts cannot be used together`);
    }
    forced = flags[0] === undefined ? undefined : forcedSyntax[flags[0]];
    if (positionals.length < 3) throw new UsageError("expected ADDR PORT PATH...");
    port = parsePort(positionals[1]);
    settings = { ...aeNetworkSettings(values), maxAsyncOperations: asyncWindow(values, "invoked") };
    tls = await clientTls(values);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`netdicom storescu: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  const [address = "", , ...paths] = positionals;
  const quiet = log.level === "none";

  const outcomes: Outcome[] = [];
  const { files: found, missing } = await collectFiles(paths, values.recurse === true);
  for (const m of missing) outcomes.push({ path: m.path, category: "failure", meaning: `cannot access: ${m.reason}` });
  const { files, skipped } = await readHeaders(found, log, outcomes);
  const unreadable = outcomes.length;
  if (files.length === 0) {
    log.error?.("no DICOM files to send");
  }

  const bar =
    isTty && !quiet && files.length > 0 ? new ProgressBar({ total: files.length, write: io.stderr }) : undefined;
  // Per-file lines at -v; above the bar on a terminal.
  const note = (line: () => string) => {
    if (log.info === undefined) return;
    if (bar) bar.log(`I: ${line()}\n`);
    else io.stderr(`I: ${line()}\n`);
  };
  const ae = new AE({ aeTitle: String(values["calling-aet"]), ...settings, logger: log });
  // Codecs for the compressed syntaxes among the files (RLE built in; dcmjs-codecs when installed).
  const compressed = new Set(files.map((f) => f.transferSyntax).filter((t) => transferSyntaxInfo(t)?.encapsulated));
  for (const t of compressed) await ensureCodec(t);
  const plans = planAssociations(files, {
    forced,
    requiredOnly: values["required-contexts"] === true,
    canDecode: (t) => findDecoder(t) !== undefined,
  });
  if (plans.length > 1) log.info?.(`${plans.length} associations needed for the presentation contexts of these files`);
  // process.hrtime, not performance.now(): the first use of `performance` loads Node's perf_hooks
  // internals (~0.5 ms of CPU), here just before the association is requested.
  const started = process.hrtime.bigint();
  let bytes = 0;
  const context: SendContext = {
    ae,
    address,
    port,
    calledAet: String(values["called-aet"]),
    tls,
    log,
    note,
    tick: (n) => bar?.tick(n),
  };
  for (const plan of plans) bytes += await sendPlan(plan, context, outcomes);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  bar?.clear();

  const warnings = outcomes.filter((o) => o.category === "warning").length;
  const failures = outcomes.filter((o) => o.category === "failure");
  const sent = outcomes.length - failures.length;
  if (!quiet) {
    // One line per failure, tab-separated, so exactly those files can be picked out and resent.
    for (const f of failures) {
      io.stdout(`failed\t${f.path}\t${f.status === undefined ? "-" : hex(f.status)}\t${f.meaning}\n`);
    }
    io.stdout(
      `sent ${sent} of ${files.length + unreadable}, warnings ${warnings}, failures ${failures.length}, ` +
        `skipped ${skipped}; ${bytes} bytes in ${seconds.toFixed(2)} s (${formatRate(bytes, seconds * 1000)})\n`,
    );
  }
  const failed = failures.length > 0 || files.length === 0 || (values.strict === true && warnings > 0);
  return failed ? 1 : 0;
}

/** The `netdicom storescu` command. */
export const storescuCommand: Command = {
  summary: "send DICOM files to a Storage SCP (C-STORE), like pynetdicom's storescu",
  run: (args, io) => runStorescu(args, io, process.stderr.isTTY === true),
};
