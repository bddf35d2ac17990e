// Bundles the command-line apps for the package's bin. Why one file: Node resolves and compiles
// ~150 ES modules one by one at every start (~1,000 statx and ~230 openat calls); one file starts
// in ~85 ms instead of ~145 ms, and each storescu/storescp/qrscp run pays that once. The optional
// native and WebAssembly packages stay outside the bundle and are still loaded only when needed.
//
// Two outputs:
// - build/netdicom-cli.cjs, the apps (src/apps/cli.ts) as one CommonJS module written inside a
//   function expression (src/apps/bundle-wrapper.ts), which the launcher compiles with node:vm so
//   that V8 can use a code cache of it, and calls (src/apps/launcher.ts). In a vm
//   script there is no import.meta and import() has no loader: the bundle names them
//   __netdicom_url and __netdicom_import instead, both given by the launcher.
// - build/netdicom.cjs, the launcher itself (the bin), told the bundle's digest to name caches by.
import { createHash } from "node:crypto";
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const buildDir = new URL("../build/", import.meta.url);
const bundleFile = new URL("netdicom-cli.cjs", buildDir).pathname;
const launcherFile = new URL("netdicom.cjs", buildDir).pathname;

/** Replaces src/util/import-package.ts, whose import() would fail in a vm script, with the launcher's. */
const importThroughLauncher = {
  name: "import-through-launcher",
  setup(b) {
    b.onLoad({ filter: /[\\/]util[\\/]import-package\.js$/ }, () => ({
      contents: "export function importPackage(specifier) { return __netdicom_import(specifier); }",
      loader: "js",
    }));
  },
};

await build({
  entryPoints: [new URL("src/apps/cli.js", buildDir).pathname],
  outfile: bundleFile,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // Non-ASCII in strings, templates and regular expressions is written as escapes (the default,
  // spelled out because the step below relies on it).
  charset: "ascii",
  define: { "import.meta.url": "__netdicom_url" },
  plugins: [importThroughLauncher],
  external: ["better-sqlite3", "pg", "dcmjs-codecs"],
  logLevel: "warning",
});
// esbuild keeps the doc comments, and a few of them hold non-ASCII text ("1–16", "…"): one such
// character makes V8 hold the whole 1 MB source as a two-byte string, and Node decode it as UTF-8
// (~1.5 ms of every start). Outside comments esbuild left none (charset: "ascii"), so rewriting
// each one as a \u{…} escape only changes comments, and would keep the meaning anywhere else.
const source = readFileSync(bundleFile, "utf8").replace(
  /[^\x00-\x7f]/gu,
  (c) => `\\u{${c.codePointAt(0).toString(16)}}`,
);
// An import() left in the bundle would throw ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING when reached.
const stray = /(?<![\w$.])import\(/.exec(source);
if (stray) {
  throw new Error(
    `build/netdicom-cli.cjs: import( at ${stray.index}: ${source.slice(stray.index - 80, stray.index + 40)}`,
  );
}
const { bundleHead, bundleTail } = await import(new URL("src/apps/bundle-wrapper.js", buildDir).href);
const wrapped = `${bundleHead}${source}${bundleTail}`;
writeFileSync(bundleFile, wrapped);

const digest = createHash("sha256").update(wrapped).digest("hex").slice(0, 16);
// The launcher is CommonJS too: an ES module as the main script makes Node set up its ES module
// loader first (~2.5 ms of CPU at every start, measured on `storescu` sending one file: 36.5 ->
// 34 ms). Its import.meta.url becomes the file's own URL; its import() stays (CommonJS has it).
await build({
  entryPoints: [new URL("src/apps/launcher.js", buildDir).pathname],
  outfile: launcherFile,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  charset: "ascii",
  banner: { js: '"use strict";\nconst __netdicom_launcher_url = require("node:url").pathToFileURL(__filename).href;' },
  define: { NETDICOM_BUNDLE_DIGEST: JSON.stringify(digest), "import.meta.url": "__netdicom_launcher_url" },
  logLevel: "warning",
});
chmodSync(launcherFile, 0o755);
// Caches of earlier builds: the digest already keeps them from being used; this frees the space.
rmSync(new URL(".netdicom-cache", buildDir), { recursive: true, force: true });
