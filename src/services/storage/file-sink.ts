// The C-STORE SCP's sink: the received data set goes, fragment by fragment, to a temporary
// Part 10 file (file meta first). Fragments are gathered as views (no concatenation) and written
// out in batches with synchronous calls, as they arrive.
import { closeSync, fsync, openSync, writevSync } from "node:fs";
import { open, unlink } from "node:fs/promises";
import type { DatasetSink, StorageSettings } from "../channel.js";
import { tempArea, tempAreaReady, tempFilePath } from "./temp-area.js";

/**
 * Bytes of fragments gathered before they are written out: a whole small instance is one
 * `writev`, a large one costs one call per MiB. It also bounds what a sink holds in memory.
 */
export const WRITE_BATCH_BYTES = 1024 * 1024;

/** What a {@link FileSink} holds once its data set is complete. */
export interface ReceivedFile {
  /** The complete Part 10 file (temporary name). */
  readonly path: string;
  /** Data set bytes received. */
  readonly datasetBytes: number;
  /** Bytes of the whole file (file meta included). */
  readonly fileBytes: number;
}

/**
 * @internal How received files are made durable. The C-STORE SCP goes through these, so that a
 * test can replace them to observe the order of file flush, rename and directory flush.
 */
export const durability = {
  /** Flushes a temporary file's data and size to disk (fsync(2)). */
  fsyncFile(fd: number, _path: string): Promise<void> {
    return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
  },
  /**
   * Flushes a directory, which makes a rename into it durable on Linux (POSIX leaves it to the
   * file system). Where a directory cannot be opened for that (Windows) it does nothing.
   */
  async fsyncDirectory(dir: string): Promise<void> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(dir, "r");
    } catch (err) {
      if (process.platform === "win32") return;
      throw err;
    }
    try {
      await handle.sync();
    } catch (err) {
      // Some file systems refuse fsync on a directory (EINVAL): there is nothing more to do there.
      if ((err as NodeJS.ErrnoException).code !== "EINVAL") throw err;
    } finally {
      await handle.close();
    }
  },
};

/** Temporary files fsynced by their sink: moving one into place flushes the target directory too. */
const syncedFiles = new Set<string>();

/** @internal True when the temporary file at `path` was fsynced, so that its rename should be made durable too. */
export function isSyncedFile(path: string): boolean {
  return syncedFiles.has(path);
}

/** @internal Forgets a fsynced temporary file (moved into place or deleted). */
export function forgetSyncedFile(path: string): void {
  syncedFiles.delete(path);
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** Writes all of `bufs` to `fd` (writev may write less than asked: the rest goes in further calls). */
function writeAllSync(fd: number, bufs: Uint8Array[], total: number): void {
  let left = total;
  while (left > 0) {
    let n = writevSync(fd, bufs);
    if (n <= 0) throw new Error("writev wrote nothing");
    left -= n;
    let drop = 0;
    while (n > 0 && drop < bufs.length) {
      const b = bufs[drop] as Uint8Array;
      if (n >= b.byteLength) {
        n -= b.byteLength;
        drop++;
      } else {
        bufs[drop] = b.subarray(n);
        n = 0;
      }
    }
    bufs.splice(0, drop);
  }
}

/**
 * Writes a received instance to a temporary file while it arrives. Writes are synchronous
 * (open, writev, close): from the page cache a 1 MiB batch takes a fraction of a millisecond,
 * far less than the thread-pool round trips of asynchronous calls, during which the peers sat
 * idle (measured on loopback: see the commit that made them so). Only fsync, which waits for the
 * disk, stays asynchronous. A failure (disk full…) is remembered and the remaining fragments are
 * dropped, so the service answers with an Out of Resources status instead of breaking the
 * association.
 */
export class FileSink implements DatasetSink {
  readonly #settings: StorageSettings | undefined;
  #pending: Uint8Array[];
  #pendingBytes = 0;
  #datasetBytes = 0;
  #fileBytes = 0;
  #fd: number | undefined;
  #path: string | undefined;
  #error: Error | undefined;
  #done = false;

  /** `meta` is the encoded file meta (preamble, "DICM", group 0002), written before the data set. */
  constructor(meta: Uint8Array, settings: StorageSettings | undefined) {
    this.#settings = settings;
    this.#pending = [meta];
    this.#pendingBytes = meta.byteLength;
  }

  /** Why the file could not be written, if it could not. */
  get error(): Error | undefined {
    return this.#error;
  }

  /** Data set bytes received so far. */
  get datasetBytes(): number {
    return this.#datasetBytes;
  }

  write(chunk: Uint8Array): void | Promise<void> {
    this.#datasetBytes += chunk.byteLength;
    if (this.#error) return;
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.byteLength;
    if (this.#pendingBytes >= WRITE_BATCH_BYTES) return this.#flush();
  }

  /** Writes what is pending; waits only the first time a temporary directory is made. */
  #flush(): void | Promise<void> {
    const dir = tempAreaReady(this.#settings?.storageDirectory);
    if (dir !== undefined) return this.#writeOut(dir);
    return tempArea(this.#settings?.storageDirectory).then(
      (d) => this.#writeOut(d),
      (err: unknown) => {
        this.#fail(err);
      },
    );
  }

  #writeOut(dir: string): void {
    const bufs = this.#pending;
    const total = this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    if (this.#error || bufs.length === 0) return;
    try {
      if (this.#fd === undefined) {
        const path = tempFilePath(dir);
        this.#fd = openSync(path, "wx");
        this.#path = path;
      }
      writeAllSync(this.#fd, bufs, total);
      this.#fileBytes += total;
    } catch (err) {
      this.#fail(err);
    }
  }

  #fail(err: unknown): void {
    this.#error ??= asError(err);
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  #close(): void {
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd === undefined) return;
    try {
      closeSync(fd);
    } catch (err) {
      this.#error ??= asError(err);
    }
  }

  async end(): Promise<void> {
    if (this.#done) return;
    await this.#flush();
    const fd = this.#fd;
    // The data must be on disk before the handler may rename it into place and we acknowledge it.
    if (fd !== undefined && this.#path !== undefined && !this.#error && this.#settings?.storageFsync === true) {
      try {
        await durability.fsyncFile(fd, this.#path);
        syncedFiles.add(this.#path);
      } catch (err) {
        this.#error ??= asError(err);
      }
    }
    this.#close();
    this.#done = true;
    if (this.#error) await this.discard();
  }

  /** The complete file, once {@link end} succeeded. */
  get received(): ReceivedFile | undefined {
    if (!this.#done || this.#error || this.#path === undefined) return undefined;
    return { path: this.#path, datasetBytes: this.#datasetBytes, fileBytes: this.#fileBytes };
  }

  async abort(error: Error): Promise<void> {
    this.#error ??= error;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#close();
    this.#done = true;
    await this.discard();
  }

  /** Deletes the temporary file (nothing when it is gone already). */
  async discard(): Promise<void> {
    const p = this.#path;
    if (p === undefined) return;
    forgetSyncedFile(p);
    await unlink(p).catch(() => {});
  }
}
