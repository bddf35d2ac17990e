// The synchronous reading of a small file to send (C-STORE SCU), in two steps: the first read
// buffer, which may be done ahead while the C-STORE still waits for a window slot, and the rest.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { DicomParseError } from "../../dataset/errors.js";

/**
 * Files up to this size are read whole with synchronous calls (open, fstat, read, close) and sent
 * from that one buffer: from the page cache this costs far less than the four thread-pool round
 * trips of an asynchronous read, which leave both peers idle between instances (measured on
 * loopback, 200 x 0.5 MiB: see the commit). It bounds the memory one C-STORE holds.
 */
export const SYNC_READ_BYTES = 4 * 1024 * 1024;

/** At most this much of a file is read ahead of its window slot (see {@link startFile}). */
export const READ_AHEAD_BYTES = 1024 * 1024;

/**
 * Read buffers kept for the next small files, one per C-STORE that may be outstanding at once (an
 * asynchronous operations window keeps several in flight). A buffer goes back here only after its
 * C-STORE was answered with a status: the peer has then received every byte, so no socket write
 * still refers to it. Reusing them spares an allocation per instance, which otherwise churns
 * external memory and triggers garbage collections (measured: see the commit).
 */
const spares: Buffer[] = [];
let spareBytes = 0;
/**
 * Spare buffers kept: enough for storescu's default window of 16 outstanding C-STOREs, the one
 * reading ahead and a few more (with 8, a window of 16 allocated a fresh 1 MiB buffer for most
 * instances: 2000 tiny files cost 100 ms of garbage collection, 36 ms with 24), and never more
 * than {@link MAX_SPARE_BYTES} in all.
 */
const MAX_SPARES = 24;
/** The most memory the spare buffers hold together (they hold at most {@link SYNC_READ_BYTES} each). */
const MAX_SPARE_BYTES = 32 * 1024 * 1024;

/** @internal What the spare buffers hold now (for tests). */
export function sparesHeld(): { count: number; bytes: number } {
  return { count: spares.length, bytes: spareBytes };
}

/** A kept buffer of at least `size` bytes, taken out of {@link spares}, or undefined. */
function takeSpare(size: number): Buffer | undefined {
  const at = spares.findIndex((b) => b.byteLength >= size);
  if (at < 0) return undefined;
  const [buf] = spares.splice(at, 1) as [Buffer];
  spareBytes -= buf.byteLength;
  return buf;
}

/** Keeps `buf` for a later file when there is room; else the smallest kept one makes way for a larger one. */
export function keepSpare(buf: Buffer): void {
  if (spares.length < MAX_SPARES && spareBytes + buf.byteLength <= MAX_SPARE_BYTES) {
    spares.push(buf);
    spareBytes += buf.byteLength;
    return;
  }
  let smallest = 0;
  for (let i = 1; i < spares.length; i++) if (spares[i]!.byteLength < spares[smallest]!.byteLength) smallest = i;
  const old = spares[smallest];
  if (old && old.byteLength < buf.byteLength && spareBytes - old.byteLength + buf.byteLength <= MAX_SPARE_BYTES) {
    spares[smallest] = buf;
    spareBytes += buf.byteLength - old.byteLength;
  }
}

/** Reads from `fd` into `buf` from `filled` on, until `end` or the end of the file; returns the bytes now in `buf`. */
function readUntil(fd: number, buf: Buffer, filled: number, end: number): number {
  while (filled < end) {
    const n = readSync(fd, buf, filled, end - filled, filled);
    if (n === 0) break;
    filled += n;
  }
  return filled;
}

/** A read buffer for a file of `size` bytes: whole MiB, so that files of nearly the same size (a series) share one. */
function readBuffer(size: number): Buffer {
  return Buffer.allocUnsafeSlow(Math.min(SYNC_READ_BYTES, Math.ceil(Math.max(size, 1) / 2 ** 20) * 2 ** 20));
}

/** The error for a file that cannot be read (a `DicomParseError` is kept as it is). */
export function unreadable(path: string, err: unknown): DicomParseError {
  if (err instanceof DicomParseError) return err;
  const why = err instanceof Error ? err.message : String(err);
  return new DicomParseError(`cannot read ${path}: ${why}`, { offset: 0 }, { cause: err });
}

/**
 * The first read of a file to send: its first bytes in `buf` and, while more may follow, the
 * open descriptor to read them from; or the error that stopped it (thrown by {@link finishFile},
 * so that it is that C-STORE's failure).
 */
export interface FileStart {
  readonly path: string;
  /** Open while the file may go on past `filled`; closed by {@link finishFile} or {@link dropFile}. */
  fd: number | undefined;
  buf: Buffer | undefined;
  filled: number;
  readonly error?: unknown;
}

/**
 * Opens `path` and reads its first bytes into a kept (or new) buffer: the whole buffer, or at
 * most `limit` bytes of it. A file that ends within them is closed at once; a longer one keeps
 * its descriptor open for {@link finishFile}. Never throws: an error is kept in the result.
 */
export function startFile(path: string, limit = SYNC_READ_BYTES): FileStart {
  let fd: number | undefined;
  let buf: Buffer | undefined;
  try {
    fd = openSync(path, "r");
    buf = takeSpare(0) ?? readBuffer(0);
    const end = Math.min(buf.byteLength, limit);
    const filled = readUntil(fd, buf, 0, end);
    if (filled < end) {
      closeSync(fd);
      fd = undefined;
    }
    return { path, fd, buf, filled };
  } catch (error) {
    // Nothing refers to the buffer yet: it can serve the next file.
    if (buf) keepSpare(buf);
    if (fd !== undefined) closeSync(fd);
    return { path, fd: undefined, buf: undefined, filled: 0, error };
  }
}

/**
 * What {@link finishRead} found: a small file whole, or the first bytes of a larger one (a full
 * read buffer) and its size, for the caller to stream the rest.
 */
export type FileRead =
  | { readonly whole: Buffer }
  | {
      readonly head: Buffer;
      readonly size: number;
      /** The file, still open: the caller streams the rest from it and closes it. */
      readonly fd: number;
    };

/**
 * The whole file begun by `start` when it is small (read synchronously, up to
 * {@link SYNC_READ_BYTES}), else its first bytes, size and open descriptor (the caller streams the
 * rest from it and closes it; the head spares it reading them again, the descriptor opening the
 * file again). Only when the first read filled its buffer is the size asked for
 * (fstat): a small file thus costs open, read, a read that finds the end, close; the Stats object
 * of an fstat per instance showed among the largest allocations. The buffers returned are views
 * of kept (or new) read buffers: give them back with {@link keepSpare} once no write refers to
 * them. Throws `DicomParseError` when the file could not be read. Closes the descriptor of a
 * small file.
 */
export function finishRead(start: FileStart): FileRead {
  const { path, fd } = start;
  let buf = start.buf;
  start.fd = undefined;
  start.buf = undefined;
  if (start.error !== undefined || !buf) throw unreadable(path, start.error);
  let streamed = false;
  try {
    let filled = start.filled;
    if (fd !== undefined) {
      filled = readUntil(fd, buf, filled, buf.byteLength);
      if (filled === buf.byteLength) {
        const size = fstatSync(fd).size;
        if (size > SYNC_READ_BYTES) {
          streamed = true;
          return { head: buf.subarray(0, filled), size, fd };
        }
        if (size > buf.byteLength) {
          const larger = takeSpare(size) ?? readBuffer(size);
          larger.set(buf.subarray(0, filled));
          keepSpare(buf);
          buf = larger;
          filled = readUntil(fd, buf, filled, buf.byteLength);
        }
      }
    }
    return { whole: buf.subarray(0, filled) };
  } catch (err) {
    // A failed read may leave `buf` unreferenced: it is simply dropped.
    throw unreadable(path, err);
  } finally {
    if (fd !== undefined && !streamed) closeSync(fd);
  }
}

/**
 * The whole file begun by `start` when it is small, else undefined (the caller streams it): as
 * {@link finishRead}, a larger file closed and its head going back to the spare buffers.
 */
export function finishFile(start: FileStart): Buffer | undefined {
  const read = finishRead(start);
  if ("whole" in read) return read.whole;
  closeSync(read.fd);
  keepSpare(wholeBuffer(read.head));
  return undefined;
}

/** The whole read buffer a view returned by {@link finishRead} or {@link borrowBuffer} lies in. */
export function wholeBuffer(view: Uint8Array): Buffer {
  return Buffer.from(view.buffer, 0, view.buffer.byteLength);
}

/**
 * A read buffer of at least `size` bytes (at most {@link SYNC_READ_BYTES}) from the spare ones,
 * or a new one: for the chunks of a streamed file, given back with {@link keepSpare} once no
 * write refers to it. Reusing them spares each file its own fresh megabytes, whose external
 * memory otherwise drove full garbage collections (measured: see the commit).
 */
export function borrowBuffer(size: number): Buffer {
  return takeSpare(size) ?? readBuffer(size);
}

/** Gives up a file begun by {@link startFile} and never sent: closes it and keeps its buffer. */
export function dropFile(start: FileStart): void {
  if (start.fd !== undefined) closeSync(start.fd);
  if (start.buf) keepSpare(start.buf);
  start.fd = undefined;
  start.buf = undefined;
}
