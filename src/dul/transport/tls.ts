import {
  type ConnectionOptions,
  createServer,
  type SecureContextOptions,
  type Server,
  connect as tlsConnect,
} from "node:tls";
import { SocketTransport } from "./socket-transport.js";
import { awaitConnected, type TcpConnectOptions } from "./tcp.js";
import type { SocketOptions } from "./transport.js";

/** TLS options passed through to `node:tls` (PS3.15 B.1: the secure transport connection profile). */
export interface TlsOptions extends SecureContextOptions {
  /** Verify the peer's certificate against `ca` (default true; turn off only for tests). */
  readonly rejectUnauthorized?: boolean;
  /** The name to check the server certificate against (default: `host`). */
  readonly servername?: string;
  /** Server side: ask clients for a certificate. */
  readonly requestCert?: boolean;
}

/** Where and how to open a TLS connection. */
export interface TlsConnectOptions extends TcpConnectOptions {
  readonly tls?: TlsOptions;
}

/**
 * Opens a TLS connection; resolves after the handshake, with the certificate verified unless
 * `tls.rejectUnauthorized` is false. The connect timeout covers the TCP connect and the handshake.
 */
export async function connectTls(options: TlsConnectOptions): Promise<SocketTransport> {
  const { requestCert: _unused, ...tls } = options.tls ?? {};
  const opts: ConnectionOptions = {
    ...tls,
    host: options.host,
    port: options.port,
    // tls.connect hands these to the net.Socket it creates; @types/node does not list them.
    ...{ allowHalfOpen: true, ...(options.family === undefined ? {} : { family: options.family }) },
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
  };
  // Certificate names are never IP addresses in SNI (RFC 6066 3), so only send a host name.
  if (opts.servername === undefined && !/^[\d.]+$|:/.test(options.host)) opts.servername = options.host;
  const socket = tlsConnect(opts);
  socket.on("error", () => {}); // reported through awaitConnected / SocketTransport
  await awaitConnected(socket, "secureConnect", options.connectTimeoutMs ?? 30_000, options.signal);
  return new SocketTransport(socket, options);
}

/** Options of a listening TLS server. */
export interface TlsServerOptions extends SocketOptions {
  readonly tls: TlsOptions;
}

/**
 * A TLS server whose connections arrive, handshake done, as transports. With
 * `tls.requestCert` the client must present a certificate that `tls.ca` verifies, unless
 * `tls.rejectUnauthorized` is false.
 */
export function createTlsServer(onTransport: (t: SocketTransport) => void, options: TlsServerOptions): Server {
  const server = createServer({
    ...options.tls,
    allowHalfOpen: true,
    rejectUnauthorized: options.tls.rejectUnauthorized ?? true,
  });
  server.on("secureConnection", (socket) => onTransport(new SocketTransport(socket, options)));
  // A failed handshake must not take the server down.
  server.on("tlsClientError", (_err, socket) => socket.destroy());
  return server;
}
