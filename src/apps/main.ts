import type { CliIo } from "./command.js";
import { commands } from "./commands.js";
import { packageVersion } from "./net-options.js";

function help(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
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
    io.stdout(`${help()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-V") {
    io.stdout(`netdicom ${packageVersion()}\n`);
    return 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (command === undefined) {
    io.stderr(`netdicom: unknown command ${JSON.stringify(name)}\n${help()}\n`);
    return 2;
  }
  return command.run(rest, io);
}
