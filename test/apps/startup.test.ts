// What every run of the CLI pays before doing anything: the source V8 compiles and the Node
// built-ins it loads (scripts/bundle-cli.mjs, src/util/builtins.ts).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { cliPath, repoRoot } from "../helpers/cli.js";
import { runTool } from "../helpers/dcmtk.js";

/** Built-ins that only some runs need (TLS, deflate, random UIDs, metrics), loaded on first use. */
const LAZY = ["tls", "zlib", "crypto", "http"];

/** A preload that prints, at exit, which of {@link LAZY} the process loaded. */
const preload = `data:text/javascript,process.on("exit", () => process.stderr.write("LOADED " + JSON.stringify(${JSON.stringify(
  LAZY,
)}.filter((m) => process.moduleLoadList.includes("NativeModule " + m))) + "\\n"))`;

/** Runs node with the preload and `args`; resolves with the lazy built-ins it loaded. */
async function loadedBy(...args: string[]): Promise<string[]> {
  const r = await runTool(process.execPath, ["--import", preload, ...args], { cwd: repoRoot });
  assert.equal(r.code, 0, r.stderr);
  const line = r.stderr.split("\n").find((l) => l.startsWith("LOADED "));
  assert.ok(line, r.stderr);
  return JSON.parse(line.slice("LOADED ".length)) as string[];
}

test("the probe sees a built-in being loaded", async () => {
  assert.deepEqual(await loadedBy("-e", "require('node:zlib')"), ["zlib"]);
});

test("importing the library loads none of node:tls, node:zlib, node:crypto, node:http", async () => {
  const index = pathToFileURL(join(repoRoot, "build/src/index.js")).href;
  assert.deepEqual(await loadedBy("--input-type=module", "-e", `await import(${JSON.stringify(index)})`), []);
});

test("storescu --version and storescp --help load none of them either", async () => {
  assert.deepEqual(await loadedBy(cliPath, "storescu", "--version"), []);
  assert.deepEqual(await loadedBy(cliPath, "storescp", "--help"), []);
});

test("the CLI bundle and its launcher are ASCII only, so V8 holds their source as one-byte text", () => {
  // The launcher reads the bundle as latin1, which is its exact text only when it is ASCII.
  for (const path of [cliPath, join(repoRoot, "build/netdicom-cli.cjs")]) {
    const bytes = readFileSync(path);
    const at = bytes.findIndex((b) => b > 0x7f);
    assert.equal(
      at,
      -1,
      `${path}: a non-ASCII byte at ${at}: ${bytes.subarray(Math.max(0, at - 40), at + 10).toString()}`,
    );
  }
});
