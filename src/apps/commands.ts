import type { Command } from "./command.js";

/**
 * The subcommands of `netdicom`, by name, each loaded only when it runs: the bundle
 * (scripts/bundle-cli.mjs) puts each app in its own chunk, so a storescu run does not compile
 * qrscp, findscu or dump. Adding an app is one line here.
 */
export const commands: Readonly<Record<string, () => Promise<Command>>> = {
  dump: async () => (await import("./dump.js")).dumpCommand,
  echoscu: async () => (await import("./echoscu.js")).echoscuCommand,
  echoscp: async () => (await import("./echoscp.js")).echoscpCommand,
  storescu: async () => (await import("./storescu.js")).storescuCommand,
  storescp: async () => (await import("./storescp.js")).storescpCommand,
  findscu: async () => (await import("./findscu.js")).findscuCommand,
  getscu: async () => (await import("./getscu.js")).getscuCommand,
  movescu: async () => (await import("./movescu.js")).movescuCommand,
  qrscp: async () => (await import("./qrscp/qrscp.js")).qrscpCommand,
};
