// PS3.7 6.3.1 and Annex E: decoding and validating a received command set.
import { ByteReader } from "../util/byte-reader.js";
import { OutOfBoundsError } from "../util/errors.js";
import {
  CommandDataSetTypeElement,
  type CommandElement,
  CommandFieldElement,
  type CommandKey,
  commandElements,
  type DimseCommand,
  formatTag,
  NoDataSet,
} from "./command.js";
import { commandName, isResponse } from "./command-field.js";
import { DimseDecodeError } from "./errors.js";
import { messageSpecs } from "./message-specs.js";

const byElement: ReadonlyMap<number, CommandElement> = new Map(commandElements.map((e) => [e.element, e]));

// PS3.7 Annex C failure statuses used to answer a request whose command set is unusable.
const UnrecognizedOperation = 0x0211; // the command field names no operation we know
const MistypedArgument = 0x0212; // an element's value has the wrong length for its VR
const InvalidArgumentValue = 0x0115; // CommandDataSetType contradicts the message type
const MissingAttribute = 0x0120; // a mandatory command element is absent

/** Text of a string value: single-byte characters, trailing NUL and space padding removed (PS3.5 6.2). */
function text(bytes: Uint8Array): string {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0 || bytes[end - 1] === 0x20)) end--;
  let start = 0;
  while (start < end && bytes[start] === 0x20) start++;
  // Command strings are short (UIDs ≤ 64 bytes); fromCharCode beats TextDecoder at this size.
  return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
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
  const r = new ByteReader(bytes, { littleEndian: true });
  const out: Record<string, unknown> = {};
  let commandField: number | undefined;
  let dataSetType: number | undefined;
  let mistyped: number | undefined;
  try {
    while (r.remaining > 0) {
      const group = r.u16();
      const element = r.u16();
      const length = r.u32();
      const at = r.position;
      const value = r.bytesView(length); // throws before anything is allocated when the length overruns
      if (group !== 0) continue;
      if (element === 0) {
        // PS3.7 E.1: the group length counts every byte after this element.
        if (length !== 4) throw new DimseDecodeError(`CommandGroupLength has length ${length}, not 4`, { abort: true });
        const declared = new DataView(value.buffer, value.byteOffset, 4).getUint32(0, true);
        if (declared !== r.remaining)
          throw new DimseDecodeError(
            `CommandGroupLength is ${declared} but ${r.remaining} bytes follow it (at byte ${at})`,
            { abort: true },
          );
        continue;
      }
      if (element === CommandFieldElement || element === CommandDataSetTypeElement) {
        if (length !== 2) {
          const name = element === CommandFieldElement ? "CommandField" : "CommandDataSetType";
          throw new DimseDecodeError(`${name} has length ${length}, not 2`, { abort: true });
        }
        const v = (value[0] ?? 0) | ((value[1] ?? 0) << 8);
        if (element === CommandFieldElement) commandField = v;
        else dataSetType = v;
        continue;
      }
      const def = byElement.get(element);
      if (def === undefined) continue;
      const v = decodeValue(def, value);
      if (v === undefined) mistyped ??= element;
      else out[def.key] = v;
    }
  } catch (e) {
    if (e instanceof DimseDecodeError) throw e;
    if (e instanceof OutOfBoundsError)
      throw new DimseDecodeError(`command set is truncated: ${e.message}`, { abort: true }, { cause: e });
    throw e;
  }
  return validate(out, commandField, dataSetType, mistyped);
}

function decodeValue(def: CommandElement, value: Uint8Array): string | number | number[] | undefined {
  switch (def.vr) {
    case "US":
      return value.length === 2 ? (value[0] ?? 0) | ((value[1] ?? 0) << 8) : undefined;
    case "AT": {
      if (value.length % 4 !== 0) return undefined;
      const dv = new DataView(value.buffer, value.byteOffset, value.length);
      const tags: number[] = [];
      for (let i = 0; i < value.length; i += 4)
        tags.push(((dv.getUint16(i, true) << 16) | dv.getUint16(i + 2, true)) >>> 0);
      return tags;
    }
    default:
      return text(value);
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
  const messageId = out.messageId as number | undefined;
  const affectedSopClassUid = out.affectedSopClassUid as string | undefined;
  const hasDataset = dataSetType === undefined ? undefined : dataSetType !== NoDataSet;
  const base = { commandField, messageId, affectedSopClassUid, hasDataset };
  const spec = messageSpecs.get(commandField);
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
  return {
    commandField,
    hasDataset: hasDataset === true,
    ...(out as Partial<Record<CommandKey, never>>),
  } as DimseCommand;
}
