// Reading the docs as data: the Markdown pages under docs/, their fenced code blocks, and the
// option tables of the app pages. Shared by the docs tests and scripts/gen-app-docs.mjs's check.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { repoRoot } from "../helpers/cli.js";

/** The docs folder. */
export const docsRoot = join(repoRoot, "docs");

/** One fenced code block of a page. */
export interface Fence {
  /** The page, relative to docs/ (e.g. "guide/ae.md"). */
  readonly page: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The language (first word of the info string), e.g. "ts". */
  readonly lang: string;
  /** The other words of the info string, e.g. ["no-run"] or ["output"]. */
  readonly flags: readonly string[];
  /** The block's text, ending with a newline. */
  readonly body: string;
}

/** The repository's README, as a page path relative to docs/: its examples and links are checked like the docs'. */
export const README_PAGE = "../README.md";

/**
 * Every Markdown page under docs/ (generated API reference excluded), relative to docs/, sorted,
 * then the README ({@link README_PAGE}).
 */
export function docPages(): string[] {
  return [...pagesUnder(docsRoot), README_PAGE];
}

function pagesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (relative(docsRoot, p) !== "api") out.push(...pagesUnder(p));
    } else if (name.endsWith(".md")) out.push(relative(docsRoot, p));
  }
  return out.sort();
}

/** The text of a page (path relative to docs/). */
export function readPage(page: string): string {
  return readFileSync(join(docsRoot, page), "utf8");
}

/** The fenced blocks of a page, in order (``` fences only; an unclosed fence is an error). */
export function fences(page: string, text = readPage(page)): Fence[] {
  const lines = text.split("\n");
  const out: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)(.*)$/.exec(lines[i] ?? "");
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== "```"; i++) body.push(lines[i] ?? "");
    if (i >= lines.length) throw new Error(`${page}:${start + 1}: unclosed code fence`);
    const [lang = "", ...flags] = `${open[1] ?? ""} ${open[2] ?? ""}`.trim().split(/\s+/);
    out.push({ page, line: start + 1, lang, flags, body: `${body.join("\n")}\n` });
  }
  return out;
}

/** An example: a ```ts block, and the ```text output block that follows it, if any. */
export interface Example {
  readonly fence: Fence;
  /** False for a block marked `no-run`: type-checked only (it needs a real PACS, waits for a signal…). */
  readonly run: boolean;
  /** What the example must print on stdout (the output block's text), or undefined. */
  readonly expectedOutput: string | undefined;
}

/** The ```ts blocks of a page, each with the output block right after it. */
export function examples(page: string, text = readPage(page)): Example[] {
  const all = fences(page, text);
  const out: Example[] = [];
  all.forEach((f, i) => {
    if (f.lang !== "ts") return;
    const next = all[i + 1];
    const isOutput = next !== undefined && next.lang === "text" && next.flags.includes("output");
    out.push({ fence: f, run: !f.flags.includes("no-run"), expectedOutput: isOutput ? next.body : undefined });
  });
  return out;
}
