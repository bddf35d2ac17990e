// Where received instances are written while they arrive: a private netdicom-* folder in the
// OS temporary directory, or the directory the AE was given (so that the final rename stays on
// one file system).
import { rmSync } from "node:fs";
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

let defaultArea: Promise<string> | undefined;
let defaultReady: string | undefined;
const ensured = new Map<string, Promise<string>>();
const ready = new Set<string>();

/** The directory for temporary files: `dir` (created if missing) or a process-wide `os.tmpdir()/netdicom-XXXXXX`. */
export function tempArea(dir: string | undefined): Promise<string> {
  if (dir === undefined) {
    defaultArea ??= mkdtemp(join(tmpdir(), "netdicom-")).then((d) => {
      defaultReady = d;
      // The folder is this process's alone: it goes with the process (with any temporary file a
      // handler left unsaved) instead of piling up in the system's temporary directory.
      process.once("exit", () => rmSync(d, { recursive: true, force: true }));
      return d;
    });
    return defaultArea;
  }
  let p = ensured.get(dir);
  if (!p) {
    p = mkdir(dir, { recursive: true }).then(() => {
      ready.add(dir);
      return dir;
    });
    p.catch(() => ensured.delete(dir));
    ensured.set(dir, p);
  }
  return p;
}

/**
 * The directory {@link tempArea} would give, when it has been made already (else undefined): lets
 * a sink write synchronously without a promise per instance.
 */
export function tempAreaReady(dir: string | undefined): string | undefined {
  if (dir === undefined) return defaultReady;
  return ready.has(dir) ? dir : undefined;
}

/** Each directory's normalised form with a trailing separator (path.join took microseconds a file). */
const prefixes = new Map<string, string>();

/** A fresh temporary file path in `dir` (see {@link tempFileName}). */
export function tempFilePath(dir: string): string {
  let prefix = prefixes.get(dir);
  if (prefix === undefined) {
    if (prefixes.size > 1000) prefixes.clear();
    prefix = join(dir, "x").slice(0, -1);
    prefixes.set(dir, prefix);
  }
  return prefix + tempFileName();
}

let counter = 0;
let prefix: string | undefined;

/**
 * A fresh temporary file name: hidden, unique in this process (a counter) and across processes
 * (the pid and a random tag drawn once per process, not per file). The tag needs no
 * cryptographic strength (the file is created with O_EXCL, so a name taken by anyone else fails
 * instead of being shared): Math.random spares a receiving process loading node:crypto (~5 ms).
 */
export function tempFileName(): string {
  prefix ??= `.netdicom-${process.pid}-${Math.floor(Math.random() * 0x100000000)
    .toString(16)
    .padStart(8, "0")}`;
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}-${counter}.part`;
}
