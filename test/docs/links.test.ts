// The docs hold together: every relative link points at a file that exists (and at a heading
// that exists, when it names one), and docs/index.md links every page.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import test from "node:test";
import { docPages, docsRoot, README_PAGE, readPage } from "./markdown.js";

/** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replaceAll(" ", "-");
}

function anchors(page: string): Set<string> {
  const out = new Set<string>();
  let inFence = false;
  for (const line of readPage(page).split("\n")) {
    if (line.startsWith("```")) inFence = !inFence;
    const m = !inFence && /^#{1,6} (.*)$/.exec(line);
    if (m) out.add(anchor(m[1] ?? ""));
  }
  return out;
}

/** The relative link targets of a page (outside code blocks). */
function links(page: string): string[] {
  const text = readPage(page).replace(/^```[\s\S]*?^```$/gm, "");
  const out: string[] = [];
  for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1] ?? "";
    if (!/^[a-z]+:/.test(target)) out.push(target);
  }
  return out;
}

const pages = docPages();

test("docs/ has the pages the index promises", () => {
  assert.ok(pages.includes("index.md"));
  assert.ok(pages.length >= 10, `only ${pages.length} pages`);
});

for (const page of pages) {
  test(`docs/${page}: every relative link resolves`, () => {
    const broken: string[] = [];
    for (const target of links(page)) {
      const [path = "", hash] = target.split("#");
      const base = join(docsRoot, dirname(page));
      const file = path === "" ? join(docsRoot, page) : normalize(join(base, path));
      if (!existsSync(file)) broken.push(`${target} (no file)`);
      else if (hash !== undefined && file.endsWith(".md")) {
        const inDocs = relative(docsRoot, file);
        if (!inDocs.startsWith("..") && !anchors(inDocs).has(hash)) broken.push(`${target} (no such heading)`);
      }
    }
    assert.deepEqual(broken, []);
  });
}

test("docs/index.md links every page", () => {
  const linked = new Set(links("index.md").map((t) => normalize(t.split("#")[0] ?? "")));
  const unlinked = pages.filter((p) => p !== "index.md" && p !== README_PAGE && !linked.has(p));
  assert.deepEqual(unlinked, []);
});
