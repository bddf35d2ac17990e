import type { Socket } from "node:net";
import type { PeerCertificate, TLSSocket } from "node:tls";
import { trace } from "../../util/logger.js";
import { TimeoutError, TransportClosedError } from "../errors.js";
import type { SocketOptions, Transport } from "./transport.js";

/**
 * A {@link Transport} over a connected `net.Socket` or `tls.TLSSocket`. The socket should be
 * created with `allowHalfOpen: true`: a peer's FIN is reported as the close indication and this
 * side then ends its half itself (after flushing what the state machine still has to send).
 */
export class SocketTransport implements Transport {
  private dataHandler: (chunk: Uint8Array) => void = ignoreData;
  private closeHandler: (error?: Error) => void = ignoreClose;
  private isClosed = false;
  private ending = false;
  private closeError: Error | undefined;
  private readonly waiters = new Set<(err?: Error) => void>();
  /** {@link readInto} set the socket's read slots (cleared at close). */
  private readingInto = false;
  /** A 'data' listener was added (see {@link onData}). */
  private listeningForData = false;
  /** A 'drain' listener was added: when a write first found the socket full (most connections never do). */
  private listeningForDrain = false;
  /** Called once the socket is closed, when reading into given memory (see {@link readInto}). */
  private released: (() => void) | undefined;

  /**
   * `keepAliveSet`: the socket already has the keep-alive `options` ask for (an accepted socket
   * inherits it from its listening socket on Linux, see `createTcpServer`), which spares the
   * four setsockopt calls of `setKeepAlive` per connection.
   */
  constructor(
    readonly socket: Socket,
    options: SocketOptions = {},
    keepAliveSet = false,
  ) {
    socket.setNoDelay(options.noDelay ?? true);
    if (!keepAliveSet) socket.setKeepAlive(options.keepAlive ?? true, options.keepAliveInitialDelayMs ?? 60_000);
    if (options.idleTimeoutMs !== undefined && options.idleTimeoutMs > 0) {
      const ms = options.idleTimeoutMs;
      socket.setTimeout(ms, () => this.destroy(new TimeoutError("idle", ms)));
    }
    // The peer half-closed: it will send nothing more, which the upper layer reads as closed.
    socket.on("end", () => this.signalClose());
    socket.on("error", (err: Error) => {
      trace("transport", `socket error: ${err.message}`);
      this.signalClose(err);
    });
    socket.on("close", () => {
      this.signalClose();
      // Node keeps a closed socket that read into our memory (readInto) reachable until a full
      // collection; through its read slots and this transport's handlers it kept the whole
      // association (upper layer, Association, its services) alive across scavenges, to be
      // promoted and collected only by mark-compact (~18 KB and ~50 us of CPU per association
      // in the echo benchmark). Nothing is delivered after the close: let go of all of it.
      this.dataHandler = ignoreData;
      this.closeHandler = ignoreClose;
      if (this.readingInto) clearReadSlots(socket);
      // 'close' follows the handle's close: the kernel writes into the read memory no more.
      const released = this.released;
      this.released = undefined;
      released?.();
    });
  }

  onData(handler: (chunk: Uint8Array) => void): void {
    this.dataHandler = handler;
    // Reading into given memory (readInto) delivers every chunk to its callback, never as
    // 'data': no listener then, and none of the stream's flowing-mode start-up (resume() and its
    // tick) per connection. The end of the stream ('end') is reported either way.
    if (!this.readingInto && !this.listeningForData) {
      this.listeningForData = true;
      this.socket.on("data", (chunk: Buffer) => {
        if (!this.isClosed) this.dataHandler(chunk);
      });
    }
  }

  get needsDrain(): boolean {
    return this.socket.writableNeedDrain;
  }

  /**
   * Reads into the memory `next` gives (see {@link Transport.readInto}). Node offers this as the
   * `onread` option of sockets it connects, not of the ones a server accepts; both kinds keep it
   * in the same three fields, which are set here on a plain TCP socket that has read nothing yet.
   * Where they are not found (another Node version), or on TLS, reads stay as they were.
   */
  readInto(next: () => Uint8Array, released?: () => void): boolean {
    const socket = this.socket as Socket & { _handle?: { useUserBuffer?: (buf: Uint8Array) => void } | null };
    const handle = socket._handle;
    const fields = userBufferFields(socket);
    if (
      fields === undefined ||
      this.isClosed ||
      (socket as Partial<TLSSocket>).encrypted === true ||
      typeof handle?.useUserBuffer !== "function" ||
      socket.bytesRead > 0 ||
      socket.readableLength > 0
    ) {
      return false;
    }
    const first = next();
    const slots = socket as unknown as Record<symbol, unknown>;
    slots[fields.buffer] = first;
    // Called after each read, for the memory of the next one.
    slots[fields.generator] = next;
    slots[fields.callback] = (n: number, buf: Uint8Array) => {
      if (!this.isClosed) this.dataHandler(buf.subarray(0, n));
    };
    handle.useUserBuffer(first);
    this.readingInto = true;
    // Called by the 'close' listener above rather than by a listener of its own.
    this.released = released;
    return true;
  }

  onClose(handler: (error?: Error) => void): void {
    this.closeHandler = handler;
    if (this.isClosed) queueMicrotask(() => handler(this.closeError));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  write(data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    if (this.isClosed || this.socket.destroyed || !this.socket.writable) {
      return Promise.reject(
        new TransportClosedError("cannot write: transport connection closed", { cause: this.closeError }),
      );
    }
    let ok = true;
    if (data instanceof Uint8Array) {
      ok = this.socket.write(data);
    } else if (
      data.length === 2 &&
      (data[0] as Uint8Array).byteLength + (data[1] as Uint8Array).byteLength <= joinBytes
    ) {
      // A small PDU in two parts (a P-DATA-TF header and a command set): one copy into a pooled
      // buffer is cheaper than the stream's corked, two-chunk writev path.
      const a = data[0] as Uint8Array;
      const b = data[1] as Uint8Array;
      const joined = Buffer.allocUnsafe(a.byteLength + b.byteLength);
      joined.set(a, 0);
      joined.set(b, a.byteLength);
      ok = this.socket.write(joined);
    } else {
      this.socket.cork();
      for (const part of data) ok = this.socket.write(part);
      this.socket.uncork();
    }
    // Not full: nothing to wait for, and no promise to make (a write per PDU).
    if (ok) return written;
    if (!this.listeningForDrain) {
      this.listeningForDrain = true;
      this.socket.on("drain", () => this.wake());
    }
    return new Promise<void>((resolve, reject) => {
      const w = (err?: Error) => {
        this.waiters.delete(w);
        if (err) reject(new TransportClosedError("transport closed while writing", { cause: err }));
        else resolve();
      };
      this.waiters.add(w);
    });
  }

  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    if (!this.isClosed) this.socket.resume();
  }

  end(): void {
    // The upper layer may end more than once (the confirmation, then the close): one timer.
    if (this.ending) return;
    this.ending = true;
    const socket = this.socket;
    if (socket.destroyed) return;
    // The peer has closed its half (all it sent was read) and nothing of ours waits in the
    // stream: close(2) alone sends our FIN after whatever the kernel still holds. One system call
    // instead of shutdown(2), the stream's shutdown request and 'finish', then close(2).
    if (this.canCloseAtOnce() && socket.readableEnded) {
      socket.destroy();
      return;
    }
    socket.end();
    // A peer that never closes its side must not keep the socket open for ever.
    socket.setTimeout(5_000, () => socket.destroy());
  }

  close(): void {
    if (this.ending) return;
    if (!this.canCloseAtOnce()) {
      this.end();
      return;
    }
    this.ending = true;
    this.socket.destroy();
  }

  /**
   * True when closing the socket now loses nothing: plain TCP (TLS ends with its close_notify
   * alert, which only `end` sends) and every byte written has left the stream for the kernel,
   * which still delivers it before the FIN of close(2) (no SO_LINGER).
   */
  private canCloseAtOnce(): boolean {
    const socket = this.socket;
    return (socket as Partial<TLSSocket>).encrypted !== true && socket.writableLength === 0 && !socket.destroyed;
  }

  destroy(error?: Error): void {
    this.signalClose(error);
    this.socket.destroy();
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  get localAddress(): string | undefined {
    return this.socket.localAddress;
  }

  get localPort(): number | undefined {
    return this.socket.localPort;
  }

  peerCertificate(): PeerCertificate | undefined {
    const tls = this.socket as Partial<TLSSocket>;
    if (typeof tls.getPeerCertificate !== "function") return undefined;
    const cert = tls.getPeerCertificate();
    return cert && Object.keys(cert).length > 0 ? cert : undefined;
  }

  private wake(err?: Error): void {
    if (this.waiters.size === 0) return;
    for (const w of [...this.waiters]) w(err);
  }

  private signalClose(error?: Error): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closeError = error;
    if (this.waiters.size > 0) this.wake(error ?? new TransportClosedError());
    const handler = this.closeHandler;
    handler(error);
  }
}

/** Two-part writes up to this size are joined into one buffer (see `write`). */
const joinBytes = 2048;

const ignoreData = (_chunk: Uint8Array): void => {};
const ignoreClose = (_error?: Error): void => {};

/** Empties the `onread` slots {@link SocketTransport.readInto} set, so the closed socket holds none of our closures. */
function clearReadSlots(socket: Socket): void {
  const fields = userBufferFields(socket);
  if (fields === undefined) return;
  const slots = socket as unknown as Record<symbol, unknown>;
  slots[fields.buffer] = null;
  slots[fields.generator] = null;
  slots[fields.callback] = null;
}

/** The answer of every write the socket took without exceeding its high-water mark. */
const written: Promise<void> = Promise.resolve();

interface UserBufferFields {
  readonly buffer: symbol;
  readonly callback: symbol;
  readonly generator: symbol;
}

let fieldsOfSockets: UserBufferFields | null | undefined;

/** The symbols under which `net.Socket` keeps its `onread` settings (kBuffer, kBufferCb, kBufferGen in Node 20). */
function userBufferFields(socket: Socket): UserBufferFields | undefined {
  if (fieldsOfSockets === undefined) {
    const symbols = Object.getOwnPropertySymbols(socket);
    const find = (name: string) => symbols.find((s) => s.description === name);
    const buffer = find("kBuffer");
    const callback = find("kBufferCb");
    const generator = find("kBufferGen");
    fieldsOfSockets = buffer && callback && generator ? { buffer, callback, generator } : null;
  }
  return fieldsOfSockets ?? undefined;
}
