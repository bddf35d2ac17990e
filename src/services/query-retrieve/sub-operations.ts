// The C-STORE sub-operations of a C-GET or C-MOVE (PS3.4 C.4.2.2, C.4.3.2): one instance sent,
// counted as completed, warning or failed; and for C-MOVE, the contexts to propose for them.
import { buildContext, type PresentationContext } from "../../acse/index.js";
import { Dataset } from "../../dataset/dataset.js";
import { readDicomFileHead } from "../../dataset/file.js";
import { scanFileMetaOfFile } from "../../dataset/file-meta-scan.js";
import { ts } from "../../dataset/uids.js";
import { status as statusTable } from "../../dimse/index.js";
import type { DimseChannel } from "../channel.js";
import { isConvertible } from "../storage/context-choice.js";
import type { FileStart } from "../storage/file-start.js";
import { readAheadOf, sendCStore } from "../storage/scu.js";

/** The sub-operation counters and the SOP Instance UIDs that failed (PS3.4 C.4.2.1.6, C.4.3.1.3). */
export class SubOperationCounts {
  remaining: number;
  completed = 0;
  failed = 0;
  warning = 0;
  readonly failedUids: string[] = [];

  constructor(total: number) {
    this.remaining = total;
  }

  /** Counts one finished sub-operation by its C-STORE status (undefined: it could not be sent). */
  count(status: number | undefined, sopInstanceUid: string | undefined): void {
    this.remaining = Math.max(0, this.remaining - 1);
    const category = status === undefined ? "failure" : statusTable.category(status);
    if (category === "success") this.completed++;
    else if (category === "warning") this.warning++;
    else {
      this.failed++;
      if (sopInstanceUid) this.failedUids.push(sopInstanceUid);
    }
  }

  /**
   * The final status when the handler did not choose one (PS3.4 C.4.2.1.5, C.4.3.1.4): 0x0000 all
   * completed; 0xA702 all failed; 0xB000 some failed or warned.
   */
  finalStatus(): number {
    if (this.failed === 0 && this.warning === 0) return 0x0000;
    if (this.completed === 0 && this.warning === 0) return 0xa702;
    return 0xb000;
  }
}

/** An instance a C_GET or C_MOVE handler yielded: a Dataset, or the path of a Part 10 file. */
export type RetrieveInstance = Dataset | string;

/** An instance's SOP class, instance and transfer syntax, as far as they can be read. */
export interface InstanceInfo {
  readonly sopClassUid: string | undefined;
  readonly sopInstanceUid: string | undefined;
  /** The file's transfer syntax; undefined for a Dataset (any uncompressed syntax will do). */
  readonly transferSyntax: string | undefined;
}

/**
 * The UIDs of a Part 10 file from its File Meta Information alone (PS3.10 7.1: Media Storage SOP
 * Class and Instance UID, Transfer Syntax UID), read as the C-STORE SCU reads its files:
 * undefined when the meta is not the usual kind (the caller then reads the data set too). A
 * C-MOVE reads every file's head before its sub-association; parsing each data set up to the
 * Pixel Data through four asynchronous calls was most of its CPU.
 */
function metaInfo(path: string): InstanceInfo | undefined {
  const quick = scanFileMetaOfFile(path);
  if (quick === undefined) return undefined;
  return {
    sopClassUid: quick.sopClassUid,
    sopInstanceUid: quick.sopInstanceUid,
    transferSyntax: quick.transferSyntaxUid,
  };
}

/**
 * Reads what identifies `item`; for a file, its File Meta Information, or when that is unusual
 * (missing, incomplete, odd UIDs) its meta and data set up to the Pixel Data.
 */
export async function instanceInfo(item: RetrieveInstance): Promise<InstanceInfo> {
  if (item instanceof Dataset) {
    return {
      sopClassUid: item.string("SOPClassUID"),
      sopInstanceUid: item.string("SOPInstanceUID"),
      transferSyntax: undefined,
    };
  }
  const quick = metaInfo(item);
  if (quick !== undefined) return quick;
  try {
    const head = await readDicomFileHead(item);
    return {
      sopClassUid: head.meta.string("MediaStorageSOPClassUID") || head.dataset.string("SOPClassUID"),
      sopInstanceUid: head.meta.string("MediaStorageSOPInstanceUID") || head.dataset.string("SOPInstanceUID"),
      transferSyntax: head.transferSyntaxUid,
    };
  } catch {
    return { sopClassUid: undefined, sopInstanceUid: undefined, transferSyntax: undefined };
  }
}

/** PS3.8 9.3.2.2: one association proposes at most 128 presentation contexts. */
const MAX_CONTEXTS = 128;

/**
 * The contexts a C-MOVE sub-association proposes for `instances`: per SOP class, one context in
 * the uncompressed syntaxes (netdicom converts between them) and one per compressed syntax a file
 * is in (sent unchanged), at most 128; instances left without a context then fail on their own.
 */
export function contextsFor(instances: readonly InstanceInfo[]): PresentationContext[] {
  const wanted = new Map<string, string[]>();
  for (const info of instances) {
    if (!info.sopClassUid) continue;
    const source = info.transferSyntax;
    const compressed = source !== undefined && !isConvertible(source);
    const key = compressed ? `${info.sopClassUid} ${source}` : info.sopClassUid;
    if (wanted.has(key)) continue;
    const syntaxes = compressed ? [source] : [ts.ExplicitVRLittleEndian, ts.ImplicitVRLittleEndian];
    if (!compressed && source !== undefined && !syntaxes.includes(source)) syntaxes.push(source);
    wanted.set(key, syntaxes);
  }
  return [...wanted]
    .slice(0, MAX_CONTEXTS)
    .map(([key, syntaxes]) => buildContext(key.split(" ")[0] as string, syntaxes));
}

/** Options of {@link storeInstance}. */
export interface SubOperationOptions {
  readonly moveOriginatorAeTitle?: string;
  readonly moveOriginatorMessageId?: number;
  readonly priority?: number;
}

/**
 * The first read of `item`'s file (nothing for a Dataset), done once the current turn of the event
 * loop is over: a sub-operation's C-STORE-RQ goes out in that turn, so the read fills the time its
 * response takes instead of delaying the request. Errors are kept in the result for the C-STORE
 * to report; give it to {@link storeInstance}, or to `dropFile` when it will not be sent.
 */
export function readAhead(item: RetrieveInstance): Promise<FileStart | undefined> {
  const ahead = readAheadOf(item);
  if (ahead === undefined) return Promise.resolve(undefined);
  return new Promise((resolve) => setImmediate(() => resolve(ahead.start())));
}

/**
 * Sends one instance as a C-STORE-RQ on `channel` and counts the outcome: the peer's status, or a
 * failure when it could not be sent (no context for its SOP class or syntax, unreadable file).
 * `started` is the file's first read when it was done ahead ({@link readAhead}). Never rejects:
 * an association that is gone makes every later sub-operation fail.
 */
export async function storeInstance(
  channel: DimseChannel,
  item: RetrieveInstance,
  counts: SubOperationCounts,
  options: SubOperationOptions,
  started?: FileStart,
): Promise<void> {
  try {
    const r = await sendCStore(
      channel,
      item,
      {
        ...(options.priority === undefined ? {} : { priority: options.priority }),
        ...(options.moveOriginatorAeTitle === undefined
          ? {}
          : { moveOriginatorAeTitle: options.moveOriginatorAeTitle }),
        ...(options.moveOriginatorMessageId === undefined
          ? {}
          : { moveOriginatorMessageId: options.moveOriginatorMessageId }),
      },
      started,
    );
    counts.count(r.status, r.sopInstanceUid);
  } catch (err) {
    channel.logger.warn?.("a C-STORE sub-operation failed", err);
    counts.count(undefined, (await instanceInfo(item)).sopInstanceUid);
  }
}
