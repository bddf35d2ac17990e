#!/usr/bin/env node
// The `netdicom` executable (package.json "bin", bundled by scripts/bundle-cli.mjs into
// build/netdicom.cjs). It runs the command-line bundle (build/netdicom-cli.cjs, made from
// cli.ts) as a node:vm script with V8's code cache: the bytecode of the functions a previous run
// of the same command compiled, so that this run neither parses the 1.2 MB bundle nor compiles
// those functions again. Measured here: storescu sending 200 × 0.5 MB, 160 → 135 ms of CPU and
// 210 → 180 ms from start to exit; `storescu --version` 56 → 49 ms of CPU.
//
// The cache of a command is written once, at the end of its first run that did some work (exit
// code 0, not --help or --version), next to the bundle in .netdicom-cache/ (or in the folder
// NETDICOM_CODE_CACHE names; NETDICOM_CODE_CACHE=off turns it off). Its name holds a digest of
// the bundle, the Node version, the architecture and the V8 flags, because V8 only checks the
// source's length before using a cache. V8 refuses a cache of another build (then the run
// compiles as usual and writes a new one); a folder it cannot write just goes without.
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Script } from "node:vm";

/** A digest of the bundle's text, set by scripts/bundle-cli.mjs (undefined when run unbundled). */
declare const NETDICOM_BUNDLE_DIGEST: string | undefined;

type BundleMain = (
  exports: object,
  require: NodeJS.Require,
  module: { exports: object },
  filename: string,
  dirname: string,
  url: string,
  importPackage: (specifier: string) => Promise<unknown>,
) => void;

/** FNV-1a, 32 bits, in hex: enough to tell flag sets apart in a file name. */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

/** The cache file for this command line, or undefined when caching is off or not wanted. */
function cacheFileFor(here: string, args: readonly string[]): string | undefined {
  const setting = process.env.NETDICOM_CODE_CACHE;
  if (setting === "off" || typeof NETDICOM_BUNDLE_DIGEST !== "string") return undefined;
  const command = args[0];
  if (command === undefined || !/^[a-z]{1,32}$/.test(command)) return undefined;
  const dir = setting !== undefined && setting !== "" ? setting : join(here, ".netdicom-cache");
  const flags = fnv(process.execArgv.join("\u0000"));
  return join(dir, `${command}-${NETDICOM_BUNDLE_DIGEST}-${process.version}-${process.arch}-${flags}.v8cache`);
}

/** Runs that only print usage or the version compile too little to be worth caching. */
function doesWork(args: readonly string[]): boolean {
  return !args.some((a) => a === "--help" || a === "-h" || a === "--version" || a === "-V");
}

/** Writes `data` to `file` atomically (a run reading it meanwhile sees all or nothing); drops stale caches of the command. */
function writeCache(file: string, data: Buffer): void {
  try {
    const dir = dirname(file);
    mkdirSync(dir, { recursive: true });
    const name = file.slice(dir.length + 1);
    const command = name.slice(0, name.indexOf("-") + 1);
    for (const other of readdirSync(dir)) {
      if (other.startsWith(command) && other.endsWith(".v8cache") && other !== name) unlinkSync(join(dir, other));
    }
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, data);
    renameSync(temporary, file);
  } catch {
    // A read-only install or a full disk: the next run compiles as this one did.
  }
}

function launch(): void {
  const here = dirname(fileURLToPath(import.meta.url));
  const bundle = join(here, "netdicom-cli.cjs");
  const args = process.argv.slice(2);
  const cacheFile = cacheFileFor(here, args);
  let cachedData: Buffer | undefined;
  if (cacheFile !== undefined) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // No cache yet.
    }
  }
  // The bundle is ASCII (bundle-cli.mjs makes sure), so latin1 is its exact text, read fastest.
  const source = readFileSync(bundle, "latin1");
  // The file is one function expression (see bundle-wrapper.ts): its value is the bundle's main.
  const script = new Script(source, { filename: bundle, cachedData });
  const main = script.runInThisContext() as BundleMain;
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true) && doesWork(args)) {
    process.once("exit", (code) => {
      if (code === 0) writeCache(cacheFile, script.createCachedData());
    });
  }
  const module = { exports: {} };
  main(
    module.exports,
    createRequire(bundle),
    module,
    bundle,
    here,
    pathToFileURL(bundle).href,
    (specifier) => import(specifier),
  );
}

launch();
