// Enforces the import table of STYLE.md ("Folders, and what each may import") over every .ts
// file under src/: an arrow not in the table, or a cycle between folders, fails the test.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, posix, relative, resolve, sep } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";

// The compiled test lives at build/test/layering.test.js, two levels below the repo root.
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const srcDir = join(root, "src");

type Layer = "util" | "metrics" | "dataset" | "codecs" | "pdu" | "dul" | "acse" | "dimse" | "services" | "top" | "apps";

/** STYLE.md's table: what each folder may import besides itself. */
const ALLOWED: Readonly<Record<Layer, readonly Layer[]>> = {
  util: [],
  // Counters, gauges, histograms and their Prometheus rendering: plain bookkeeping that knows
  // nothing of DICOM, so it sits beside util; the top level feeds it from association events.
  metrics: ["util"],
  dataset: ["util"],
  // Pixel data codecs (PS3.5 A.4, Annex G) work on data sets and frames, below the network
  // layers; the storage services use them to transcode what a peer cannot take.
  codecs: ["dataset", "util"],
  pdu: ["util", "dataset"],
  dul: ["pdu", "util"],
  acse: ["dul", "pdu", "dataset", "util"],
  dimse: ["acse", "pdu", "dataset", "util"],
  services: ["dimse", "acse", "codecs", "dataset", "util"],
  top: ["services", "dimse", "acse", "dul", "pdu", "codecs", "dataset", "metrics", "util"],
  // Apps are our first users: only the public API (src/index.ts), checked file by file below.
  apps: [],
};

/** STYLE.md: pdu imports "dataset (UIDs only)". */
const PDU_DATASET_FILES = new Set(["dataset/uids.ts", "dataset/generated/uids.ts"]);

const FOLDERS = new Set<string>([
  "util",
  "metrics",
  "dataset",
  "codecs",
  "pdu",
  "dul",
  "acse",
  "dimse",
  "services",
  "apps",
]);

/** The layer of a path relative to src/ (posix separators), or undefined for a folder not in the table. */
function layerOf(path: string): Layer | undefined {
  const slash = path.indexOf("/");
  if (slash === -1) return "top";
  const folder = path.slice(0, slash);
  return FOLDERS.has(folder) ? (folder as Layer) : undefined;
}

/** Resolves a relative specifier of `from` (both relative to src/) to a src-relative .ts path. */
function resolveSpecifier(from: string, specifier: string): string {
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  return target.replace(/\.(m?js)$/, (_, ext: string) => (ext === "mjs" ? ".mts" : ".ts"));
}

/**
 * Every arrow of `graph` (src-relative file -> its import specifiers) that the table forbids,
 * plus every cycle between folders, as readable messages. Empty when the layering holds.
 */
function findViolations(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const problems: string[] = [];
  const edges = new Map<Layer, Set<Layer>>();
  for (const [from, specifiers] of graph) {
    const fromLayer = layerOf(from);
    if (fromLayer === undefined) {
      problems.push(`src/${from}: folder not in the layering table of STYLE.md`);
      continue;
    }
    for (const specifier of specifiers) {
      if (!specifier.startsWith(".")) continue; // node: builtins and packages
      const to = resolveSpecifier(from, specifier);
      if (to.startsWith("../")) {
        problems.push(`src/${from} -> ${specifier}: imports from outside src/`);
        continue;
      }
      const toLayer = layerOf(to);
      if (toLayer === undefined) {
        problems.push(`src/${from} -> src/${to}: folder not in the layering table of STYLE.md`);
        continue;
      }
      if (toLayer === fromLayer) continue;
      let targets = edges.get(fromLayer);
      if (targets === undefined) edges.set(fromLayer, (targets = new Set()));
      targets.add(toLayer);
      if (fromLayer === "pdu" && toLayer === "dataset" && !PDU_DATASET_FILES.has(to)) {
        problems.push(`src/${from} -> src/${to}: pdu may import only the UIDs from dataset`);
        continue;
      }
      const allowed = fromLayer === "apps" ? to === "index.ts" : ALLOWED[fromLayer].includes(toLayer);
      if (!allowed) problems.push(`src/${from} -> src/${to}: ${fromLayer} may not import ${toLayer}`);
    }
  }
  problems.push(...findCycles(edges));
  return problems;
}

/** Cycles in the folder graph, each reported once as "cycle: a -> b -> a". */
function findCycles(edges: ReadonlyMap<Layer, ReadonlySet<Layer>>): string[] {
  const cycles: string[] = [];
  const state = new Map<Layer, "active" | "done">();
  const stack: Layer[] = [];
  const visit = (layer: Layer): void => {
    state.set(layer, "active");
    stack.push(layer);
    for (const next of [...(edges.get(layer) ?? [])].sort()) {
      const s = state.get(next);
      if (s === "active") cycles.push(`cycle: ${[...stack.slice(stack.indexOf(next)), next].join(" -> ")}`);
      else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(layer, "done");
  };
  for (const layer of [...edges.keys()].sort()) if (!state.has(layer)) visit(layer);
  return cycles;
}

/** Every .ts file under `dir` (no .d.ts), as paths relative to src/ with posix separators. */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(relative(srcDir, path).split(sep).join("/"));
  }
  return out;
}

/** The module specifiers of a file: import/export ... from, side-effect imports, import("..."). */
function specifiersOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

test("specifiersOf finds static, type-only, re-export, side-effect and dynamic imports, not comments", () => {
  const source = [
    'import { a } from "./a.js";',
    'import type { B } from "../b/b.js";',
    "import {\n  c,\n  d,\n} from './c.js';",
    'export * from "./e.js";',
    'export { f } from "./f.js";',
    'import "./g.js";',
    'const h = await import("./h.js");',
    '// import x from "./commented.js";',
    "const s = \"import y from './in-string.js'\";",
  ].join("\n");
  assert.deepEqual(specifiersOf(source), ["./a.js", "../b/b.js", "./c.js", "./e.js", "./f.js", "./g.js", "./h.js"]);
});

test("the rule reports a made-up bad arrow, and accepts allowed ones", () => {
  const bad = new Map([
    ["util/byte-reader.ts", ["../pdu/a-abort.js", "./errors.js", "node:fs"]],
    ["pdu/a-abort.ts", ["../util/byte-reader.js", "../dataset/uids.js"]],
  ]);
  assert.deepEqual(findViolations(bad), [
    "src/util/byte-reader.ts -> src/pdu/a-abort.ts: util may not import pdu",
    "cycle: pdu -> util -> pdu",
  ]);
  const good = new Map([
    ["dimse/c-store.ts", ["../acse/service-user.js", "../pdu/p-data-tf.js", "../util/errors.js"]],
    ["association.ts", ["./services/storage/scu.js", "./events.js"]],
    ["apps/storescu.ts", ["../index.js", "./cli.js", "./qrscp/index.js"]],
    ["dul/transport/net.ts", ["../machine.js", "../../pdu/framer.js"]],
  ]);
  assert.deepEqual(findViolations(good), []);
});

test("the rule enforces the apps and top-level rows and unknown folders", () => {
  const graph = new Map([
    ["apps/echoscu.ts", ["../association.js", "../dataset/uids.js", "../index.js"]],
    ["dul/machine.ts", ["../acse/negotiation.js"]],
    ["pdu/a-associate-rq.ts", ["../dataset/uids.js", "../dataset/dictionary.js"]],
    ["index.ts", ["./apps/cli.js"]],
    ["misc/thing.ts", []],
    ["dataset/dataset.ts", ["../../package.json"]],
  ]);
  const problems = findViolations(graph);
  assert.ok(problems.includes("src/apps/echoscu.ts -> src/association.ts: apps may not import top"));
  assert.ok(problems.includes("src/apps/echoscu.ts -> src/dataset/uids.ts: apps may not import dataset"));
  assert.ok(!problems.some((p) => p.includes("src/index.ts: apps")));
  assert.ok(problems.includes("src/dul/machine.ts -> src/acse/negotiation.ts: dul may not import acse"));
  assert.ok(problems.includes("src/index.ts -> src/apps/cli.ts: top may not import apps"));
  assert.ok(
    problems.includes(
      "src/pdu/a-associate-rq.ts -> src/dataset/dictionary.ts: pdu may import only the UIDs from dataset",
    ),
  );
  assert.ok(!problems.some((p) => p.includes("src/dataset/uids.ts: pdu")));
  assert.ok(problems.includes("src/misc/thing.ts: folder not in the layering table of STYLE.md"));
  assert.ok(problems.includes("src/dataset/dataset.ts -> ../../package.json: imports from outside src/"));
  assert.ok(problems.includes("cycle: apps -> top -> apps"));
});

test("every import under src/ follows the layering table of STYLE.md, with no cycle between folders", () => {
  const files = sourceFiles(srcDir);
  assert.ok(files.length > 0, "no source files found under src/");
  const graph = new Map(files.map((f) => [f, specifiersOf(readFileSync(join(srcDir, f), "utf8"))]));
  assert.deepEqual(findViolations(graph), []);
});
