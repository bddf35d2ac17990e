// STYLE.md: "TSDoc on every export". A quick ratchet that needs no TypeDoc run: every top-level
// exported declaration under src/ (generated tables excepted) follows a /** … */ comment. Members
// (properties, methods) are checked by `npm run docs` (TypeDoc's notDocumented validation).
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import test from "node:test";
import { repoRoot } from "../helpers/cli.js";

/** Declarations known to lack a comment, to be documented by their owners; remove them from here then. */
const KNOWN_UNDOCUMENTED = new Set<string>([]);

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== "generated") out.push(...sources(p));
    } else if (name.endsWith(".ts")) out.push(p);
  }
  return out;
}

test("every top-level export under src/ has a TSDoc comment", () => {
  const missing: string[] = [];
  for (const file of sources(join(repoRoot, "src"))) {
    const lines = readFileSync(file, "utf8").split("\n");
    lines.forEach((line, i) => {
      const m = /^export (?:async )?(?:abstract )?(?:function\*?|class|interface|type|const|enum) (\w+)/.exec(line);
      if (!m) return;
      let j = i - 1;
      while (j >= 0 && (lines[j] ?? "").startsWith("@")) j--; // decorators, if any
      if (!(lines[j] ?? "").trimEnd().endsWith("*/")) missing.push(`${relative(repoRoot, file)}: ${m[1]}`);
    });
  }
  const unexpected = missing.filter((m) => !KNOWN_UNDOCUMENTED.has(m));
  assert.deepEqual(unexpected, [], "document these exports (a /** … */ comment right above)");
  const fixed = [...KNOWN_UNDOCUMENTED].filter((k) => !missing.includes(k));
  assert.deepEqual(fixed, [], "these are documented now: remove them from KNOWN_UNDOCUMENTED");
});
