// The C-STORE SCP's sink: the received data set goes, fragment by fragment, to a temporary
// Part 10 file (file meta first). Fragments are written in batches of views (no concatenation),
// one batch on disk while the next one fills; the receive loop waits only when both are busy.
import { closeSync, fsyncSync, openSync, writevSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { open, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { DatasetSink, StorageSettings } from "../channel.js";
import { tempArea, tempFileName } from "./temp-area.js";

/** Bytes of fragments gathered before they are written out (at most two batches are held). */
export const WRITE_BATCH_BYTES = 1024 * 1024;
/**
 * A whole instance up to this size is written with synchronous calls (open, writev, close): for
 * small files three thread-pool round trips cost more than the calls themselves (measured: about
 * 2x the instances per second on loopback with 1 KiB instances).
 */
export const SYNC_WRITE_BYTES = 256 * 1024;

/** What a {@link FileSink} holds once its data set is complete. */
export interface ReceivedFile {
  /** The complete Part 10 file (temporary name). */
  readonly path: string;
  /** Data set bytes received. */
  readonly datasetBytes: number;
}

async function writeAll(fh: FileHandle, bufs: Uint8Array[]): Promise<void> {
  let total = 0;
  for (const b of bufs) total += b.byteLength;
  let written = (await fh.writev(bufs)).bytesWritten;
  // writev may write less than asked; finish the rest piece by piece.
  if (written === total) return;
  let skip = written;
  for (const b of bufs) {
    if (skip >= b.byteLength) {
      skip -= b.byteLength;
      continue;
    }
    const rest = b.subarray(skip);
    skip = 0;
    let at = 0;
    while (at < rest.byteLength) {
      const { bytesWritten } = await fh.write(rest, at, rest.byteLength - at);
      at += bytesWritten;
      written += bytesWritten;
    }
  }
}

/**
 * Writes a received instance to a temporary file while it arrives. A failure (disk full…) is
 * remembered and the remaining fragments are dropped, so the service answers with an Out of
 * Resources status instead of breaking the association.
 */
export class FileSink implements DatasetSink {
  readonly #settings: StorageSettings | undefined;
  #pending: Uint8Array[];
  #pendingBytes = 0;
  #datasetBytes = 0;
  #fh: FileHandle | undefined;
  #path: string | undefined;
  #inflight: Promise<void> = Promise.resolve();
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

  async #flush(): Promise<void> {
    await this.#inflight; // at most one batch on its way to disk
    const bufs = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    if (bufs.length === 0 || this.#error) return;
    this.#inflight = this.#writeOut(bufs);
  }

  async #writeOut(bufs: Uint8Array[]): Promise<void> {
    try {
      if (!this.#fh) {
        const dir = await tempArea(this.#settings?.storageDirectory);
        this.#path = join(dir, tempFileName());
        this.#fh = await open(this.#path, "wx");
      }
      await writeAll(this.#fh, bufs);
    } catch (err) {
      this.#error ??= err instanceof Error ? err : new Error(String(err));
    }
  }

  async end(): Promise<void> {
    if (!this.#fh && !this.#error && this.#pendingBytes <= SYNC_WRITE_BYTES) return this.#writeSmall();
    await this.#flush();
    await this.#inflight;
    const fh = this.#fh;
    this.#done = true;
    try {
      if (fh && !this.#error && this.#settings?.storageFsync === true) await fh.sync();
    } catch (err) {
      this.#error ??= err instanceof Error ? err : new Error(String(err));
    } finally {
      await fh?.close().catch(() => {});
    }
    if (this.#error) await this.discard();
  }

  async #writeSmall(): Promise<void> {
    const dir = await tempArea(this.#settings?.storageDirectory).catch((err: unknown) => {
      this.#error = err instanceof Error ? err : new Error(String(err));
    });
    this.#done = true;
    if (dir === undefined) return;
    const path = join(dir, tempFileName());
    let fd: number | undefined;
    try {
      fd = openSync(path, "wx");
      this.#path = path;
      const bufs = this.#pending;
      this.#pending = [];
      let left = this.#pendingBytes;
      while (left > 0) {
        // writev may write less than asked: drop what was written and go on.
        let n = writevSync(fd, bufs);
        left -= n;
        while (n > 0 && bufs.length > 0) {
          const b = bufs[0] as Uint8Array;
          if (n >= b.byteLength) {
            n -= b.byteLength;
            bufs.shift();
          } else {
            bufs[0] = b.subarray(n);
            n = 0;
          }
        }
      }
      if (this.#settings?.storageFsync === true) fsyncSync(fd);
    } catch (err) {
      this.#error = err instanceof Error ? err : new Error(String(err));
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    if (this.#error) await this.discard();
  }

  /** The complete file, once {@link end} succeeded. */
  get received(): ReceivedFile | undefined {
    if (!this.#done || this.#error || this.#path === undefined) return undefined;
    return { path: this.#path, datasetBytes: this.#datasetBytes };
  }

  async abort(_error: Error): Promise<void> {
    this.#error ??= _error;
    this.#pending = [];
    await this.#inflight;
    await this.#fh?.close().catch(() => {});
    this.#done = true;
    await this.discard();
  }

  /** Deletes the temporary file (nothing when it is gone already). */
  async discard(): Promise<void> {
    const p = this.#path;
    if (p !== undefined) await unlink(p).catch(() => {});
  }
}
