// Verification Service Class (PS3.4 Annex A): C-ECHO as SCU and SCP.

export { echoStatus, serveCEcho } from "./scp.js";
export { type CEchoOptions, type CEchoResult, sendCEcho } from "./scu.js";
