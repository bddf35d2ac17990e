// PS3.7 Annex D.3.3.2: Implementation Class UID (0x52) and Implementation Version Name (0x55).
import type { ByteReader } from "../../util/byte-reader.js";
import type { ByteWriter } from "../../util/byte-writer.js";
import { PduEncodeError } from "../errors.js";
import { readUid, writeUidItem } from "../fields.js";
import { ItemType } from "../pdu-type.js";

/** Writes an Implementation Class UID sub-item. */
export function encodeImplementationClassUid(w: ByteWriter, uid: string): void {
  writeUidItem(w, ItemType.ImplementationClassUid, uid);
}

/** Reads an Implementation Class UID sub-item body. */
export function decodeImplementationClassUid(r: ByteReader): string {
  return readUid(r, r.remaining);
}

/** Writes an Implementation Version Name sub-item (1 to 16 characters, PS3.7 D.3.3.2.3). */
export function encodeImplementationVersionName(w: ByteWriter, name: string): void {
  if (name.length > 16) throw new PduEncodeError(`implementation version name "${name}" is longer than 16 characters`);
  writeUidItem(w, ItemType.ImplementationVersionName, name);
}

/** Reads an Implementation Version Name sub-item body, as sent (no trimming, so it round-trips). */
export function decodeImplementationVersionName(r: ByteReader): string {
  return r.ascii(r.remaining);
}
