// Safe file names from values a peer sent (SOP Instance UID, a handler's choice): no path
// separators, no "..", no absolute paths, and the result always inside the target directory.
import { resolve, sep } from "node:path";
import { NetdicomError } from "../../util/errors.js";

/** Longest file name produced (well under the 255 bytes most file systems allow). */
export const MAX_FILE_NAME_LENGTH = 200;

const safeName = /^[0-9A-Za-z_-][0-9A-Za-z._-]*$/;

/**
 * A file name made only of `[0-9A-Za-z._-]` from `name`: every other character becomes "_", leading
 * dots are dropped (no hidden files, no "." or ".."), and the result is cut to 200 characters.
 * Returns `fallback` when nothing is left.
 */
export function sanitiseFileName(name: string, fallback = "instance"): string {
  // The usual case, a UID or a name made from one, is already safe.
  if (name.length <= MAX_FILE_NAME_LENGTH && safeName.test(name)) return name;
  let out = name.replace(/[^0-9A-Za-z._-]/g, "_").replace(/^\.+/, "");
  if (out.length > MAX_FILE_NAME_LENGTH) out = out.slice(0, MAX_FILE_NAME_LENGTH);
  return out === "" ? fallback : out;
}

/**
 * The path of the sanitised `name` inside `dir`. Throws when, against expectation, it would
 * resolve outside `dir` (checked with `path.resolve`, never left to a shell).
 */
export function safeJoin(dir: string, name: string): string {
  const prefix = resolvedDir(dir);
  // A sanitised name has no separator and no leading dot, so appending it is what resolve() gives.
  const full = prefix + sanitiseFileName(name);
  if (!full.startsWith(prefix) || full.length === prefix.length || full.includes(sep, prefix.length)) {
    throw new NetdicomError("ERR_UNSAFE_PATH", `file name ${JSON.stringify(name)} resolves outside ${resolve(dir)}`);
  }
  return full;
}

/** `resolve(dir)` ending in a separator, per directory and working directory (resolving took ~10 µs a call). */
const resolved = new Map<string, string>();
let resolvedIn = "";

function resolvedDir(dir: string): string {
  const cwd = process.cwd();
  if (cwd !== resolvedIn || resolved.size > 1000) {
    resolved.clear();
    resolvedIn = cwd;
  }
  let prefix = resolved.get(dir);
  if (prefix === undefined) {
    const base = resolve(dir);
    prefix = base.endsWith(sep) ? base : base + sep;
    resolved.set(dir, prefix);
  }
  return prefix;
}
