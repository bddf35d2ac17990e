// Storage Service Class, SCU half (PS3.4 Annex B; C-STORE, PS3.7 9.1.1): sends an instance from a
// file (streamed, never loaded whole) or from an in-memory Dataset.
import { closeSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { ensureCodec, transcodeDataset } from "../../codecs/index.js";
import { Dataset } from "../../dataset/dataset.js";
import { readDicomFileHead } from "../../dataset/file.js";
import { scanFileMeta } from "../../dataset/file-meta-scan.js";
import { readFileMeta, readPart10 } from "../../dataset/part10.js";
import { transferSyntaxInfo, ts } from "../../dataset/uids.js";
import { cStoreRq, type DimseCommand, Priority, type StatusInfo, status as statusTable } from "../../dimse/index.js";
import { NetdicomError } from "../../util/errors.js";
import type { DimseChannel, OutgoingDataset } from "../channel.js";
import { chooseContext, needsCodec } from "./context-choice.js";
import type { FileRead } from "./file-start.js";
import {
  dropFile,
  type FileStart,
  finishRead,
  keepSpare,
  READ_AHEAD_BYTES,
  startFile,
  unreadable,
  wholeBuffer,
} from "./file-start.js";
import {
  CONVERT_IN_MEMORY_BYTES,
  convertInMemory,
  convertStreaming,
  counted,
  encodeDataset,
  fileRangeSource,
  readExactly,
} from "./source.js";

export { SYNC_READ_BYTES } from "./file-start.js";

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

/** Options of `Association.sendCStore`. */
export interface CStoreOptions {
  /** Priority (0000,0700) (default Medium). */
  readonly priority?: number;
  /** Move Originator Application Entity Title (0000,1030), when a C-MOVE caused this C-STORE. */
  readonly moveOriginatorAeTitle?: string;
  /** Move Originator Message ID (0000,1031). */
  readonly moveOriginatorMessageId?: number;
  /** Stops waiting for the response (rejects with the signal's reason). */
  readonly signal?: AbortSignal;
  /** Preferred transfer syntax among the accepted contexts (default: the file's own if accepted, else a conversion target). */
  readonly transferSyntax?: string;
}

/** The answer to a C-STORE (a failure status is a result, not an error). */
export interface CStoreResult {
  /** The Status (0000,0900) of the C-STORE-RSP. */
  readonly status: number;
  /** What the status means for the Storage service (category, meaning). */
  readonly statusInfo: StatusInfo;
  /** The Message ID of the request. */
  readonly messageId: number;
  /** The SOP Class UID of the instance sent. */
  readonly sopClassUid: string;
  /** The SOP Instance UID of the instance sent. */
  readonly sopInstanceUid: string;
  /** The transfer syntax the data set was sent in. */
  readonly transferSyntax: string;
  /** Data set bytes sent. */
  readonly bytes: number;
  /** The whole response command set (Error Comment, Offending Element…). */
  readonly response: DimseCommand;
}

interface Prepared {
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly contextId: number;
  readonly transferSyntax: string;
  readonly data: OutgoingDataset;
}

function missingUid(what: string, where: string): NetdicomError {
  return new NetdicomError("ERR_NO_SOP_UID", `${where} has no ${what}; a C-STORE needs it (PS3.7 9.1.1.1)`);
}

/** True when an accepted context carries `sopClassUid` in `transferSyntax` with this side as SCU. */
function acceptedIn(channel: DimseChannel, sopClassUid: string, transferSyntax: string): boolean {
  return (channel.acceptedContexts ?? []).some(
    (cx) => cx.abstractSyntax === sopClassUid && cx.transferSyntax === transferSyntax && cx.asScu !== false,
  );
}

async function prepareDataset(channel: DimseChannel, ds: Dataset, preferred: string | undefined): Promise<Prepared> {
  const sopClassUid = ds.string(SOP_CLASS_UID);
  const sopInstanceUid = ds.string(SOP_INSTANCE_UID);
  if (!sopClassUid) throw missingUid("SOP Class UID", "the data set");
  if (!sopInstanceUid) throw missingUid("SOP Instance UID", "the data set");
  const cx = chooseContext(channel, sopClassUid, undefined, preferred);
  const t = cx.transferSyntax ?? "";
  const enc = transferSyntaxInfo(t);
  if (!enc) throw new NetdicomError("ERR_UNKNOWN_TRANSFER_SYNTAX", `unknown transfer syntax ${t}`);
  // Native pixel data sent in a compressed syntax (asked for as `transferSyntax`) goes through a codec.
  const native = ds.get("PixelData") instanceof Uint8Array;
  const out = enc.encapsulated && native ? await transcodeDataset(ds, ts.ExplicitVRLittleEndian, t) : ds;
  return {
    sopClassUid,
    sopInstanceUid,
    contextId: cx.contextId ?? 0,
    transferSyntax: t,
    data: encodeDataset(out, enc),
  };
}

/**
 * A file too large to read whole: the descriptor its first read left open (it is streamed from
 * that), and a FileHandle opened when a conversion reads it that way.
 */
interface OpenFile {
  readonly fd: number;
  fh?: FileHandle;
}

/** Closes what `file` holds open. */
function closeFile(file: OpenFile): Promise<void> {
  try {
    closeSync(file.fd);
  } catch {
    // Already closed: nothing holds it.
  }
  return file.fh?.close().catch(() => {}) ?? Promise.resolve();
}

/**
 * What a file's C-STORE sends. `read` is the file's first read: the whole file, or the head and
 * size of one to stream from `file`. The read buffers a streamed file borrows go into `borrowed`.
 */
async function prepareFile(
  channel: DimseChannel,
  path: string,
  file: OpenFile | undefined,
  preferred: string | undefined,
  read: FileRead,
  borrowed: Buffer[],
): Promise<Prepared> {
  let size: number;
  let head: Buffer;
  let sopClassUid: string | undefined;
  let sopInstanceUid: string | undefined;
  let sourceTs: string;
  let datasetOffset: number;
  let complete = true;
  try {
    if ("whole" in read) {
      size = read.whole.byteLength;
      head = read.whole;
    } else {
      size = read.size;
      head = read.head;
    }
    // The plain header of nearly every file is scanned in place; anything else is read in full.
    const quick = scanFileMeta(head);
    if (quick) ({ sopClassUid, sopInstanceUid, transferSyntaxUid: sourceTs, datasetOffset } = quick);
    else {
      const meta = readFileMeta(head, { partial: head.byteLength < size });
      sopClassUid = meta.meta.string(MEDIA_STORAGE_SOP_CLASS_UID);
      sopInstanceUid = meta.meta.string(MEDIA_STORAGE_SOP_INSTANCE_UID);
      sourceTs = meta.transferSyntaxUid;
      datasetOffset = meta.datasetOffset;
      complete = meta.complete;
    }
  } catch (err) {
    throw unreadable(path, err);
  }
  if (!complete || !sopClassUid || !sopInstanceUid) {
    // No (or an unusual) file meta: the data set itself names the instance.
    const full = await readDicomFileHead(path).catch((err: unknown) => {
      throw unreadable(path, err);
    });
    sopClassUid ||= full.dataset.string(SOP_CLASS_UID);
    sopInstanceUid ||= full.dataset.string(SOP_INSTANCE_UID);
    sourceTs = full.transferSyntaxUid;
    datasetOffset = full.datasetOffset;
  }
  if (!sopClassUid) throw missingUid("SOP Class UID", path);
  if (!sopInstanceUid) throw missingUid("SOP Instance UID", path);
  const source = transferSyntaxInfo(sourceTs);
  if (!source) throw unreadable(path, new Error(`unknown transfer syntax ${JSON.stringify(sourceTs)}`));
  if (source.encapsulated && !acceptedIn(channel, sopClassUid, sourceTs)) {
    // The peer did not take the compressed syntax: an installed codec package may decode it.
    await ensureCodec(sourceTs, "decode");
  }
  const cx = chooseContext(channel, sopClassUid, sourceTs, preferred);
  const t = cx.transferSyntax ?? "";
  const base = { sopClassUid, sopInstanceUid, contextId: cx.contextId ?? 0, transferSyntax: t };
  if (t === sourceTs) {
    return {
      ...base,
      data: file ? fileRangeSource(file.fd, head, datasetOffset, size, { borrowed }) : head.subarray(datasetOffset),
    };
  }
  const target = transferSyntaxInfo(t)!;
  // The conversions read the file through a FileHandle.
  let fh: FileHandle | undefined;
  if (file) {
    fh = file.fh ??= await open(path, "r").catch((err: unknown) => {
      throw unreadable(path, err);
    });
  }
  if (needsCodec(sourceTs, t)) {
    // Compressed pixel data is decoded (or encoded) whole: the instance is held in memory, once
    // compressed and once native, for the time of the C-STORE.
    let ds: Dataset;
    try {
      const all = head.byteLength === size || !fh ? head : await readExactly(fh, 0, size);
      ds = readPart10(all).dataset;
    } catch (err) {
      throw unreadable(path, err);
    }
    return { ...base, data: encodeDataset(await transcodeDataset(ds, sourceTs, t), target) };
  }
  try {
    if (fh && size > CONVERT_IN_MEMORY_BYTES && !source.deflated) {
      const fileHead = await readDicomFileHead(path);
      if (fileHead.pixelData?.length !== undefined) {
        return { ...base, data: convertStreaming(fh, fileHead, target) };
      }
    }
    const all = head.byteLength === size || !fh ? head : await readExactly(fh, 0, size);
    return { ...base, data: convertInMemory(all, target) };
  } catch (err) {
    throw unreadable(path, err);
  }
}

/**
 * What a C-STORE of `datasetOrPath` may do while it waits for a window slot: read the file's first
 * bytes (at most {@link READ_AHEAD_BYTES}; nothing for a Dataset), so that once the slot comes the
 * request leaves without waiting for the disk. The read is synchronous, and its errors are kept
 * for the C-STORE to report; `drop` closes the file and keeps the buffer when the C-STORE never
 * gets its slot.
 */
export function readAheadOf(
  datasetOrPath: Dataset | string,
): { start(): FileStart; drop(started: FileStart): void } | undefined {
  if (typeof datasetOrPath !== "string") return undefined;
  return { start: () => startFile(datasetOrPath, READ_AHEAD_BYTES), drop: dropFile };
}

/**
 * Sends a C-STORE-RQ for `datasetOrPath` and resolves with the response's status. A path is
 * streamed: unchanged when an accepted context has the file's transfer syntax, else converted
 * between the uncompressed syntaxes with its pixel data streamed. A compressed file whose syntax
 * the peer did not accept is decompressed in memory through a registered codec (`registerCodec`;
 * RLE Lossless is built in) into an accepted uncompressed syntax. Rejects (never resolves with a
 * made-up status) on: no accepted context for the SOP class and syntax
 * (`NoPresentationContextError`, naming the missing codec when one would have helped), an
 * unreadable file (`DicomParseError`), pixel data a codec cannot decode (`CodecError`), abort,
 * DIMSE timeout. `started` is the file's first read when it was done ahead (see `startFile`): the
 * file is not opened again, and a read that failed then fails this C-STORE now.
 */
export async function sendCStore(
  channel: DimseChannel,
  datasetOrPath: Dataset | string,
  options: CStoreOptions = {},
  started?: FileStart,
): Promise<CStoreResult> {
  let file: OpenFile | undefined;
  // The read buffers this C-STORE holds: given back to the spare ones once the data set has been
  // written and answered.
  const borrowed: Buffer[] = [];
  // Once the request is made, the file and the buffers belong to the sender until it is done with
  // the data set (onSent): a peer may answer, or the call be given up, while the data set is still
  // being read and sent. Closing the file or reusing a buffer then would cut the message short or
  // change another C-STORE's data.
  let requested = false;
  let closing: Promise<void> | undefined;
  try {
    let p: Prepared;
    if (datasetOrPath instanceof Dataset) p = await prepareDataset(channel, datasetOrPath, options.transferSyntax);
    else {
      const read = finishRead(started ?? startFile(datasetOrPath));
      borrowed.push(wholeBuffer("whole" in read ? read.whole : read.head));
      if (!("whole" in read)) file = { fd: read.fd };
      p = await prepareFile(channel, datasetOrPath, file, options.transferSyntax, read, borrowed);
    }
    const messageId = channel.nextMessageId();
    const rq = cStoreRq({
      messageId,
      affectedSopClassUid: p.sopClassUid,
      affectedSopInstanceUid: p.sopInstanceUid,
      priority: options.priority ?? Priority.Medium,
      ...(options.moveOriginatorAeTitle === undefined
        ? {}
        : { moveOriginatorApplicationEntityTitle: options.moveOriginatorAeTitle }),
      ...(options.moveOriginatorMessageId === undefined
        ? {}
        : { moveOriginatorMessageId: options.moveOriginatorMessageId }),
    });
    let bytes = 0;
    // The read buffers are free again once the request has been written and answered (the peer
    // then has every byte); if it is never answered they are left to the garbage collector.
    let sent = false;
    let answered = false;
    const giveBack = () => {
      for (const b of borrowed) keepSpare(b);
      borrowed.length = 0;
    };
    const opened = file;
    requested = true;
    const rsp = await channel.request(p.contextId, rq, {
      signal: options.signal,
      dataset: counted(p.data, (n) => {
        bytes += n;
      }),
      ...(borrowed.length === 0 && opened === undefined
        ? {}
        : {
            onSent: (error?: unknown) => {
              sent = error === undefined;
              if (opened) closing = closeFile(opened);
              if (sent && answered) giveBack();
            },
          }),
    });
    answered = true;
    if (sent) giveBack();
    const code = rsp.command.status ?? 0;
    return {
      status: code,
      statusInfo: statusTable.describe(code, { commandField: rsp.command.commandField, sopClassUid: p.sopClassUid }),
      messageId,
      sopClassUid: p.sopClassUid,
      sopInstanceUid: p.sopInstanceUid,
      transferSyntax: p.transferSyntax,
      bytes,
      response: rsp.command,
    };
  } finally {
    // Not yet requested: the file is still this call's to close. Requested: the sender closes it
    // when done (awaited here when that was before the answer, as it nearly always is).
    if (!requested && file) await closeFile(file);
    else await closing;
  }
}
