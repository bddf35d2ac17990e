import type { CliIo } from "./command.js";
import { commands } from "./commands.js";
import { packageVersion } from "./net-options.js";

/** The help text, which loads every command for its summary (the only time all are loaded). */
async function help(): Promise<string> {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const loaded = await Promise.all(Object.entries(commands).map(async ([name, load]) => [name, await load()] as const));
  const lines = loaded.map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    "usage: netdicom <command> [options] [args]",
    "",
    "commands:",
    ...lines,
    "",
    "  netdicom <command> --help   help on one command",
    "  netdicom --version          print the version",
  ].join("\n");
}

/** Runs `netdicom` with its arguments (without node and the script); resolves with the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(`${await help()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-V") {
    io.stdout(`netdicom ${packageVersion()}\n`);
    return 0;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (load === undefined) {
    io.stderr(`netdicom: unknown command ${JSON.stringify(name)}\n${await help()}\n`);
    return 2;
  }
  return (await load()).run(rest, io);
}
