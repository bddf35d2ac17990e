// What the C_STORE handler gets besides the request: the instance's identity, its file meta, and
// ways to read, stream or keep the received file.
import { createReadStream, renameSync } from "node:fs";
import { copyFile, mkdir, open, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { transcodeDataset } from "../../codecs/index.js";
import type { Dataset } from "../../dataset/dataset.js";
import { readDicomFileHead } from "../../dataset/file.js";
import { readPart10, writePart10 } from "../../dataset/part10.js";
import { durability, forgetSyncedFile, isSyncedFile } from "./file-sink.js";
import { safeJoin, sanitiseFileName } from "./filename.js";
import { tempFileName } from "./temp-area.js";

/** Options of {@link CStoreEventPayload.saveTo}. */
export interface SaveToOptions {
  /** File name to use instead of the SOP Instance UID + ".dcm" (sanitised the same way). */
  readonly filename?: string;
  /**
   * Store the instance in this transfer syntax instead of the one it arrived in: decompressed or
   * compressed through the registered codecs (`registerCodec`; RLE Lossless is built in), or
   * converted between the uncompressed ones. The file is then read and rewritten whole, in
   * memory. Rejects with a `CodecError` naming the syntax when no codec handles it.
   */
  readonly transferSyntax?: string;
}

/** The C-STORE-specific part of the C_STORE event (the request, context and association come with every request event). */
export interface CStoreEventPayload {
  /** Affected SOP Class UID (0000,0002) of the request. */
  readonly sopClassUid: string;
  /** Affected SOP Instance UID (0000,1000) of the request. */
  readonly sopInstanceUid: string;
  /** The transfer syntax of the received data set (the context's). */
  readonly transferSyntax: string;
  /** The File Meta Information netdicom wrote for the instance (PS3.10 7.1), SourceApplicationEntityTitle = the peer's AE title. */
  readonly fileMeta: Dataset;
  /** The data set, parsed from the received file up to its Pixel Data (which is not loaded). */
  dataset(): Promise<Dataset>;
  /**
   * Moves the received Part 10 file into `dir` (created if missing) under a safe name (default
   * the sanitised SOP Instance UID + ".dcm"; an existing file of that name is replaced) and
   * resolves with its path. The final name only ever holds a complete file: it is a rename (or,
   * across file systems, a copy to a temporary name then a rename). With the AE's
   * `storageFsync` (the default) the directory is flushed after the rename, so once this resolves
   * the file survives a power failure under its final name.
   */
  saveTo(dir: string, options?: SaveToOptions): Promise<string>;
  /** The received instance as a Part 10 byte stream; read it before the handler returns. */
  stream(): NodeJS.ReadableStream;
  /** The complete received Part 10 file in netdicom's temporary area; deleted after the handler returns unless `saveTo` moved it. */
  readonly path: string;
  /** Size in bytes of the received Part 10 file (file meta included): no need to stat it. */
  readonly fileSize: number;
  /** Data set bytes received (the file minus its preamble and file meta). */
  readonly datasetBytes: number;
}

/** Directories known to exist (saveTo creates its target once, not per instance). */
const madeDirs = new Set<string>();

/** Makes `dir` unless it was made already; undefined then (no promise to wait for, per instance). */
function ensureDir(dir: string): Promise<void> | undefined {
  if (madeDirs.has(dir)) return undefined;
  return mkdir(dir, { recursive: true }).then(() => {
    if (madeDirs.size > 1000) madeDirs.clear();
    madeDirs.add(dir);
  });
}

/** Copies `from` to a temporary name beside `to`, flushed when `durable`, then renames it to `to`. */
async function copyInto(from: string, to: string, durable: boolean): Promise<void> {
  const tmp = join(dirname(to), tempFileName());
  try {
    await copyFile(from, tmp);
    if (durable) {
      const handle = await open(tmp, "r+");
      try {
        await durability.fsyncFile(handle.fd, tmp);
      } finally {
        await handle.close();
      }
    }
    await rename(tmp, to);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

/**
 * Moves `from` to `to` atomically; across file systems, copies to a temporary name beside `to`
 * first. The common case is one synchronous rename, with no promise: a metadata update that costs
 * less than a thread-pool round trip. Returns a promise only when it must do more.
 */
function moveInto(from: string, to: string, durable: boolean): Promise<void> | undefined {
  try {
    renameSync(from, to);
    return undefined;
  } catch (err) {
    return moveAfterFailedRename(err, from, to, durable);
  }
}

/** What {@link moveInto} does when the plain rename failed with `err`. */
async function moveAfterFailedRename(err: unknown, from: string, to: string, durable: boolean): Promise<void> {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") {
    // The directory was removed since it was made: make it again, once.
    madeDirs.delete(dirname(to));
    await mkdir(dirname(to), { recursive: true });
    await rename(from, to);
    return;
  }
  if (code !== "EXDEV") throw err;
  await copyInto(from, to, durable);
  await unlink(from).catch(() => {});
}

/**
 * Writes the Part 10 file at `from` (data set in `fromTs`) to `to` in `toTs`: under a temporary
 * name beside it, flushed when `durable`, then renamed, so `to` only ever holds a complete file.
 */
async function transcodeInto(
  from: string,
  fromTs: string,
  to: string,
  toTs: string,
  meta: Dataset,
  durable: boolean,
): Promise<void> {
  const part = readPart10(await readFile(from));
  const ds = await transcodeDataset(part.dataset, fromTs, toTs);
  const tmp = join(dirname(to), tempFileName());
  try {
    await writeFile(tmp, writePart10(ds, { transferSyntaxUid: toTs, meta }));
    if (durable) {
      const handle = await open(tmp, "r+");
      try {
        await durability.fsyncFile(handle.fd, tmp);
      } finally {
        await handle.close();
      }
    }
    await rename(tmp, to);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

/** The payload for one received file, and whether the handler kept it. */
export function makeStoreEvent(info: {
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly transferSyntax: string;
  /** The file meta, or a function that builds it (called at most once, when first asked for). */
  readonly fileMeta: Dataset | (() => Dataset);
  readonly path: string;
  readonly fileSize: number;
  readonly datasetBytes: number;
}): { payload: CStoreEventPayload; kept: () => boolean } {
  let current = info.path;
  let currentTs = info.transferSyntax;
  let moved = false;
  let syncedMove = false;
  let meta = typeof info.fileMeta === "function" ? undefined : info.fileMeta;
  const fileMeta = (): Dataset => {
    meta ??= (info.fileMeta as () => Dataset)();
    return meta;
  };
  const payload: CStoreEventPayload = {
    sopClassUid: info.sopClassUid,
    sopInstanceUid: info.sopInstanceUid,
    transferSyntax: info.transferSyntax,
    get fileMeta() {
      return fileMeta();
    },
    path: info.path,
    fileSize: info.fileSize,
    datasetBytes: info.datasetBytes,
    dataset: async () => (await readDicomFileHead(current)).dataset,
    async saveTo(dir: string, options: SaveToOptions = {}): Promise<string> {
      const name = options.filename === undefined ? `${sanitiseFileName(info.sopInstanceUid)}.dcm` : options.filename;
      const target = safeJoin(dir, name);
      const making = ensureDir(dir);
      if (making) await making;
      // The sink fsynced the data; the rename is durable once its directory is flushed too.
      const durable = isSyncedFile(info.path) || (moved && syncedMove);
      const wanted = options.transferSyntax;
      if (wanted !== undefined && wanted !== currentTs) {
        await transcodeInto(current, currentTs, target, wanted, fileMeta(), durable);
        if (!moved) {
          // The received file is no longer needed: the transcoded one replaces it.
          await unlink(info.path).catch(() => {});
          forgetSyncedFile(info.path);
          moved = true;
          syncedMove = durable;
        }
        currentTs = wanted;
      } else if (!moved) {
        const moving = moveInto(current, target, durable);
        if (moving) await moving;
        forgetSyncedFile(info.path);
        moved = true;
        syncedMove = durable;
      } else if (target !== current) {
        // A second copy: written beside the target under a temporary name, then renamed.
        await copyInto(current, target, durable);
      }
      if (durable) await durability.fsyncDirectory(dirname(target));
      current = target;
      return target;
    },
    stream: () => createReadStream(current),
  };
  return { payload, kept: () => moved };
}
