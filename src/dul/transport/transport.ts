import type { PeerCertificate } from "node:tls";

/**
 * The byte pipe the upper-layer provider runs over: one TCP or TLS connection (PS3.8 9.1).
 * Implementations never throw from callbacks and report every failure through `onClose`.
 */
export interface Transport {
  /**
   * Writes one buffer, or several back to back (header and payload without a copy). Resolves once
   * the socket has accepted the bytes without exceeding its high-water mark, i.e. after 'drain'
   * when it was full: awaiting every write is the backpressure. Rejects with
   * `TransportClosedError` when the connection is gone.
   */
  write(data: Uint8Array | readonly Uint8Array[]): Promise<void>;
  /**
   * Holds writes until {@link uncork}, so that several go out in one system call (optional: a
   * transport without it writes each at once).
   */
  cork?(): void;
  /** Writes what was held since {@link cork}. */
  uncork?(): void;
  /**
   * True while a write has gone past the high-water mark and the socket has not drained yet (the
   * writes since then wait for 'drain'). Optional: a transport without it never reports it.
   */
  readonly needsDrain?: boolean;
  /**
   * Sets the receiver of incoming bytes (chunks alias the socket's buffers). Call {@link readInto}
   * first when using it: a transport may start reading only once a receiver is set.
   */
  onData(handler: (chunk: Uint8Array) => void): void;
  /**
   * Optional: reads incoming bytes into memory the reader supplies instead of fresh buffers.
   * `next` is called for the memory of each read (first at once, then after each `onData` call
   * returns); each chunk passed to `onData` is then the start of the last memory `next` gave, and
   * the reader may reuse it after the handler returns. Returns false (and changes nothing) when
   * the transport cannot do it (TLS, or bytes were already read): chunks then stay the reader's.
   * `released`, if given, is called once when no read can land in that memory any more (the
   * socket is closed), so that it can be reused elsewhere.
   */
  readInto?(next: () => Uint8Array, released?: () => void): boolean;
  /**
   * Sets the receiver of the one close indication: the peer closed (FIN), the connection reset,
   * the idle timer fired (`error` is a `TimeoutError`), or `end`/`destroy` was called.
   */
  onClose(handler: (error?: Error) => void): void;
  /** Stops reading from the socket (the kernel window fills and the peer is slowed down). */
  pause(): void;
  /** Resumes reading. */
  resume(): void;
  /** Flushes pending writes, then closes this side of the connection. */
  end(): void;
  /**
   * Optional: closes the connection once nothing more is to be read from it (PS3.8 AR-3, the
   * requestor after the A-RELEASE-RP): what was written is still delivered, anything the peer
   * sends afterwards is refused. Without it, or when it cannot close at once, it is {@link end}.
   */
  close?(): void;
  /** Closes the connection at once, dropping pending writes. */
  destroy(error?: Error): void;
  /** True once the close indication has been (or is being) delivered. */
  readonly closed: boolean;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly localAddress: string | undefined;
  readonly localPort: number | undefined;
  /** The peer's certificate on a TLS connection (undefined for TCP, or when the peer sent none). */
  peerCertificate(): PeerCertificate | undefined;
}

/** Socket options shared by the TCP and TLS adapters. */
export interface SocketOptions {
  /** Disable Nagle's algorithm (default true: PDUs are written whole, latency matters). */
  readonly noDelay?: boolean;
  /** TCP keep-alive (default true), with this initial delay in ms (default 60000). */
  readonly keepAlive?: boolean;
  readonly keepAliveInitialDelayMs?: number;
  /** Close the connection when nothing is sent or received for this long (ms; default 0 = never). */
  readonly idleTimeoutMs?: number;
}
