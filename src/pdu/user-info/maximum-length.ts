// PS3.8 Annex D.1: the Maximum Length sub-item (0x51).
import type { ByteReader } from "../../util/byte-reader.js";
import type { ByteWriter } from "../../util/byte-writer.js";
import { expectEnd } from "../fields.js";
import { ItemType } from "../pdu-type.js";

/** Writes a Maximum Length sub-item: the largest P-DATA-TF body the sender will receive (0 = no limit). */
export function encodeMaximumLength(w: ByteWriter, maximumLength: number): void {
  w.u8(ItemType.MaximumLength).u8(0).u16(4).u32(maximumLength);
}

/** Reads a Maximum Length sub-item body. */
export function decodeMaximumLength(r: ByteReader): number {
  const v = r.u32();
  expectEnd(r, "maximum length sub-item");
  return v;
}

/** Log lines for a maximum length. */
export function describeMaximumLength(maximumLength: number): string[] {
  return [`Maximum PDU Length: ${maximumLength === 0 ? "0 (unlimited)" : maximumLength}`];
}
