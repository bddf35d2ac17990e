// PS3.7 6.3.1 and Annex E: a command set is group 0000 only, always Implicit VR Little Endian,
// with CommandGroupLength (0000,0000) first giving the length of the elements after it.
import { pDataTfHeaderLength, writePDataTfHeader } from "../pdu/p-data-tf.js";
import {
  CommandDataSetTypeElement,
  type CommandElement,
  CommandFieldElement,
  type CommandKey,
  commandElements,
  DataSetPresent,
  type DimseCommand,
  NoDataSet,
} from "./command.js";
import { commandName } from "./command-field.js";
import { DimseEncodeError } from "./errors.js";
import { defaultUnlimitedChunk, maxPdvDataLength } from "./fragment.js";
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
  // Indexed loops: every message sent goes through these, most of them in a process's first,
  // unoptimised thousands, where a for-of walks an iterator object per loop.
  const required = spec.required;
  for (let i = 0; i < required.length; i++) {
    const key = required[i] as CommandKey;
    if (cmd[key] === undefined) throw new DimseEncodeError(`${commandName(cmd.commandField)} requires ${key}`);
  }
  const others = layout.others;
  for (let i = 0; i < others.length; i++) {
    const el = others[i] as CommandElement;
    if (cmd[el.key] !== undefined)
      throw new DimseEncodeError(`${commandName(cmd.commandField)} has no ${el.key} (PS3.7 message fields)`);
  }
  const allowed = layout.allowed;
  for (let i = 0; i < allowed.length; i++) {
    const el = allowed[i] as CommandElement;
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

/** The 12 bytes of the CommandGroupLength element (0000,0000) before the elements it counts. */
const groupLengthElementLength = 12;

/**
 * Byte length of the elements after CommandGroupLength: the allowed elements that are set, plus
 * CommandField and CommandDataSetType (8 + 2 bytes each).
 */
function bodyLength(cmd: DimseCommand, allowed: readonly CommandElement[]): number {
  let body = 8 + 2 + 8 + 2;
  for (let i = 0; i < allowed.length; i++) {
    const el = allowed[i] as CommandElement;
    const v = cmd[el.key];
    if (v !== undefined) body += 8 + valueLength(el, v);
  }
  return body;
}

/**
 * Encodes a command set in Implicit VR Little Endian with (0000,0000) CommandGroupLength first
 * (PS3.7 6.3.1, Annex E). Validates the fields required by the message type and throws
 * {@link DimseEncodeError} when one is missing, not allowed, or out of range.
 */
export function encodeCommand(cmd: DimseCommand): Uint8Array {
  // Validation leaves only the message type's own elements to look at.
  const { allowed } = validated(cmd);
  const body = bodyLength(cmd, allowed);
  const out = new Uint8Array(groupLengthElementLength + body);
  writeCommandSet(cmd, allowed, body, out, 0);
  return out;
}

/**
 * Encodes a command set (as {@link encodeCommand} does, validating it) straight into the
 * P-DATA-TF PDUs that carry it to a peer whose maximum PDU length is `maxPduLength` (0: no limit;
 * see {@link maxPdvDataLength}): one PDU with one PDV, flagged command and last, unless the
 * command set needs more (PS3.8 9.3.5, Annex E). With `dataset` (which must fit one PDV), the
 * data set's PDU (flagged last) follows in the same buffer, its bytes copied: a small message is
 * then one buffer, one write. The PDUs are consecutive views of one new buffer, nobody else's
 * memory: they may be handed to a socket as they are.
 */
export function encodeCommandPdus(
  cmd: DimseCommand,
  contextId: number,
  maxPduLength: number,
  dataset?: Uint8Array,
): Uint8Array[] {
  const { allowed } = validated(cmd);
  const size = maxPdvDataLength(maxPduLength, defaultUnlimitedChunk);
  const body = bodyLength(cmd, allowed);
  const length = groupLengthElementLength + body;
  if (dataset !== undefined && dataset.byteLength > size)
    throw new DimseEncodeError(
      `a data set of ${dataset.byteLength} bytes does not fit one PDV of at most ${size} bytes`,
    );
  const extra = dataset === undefined ? 0 : pDataTfHeaderLength + dataset.byteLength;
  if (length <= size) {
    // The usual case: headers and command set written in place, one allocation.
    const end = pDataTfHeaderLength + length;
    const pdu = allocate(end + extra);
    writePDataTfHeader(pdu, 0, contextId, true, true, length);
    writeCommandSet(cmd, allowed, body, pdu, pDataTfHeaderLength);
    if (dataset === undefined) return [pdu];
    writePDataTfHeader(pdu, end, contextId, false, true, dataset.byteLength);
    pdu.set(dataset, end + pDataTfHeaderLength);
    return [pdu.subarray(0, end), pdu.subarray(end)];
  }
  // A peer with a tiny maximum PDU length: the command set is cut into several PDVs.
  const set = new Uint8Array(length);
  writeCommandSet(cmd, allowed, body, set, 0);
  const count = Math.ceil(length / size);
  const all = allocate(length + count * pDataTfHeaderLength + extra);
  const pdus: Uint8Array[] = [];
  let at = 0;
  for (let from = 0; from < length; from += size) {
    const piece = set.subarray(from, Math.min(from + size, length));
    const start = at;
    writePDataTfHeader(all, at, contextId, true, from + size >= length, piece.byteLength);
    all.set(piece, at + pDataTfHeaderLength);
    at += pDataTfHeaderLength + piece.byteLength;
    pdus.push(all.subarray(start, at));
  }
  if (dataset !== undefined) {
    writePDataTfHeader(all, at, contextId, false, true, dataset.byteLength);
    all.set(dataset, at + pDataTfHeaderLength);
    pdus.push(all.subarray(at));
  }
  return pdus;
}

/**
 * Memory for one message's PDUs: a slice of Node's buffer pool for small sizes (cheaper than a
 * fresh off-heap array). The pool hands each slice out once and never writes to it again, so it
 * is safe to queue on a socket.
 */
function allocate(n: number): Uint8Array {
  return Buffer.allocUnsafe(n);
}

/** Writes Latin-1 text into any Uint8Array (native, as decode.ts reads with `latin1Slice`). */
const latin1Write = Buffer.prototype.latin1Write as (
  this: Uint8Array,
  text: string,
  offset: number,
  length: number,
) => number;

// Byte stores, little endian (PS3.5 A.1: Implicit VR Little Endian), straight into the output: a
// DataView would take the array off the V8 heap, and a ByteWriter cost more than the bytes.

/** Writes the 8-byte header of element (0000,`element`): tag then a 32-bit value length. */
function elementHeader(out: Uint8Array, at: number, element: number, length: number): number {
  out[at] = 0;
  out[at + 1] = 0;
  out[at + 2] = element & 0xff;
  out[at + 3] = element >>> 8;
  out[at + 4] = length & 0xff;
  out[at + 5] = (length >>> 8) & 0xff;
  out[at + 6] = (length >>> 16) & 0xff;
  out[at + 7] = length >>> 24;
  return at + 8;
}

/** Writes a US element (0000,`element`) with value `v`. */
function usElement(out: Uint8Array, at: number, element: number, v: number): number {
  at = elementHeader(out, at, element, 2);
  out[at] = v & 0xff;
  out[at + 1] = v >>> 8;
  return at + 2;
}

/**
 * Writes CommandGroupLength (`body` bytes follow) and the elements of `cmd` in ascending tag order
 * (PS3.5 7.1) at `out[at]`; returns the offset after them.
 */
function writeCommandSet(
  cmd: DimseCommand,
  allowed: readonly CommandElement[],
  body: number,
  out: Uint8Array,
  at: number,
): number {
  at = elementHeader(out, at, 0x0000, 4);
  out[at] = body & 0xff;
  out[at + 1] = (body >>> 8) & 0xff;
  out[at + 2] = (body >>> 16) & 0xff;
  out[at + 3] = body >>> 24;
  at += 4;
  // CommandField (0000,0100) and CommandDataSetType (0000,0800) slot in between the optional
  // elements.
  let fieldDone = false;
  let typeDone = false;
  const dataSetType = cmd.hasDataset ? DataSetPresent : NoDataSet;
  for (let i = 0; i < allowed.length; i++) {
    const el = allowed[i] as CommandElement;
    if (!fieldDone && el.element > CommandFieldElement) {
      at = usElement(out, at, CommandFieldElement, cmd.commandField);
      fieldDone = true;
    }
    if (!typeDone && el.element > CommandDataSetTypeElement) {
      at = usElement(out, at, CommandDataSetTypeElement, dataSetType);
      typeDone = true;
    }
    const v = cmd[el.key];
    if (v !== undefined) at = writeElement(out, at, el, v);
  }
  // A message type whose elements all come before them (C-ECHO-RQ: up to (0000,0110)).
  if (!fieldDone) at = usElement(out, at, CommandFieldElement, cmd.commandField);
  if (!typeDone) at = usElement(out, at, CommandDataSetTypeElement, dataSetType);
  return at;
}

function writeElement(out: Uint8Array, at: number, el: CommandElement, v: string | number | readonly number[]): number {
  if (el.vr === "US") return usElement(out, at, el.element, v as number);
  const len = valueLength(el, v);
  at = elementHeader(out, at, el.element, len);
  if (el.vr === "AT") {
    // PS3.5 6.2: an AT value is the group then the element, each a 16-bit little-endian number.
    for (const t of v as readonly number[]) {
      out[at] = (t >>> 16) & 0xff;
      out[at + 1] = t >>> 24;
      out[at + 2] = t & 0xff;
      out[at + 3] = (t >>> 8) & 0xff;
      at += 4;
    }
    return at;
  }
  const s = v as string;
  if (el.vr === "UI") {
    // Validated as digits and dots: one native copy. Two UIDs go into every C-STORE request and
    // response, and a loop over their characters was a third of encoding them in a process's
    // first, unoptimised thousands of messages.
    latin1Write.call(out, s, at, s.length);
    at += s.length;
    // PS3.5 9.1: padded with a single trailing NUL to even length.
    if (len !== s.length) out[at++] = 0;
    return at;
  }
  // Single-byte characters; validation let through only Latin-1 (LO) or ASCII (UI); a code point
  // above 255 in an AE title becomes '?' as ByteWriter.ascii writes it.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[at + i] = c > 255 ? 0x3f : c;
  }
  at += s.length;
  // PS3.5 6.2: AE and LO are padded with a trailing space to even length.
  if (len !== s.length) out[at++] = 0x20;
  return at;
}
