// PS3.7 Annex D.3.3.4: the SCP/SCU Role Selection sub-item (0x54).
import type { ByteReader } from "../../util/byte-reader.js";
import type { ByteWriter } from "../../util/byte-writer.js";
import { expectEnd, readUidWithLength, writeItem, writeUidWithLength } from "../fields.js";
import { ItemType } from "../pdu-type.js";

/** The roles a side proposes (RQ) or accepts (AC) for one SOP class. */
export interface RoleSelectionItem {
  readonly sopClassUid: string;
  readonly scuRole: boolean;
  readonly scpRole: boolean;
}

/** Writes an SCP/SCU Role Selection sub-item. */
export function encodeRoleSelection(w: ByteWriter, item: RoleSelectionItem): void {
  writeItem(w, ItemType.RoleSelection, (b) => {
    writeUidWithLength(b, item.sopClassUid);
    b.u8(item.scuRole ? 1 : 0).u8(item.scpRole ? 1 : 0);
  });
}

/** Reads an SCP/SCU Role Selection sub-item body. Any non-zero role byte counts as support. */
export function decodeRoleSelection(r: ByteReader): RoleSelectionItem {
  const sopClassUid = readUidWithLength(r);
  const scuRole = r.u8() !== 0;
  const scpRole = r.u8() !== 0;
  expectEnd(r, "role selection sub-item");
  return { sopClassUid, scuRole, scpRole };
}

/** Log lines for a role selection. */
export function describeRoleSelection(item: RoleSelectionItem): string[] {
  return [
    `SCP/SCU Role Selection: ${item.sopClassUid} SCU=${item.scuRole ? "yes" : "no"} SCP=${item.scpRole ? "yes" : "no"}`,
  ];
}
