// The C-STORE SCP's sink: the received data set goes, fragment by fragment, to a temporary
// Part 10 file (file meta first). Fragments may alias the socket's read buffer, which the next
// read reuses: large ones are kept as they are only until the receiver says that read is over
// (releaseViews), then written together; small ones are copied into a staging buffer that is
// written out when full and at the end, all with synchronous calls.
import { closeSync, fsync, openSync, writeSync, writevSync } from "node:fs";
import { open, unlink } from "node:fs/promises";
import type { DatasetSink, StorageSettings } from "../channel.js";
import { tempArea, tempAreaReady, tempFilePath } from "./temp-area.js";

/**
 * Most bytes of small fragments staged before they are written out: a whole small instance is
 * one `writev` (file meta included). It also bounds what a sink holds in memory.
 */
export const WRITE_BATCH_BYTES = 256 * 1024;

/** Fragments at least this large are written as they are (with what is staged) instead of copied. */
export const DIRECT_WRITE_BYTES = 32 * 1024;

/**
 * Most fragments kept as views of one read before they are written: bounds the `writev` (and the
 * array) when a peer sends many small PDVs after a large one.
 */
const MAX_KEPT_VIEWS = 64;

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
  let n = bufs.length === 1 ? writeSync(fd, bufs[0] as Uint8Array) : writevSync(fd, bufs);
  // The usual case, with nothing more to work out: one call wrote everything.
  if (n === total) return;
  let left = total;
  for (;;) {
    if (n <= 0) throw new Error("writev wrote nothing");
    left -= n;
    if (left <= 0) return;
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
    n = writevSync(fd, bufs);
  }
}

/**
 * Writes a received instance to a temporary file while it arrives, keeping no view of a fragment
 * past the read it came in (fragments of 32 KiB or more are written when {@link releaseViews}
 * says the read is over, one `writev` for all of them with any smaller one after them; other
 * smaller ones are copied into a staging buffer of up to 256 KiB). Whoever writes views of reused memory into it must call
 * `releaseViews` before reusing that memory. Writes are synchronous
 * (open, writev, close): from the page cache a 1 MiB write takes a fraction of a millisecond,
 * far less than the thread-pool round trips of asynchronous calls, during which the peers sat
 * idle (measured on loopback: see the commit that made them so). Only fsync, which waits for the
 * disk, stays asynchronous. A failure (disk full…) is remembered and the remaining fragments are
 * dropped, so the service answers with an Out of Resources status instead of breaking the
 * association.
 */
export class FileSink implements DatasetSink {
  readonly #settings: StorageSettings | undefined;
  /** The file meta, until it is written. */
  #meta: Uint8Array | undefined;
  /** Copies of small fragments not yet written. */
  #stage: Uint8Array | undefined;
  #staged = 0;
  /**
   * Large fragments of the current read, not yet written: views of the read buffer, valid until
   * {@link releaseViews} (written after what is staged, which is written first whenever one is added).
   */
  #views: Uint8Array[] = [];
  #datasetBytes = 0;
  #fileBytes = 0;
  #fd: number | undefined;
  #path: string | undefined;
  #error: Error | undefined;
  #done = false;

  /** `meta` is the encoded file meta (preamble, "DICM", group 0002), written before the data set. */
  constructor(meta: Uint8Array, settings: StorageSettings | undefined) {
    this.#settings = settings;
    this.#meta = meta;
  }

  /** Why the file could not be written, if it could not. */
  get error(): Error | undefined {
    return this.#error;
  }

  /** Data set bytes received so far. */
  get datasetBytes(): number {
    return this.#datasetBytes;
  }

  /**
   * Takes `chunk`, which may alias a buffer that is reused: a small one is copied (or, after a kept
   * view, kept with it), a large one written at once or, once the temporary directory exists, kept
   * until {@link releaseViews} so that the fragments of one read go out in one `writev`.
   */
  write(chunk: Uint8Array): void | Promise<void> {
    const n = chunk.byteLength;
    this.#datasetBytes += n;
    if (this.#error) return;
    if (n < DIRECT_WRITE_BYTES && this.#staged + n <= WRITE_BATCH_BYTES) {
      if (this.#views.length === 0) {
        this.#stageCopy(chunk);
        return;
      }
      // After a kept view, a small fragment (an instance's tail, mostly) is kept too, aliasing the
      // same read: it goes out in the views' writev (from end() or releaseViews), not in a write
      // of its own after them. Staged bytes must precede views in the file, so nothing is staged
      // while views are kept; past a few dozen views they are written first, then it is staged.
      if (this.#views.length < MAX_KEPT_VIEWS) {
        this.#views.push(chunk);
        return;
      }
      this.#writeViews();
      this.#stageCopy(chunk);
      return;
    }
    if (tempAreaReady(this.#settings?.storageDirectory) !== undefined) {
      this.#views.push(chunk);
      return;
    }
    return this.#flush(chunk);
  }

  /**
   * The read buffer the kept fragments alias is about to be reused: writes them (with what is
   * staged before them). Never throws; a failure is remembered as any write failure is.
   */
  releaseViews(): void {
    if (this.#views.length > 0) this.#writeViews();
  }

  /** Writes what is staged and the kept views: synchronous, since views are kept only once the directory exists. */
  #writeViews(): void {
    const dir = tempAreaReady(this.#settings?.storageDirectory);
    if (dir !== undefined) this.#writeOut(dir, undefined);
  }

  #stageCopy(chunk: Uint8Array): void {
    const need = this.#staged + chunk.byteLength;
    let stage = this.#stage;
    if (stage === undefined || stage.byteLength < need) {
      // Grown by doubling from the first fragment's size: a small instance stays small.
      const size = Math.min(WRITE_BATCH_BYTES, Math.max(need, 1024, 2 * (stage?.byteLength ?? 0)));
      const next = Buffer.allocUnsafe(size);
      if (stage !== undefined && this.#staged > 0) next.set(stage.subarray(0, this.#staged));
      this.#stage = stage = next;
    }
    stage.set(chunk, this.#staged);
    this.#staged = need;
  }

  /** Writes what is staged, then `chunk`; waits only the first time a temporary directory is made. */
  #flush(chunk?: Uint8Array): void | Promise<void> {
    const dir = tempAreaReady(this.#settings?.storageDirectory);
    if (dir !== undefined) return this.#writeOut(dir, chunk);
    // The chunk (and any kept view) outlives this call while the directory is made: keep copies.
    const kept = chunk === undefined ? undefined : new Uint8Array(chunk);
    if (this.#views.length > 0) this.#views = this.#views.map((v) => new Uint8Array(v));
    return tempArea(this.#settings?.storageDirectory).then(
      (d) => this.#writeOut(d, kept),
      (err: unknown) => {
        this.#fail(err);
      },
    );
  }

  #writeOut(dir: string, chunk: Uint8Array | undefined): void {
    const views = this.#views;
    if (views.length > 0) this.#views = [];
    if (this.#error) return;
    const bufs: Uint8Array[] = [];
    let total = 0;
    if (this.#meta !== undefined) {
      bufs.push(this.#meta);
      total += this.#meta.byteLength;
      this.#meta = undefined;
    }
    if (this.#staged > 0 && this.#stage !== undefined) {
      bufs.push(this.#stage.subarray(0, this.#staged));
      total += this.#staged;
      this.#staged = 0;
    }
    for (let i = 0; i < views.length; i++) {
      const view = views[i] as Uint8Array;
      bufs.push(view);
      total += view.byteLength;
    }
    if (chunk !== undefined && chunk.byteLength > 0) {
      bufs.push(chunk);
      total += chunk.byteLength;
    }
    if (bufs.length === 0) return;
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
    this.#stage = undefined;
    this.#staged = 0;
    this.#views = [];
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

  /** Writes what is left; synchronous unless the file is flushed (fsync) or its directory made. */
  end(): void | Promise<void> {
    if (this.#done) return;
    const flushed = this.#flush();
    if (flushed) return flushed.then(() => this.#finish());
    return this.#finish();
  }

  #finish(): void | Promise<void> {
    const fd = this.#fd;
    const path = this.#path;
    // The data must be on disk before the handler may rename it into place and we acknowledge it.
    if (fd !== undefined && path !== undefined && !this.#error && this.#settings?.storageFsync === true) {
      return durability.fsyncFile(fd, path).then(
        () => {
          syncedFiles.add(path);
          return this.#closeDone();
        },
        (err: unknown) => {
          this.#error ??= asError(err);
          return this.#closeDone();
        },
      );
    }
    return this.#closeDone();
  }

  #closeDone(): void | Promise<void> {
    this.#close();
    this.#done = true;
    if (this.#error) return this.discard();
  }

  /** The complete file, once {@link end} succeeded. */
  get received(): ReceivedFile | undefined {
    if (!this.#done || this.#error || this.#path === undefined) return undefined;
    return { path: this.#path, datasetBytes: this.#datasetBytes, fileBytes: this.#fileBytes };
  }

  async abort(error: Error): Promise<void> {
    this.#error ??= error;
    this.#stage = undefined;
    this.#staged = 0;
    this.#views = [];
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
