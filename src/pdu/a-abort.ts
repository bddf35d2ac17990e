// PS3.8 9.3.8: the A-ABORT PDU.
import type { ByteReader } from "../util/byte-reader.js";
import type { ByteWriter } from "../util/byte-writer.js";
import { expectEnd } from "./fields.js";
import { PduType } from "./pdu-type.js";

/** An abrupt end of the association (PS3.8 Table 9-26). */
export interface AAbort {
  readonly type: typeof PduType.AAbort;
  /** 0 service-user, 2 service-provider (1 is reserved). */
  readonly source: number;
  /** Significant only when `source` is 2: 0–6, see {@link abortReasonName}. */
  readonly reason: number;
}

/** Writes a whole A-ABORT PDU. */
export function encodeAAbort(pdu: AAbort, w: ByteWriter): void {
  w.u8(PduType.AAbort).u8(0).u32(4).u8(0).u8(0).u8(pdu.source).u8(pdu.reason);
}

/** Reads an A-ABORT body. */
export function decodeAAbort(r: ByteReader): AAbort {
  r.skip(2); // reserved, not tested (PS3.8 9.3.1)
  const pdu = { type: PduType.AAbort, source: r.u8(), reason: r.u8() } as const;
  expectEnd(r, "A-ABORT");
  return pdu;
}

const abortSourceNames: Readonly<Record<number, string>> = {
  0: "Service User",
  1: "Reserved",
  2: "Service Provider",
};
const abortReasonNames: Readonly<Record<number, string>> = {
  0: "Reason not specified",
  1: "Unrecognized PDU",
  2: "Unexpected PDU",
  3: "Reserved",
  4: "Unrecognized PDU parameter",
  5: "Unexpected PDU parameter",
  6: "Invalid PDU parameter value",
};

/** The readable meaning of a service-provider A-ABORT reason. */
export function abortReasonName(reason: number): string {
  return abortReasonNames[reason] ?? `Unknown reason ${reason}`;
}

/** Log lines for an A-ABORT. */
export function describeAAbort(pdu: AAbort): string[] {
  const lines = ["A-ABORT", `  Source: ${abortSourceNames[pdu.source] ?? `Unknown source ${pdu.source}`}`];
  // PS3.8 9.3.8: the reason is not significant when the service-user aborted.
  if (pdu.source === 2) lines.push(`  Reason: ${abortReasonName(pdu.reason)}`);
  return lines;
}
