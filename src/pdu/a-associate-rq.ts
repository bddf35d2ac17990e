// PS3.8 9.3.2: the A-ASSOCIATE-RQ PDU.
import type { ByteReader } from "../util/byte-reader.js";
import type { ByteWriter } from "../util/byte-writer.js";
import { type AssociateFields, decodeAssociate, describeAssociate, encodeAssociate } from "./associate-common.js";
import { ItemType, PduType } from "./pdu-type.js";
import {
  decodePresentationContextRq,
  describePresentationContextRq,
  encodePresentationContextRq,
  type PresentationContextRqItem,
} from "./presentation-context.js";

/** A request to open an association. */
export interface AAssociateRq extends AssociateFields<PresentationContextRqItem> {
  readonly type: typeof PduType.AAssociateRq;
}

/** Writes a whole A-ASSOCIATE-RQ PDU. */
export function encodeAAssociateRq(pdu: AAssociateRq, w: ByteWriter): void {
  encodeAssociate(w, PduType.AAssociateRq, pdu, encodePresentationContextRq);
}

/** Reads an A-ASSOCIATE-RQ body (after the 6-byte PDU header). */
export function decodeAAssociateRq(r: ByteReader): AAssociateRq {
  const fields = decodeAssociate(r, ItemType.PresentationContextRq, decodePresentationContextRq, "A-ASSOCIATE-RQ");
  return { type: PduType.AAssociateRq, ...fields };
}

/** Log lines for an A-ASSOCIATE-RQ. */
export function describeAAssociateRq(pdu: AAssociateRq): string[] {
  return describeAssociate("A-ASSOCIATE-RQ", pdu, describePresentationContextRq);
}
