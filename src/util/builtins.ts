// Node built-in modules that only some runs need, loaded on first use instead of imported at
// start-up. A static import of node:tls, node:zlib or node:crypto makes Node compile dozens of its
// own internal modules in every process, even one that never encrypts, deflates or makes a UID
// (with node:http, ~5 ms of CPU and ~3 MB of RSS for each storescu or storescp run).
// process.getBuiltinModule (Node >= 20.16) loads the module synchronously, once.

/** `node:zlib`, loaded on first call: only the deflated transfer syntaxes need it. */
export function zlib(): typeof import("node:zlib") {
  return process.getBuiltinModule("node:zlib");
}

/** `node:crypto`, loaded on first call: random UIDs and temporary file names. */
export function crypto(): typeof import("node:crypto") {
  return process.getBuiltinModule("node:crypto");
}

/** `node:tls`, loaded on first call: only TLS associations need it. */
export function tls(): typeof import("node:tls") {
  return process.getBuiltinModule("node:tls");
}
