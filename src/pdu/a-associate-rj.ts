// PS3.8 9.3.4: the A-ASSOCIATE-RJ PDU.
import type { ByteReader } from "../util/byte-reader.js";
import type { ByteWriter } from "../util/byte-writer.js";
import { expectEnd } from "./fields.js";
import { PduType } from "./pdu-type.js";

/** The rejection of an association (PS3.8 Table 9-21). */
export interface AAssociateRj {
  readonly type: typeof PduType.AAssociateRj;
  /** 1 rejected-permanent, 2 rejected-transient. */
  readonly result: number;
  /** 1 service-user, 2 service-provider (ACSE), 3 service-provider (presentation). */
  readonly source: number;
  /** Meaning depends on `source`; see {@link rejectReasonName}. */
  readonly reason: number;
}

/** Writes a whole A-ASSOCIATE-RJ PDU. */
export function encodeAAssociateRj(pdu: AAssociateRj, w: ByteWriter): void {
  w.u8(PduType.AAssociateRj).u8(0).u32(4).u8(0).u8(pdu.result).u8(pdu.source).u8(pdu.reason);
}

/** Reads an A-ASSOCIATE-RJ body. */
export function decodeAAssociateRj(r: ByteReader): AAssociateRj {
  r.skip(1); // reserved, not tested (PS3.8 9.3.1)
  const pdu = { type: PduType.AAssociateRj, result: r.u8(), source: r.u8(), reason: r.u8() } as const;
  expectEnd(r, "A-ASSOCIATE-RJ");
  return pdu;
}

const resultNames: Readonly<Record<number, string>> = { 1: "Rejected (Permanent)", 2: "Rejected (Transient)" };
const sourceNames: Readonly<Record<number, string>> = {
  1: "Service User",
  2: "Service Provider (ACSE)",
  3: "Service Provider (Presentation)",
};
// PS3.8 Table 9-21: the reason values, per source.
const reasonNames: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  1: {
    1: "No reason given",
    2: "Application context name not supported",
    3: "Calling AE title not recognised",
    7: "Called AE title not recognised",
  },
  2: { 1: "No reason given", 2: "Protocol version not supported" },
  3: { 1: "Temporary congestion", 2: "Local limit exceeded" },
};

/** The readable meaning of an A-ASSOCIATE-RJ reason, which depends on its source. */
export function rejectReasonName(source: number, reason: number): string {
  return reasonNames[source]?.[reason] ?? `Unknown reason ${reason}`;
}

/** Log lines for an A-ASSOCIATE-RJ. */
export function describeAAssociateRj(pdu: AAssociateRj): string[] {
  return [
    "A-ASSOCIATE-RJ",
    `  Result: ${resultNames[pdu.result] ?? `Unknown result ${pdu.result}`}`,
    `  Source: ${sourceNames[pdu.source] ?? `Unknown source ${pdu.source}`}`,
    `  Reason: ${rejectReasonName(pdu.source, pdu.reason)}`,
  ];
}
