// Open file descriptors of this process, for tests that check a file is (no longer) held open.
import { readdirSync, readlinkSync } from "node:fs";

/** True when a descriptor of this process is open on `path` (Linux: /proc/self/fd). */
export function holdsOpen(path: string): boolean {
  return readdirSync("/proc/self/fd").some((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false;
    }
  });
}
