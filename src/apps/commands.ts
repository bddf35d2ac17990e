import type { Command } from "./command.js";
import { dumpCommand } from "./dump.js";
import { echoscpCommand } from "./echoscp.js";
import { echoscuCommand } from "./echoscu.js";
import { findscuCommand } from "./findscu.js";
import { getscuCommand } from "./getscu.js";
import { movescuCommand } from "./movescu.js";
import { qrscpCommand } from "./qrscp/qrscp.js";
import { storescpCommand } from "./storescp.js";
import { storescuCommand } from "./storescu.js";

/** The subcommands of `netdicom`, by name: adding an app is one line here. */
export const commands: Readonly<Record<string, Command>> = {
  dump: dumpCommand,
  echoscu: echoscuCommand,
  echoscp: echoscpCommand,
  storescu: storescuCommand,
  storescp: storescpCommand,
  findscu: findscuCommand,
  getscu: getscuCommand,
  movescu: movescuCommand,
  qrscp: qrscpCommand,
};
