// TLS transport (PS3.15 B.9-B.11: the secure transport connection profiles built on BCP 195):
// the profiles as node:tls settings, a client connect and a server whose connections arrive as
// transports once the handshake is done.
import type { ConnectionOptions, SecureContextOptions, SecureVersion, Server } from "node:tls";
import { tls as tlsModule } from "../../util/builtins.js";
import { NetdicomError } from "../../util/errors.js";
import { SocketTransport } from "./socket-transport.js";
import { awaitConnected, type TcpConnectOptions } from "./tcp.js";
import type { SocketOptions } from "./transport.js";

/**
 * A PS3.15 TLS profile: `bcp195` (B.9, BCP 195 TLS Secure Transport Connection Profile),
 * `bcp195-nd` (B.10, Non-Downgrading BCP 195) or `bcp195-extended` (B.11, Extended BCP 195).
 */
export type TlsProfile = "bcp195" | "bcp195-nd" | "bcp195-extended";

/** The names of the profiles, in the order the apps list them. */
export const tlsProfileNames: readonly TlsProfile[] = Object.freeze(["bcp195", "bcp195-nd", "bcp195-extended"]);

/** What a profile sets on a `node:tls` context. */
export interface TlsProfileSettings {
  /** The lowest protocol version negotiated. */
  readonly minVersion: SecureVersion;
  /** The TLS 1.2 cipher suites the profile's table lists, strongest first (OpenSSL names). */
  readonly tls12Ciphers: readonly string[];
  /** The TLS 1.3 cipher suites allowed (all AEAD with ephemeral key exchange, RFC 8446 B.4). */
  readonly tls13Ciphers: readonly string[];
  /** Key exchange groups, all of at least 256 bits (PS3.15 B.11: "ECDHE ... 256 bits or more"). */
  readonly ecdhCurve: string;
}

// RFC 9325 4.2 (BCP 195): TLS 1.3 is preferred where both sides have it; its suites are all
// forward secret AEAD, so every profile keeps them.
const tls13 = Object.freeze(["TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"]);

// PS3.15 B.9 and B.10 list the same four suites: (EC)DHE with RSA authentication and AES-GCM.
// B.9 also lets an implementation fall back to the retired AES/Basic profiles' suites
// (TLS_RSA_WITH_AES_128_CBC_SHA, 3DES) for old peers; those have no forward secrecy and RFC 8996
// (now part of BCP 195) deprecates the TLS versions they were for, so they are left out.
const bcp195Suites = Object.freeze([
  "ECDHE-RSA-AES256-GCM-SHA384", // TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
  "ECDHE-RSA-AES128-GCM-SHA256", // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
  "DHE-RSA-AES256-GCM-SHA384", // TLS_DHE_RSA_WITH_AES_256_GCM_SHA384
  "DHE-RSA-AES128-GCM-SHA256", // TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
]);

// PS3.15 B.11: the B.10 suites plus ECDSA authentication and ChaCha20-Poly1305.
const extendedSuites = Object.freeze([
  "ECDHE-ECDSA-AES256-GCM-SHA384", // TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305", // TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
  "ECDHE-RSA-CHACHA20-POLY1305", // TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
  "ECDHE-ECDSA-AES128-GCM-SHA256", // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
  "ECDHE-RSA-AES128-GCM-SHA256",
  "DHE-RSA-AES256-GCM-SHA384",
  "DHE-RSA-CHACHA20-POLY1305", // TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256
  "DHE-RSA-AES128-GCM-SHA256",
]);

const curves = "X25519:P-256:P-384:P-521";

/**
 * The settings of each profile. Every profile starts at TLS 1.2: B.10 and B.11 forbid TLS 1.0
 * and 1.1 outright, and RFC 8996 (part of BCP 195, which B.9 follows) deprecates them.
 */
export const tlsProfiles: Readonly<Record<TlsProfile, TlsProfileSettings>> = Object.freeze({
  bcp195: { minVersion: "TLSv1.2", tls12Ciphers: bcp195Suites, tls13Ciphers: tls13, ecdhCurve: curves },
  "bcp195-nd": { minVersion: "TLSv1.2", tls12Ciphers: bcp195Suites, tls13Ciphers: tls13, ecdhCurve: curves },
  "bcp195-extended": { minVersion: "TLSv1.2", tls12Ciphers: extendedSuites, tls13Ciphers: tls13, ecdhCurve: curves },
});

/** True for the name of a profile. */
export function isTlsProfile(name: unknown): name is TlsProfile {
  return typeof name === "string" && (tlsProfileNames as readonly string[]).includes(name);
}

/** Every cipher suite a profile may negotiate (OpenSSL names, as `TLSSocket.getCipher().name` gives them). */
export function profileCiphers(profile: TlsProfile): readonly string[] {
  const p = tlsProfiles[profile];
  return [...p.tls13Ciphers, ...p.tls12Ciphers];
}

/** The `node:tls` context options of a profile. */
export function profileContextOptions(profile: TlsProfile): {
  minVersion: SecureVersion;
  ciphers: string;
  ecdhCurve: string;
} {
  const p = tlsProfiles[profile];
  return { minVersion: p.minVersion, ciphers: profileCiphers(profile).join(":"), ecdhCurve: p.ecdhCurve };
}

/**
 * TLS options passed through to `node:tls`, on top of a PS3.15 profile. The profile sets
 * `minVersion`, `ciphers` and `ecdhCurve` (and, on a server, `honorCipherOrder` and `dhparam:
 * "auto"`); any of them given here explicitly wins over the profile.
 */
export interface TlsOptions extends SecureContextOptions {
  /** The secure transport connection profile (default "bcp195", PS3.15 B.9). */
  readonly profile?: TlsProfile;
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
  const { requestCert: _unused, profile, ...tls } = options.tls ?? {};
  const opts: ConnectionOptions = {
    ...profileContextOptions(checkProfile(profile)),
    ...definedOnly(tls),
    host: options.host,
    port: options.port,
    // tls.connect hands these to the net.Socket it creates; @types/node does not list them.
    ...{ allowHalfOpen: true, ...(options.family === undefined ? {} : { family: options.family }) },
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
  };
  // Certificate names are never IP addresses in SNI (RFC 6066 3), so only send a host name.
  if (opts.servername === undefined && !/^[\d.]+$|:/.test(options.host)) opts.servername = options.host;
  const socket = tlsModule().connect(opts);
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
  const { profile, ...tls } = options.tls;
  const server = tlsModule().createServer({
    ...profileContextOptions(checkProfile(profile)),
    // RFC 9325 4.2.1 (BCP 195): servers choose the suite by their own order, strongest first.
    honorCipherOrder: true,
    // The DHE suites the profiles list need parameters; "auto" picks well-known groups of at
    // least 2048 bits for a 2048-bit key (PS3.15 B.11: "DHE ... 2048 bits or more").
    dhparam: "auto",
    ...definedOnly(tls),
    // Not half-open during the handshake: a client that gives up mid-handshake (one that
    // refuses our certificate, say) must close the connection, not leave it waiting for ever.
    allowHalfOpen: false,
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
  });
  server.on("secureConnection", (socket) => {
    // From here on the upper layer answers a peer's FIN itself (see SocketTransport); set in the
    // same tick as the handshake completes, before any later read.
    socket.allowHalfOpen = true;
    onTransport(new SocketTransport(socket, options));
  });
  // A failed handshake must not take the server down.
  server.on("tlsClientError", (_err, socket) => socket.destroy());
  return server;
}

function checkProfile(profile: unknown): TlsProfile {
  if (profile === undefined) return "bcp195";
  if (isTlsProfile(profile)) return profile;
  throw new NetdicomError(
    "ERR_TLS_PROFILE",
    `TLS profile ${JSON.stringify(profile)} is not one of ${tlsProfileNames.join(", ")}`,
  );
}

/** The options without those set to undefined, so that they do not hide the profile's values. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
