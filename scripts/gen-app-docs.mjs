#!/usr/bin/env node
// Keeps the option tables of docs/apps/<app>.md equal to each app's real `--help`, so the pages
// cannot drift from the code. Needs the build (npm run build).
// Usage: node scripts/gen-app-docs.mjs           rewrite the tables (and start a page for a new app)
//        node scripts/gen-app-docs.mjs --check   exit 1 when a page is missing or a table is stale
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "build/netdicom.cjs");
const BEGIN = "<!-- options:begin (generated from --help by scripts/gen-app-docs.mjs; do not edit) -->";
const END = "<!-- options:end -->";

/** Runs `netdicom ARGS…` and returns its stdout. */
function run(args) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
  if (r.error) throw r.error;
  return r.stdout;
}

/** The apps listed by `netdicom --help`, with their one-line summaries. */
export function apps() {
  const out = [];
  let inCommands = false;
  for (const line of run(["--help"]).split("\n")) {
    if (line === "commands:") inCommands = true;
    else if (inCommands) {
      const m = /^ {2}([a-z0-9-]+) {2,}(.*)$/.exec(line);
      if (m) out.push({ name: m[1], summary: m[2] });
      else break;
    }
  }
  return out;
}

/**
 * The options of `netdicom APP --help`: each with its flags (["-aet", "--calling-aet"]), its
 * argument name (or "") and its description (continuation lines joined).
 */
export function helpOptions(app) {
  const text = run([app, "--help"]);
  const options = [];
  let inOptions = false;
  for (const line of text.split("\n")) {
    if (line === "options:") {
      inOptions = true;
      continue;
    }
    if (!inOptions || line.trim() === "") continue;
    const m = /^ {2}(-\S.*?) {2,}(\S.*)$/.exec(line);
    if (m) {
      const names = m[1].split(", ");
      const last = names.pop().split(" ");
      names.push(last[0]);
      options.push({ flags: names, arg: last.slice(1).join(" "), description: m[2].trim() });
    } else if (options.length > 0 && /^ {3,}\S/.test(line)) {
      const prev = options[options.length - 1];
      prev.description += ` ${line.trim()}`;
    }
  }
  return { text, options };
}

const cell = (s) => s.replaceAll("|", "\\|");

/** The generated section: the options as a Markdown table. */
export function optionsSection(app) {
  const { options } = helpOptions(app);
  const rows = options.map(
    (o) => `| ${o.flags.map((f) => `\`${f}\``).join(", ")} | ${o.arg ? `\`${o.arg}\`` : ""} | ${cell(o.description)} |`,
  );
  return [BEGIN, "", "| option | argument | what it does |", "| --- | --- | --- |", ...rows, "", END].join("\n");
}

/** The page text with its generated section replaced (or appended when absent). */
export function withSection(page, section) {
  const a = page.indexOf(BEGIN);
  const b = page.indexOf(END);
  if (a < 0 || b < a) return `${page.trimEnd()}\n\n## Options\n\n${section}\n`;
  return page.slice(0, a) + section + page.slice(b + END.length);
}

function newPage(app, summary) {
  const usage = helpOptions(app).text.split("\n")[0];
  return `# ${app}\n\n${summary[0].toUpperCase()}${summary.slice(1)}.\n\n\`\`\`text\n${usage}\n\`\`\`\n`;
}

function main() {
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const { name, summary } of apps()) {
    const file = join(root, "docs/apps", `${name}.md`);
    const before = existsSync(file) ? readFileSync(file, "utf8") : undefined;
    const after = withSection(before ?? newPage(name, summary), optionsSection(name));
    if (after === before) continue;
    stale++;
    if (check) {
      process.stderr.write(`docs/apps/${name}.md: ${before === undefined ? "missing" : "options table is stale"}\n`);
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, after);
      process.stderr.write(`docs/apps/${name}.md: ${before === undefined ? "created" : "updated"}\n`);
    }
  }
  if (check && stale > 0) {
    process.stderr.write("run `node scripts/gen-app-docs.mjs` (after npm run build) and review the pages\n");
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
