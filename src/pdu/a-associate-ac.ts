// PS3.8 9.3.3: the A-ASSOCIATE-AC PDU.
import type { ByteReader } from "../util/byte-reader.js";
import type { ByteWriter } from "../util/byte-writer.js";
import { type AssociateFields, decodeAssociate, describeAssociate, encodeAssociate } from "./associate-common.js";
import { ItemType, PduType } from "./pdu-type.js";
import {
  decodePresentationContextAc,
  describePresentationContextAc,
  encodePresentationContextAc,
  type PresentationContextAcItem,
} from "./presentation-context.js";

/**
 * The acceptance of an association. PS3.8 9.3.3: the AE title fields echo the request and are not
 * tested on receipt; they are decoded anyway for logs.
 */
export interface AAssociateAc extends AssociateFields<PresentationContextAcItem> {
  readonly type: typeof PduType.AAssociateAc;
}

/** Writes a whole A-ASSOCIATE-AC PDU. */
export function encodeAAssociateAc(pdu: AAssociateAc, w: ByteWriter): void {
  encodeAssociate(w, PduType.AAssociateAc, pdu, encodePresentationContextAc);
}

/** Reads an A-ASSOCIATE-AC body (after the 6-byte PDU header). */
export function decodeAAssociateAc(r: ByteReader): AAssociateAc {
  const fields = decodeAssociate(r, ItemType.PresentationContextAc, decodePresentationContextAc, "A-ASSOCIATE-AC");
  return { type: PduType.AAssociateAc, ...fields };
}

/** Log lines for an A-ASSOCIATE-AC. */
export function describeAAssociateAc(pdu: AAssociateAc): string[] {
  return describeAssociate("A-ASSOCIATE-AC", pdu, describePresentationContextAc);
}
