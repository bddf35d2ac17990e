// The `netdicom` launcher (src/apps/launcher.ts): the command-line bundle run through node:vm
// with a V8 code cache per command, written once by a run that did some work, refused (and
// rewritten) when it does not fit, and never needed for a run to be right.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readDicomFile, ts } from "../../src/index.js";
import { cliPath, repoRoot, startCliServer } from "../helpers/cli.js";
import { runTool } from "../helpers/dcmtk.js";

const sample = join(repoRoot, "fixtures/sample-ct.dcm");

function cacheDir(t: { after(fn: () => unknown): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "netdicom-v8cache-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function cli(
  args: readonly string[],
  cache: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runTool(process.execPath, [cliPath, ...args], { env: { NETDICOM_CODE_CACHE: cache }, cwd: repoRoot });
}

function cacheFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".v8cache")) : [];
}

test("a run that did some work leaves a cache for its command, and the next run uses it unchanged", async (t) => {
  const dir = cacheDir(t);
  const plain = await cli(["dump", sample], "off");
  assert.equal(plain.code, 0, plain.stderr);
  assert.deepEqual(cacheFiles(dir), []);

  const first = await cli(["dump", sample], dir);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdout, plain.stdout);
  const files = cacheFiles(dir);
  assert.equal(files.length, 1);
  assert.match(
    files[0] as string,
    new RegExp(`^dump-[0-9a-f]{16}-${process.version.replaceAll(".", "\\.")}-${process.arch}-`),
  );
  const path = join(dir, files[0] as string);
  const written = readFileSync(path);
  const mtime = statSync(path).mtimeMs;

  const second = await cli(["dump", sample], dir);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stdout, plain.stdout);
  // Accepted by V8: not written again.
  assert.deepEqual(readFileSync(path), written);
  assert.equal(statSync(path).mtimeMs, mtime);
});

test("a cache V8 refuses is only a slower start: the run is right and writes a good one", async (t) => {
  const dir = cacheDir(t);
  const plain = await cli(["dump", sample], "off");
  assert.equal((await cli(["dump", sample], dir)).code, 0);
  const path = join(dir, cacheFiles(dir)[0] as string);
  const garbage = Buffer.alloc(statSync(path).size, 0x5a);
  writeFileSync(path, garbage);

  const after = await cli(["dump", sample], dir);
  assert.equal(after.code, 0, after.stderr);
  assert.equal(after.stdout, plain.stdout);
  const rewritten = readFileSync(path);
  assert.notDeepEqual(rewritten, garbage);
  // The rewritten cache is accepted: the next run leaves it alone.
  assert.equal((await cli(["dump", sample], dir)).code, 0);
  assert.deepEqual(readFileSync(path), rewritten);
});

test("--help, --version, a failed run and NETDICOM_CODE_CACHE=off write no cache", async (t) => {
  const dir = cacheDir(t);
  assert.equal((await cli(["storescu", "--help"], dir)).code, 0);
  assert.equal((await cli(["--version"], dir)).code, 0);
  const failed = await cli(["dump", join(dir, "no-such-file.dcm")], dir);
  assert.notEqual(failed.code, 0);
  assert.deepEqual(cacheFiles(dir), []);
  const off = await runTool(process.execPath, [cliPath, "dump", sample], { env: { NETDICOM_CODE_CACHE: "off" } });
  assert.equal(off.code, 0, off.stderr);
  assert.deepEqual(cacheFiles(dir), []);
});

test("a cache folder that cannot be written leaves the run as it was", async (t) => {
  const dir = cacheDir(t);
  // A file where the folder should be: mkdir fails.
  const blocked = join(dir, "blocked");
  writeFileSync(blocked, "not a folder");
  const r = await cli(["dump", sample], blocked);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
});

test("optional packages load through the launcher: storescp stores JPEG-LS with dcmjs-codecs", async (t) => {
  if (!existsSync(join(repoRoot, "node_modules/dcmjs-codecs"))) {
    t.skip("dcmjs-codecs (an optional dependency) is not installed");
    return;
  }
  const dir = cacheDir(t);
  const out = join(dir, "out");
  const scp = await startCliServer(t, "storescp", [
    "-od",
    out,
    "-ba",
    "127.0.0.1",
    "--store-transfer-syntax",
    "JPEGLSLossless",
    "0",
  ]);
  const sent = await runTool(process.execPath, [cliPath, "storescu", "127.0.0.1", String(scp.port), sample]);
  assert.equal(sent.code, 0, sent.stderr);
  await scp.stop();
  const stored = readdirSync(out).filter((f) => !f.startsWith("."));
  assert.equal(stored.length, 1, scp.stderr());
  const { meta } = await readDicomFile(join(out, stored[0] as string));
  assert.equal(meta.string("TransferSyntaxUID"), ts.JPEGLSLossless);
});
