// Readable renderings of DIMSE messages for the debug log (the layout pynetdicom's users know).
import { uidName } from "../dataset/uids.js";
import { commandElements, type DimseCommand, formatTag } from "./command.js";
import { commandName } from "./command-field.js";
import { status } from "./status.js";

const priorities = ["Medium", "High", "Low"];

function hex4(v: number): string {
  return `0x${v.toString(16).padStart(4, "0")}`;
}

function line(label: string, value: string): string {
  return `${label.padEnd(42)}: ${value}`;
}

/**
 * A multi-line rendering of a command for logs:
 * `===== INBOUND C-ECHO-RQ =====`, then one line per element present (UIDs with their registry
 * names, the status with its meaning), then whether a data set follows.
 */
export function describeCommand(cmd: DimseCommand, direction: "inbound" | "outbound"): string[] {
  const name = commandName(cmd.commandField);
  const lines = [`===== ${direction.toUpperCase()} ${name} =====`];
  for (const el of commandElements) {
    const v = cmd[el.key];
    if (v === undefined) continue;
    let shown: string;
    if (el.vr === "UI") {
      const n = uidName(v as string);
      shown = n === v ? (v as string) : `${v} (${n})`;
    } else if (el.key === "status") {
      const info = status.describe(v as number, {
        commandField: cmd.commandField,
        ...(cmd.affectedSopClassUid === undefined ? {} : { sopClassUid: cmd.affectedSopClassUid }),
      });
      shown = `${hex4(v as number)} [${info.category}] ${info.meaning}`;
    } else if (el.key === "priority") {
      shown = `${priorities[v as number] ?? "unknown"} (${v})`;
    } else if (el.vr === "AT") {
      shown = (v as readonly number[]).map(formatTag).join(", ") || "(empty)";
    } else if (el.vr === "US") {
      shown = String(v);
    } else {
      shown = v as string;
    }
    lines.push(line(el.name, shown));
  }
  lines.push(line("Data Set", cmd.hasDataset ? "present" : "none"));
  lines.push(`===== END ${name} =====`);
  return lines;
}
