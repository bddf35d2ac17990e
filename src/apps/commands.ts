import type { Command } from "./command.js";
import { dumpCommand } from "./dump.js";

/** The subcommands of `netdicom`, by name: adding an app is one line here. */
export const commands: Readonly<Record<string, Command>> = {
  dump: dumpCommand,
};
