// Every ```ts block of docs/ and of README.md is a program: this test extracts them to build/docs-examples-*/,
// type-checks and compiles them with tsc against the package itself (`import … from "netdicom"`
// resolves through package.json "exports" to build/src/index.js), runs each (except the few
// marked `no-run`, which are only type-checked) with node in an empty temporary folder, and
// checks it exits 0 and prints exactly its ```text output block (an example that prints must
// have one). The docs cannot rot.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "node:test";
import { repoRoot } from "../helpers/cli.js";
import { docPages, type Example, examples, fences } from "./markdown.js";

// Inside the repository, so that `import … from "netdicom"` resolves to the package itself; one
// folder per run, so that two runs at once do not write over each other.
mkdirSync(join(repoRoot, "build"), { recursive: true });
const outDir = mkdtempSync(join(repoRoot, "build/docs-examples-"));
const tsc = join(repoRoot, "node_modules/typescript/bin/tsc");
/** Each example gets this long to finish (they talk to loopback servers they start themselves). */
const RUN_TIMEOUT_MS = 30_000;
/** `no-run` is for programs the test cannot run (a remote PACS, a signal); most examples must run. */
const MAX_NO_RUN = 8;

interface Extracted extends Example {
  readonly name: string;
}

function extract(): Extracted[] {
  const all: Extracted[] = [];
  for (const page of docPages()) {
    for (const ex of examples(page)) {
      const name = `${page
        .replace(/\.md$/, "")
        .replaceAll("/", "-")
        .replace(/^[.-]+/, "")}-L${ex.fence.line}`;
      writeFileSync(join(outDir, `${name}.ts`), ex.fence.body);
      all.push({ ...ex, name });
    }
  }
  // The repository's settings, for files that are programs: top-level await is fine here.
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      lib: ["ES2023"],
      module: "NodeNext",
      moduleResolution: "NodeNext",
      types: ["node"],
      strict: true,
      noUncheckedIndexedAccess: true,
      verbatimModuleSyntax: true,
      skipLibCheck: true,
      noEmitOnError: true,
      rootDir: ".",
      outDir: "js",
    },
    include: ["*.ts"],
  };
  writeFileSync(join(outDir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  return all;
}

/** Names an extracted file's diagnostics after the page and line they come from. */
function toPageLines(output: string, all: readonly Extracted[]): string {
  return output.replace(/(?:[^\s(]*\/)?([\w-]+-L\d+)\.ts\((\d+),(\d+)\)/g, (whole, name: string, line: string) => {
    const ex = all.find((e) => e.name === name);
    return ex ? `docs/${ex.fence.page}:${ex.fence.line + Number(line)}` : whole;
  });
}

function run(file: string, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { cwd, env: { ...process.env, NETDICOM_TRACE: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString("utf8")));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${RUN_TIMEOUT_MS} ms)`;
      child.kill("SIGKILL");
    }, RUN_TIMEOUT_MS);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const all = extract();

test("the docs have runnable examples, and few that are not run", () => {
  const notRun = all.filter((e) => !e.run);
  assert.ok(all.length - notRun.length >= 10, `only ${all.length - notRun.length} runnable examples`);
  assert.ok(
    notRun.length <= MAX_NO_RUN,
    `${notRun.length} no-run examples: ${notRun.map((e) => `${e.fence.page}:${e.fence.line}`).join(", ")}`,
  );
});

test("every ```text output block follows a ```ts example", () => {
  const orphans: string[] = [];
  for (const page of docPages()) {
    const all = fences(page);
    all.forEach((f, i) => {
      if (f.lang === "text" && f.flags.includes("output") && all[i - 1]?.lang !== "ts")
        orphans.push(`${page}:${f.line}`);
    });
  }
  assert.deepEqual(orphans, []);
});

test("docs examples", async (t) => {
  t.after(() => rmSync(outDir, { recursive: true, force: true }));
  const compiled = spawnSync(process.execPath, [tsc, "-p", join(outDir, "tsconfig.json")], {
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.equal(compiled.status, 0, `the docs examples do not compile:\n${toPageLines(compiled.stdout, all)}`);

  for (const ex of all.filter((e) => e.run)) {
    await t.test(`docs/${ex.fence.page}:${ex.fence.line}`, async (tt) => {
      const cwd = mkdtempSync(join(tmpdir(), "netdicom-docs-"));
      tt.after(() => rmSync(cwd, { recursive: true, force: true }));
      const r = await run(join(outDir, "js", `${ex.name}.js`), cwd);
      assert.equal(r.code, 0, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
      if (ex.expectedOutput === undefined) {
        assert.equal(r.stdout, "", "the example prints, so it needs a ```text output block after it");
      } else {
        assert.equal(r.stdout, ex.expectedOutput);
      }
    });
  }
});
