import type { VR } from "./dictionary.js";

export type { VR };

/** How a VR's value is represented in JavaScript. */
export type VrKind = "string" | "text" | "number-string" | "pn" | "binary" | "bigint" | "tag" | "bytes" | "sequence";

/** Properties of a VR that the codec needs (PS3.5 6.2, Table 6.2-1 and 7.1.2). */
export interface VrInfo {
  /** Explicit VR uses a 2-byte reserved field and a 4-byte length (PS3.5 7.1.2). */
  readonly longLength: boolean;
  /** How its value is represented in JavaScript. */
  readonly kind: VrKind;
  /** Bytes per numeric word, for byte swapping; 0 for strings and OB/UN. */
  readonly wordSize: 0 | 2 | 4 | 8;
  /** Padding to an even length: NUL for UI and binary VRs, space for text (PS3.5 6.2). */
  readonly padByte: 0x00 | 0x20;
  /** Text whose value uses Specific Character Set (PS3.5 6.1.2.3). */
  readonly usesCharset: boolean;
}

function info(
  longLength: boolean,
  kind: VrKind,
  wordSize: 0 | 2 | 4 | 8,
  padByte: 0x00 | 0x20,
  usesCharset = false,
): VrInfo {
  return { longLength, kind, wordSize, padByte, usesCharset };
}

/** Every VR of the current standard (PS3.5 Table 6.2-1). */
export const VR_INFO: Readonly<Record<VR, VrInfo>> = {
  AE: info(false, "string", 0, 0x20),
  AS: info(false, "string", 0, 0x20),
  AT: info(false, "tag", 2, 0x00),
  CS: info(false, "string", 0, 0x20),
  DA: info(false, "string", 0, 0x20),
  DS: info(false, "number-string", 0, 0x20),
  DT: info(false, "string", 0, 0x20),
  FD: info(false, "binary", 8, 0x00),
  FL: info(false, "binary", 4, 0x00),
  IS: info(false, "number-string", 0, 0x20),
  LO: info(false, "string", 0, 0x20, true),
  LT: info(false, "text", 0, 0x20, true),
  OB: info(true, "bytes", 0, 0x00),
  OD: info(true, "bytes", 8, 0x00),
  OF: info(true, "bytes", 4, 0x00),
  OL: info(true, "bytes", 4, 0x00),
  OV: info(true, "bytes", 8, 0x00),
  OW: info(true, "bytes", 2, 0x00),
  PN: info(false, "pn", 0, 0x20, true),
  SH: info(false, "string", 0, 0x20, true),
  SL: info(false, "binary", 4, 0x00),
  SQ: info(true, "sequence", 0, 0x00),
  SS: info(false, "binary", 2, 0x00),
  ST: info(false, "text", 0, 0x20, true),
  SV: info(true, "bigint", 8, 0x00),
  TM: info(false, "string", 0, 0x20),
  UC: info(true, "string", 0, 0x20, true),
  UI: info(false, "string", 0, 0x00),
  UL: info(false, "binary", 4, 0x00),
  UN: info(true, "bytes", 0, 0x00),
  UR: info(true, "text", 0, 0x20),
  US: info(false, "binary", 2, 0x00),
  UT: info(true, "text", 0, 0x20, true),
  UV: info(true, "bigint", 8, 0x00),
};

/** Every VR, in PS3.5 order. */
export const ALL_VRS = Object.keys(VR_INFO) as VR[];

const byCode = new Map<number, VR>(ALL_VRS.map((vr) => [(vr.charCodeAt(0) << 8) | vr.charCodeAt(1), vr]));

/** The VR spelled by two bytes of an explicit VR header, or undefined for an unknown code. */
export function vrFromBytes(b0: number, b1: number): VR | undefined {
  return byCode.get((b0 << 8) | b1);
}

/** True when `s` names a VR of the current standard. */
export function isVr(s: string): s is VR {
  return Object.hasOwn(VR_INFO, s);
}
