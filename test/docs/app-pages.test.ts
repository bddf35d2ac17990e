// Each app has a page under docs/apps/ that lists every option of its real `--help`, and the
// page's generated options table is current (scripts/gen-app-docs.mjs --check).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import test from "node:test";
import { cliPath, repoRoot } from "../helpers/cli.js";
import { docPages, docsRoot, fences, readPage } from "./markdown.js";

function netdicom(args: readonly string[]): string {
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: "utf8", timeout: 20_000 });
  return r.stdout;
}

/** The app names of `netdicom --help`'s "commands:" list. */
function appNames(): string[] {
  const lines = netdicom(["--help"]).split("\n");
  const from = lines.indexOf("commands:");
  const names: string[] = [];
  for (const line of lines.slice(from + 1)) {
    const m = /^ {2}([a-z0-9-]+) {2,}/.exec(line);
    if (!m) break;
    names.push(m[1] ?? "");
  }
  return names;
}

/** Every flag (`-aet`, `--calling-aet`…) on the option lines of a help text. */
function helpFlags(help: string): string[] {
  const flags: string[] = [];
  for (const line of help.split("\n")) {
    const m = /^ {2}(-\S.*?)(?: {2,}|$)/.exec(line);
    if (!m) continue;
    for (const part of (m[1] ?? "").split(", ")) flags.push(part.split(" ")[0] ?? "");
  }
  return flags;
}

const apps = appNames();

test("the CLI lists its apps", () => {
  assert.ok(apps.includes("echoscu") && apps.includes("storescp"), `apps: ${apps.join(", ")}`);
});

for (const app of apps) {
  test(`docs/apps/${app}.md documents every option of \`netdicom ${app} --help\``, () => {
    const page = `apps/${app}.md`;
    assert.ok(existsSync(join(docsRoot, page)), `docs/${page} is missing: run node scripts/gen-app-docs.mjs`);
    const text = readPage(page);
    const flags = helpFlags(netdicom([app, "--help"]));
    assert.ok(flags.length > 0, `no options found in ${app} --help`);
    const missing = flags.filter((f) => !text.includes(`\`${f}\``));
    assert.deepEqual(missing, [], `docs/${page} lacks these options of --help`);
  });
}

test("the generated options tables match --help (scripts/gen-app-docs.mjs --check)", () => {
  const r = spawnSync(process.execPath, [join(repoRoot, "scripts/gen-app-docs.mjs"), "--check"], {
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
});

test("every `netdicom APP …` command in a ```sh block of the docs uses options APP has", () => {
  const known = new Map(apps.map((app) => [app, new Set(helpFlags(netdicom([app, "--help"])))]));
  const wrong: string[] = [];
  let commands = 0;
  for (const page of docPages()) {
    for (const f of fences(page).filter((x) => x.lang === "sh")) {
      for (const line of f.body.split("\n")) {
        const m = /^\s*netdicom (\S+)(.*)$/.exec(line);
        if (!m) continue;
        commands++;
        const flags = known.get(m[1] ?? "");
        if (!flags) {
          wrong.push(`${page}:${f.line}: no app "${m[1]}"`);
          continue;
        }
        for (const token of (m[2] ?? "").split(/\s+/)) {
          if (token.startsWith("-") && !flags.has(token)) wrong.push(`${page}:${f.line}: ${m[1]} has no ${token}`);
        }
      }
    }
  }
  assert.ok(commands >= 10, `only ${commands} commands found`);
  assert.deepEqual(wrong, []);
});
