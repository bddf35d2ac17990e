// PS3.7 6.3.1 and Annex E: decoding and validating a received command set.
import { OutOfBoundsError } from "../util/errors.js";
import {
  CommandDataSetTypeElement,
  type CommandElement,
  CommandFieldElement,
  commandElements,
  type DimseCommand,
  formatTag,
  NoDataSet,
} from "./command.js";
import { commandName, isResponse } from "./command-field.js";
import { DimseDecodeError } from "./errors.js";
import type { MessageSpec } from "./message-spec.js";
import { messageSpecs } from "./message-specs.js";

const byElement: ReadonlyMap<number, CommandElement> = new Map(commandElements.map((e) => [e.element, e]));

// PS3.7 Annex C failure statuses used to answer a request whose command set is unusable.
const UnrecognizedOperation = 0x0211; // the command field names no operation we know
const MistypedArgument = 0x0212; // an element's value has the wrong length for its VR
const InvalidArgumentValue = 0x0115; // CommandDataSetType contradicts the message type
const MissingAttribute = 0x0120; // a mandatory command element is absent

/** Latin-1 text of `bytes[start, end)` (native: command strings are decoded once per message). */
const latin1Slice = Buffer.prototype.latin1Slice as (this: Uint8Array, start: number, end: number) => string;

/** Text of a string value: single-byte characters, trailing NUL and space padding removed (PS3.5 6.2). */
function text(bytes: Uint8Array, from: number, to: number): string {
  let end = to;
  while (end > from && (bytes[end - 1] === 0 || bytes[end - 1] === 0x20)) end--;
  let start = from;
  while (start < end && bytes[start] === 0x20) start++;
  return start === end ? "" : latin1Slice.call(bytes, start, end);
}

/** Little-endian 16-bit value at `at` (the caller checked the bounds). */
function u16(b: Uint8Array, at: number): number {
  return (b[at] as number) | ((b[at + 1] as number) << 8);
}

/** Little-endian 32-bit value at `at` (the caller checked the bounds). */
function u32(b: Uint8Array, at: number): number {
  return (
    ((b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16)) +
    (b[at + 3] as number) * 0x1000000
  );
}

/** The error for a read of `wanted` bytes at `at` with only `available` left. */
function truncated(at: number, wanted: number, available: number): DimseDecodeError {
  const e = new OutOfBoundsError(at, wanted, available);
  return new DimseDecodeError(`command set is truncated: ${e.message}`, { abort: true }, { cause: e });
}

/** The error for an element header cut short: the read of the group, element or length that failed. */
function truncatedHeader(at: number, left: number): DimseDecodeError {
  if (left < 2) return truncated(at, 2, left);
  if (left < 4) return truncated(at + 2, 2, left - 2);
  return truncated(at + 4, 4, left - 4);
}

/**
 * Decodes a command set (Implicit VR Little Endian, PS3.7 6.3.1) and validates it against its
 * message type (PS3.7 9.3 / 10.3). Elements netdicom does not know (retired group 0000 elements,
 * anything outside group 0000) are skipped.
 *
 * Throws {@link DimseDecodeError}: `abort` when the bytes do not decode, when the message cannot
 * be identified or answered, or when it is a response; otherwise `status` is the failure status
 * to answer the request with: 0x0211 Unrecognized Operation for an unknown command field, 0x0120
 * Missing Attribute for an absent mandatory element, 0x0212 Mistyped Argument for a value of the
 * wrong length, 0x0115 Invalid Argument Value for a data set where the message allows none or
 * none where it needs one.
 */
export function decodeCommand(bytes: Uint8Array): DimseCommand {
  // One pass over the bytes with explicit bounds checks (no reader object, no view per value):
  // every received message is decoded here, most of them in a process's first, unoptimised runs.
  const total = bytes.byteLength;
  // The two fields every command has come first, so every decoded command has the same shape.
  const out: Record<string, unknown> = { commandField: 0, hasDataset: false };
  let commandField: number | undefined;
  let dataSetType: number | undefined;
  let mistyped: number | undefined;
  let at = 0;
  while (at < total) {
    if (total - at < 8) throw truncatedHeader(at, total - at);
    const group = u16(bytes, at);
    const element = u16(bytes, at + 2);
    const length = u32(bytes, at + 4);
    const from = at + 8;
    // Checked before anything is allocated: a length past the end is a truncated command set.
    if (length > total - from) throw truncated(from, length, total - from);
    at = from + length;
    if (group !== 0) continue;
    if (element === 0) {
      // PS3.7 E.1: the group length counts every byte after this element.
      if (length !== 4) throw new DimseDecodeError(`CommandGroupLength has length ${length}, not 4`, { abort: true });
      const declared = u32(bytes, from);
      if (declared !== total - at)
        throw new DimseDecodeError(
          `CommandGroupLength is ${declared} but ${total - at} bytes follow it (at byte ${from})`,
          { abort: true },
        );
      continue;
    }
    if (element === CommandFieldElement || element === CommandDataSetTypeElement) {
      if (length !== 2) {
        const name = element === CommandFieldElement ? "CommandField" : "CommandDataSetType";
        throw new DimseDecodeError(`${name} has length ${length}, not 2`, { abort: true });
      }
      if (element === CommandFieldElement) commandField = u16(bytes, from);
      else dataSetType = u16(bytes, from);
      continue;
    }
    const def = byElement.get(element);
    if (def === undefined) continue;
    const v = decodeValue(def, bytes, from, length);
    if (v === undefined) mistyped ??= element;
    else out[def.key] = v;
  }
  return validate(out, commandField, dataSetType, mistyped);
}

function decodeValue(
  def: CommandElement,
  bytes: Uint8Array,
  from: number,
  length: number,
): string | number | number[] | undefined {
  switch (def.vr) {
    case "US":
      return length === 2 ? u16(bytes, from) : undefined;
    case "AT": {
      if (length % 4 !== 0) return undefined;
      const tags: number[] = [];
      for (let i = from; i < from + length; i += 4) tags.push(((u16(bytes, i) << 16) | u16(bytes, i + 2)) >>> 0);
      return tags;
    }
    default:
      return text(bytes, from, from + length);
  }
}

function validate(
  out: Record<string, unknown>,
  commandField: number | undefined,
  dataSetType: number | undefined,
  mistyped: number | undefined,
): DimseCommand {
  if (commandField === undefined)
    throw new DimseDecodeError("command set has no CommandField (0000,0100)", { abort: true });
  const spec = messageSpecs.get(commandField);
  const hasDataset = dataSetType === undefined ? undefined : dataSetType !== NoDataSet;
  // The usual case, checked without building anything: a known message with what it needs.
  if (spec !== undefined && dataSetType !== undefined && mistyped === undefined) {
    let complete = true;
    // Indexed: every message received passes here, most in a process's first, unoptimised thousands.
    const required = spec.required;
    for (let i = 0; i < required.length; i++) {
      if (out[required[i] as string] === undefined) {
        complete = false;
        break;
      }
    }
    if (complete && (spec.dataset === "optional" || (spec.dataset === "required") === hasDataset)) {
      out.commandField = commandField;
      out.hasDataset = hasDataset;
      return out as unknown as DimseCommand;
    }
  }
  return invalid(out, commandField, spec, dataSetType, hasDataset, mistyped);
}

/** Throws the {@link DimseDecodeError} that says what is wrong with a command set {@link validate} refused. */
function invalid(
  out: Record<string, unknown>,
  commandField: number,
  spec: MessageSpec | undefined,
  dataSetType: number | undefined,
  hasDataset: boolean | undefined,
  mistyped: number | undefined,
): never {
  const messageId = out.messageId as number | undefined;
  const affectedSopClassUid = out.affectedSopClassUid as string | undefined;
  const base = { commandField, messageId, affectedSopClassUid, hasDataset };
  const name = commandName(commandField);
  // A response, or a C-CANCEL-RQ, has no response of its own: a bad one can only be aborted.
  const answerable = spec === undefined ? !isResponse(commandField) : spec.required.includes("messageId");
  const fail = (message: string, status: number, offendingElement?: number): never => {
    if (!answerable || messageId === undefined || hasDataset === undefined)
      throw new DimseDecodeError(message, { ...base, abort: true, offendingElement });
    throw new DimseDecodeError(message, { ...base, status, offendingElement, abort: false });
  };
  if (spec === undefined)
    return fail(`unrecognized command field 0x${commandField.toString(16).padStart(4, "0")}`, UnrecognizedOperation);
  // Without CommandDataSetType nobody can tell whether a data set follows: the stream is lost.
  if (dataSetType === undefined)
    throw new DimseDecodeError(`${name} has no CommandDataSetType (0000,0800)`, { ...base, abort: true });
  if (!answerable && spec.required.some((k) => out[k] === undefined)) {
    const missing = spec.required.filter((k) => out[k] === undefined);
    throw new DimseDecodeError(`${name} lacks ${missing.join(", ")}`, { ...base, abort: true });
  }
  if (mistyped !== undefined) {
    const el = byElement.get(mistyped);
    return fail(
      `${name}: ${el?.name ?? "element"} ${formatTag(mistyped)} has a value of the wrong length`,
      MistypedArgument,
      mistyped,
    );
  }
  for (const key of spec.required) {
    if (out[key] === undefined) {
      const el = commandElements.find((e) => e.key === key);
      const tag = el?.element ?? 0;
      return fail(`${name} lacks ${el?.name ?? key} ${formatTag(tag)}`, MissingAttribute, tag);
    }
  }
  if ((spec.dataset === "none" && hasDataset) || (spec.dataset === "required" && !hasDataset))
    return fail(
      `${name} ${hasDataset ? "has a data set but allows none" : "needs a data set but has none"}`,
      InvalidArgumentValue,
      CommandDataSetTypeElement,
    );
  // validate() found something wrong, and every case of it has thrown above.
  throw new DimseDecodeError(`${name} is invalid`, { ...base, abort: true });
}
