import { createServer, connect as netConnect, type Server, type Socket } from "node:net";
import { TimeoutError, TransportClosedError } from "../errors.js";
import { SocketTransport } from "./socket-transport.js";
import type { SocketOptions } from "./transport.js";

/** Where and how to open a TCP connection. */
export interface TcpConnectOptions extends SocketOptions {
  readonly host: string;
  readonly port: number;
  /** 4 or 6 to force an address family; default: whatever `host` resolves to first. */
  readonly family?: 4 | 6;
  /** Give up if the connection is not open within this many ms (default 30000; 0 = never). */
  readonly connectTimeoutMs?: number;
  /** Cancels the attempt. */
  readonly signal?: AbortSignal;
}

/**
 * Settles `promise`-style on the first of `readyEvent`, 'error', 'close', the timeout or the
 * signal, and cleans up the others. Shared by the TCP and TLS connectors.
 */
export function awaitConnected(
  socket: Socket,
  readyEvent: "connect" | "secureConnect",
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = (err?: Error) => {
      if (timer !== undefined) clearTimeout(timer);
      socket.off(readyEvent, onReady);
      socket.off("error", onError);
      socket.off("close", onClose);
      signal?.removeEventListener("abort", onAbort);
      if (err) {
        socket.destroy();
        reject(err);
      } else resolve();
    };
    const onReady = () => done();
    const onError = (err: Error) => done(new TransportClosedError(`connection failed: ${err.message}`, { cause: err }));
    const onClose = () => done(new TransportClosedError("connection closed before it was established"));
    const onAbort = () => done(new TransportClosedError("connection attempt aborted", { cause: signal?.reason }));
    // `on`, not `once`: done() removes all three anyway, and once() wraps each in a closure.
    socket.on(readyEvent, onReady);
    socket.on("error", onError);
    socket.on("close", onClose);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    if (timeoutMs > 0) timer = setTimeout(() => done(new TimeoutError("connect", timeoutMs)), timeoutMs);
  });
}

/** Opens a TCP connection (PS3.8 9.1.2: TRANSPORT CONNECT, the requestor's active open). */
export function connectTcp(options: TcpConnectOptions): Promise<SocketTransport> {
  let socket: Socket;
  try {
    socket = netConnect({
      host: options.host,
      port: options.port,
      family: options.family,
      allowHalfOpen: true,
      noDelay: options.noDelay ?? true,
    });
  } catch (err) {
    // A bad port or host throws at once: still a rejection, as from the async function it was.
    return Promise.reject(err);
  }
  socket.on("error", () => {}); // reported through awaitConnected / SocketTransport
  // A then, not an async function: one promise and one turn less per connection.
  return awaitConnected(socket, "connect", options.connectTimeoutMs ?? 30_000, options.signal).then(
    () => new SocketTransport(socket, options),
  );
}

/** Options of a listening TCP server. */
export interface TcpServerOptions extends SocketOptions {}

/**
 * A TCP server whose connections arrive as transports (the acceptor's passive open, PS3.8 9.1.2).
 * Call `listen` on the returned server; close it when done.
 */
export function createTcpServer(onTransport: (t: SocketTransport) => void, options: TcpServerOptions = {}): Server {
  let keepAliveSet = false;
  const server = createServer({ allowHalfOpen: true, noDelay: options.noDelay ?? true }, (socket) => {
    onTransport(new SocketTransport(socket, options, keepAliveSet));
  });
  // Before any connection is accepted (connections are read from the loop after 'listening').
  server.on("listening", () => {
    keepAliveSet = setListenerKeepAlive(server, options);
  });
  return server;
}

/**
 * Turns keep-alive on, with the options' delay, on the listening socket itself, once: Linux
 * copies SO_KEEPALIVE and the TCP_KEEPIDLE/KEEPINTVL/KEEPCNT values to every socket accept(2)
 * returns, which then needs none of its own. True when done; false elsewhere (other systems,
 * keep-alive off, a handle without the method), where each socket is set as before.
 */
function setListenerKeepAlive(server: Server, options: SocketOptions): boolean {
  if (process.platform !== "linux" || !(options.keepAlive ?? true)) return false;
  // Node's delay in whole seconds, as Socket.setKeepAlive computes it (0 is refused: see below).
  const delaySeconds = Math.trunc((options.keepAliveInitialDelayMs ?? 60_000) / 1000);
  if (delaySeconds < 1) return false;
  const handle = (server as unknown as { _handle?: { setKeepAlive?: (on: boolean, delay: number) => number } | null })
    ._handle;
  if (typeof handle?.setKeepAlive !== "function") return false;
  return handle.setKeepAlive(true, delaySeconds) === 0;
}
