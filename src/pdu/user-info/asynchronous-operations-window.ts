// PS3.7 Annex D.3.3.3: the Asynchronous Operations Window sub-item (0x53).
import type { ByteReader } from "../../util/byte-reader.js";
import type { ByteWriter } from "../../util/byte-writer.js";
import { expectEnd, writeItem } from "../fields.js";
import { ItemType } from "../pdu-type.js";

/** How many operations may be outstanding at once; 0 means unlimited (PS3.7 D.3.3.3). */
export interface AsynchronousOperationsWindowItem {
  readonly maxOperationsInvoked: number;
  readonly maxOperationsPerformed: number;
}

/** Writes an Asynchronous Operations Window sub-item. */
export function encodeAsynchronousOperationsWindow(w: ByteWriter, item: AsynchronousOperationsWindowItem): void {
  writeItem(w, ItemType.AsynchronousOperationsWindow, (b) =>
    b.u16(item.maxOperationsInvoked).u16(item.maxOperationsPerformed),
  );
}

/** Reads an Asynchronous Operations Window sub-item body. */
export function decodeAsynchronousOperationsWindow(r: ByteReader): AsynchronousOperationsWindowItem {
  const maxOperationsInvoked = r.u16();
  const maxOperationsPerformed = r.u16();
  expectEnd(r, "asynchronous operations window sub-item");
  return { maxOperationsInvoked, maxOperationsPerformed };
}

/** Log lines for an asynchronous operations window. */
export function describeAsynchronousOperationsWindow(item: AsynchronousOperationsWindowItem): string[] {
  return [
    "Asynchronous Operations Window:",
    `  Maximum Invoked Operations:   ${item.maxOperationsInvoked}`,
    `  Maximum Performed Operations: ${item.maxOperationsPerformed}`,
  ];
}
