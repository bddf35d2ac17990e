// Where received instances are written while they arrive: a private netdicom-* folder in the
// OS temporary directory, or the directory the AE was given (so that the final rename stays on
// one file system).
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

let defaultArea: Promise<string> | undefined;
const ensured = new Map<string, Promise<string>>();

/** The directory for temporary files: `dir` (created if missing) or a process-wide `os.tmpdir()/netdicom-XXXXXX`. */
export function tempArea(dir: string | undefined): Promise<string> {
  if (dir === undefined) {
    defaultArea ??= mkdtemp(join(tmpdir(), "netdicom-"));
    return defaultArea;
  }
  let p = ensured.get(dir);
  if (!p) {
    p = mkdir(dir, { recursive: true }).then(() => dir);
    p.catch(() => ensured.delete(dir));
    ensured.set(dir, p);
  }
  return p;
}

let counter = 0;

/** A fresh temporary file name: hidden, unique in this process and across processes. */
export function tempFileName(): string {
  counter = (counter + 1) % 0x7fffffff;
  return `.netdicom-${process.pid}-${counter}-${randomBytes(4).toString("hex")}.part`;
}
