// Storage Service Class, SCU half (PS3.4 Annex B; C-STORE, PS3.7 9.1.1): sends an instance from a
// file (streamed, never loaded whole) or from an in-memory Dataset.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { ensureCodec, transcodeDataset } from "../../codecs/index.js";
import { Dataset } from "../../dataset/dataset.js";
import { DicomParseError } from "../../dataset/errors.js";
import { readDicomFileHead } from "../../dataset/file.js";
import { scanFileMeta } from "../../dataset/file-meta-scan.js";
import { readFileMeta, readPart10 } from "../../dataset/part10.js";
import { transferSyntaxInfo, ts } from "../../dataset/uids.js";
import { cStoreRq, type DimseCommand, Priority, type StatusInfo, status as statusTable } from "../../dimse/index.js";
import { NetdicomError } from "../../util/errors.js";
import type { DimseChannel, OutgoingDataset } from "../channel.js";
import { chooseContext, needsCodec } from "./context-choice.js";
import {
  CONVERT_IN_MEMORY_BYTES,
  convertInMemory,
  convertStreaming,
  counted,
  encodeDataset,
  fileRangeSource,
  READ_CHUNK_BYTES,
  readExactly,
} from "./source.js";

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

function unreadable(path: string, err: unknown): DicomParseError {
  if (err instanceof DicomParseError) return err;
  const why = err instanceof Error ? err.message : String(err);
  return new DicomParseError(`cannot read ${path}: ${why}`, { offset: 0 }, { cause: err });
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
 * Files up to this size are read whole with synchronous calls (open, fstat, read, close) and sent
 * from that one buffer: from the page cache this costs far less than the four thread-pool round
 * trips of an asynchronous read, which leave both peers idle between instances (measured on
 * loopback, 200 x 0.5 MiB: see the commit). It bounds the memory one C-STORE holds.
 */
export const SYNC_READ_BYTES = 4 * 1024 * 1024;

/**
 * Read buffers kept for the next small files, one per C-STORE that may be outstanding at once (an
 * asynchronous operations window keeps several in flight). A buffer goes back here only after its
 * C-STORE was answered with a status: the peer has then received every byte, so no socket write
 * still refers to it. Reusing them spares an allocation per instance, which otherwise churns
 * external memory and triggers garbage collections (measured: see the commit).
 */
const spares: Buffer[] = [];
/** At most this many spare buffers are kept (they hold at most {@link SYNC_READ_BYTES} each). */
const MAX_SPARES = 8;

/** A kept buffer of at least `size` bytes, taken out of {@link spares}, or undefined. */
function takeSpare(size: number): Buffer | undefined {
  const at = spares.findIndex((b) => b.byteLength >= size);
  return at < 0 ? undefined : spares.splice(at, 1)[0];
}

/** Keeps `buf` for a later file when there is room; else the smallest kept one makes way for a larger one. */
function keepSpare(buf: Buffer): void {
  if (spares.length < MAX_SPARES) {
    spares.push(buf);
    return;
  }
  let smallest = 0;
  for (let i = 1; i < spares.length; i++) if (spares[i]!.byteLength < spares[smallest]!.byteLength) smallest = i;
  if (spares[smallest]!.byteLength < buf.byteLength) spares[smallest] = buf;
}

/** Reads from `fd` into `buf` from `filled` on, until `buf` is full or the file ends; returns the bytes now in `buf`. */
function readUntilFull(fd: number, buf: Buffer, filled: number): number {
  while (filled < buf.byteLength) {
    const n = readSync(fd, buf, filled, buf.byteLength - filled, filled);
    if (n === 0) break;
    filled += n;
  }
  return filled;
}

/** A read buffer for a file of `size` bytes: whole MiB, so that files of nearly the same size (a series) share one. */
function readBuffer(size: number): Buffer {
  return Buffer.allocUnsafeSlow(Math.min(SYNC_READ_BYTES, Math.ceil(Math.max(size, 1) / 2 ** 20) * 2 ** 20));
}

/**
 * The whole file when it is small (read synchronously), else undefined. The file is read into a
 * kept buffer first; only when it fills the buffer is its size asked for (fstat). A small file
 * thus costs open, read, a read that finds the end, close: the Stats object of an fstat per
 * instance showed among the largest allocations.
 */
function readSmall(path: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    let buf = takeSpare(0) ?? readBuffer(0);
    let filled = readUntilFull(fd, buf, 0);
    if (filled === buf.byteLength) {
      const size = fstatSync(fd).size;
      if (size > SYNC_READ_BYTES) {
        keepSpare(buf);
        return undefined;
      }
      if (size > buf.byteLength) {
        const larger = takeSpare(size) ?? readBuffer(size);
        larger.set(buf.subarray(0, filled));
        keepSpare(buf);
        buf = larger;
        filled = readUntilFull(fd, buf, filled);
      }
    }
    return buf.subarray(0, filled);
  } catch (err) {
    // A failed read may leave `buf` unreferenced: it is simply dropped.
    throw unreadable(path, err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

async function prepareFile(
  channel: DimseChannel,
  path: string,
  fh: FileHandle | undefined,
  preferred: string | undefined,
  whole?: Buffer,
): Promise<Prepared> {
  let size: number;
  let head: Buffer;
  let sopClassUid: string | undefined;
  let sopInstanceUid: string | undefined;
  let sourceTs: string;
  let datasetOffset: number;
  let complete = true;
  try {
    if (whole) {
      size = whole.byteLength;
      head = whole;
    } else {
      size = (await fh!.stat()).size;
      head = await readExactly(fh!, 0, Math.min(size, READ_CHUNK_BYTES));
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
    return { ...base, data: fh ? fileRangeSource(fh, head, datasetOffset, size) : head.subarray(datasetOffset) };
  }
  const target = transferSyntaxInfo(t)!;
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
 * Sends a C-STORE-RQ for `datasetOrPath` and resolves with the response's status. A path is
 * streamed: unchanged when an accepted context has the file's transfer syntax, else converted
 * between the uncompressed syntaxes with its pixel data streamed. A compressed file whose syntax
 * the peer did not accept is decompressed in memory through a registered codec (`registerCodec`;
 * RLE Lossless is built in) into an accepted uncompressed syntax. Rejects (never resolves with a
 * made-up status) on: no accepted context for the SOP class and syntax
 * (`NoPresentationContextError`, naming the missing codec when one would have helped), an
 * unreadable file (`DicomParseError`), pixel data a codec cannot decode (`CodecError`), abort,
 * DIMSE timeout.
 */
export async function sendCStore(
  channel: DimseChannel,
  datasetOrPath: Dataset | string,
  options: CStoreOptions = {},
): Promise<CStoreResult> {
  let fh: FileHandle | undefined;
  let whole: Buffer | undefined;
  try {
    let p: Prepared;
    if (datasetOrPath instanceof Dataset) p = await prepareDataset(channel, datasetOrPath, options.transferSyntax);
    else {
      whole = readSmall(datasetOrPath);
      if (!whole) {
        fh = await open(datasetOrPath, "r").catch((err: unknown) => {
          throw unreadable(datasetOrPath, err);
        });
      }
      p = await prepareFile(channel, datasetOrPath, fh, options.transferSyntax, whole);
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
    const rsp = await channel.request(p.contextId, rq, {
      signal: options.signal,
      dataset: counted(p.data, (n) => {
        bytes += n;
      }),
    });
    const code = rsp.command.status ?? 0;
    // Answered: every byte of the data set has been received, the buffer is free again.
    if (whole) keepSpare(Buffer.from(whole.buffer, 0, whole.buffer.byteLength));
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
    await fh?.close().catch(() => {});
  }
}
