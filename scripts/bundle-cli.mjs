// Bundles the command-line apps into one file, build/netdicom.mjs (the package's bin), and makes
// it executable. Why: Node resolves and compiles ~150 ES modules one by one at every start
// (~1,000 statx and ~230 openat calls); one file starts in ~85 ms instead of ~145 ms, and each
// storescu/storescp/qrscp run pays that once. The optional native and WebAssembly packages stay
// outside the bundle and are still loaded only when needed.
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const outfile = new URL("../build/netdicom.mjs", import.meta.url).pathname;
await build({
  entryPoints: [new URL("../build/src/apps/cli.js", import.meta.url).pathname],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Non-ASCII in strings, templates and regular expressions is written as escapes (the default,
  // spelled out because the step below relies on it).
  charset: "ascii",
  external: ["better-sqlite3", "pg", "dcmjs-codecs"],
  logLevel: "warning",
});
// esbuild keeps the doc comments, and a few of them hold non-ASCII text ("1–16", "…"): one such
// character makes V8 hold the whole 1 MB source as a two-byte string, and Node decode it as UTF-8
// (~1.5 ms of every start). Outside comments esbuild left none (charset: "ascii"), so rewriting
// each one as a \u{…} escape only changes comments, and would keep the meaning anywhere else.
const source = readFileSync(outfile, "utf8");
writeFileSync(
  outfile,
  source.replace(/[^\x00-\x7f]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`),
);
chmodSync(outfile, 0o755);
