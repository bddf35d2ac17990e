// PS3.7 6.3.1 and Annex E: a command set is group 0000 only, always Implicit VR Little Endian,
// with CommandGroupLength (0000,0000) first giving the length of the elements after it.
import { ByteWriter } from "../util/byte-writer.js";
import {
  CommandDataSetTypeElement,
  type CommandElement,
  CommandFieldElement,
  commandElements,
  DataSetPresent,
  type DimseCommand,
  NoDataSet,
} from "./command.js";
import { commandName } from "./command-field.js";
import { DimseEncodeError } from "./errors.js";
import { messageSpecs } from "./message-specs.js";

// PS3.5 Table 6.2-1: UI is digits and dots, at most 64 bytes.
const uidPattern = /^[0-9.]{1,64}$/;
// PS3.5 Table 6.2-1: AE and LO exclude backslash and control characters.
const badTextChar = /[\\\x00-\x1f\x7f]/;

/** How an element is named in an error ("Priority (0000,0700)"). */
function where(el: CommandElement): string {
  return `${el.name} (0000,${el.element.toString(16).padStart(4, "0")})`;
}

function checkValue(el: CommandElement, v: unknown): void {
  // The name is built only for an error: this runs for every element of every message sent.
  switch (el.vr) {
    case "US":
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0xffff)
        throw new DimseEncodeError(`${where(el)} must be an integer from 0 to 65535, got ${String(v)}`);
      return;
    case "UI":
      if (typeof v !== "string" || !uidPattern.test(v))
        throw new DimseEncodeError(
          `${where(el)} must be a UID of digits and dots, 1 to 64 characters, got ${JSON.stringify(v)}`,
        );
      return;
    case "AE":
      // PS3.5 6.2: at most 16 characters; leading and trailing spaces are not significant.
      if (typeof v !== "string" || v.trim() === "" || v.length > 16 || badTextChar.test(v))
        throw new DimseEncodeError(`${where(el)} must be an AE title of 1 to 16 characters, got ${JSON.stringify(v)}`);
      return;
    case "LO":
      if (typeof v !== "string" || v.length > 64 || badTextChar.test(v) || /[^\x00-\xff]/.test(v))
        throw new DimseEncodeError(`${where(el)} must be at most 64 Latin-1 characters, got ${JSON.stringify(v)}`);
      return;
    case "AT":
      if (!Array.isArray(v) || v.some((t) => typeof t !== "number" || !Number.isInteger(t) || t < 0 || t > 0xffffffff))
        throw new DimseEncodeError(`${where(el)} must be a list of tags (group << 16 | element)`);
      return;
  }
}

/** What a message type may carry, worked out once per command field. */
interface Layout {
  /** The elements it allows (required and optional), in tag order: all that encoding looks at. */
  readonly allowed: readonly CommandElement[];
  /** The elements it does not allow: validation checks that none is set. */
  readonly others: readonly CommandElement[];
}

const layouts = new Map<number, Layout>();

function layoutOf(commandField: number, spec: { required: readonly string[]; optional: readonly string[] }): Layout {
  let layout = layouts.get(commandField);
  if (layout === undefined) {
    const keys = new Set<string>([...spec.required, ...spec.optional]);
    layout = {
      allowed: commandElements.filter((el) => keys.has(el.key)),
      others: commandElements.filter((el) => !keys.has(el.key)),
    };
    layouts.set(commandField, layout);
  }
  return layout;
}

/** Throws {@link DimseEncodeError} unless `cmd` has what PS3.7 requires of its message type, and nothing else. */
export function validateCommand(cmd: DimseCommand): void {
  validated(cmd);
}

/** {@link validateCommand}, returning the message type's layout for the encoder. */
function validated(cmd: DimseCommand): Layout {
  const spec = messageSpecs.get(cmd.commandField);
  if (spec === undefined)
    throw new DimseEncodeError(`unknown command field 0x${Number(cmd.commandField).toString(16)}`);
  const layout = layoutOf(cmd.commandField, spec);
  for (const key of spec.required) {
    if (cmd[key] === undefined) throw new DimseEncodeError(`${commandName(cmd.commandField)} requires ${key}`);
  }
  for (const el of layout.others) {
    if (cmd[el.key] !== undefined)
      throw new DimseEncodeError(`${commandName(cmd.commandField)} has no ${el.key} (PS3.7 message fields)`);
  }
  for (const el of layout.allowed) {
    const v = cmd[el.key];
    if (v !== undefined) checkValue(el, v);
  }
  const name = () => commandName(cmd.commandField);
  if (spec.dataset === "none" && cmd.hasDataset) throw new DimseEncodeError(`${name()} has no data set`);
  if (spec.dataset === "required" && !cmd.hasDataset) throw new DimseEncodeError(`${name()} needs a data set`);
  const problem = spec.check?.(cmd);
  if (problem !== undefined) throw new DimseEncodeError(`${name()}: ${problem}`);
  return layout;
}

/** Byte length of a value once padded to even length (PS3.5 7.1.1). */
function valueLength(el: CommandElement, v: string | number | readonly number[]): number {
  if (el.vr === "US") return 2;
  if (el.vr === "AT") return 4 * (v as readonly number[]).length;
  const n = (v as string).length;
  return n + (n & 1);
}

/**
 * Encodes a command set in Implicit VR Little Endian with (0000,0000) CommandGroupLength first
 * (PS3.7 6.3.1, Annex E). Validates the fields required by the message type and throws
 * {@link DimseEncodeError} when one is missing, not allowed, or out of range.
 */
export function encodeCommand(cmd: DimseCommand): Uint8Array {
  // Validation leaves only the message type's own elements to look at.
  const { allowed } = validated(cmd);
  // Size first, so the buffer is allocated once at its final length.
  let body = 8 + 2 + 8 + 2; // CommandField and CommandDataSetType
  for (const el of allowed) {
    const v = cmd[el.key];
    if (v !== undefined) body += 8 + valueLength(el, v);
  }
  const w = new ByteWriter({ initialSize: 12 + body, littleEndian: true });
  w.u16(0).u16(0).u32(4).u32(body);
  // Ascending tag order (PS3.5 7.1): CommandField (0000,0100) and CommandDataSetType (0000,0800)
  // slot in between the optional elements.
  let fieldDone = false;
  let typeDone = false;
  for (const el of allowed) {
    if (!fieldDone && el.element > CommandFieldElement) {
      w.u16(0).u16(CommandFieldElement).u32(2).u16(cmd.commandField);
      fieldDone = true;
    }
    if (!typeDone && el.element > CommandDataSetTypeElement) {
      w.u16(0)
        .u16(CommandDataSetTypeElement)
        .u32(2)
        .u16(cmd.hasDataset ? DataSetPresent : NoDataSet);
      typeDone = true;
    }
    const v = cmd[el.key];
    if (v !== undefined) writeElement(w, el, v);
  }
  // A message type whose elements all come before them (C-ECHO-RQ: up to (0000,0110)).
  if (!fieldDone) w.u16(0).u16(CommandFieldElement).u32(2).u16(cmd.commandField);
  if (!typeDone) {
    w.u16(0)
      .u16(CommandDataSetTypeElement)
      .u32(2)
      .u16(cmd.hasDataset ? DataSetPresent : NoDataSet);
  }
  return w.written();
}

function writeElement(w: ByteWriter, el: CommandElement, v: string | number | readonly number[]): void {
  const len = valueLength(el, v);
  w.u16(0).u16(el.element).u32(len);
  switch (el.vr) {
    case "US":
      w.u16(v as number);
      return;
    case "AT":
      // PS3.5 6.2: an AT value is the group then the element, each a 16-bit little-endian number.
      for (const t of v as readonly number[]) w.u16(t >>> 16).u16(t & 0xffff);
      return;
    case "UI":
      // PS3.5 9.1: UIDs are padded with a single trailing NUL to even length.
      w.ascii(v as string);
      if (len !== (v as string).length) w.u8(0);
      return;
    default:
      // AE and LO are padded with a trailing space (PS3.5 6.2).
      w.ascii(v as string);
      if (len !== (v as string).length) w.u8(0x20);
  }
}
