import { Socket } from "node:net";
import type { PeerCertificate, TLSSocket } from "node:tls";
import { trace } from "../../util/logger.js";
import { TimeoutError, TransportClosedError } from "../errors.js";
import type { SocketOptions, Transport } from "./transport.js";

/** Size of the one buffer the kernel's bytes are read into, per connection. */
const readBufferSize = 256 * 1024;
/** Size of the slabs received bytes are copied into and handed on as views. */
const slabSize = 1024 * 1024;

/**
 * Reads a plain TCP socket into one fixed buffer (net.Socket's `onread`) and copies each read
 * into the free tail of a 1 MiB slab, handing the copy on as a view. The views outlive the read
 * (the P-DATA path queues them until they are written to a file), and a slab is freed by the
 * garbage collector once no view of it is alive. Why: by default Node allocates a new 64 KiB
 * ArrayBuffer for every read, ~1600 per 100 MB, and collecting them was the receive path's
 * largest CPU cost; here it is one allocation per MiB and fewer, larger reads.
 */
export class SlabReader {
  /** The buffer handed to `onread`; overwritten by every read. */
  readonly readBuffer: Buffer = Buffer.allocUnsafeSlow(readBufferSize);
  private slab: Buffer = Buffer.allocUnsafeSlow(0);
  private at = 0;
  /** Receives the copied bytes; set by the transport. */
  sink: (chunk: Uint8Array) => void = () => {};

  /** The `onread.callback`: `n` bytes were read into {@link readBuffer}. */
  deliver(n: number): void {
    let from = 0;
    // At most two turns: the slab's tail, then a fresh slab (n never exceeds a slab).
    while (from < n) {
      if (this.at === this.slab.byteLength) {
        this.slab = Buffer.allocUnsafeSlow(slabSize);
        this.at = 0;
      }
      const k = Math.min(n - from, this.slab.byteLength - this.at);
      this.slab.set(this.readBuffer.subarray(from, from + k), this.at);
      const view = this.slab.subarray(this.at, this.at + k);
      this.at += k;
      from += k;
      this.sink(view);
    }
  }

  /**
   * A socket reading through a new SlabReader on the handle of `accepted`, a connection a
   * `net.Server` created with `pauseOnConnect` (so nothing has been read from it yet), or
   * undefined when this Node does not allow it (the caller then keeps `accepted`).
   */
  static adopt(accepted: Socket): { socket: Socket; reader: SlabReader } | undefined {
    const handle = (accepted as unknown as { _handle?: unknown })._handle;
    if (handle === null || typeof handle !== "object") return undefined;
    const reader = new SlabReader();
    const socket = new Socket({
      handle,
      allowHalfOpen: true,
      onread: { buffer: reader.readBuffer, callback: (n: number) => reader.deliver(n) },
    } as ConstructorParameters<typeof Socket>[0]);
    return { socket, reader };
  }
}

/**
 * A {@link Transport} over a connected `net.Socket` or `tls.TLSSocket`. The socket should be
 * created with `allowHalfOpen: true`: a peer's FIN is reported as the close indication and this
 * side then ends its half itself (after flushing what the state machine still has to send).
 */
export class SocketTransport implements Transport {
  private dataHandler: (chunk: Uint8Array) => void = () => {};
  private closeHandler: (error?: Error) => void = () => {};
  private isClosed = false;
  private closeError: Error | undefined;
  private readonly waiters = new Set<(err?: Error) => void>();

  constructor(
    readonly socket: Socket,
    options: SocketOptions = {},
    reader?: SlabReader,
  ) {
    if (reader)
      reader.sink = (chunk) => {
        if (!this.isClosed) this.dataHandler(chunk);
      };
    socket.setNoDelay(options.noDelay ?? true);
    socket.setKeepAlive(options.keepAlive ?? true, options.keepAliveInitialDelayMs ?? 60_000);
    if (options.idleTimeoutMs !== undefined && options.idleTimeoutMs > 0) {
      const ms = options.idleTimeoutMs;
      socket.setTimeout(ms, () => this.destroy(new TimeoutError("idle", ms)));
    }
    socket.on("data", (chunk: Buffer) => {
      if (!this.isClosed) this.dataHandler(chunk);
    });
    socket.on("drain", () => this.wake());
    // The peer half-closed: it will send nothing more, which the upper layer reads as closed.
    socket.on("end", () => this.signalClose());
    socket.on("error", (err: Error) => {
      trace("transport", `socket error: ${err.message}`);
      this.signalClose(err);
    });
    socket.on("close", () => this.signalClose());
  }

  onData(handler: (chunk: Uint8Array) => void): void {
    this.dataHandler = handler;
  }

  onClose(handler: (error?: Error) => void): void {
    this.closeHandler = handler;
    if (this.isClosed) queueMicrotask(() => handler(this.closeError));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  async write(data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    if (this.isClosed || this.socket.destroyed || !this.socket.writable) {
      throw new TransportClosedError("cannot write: transport connection closed", { cause: this.closeError });
    }
    let ok = true;
    if (data instanceof Uint8Array) {
      ok = this.socket.write(data);
    } else {
      this.socket.cork();
      for (const part of data) ok = this.socket.write(part);
      this.socket.uncork();
    }
    if (ok) return;
    await new Promise<void>((resolve, reject) => {
      const w = (err?: Error) => {
        this.waiters.delete(w);
        if (err) reject(new TransportClosedError("transport closed while writing", { cause: err }));
        else resolve();
      };
      this.waiters.add(w);
    });
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    if (!this.isClosed) this.socket.resume();
  }

  end(): void {
    if (!this.socket.destroyed) this.socket.end();
    // A peer that never closes its side must not keep the socket open for ever.
    this.socket.setTimeout(5_000, () => this.socket.destroy());
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
    for (const w of [...this.waiters]) w(err);
  }

  private signalClose(error?: Error): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closeError = error;
    this.wake(error ?? new TransportClosedError());
    const handler = this.closeHandler;
    handler(error);
  }
}
