// PS3.8 9.3.6 and 9.3.7: the A-RELEASE-RQ and A-RELEASE-RP PDUs (four reserved bytes each).
import type { ByteReader } from "../util/byte-reader.js";
import type { ByteWriter } from "../util/byte-writer.js";
import { expectEnd } from "./fields.js";
import { PduType } from "./pdu-type.js";

/** A request to release the association. */
export interface AReleaseRq {
  readonly type: typeof PduType.AReleaseRq;
}

/** The answer to a release request. */
export interface AReleaseRp {
  readonly type: typeof PduType.AReleaseRp;
}

/** Writes a whole A-RELEASE-RQ or A-RELEASE-RP PDU. */
export function encodeARelease(pdu: AReleaseRq | AReleaseRp, w: ByteWriter): void {
  w.u8(pdu.type).u8(0).u32(4).zeros(4);
}

/** Reads an A-RELEASE-RQ body. */
export function decodeAReleaseRq(r: ByteReader): AReleaseRq {
  r.skip(4); // reserved, not tested (PS3.8 9.3.1)
  expectEnd(r, "A-RELEASE-RQ");
  return { type: PduType.AReleaseRq };
}

/** Reads an A-RELEASE-RP body. */
export function decodeAReleaseRp(r: ByteReader): AReleaseRp {
  r.skip(4);
  expectEnd(r, "A-RELEASE-RP");
  return { type: PduType.AReleaseRp };
}

/** Log lines for an A-RELEASE-RQ or -RP. */
export function describeARelease(pdu: AReleaseRq | AReleaseRp): string[] {
  return [pdu.type === PduType.AReleaseRq ? "A-RELEASE-RQ" : "A-RELEASE-RP"];
}
