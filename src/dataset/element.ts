import { decodeValue, type Value } from "./values.js";
import type { VR } from "./vr.js";

/**
 * One data element. A value read from bytes is kept raw (a view of the input) and decoded on
 * first access, so parsing costs little and an untouched element is written back byte for byte.
 */
export class DataElement {
  /** The tag, `(group << 16) | element`. */
  readonly tag: number;
  /** The Value Representation. */
  readonly vr: VR;
  /** The value bytes as read (aliases the input), or undefined for a value set in code. */
  readonly raw: Uint8Array | undefined;
  /** Byte order of `raw`. */
  readonly rawLittleEndian: boolean;
  /** Read with undefined length (SQ, encapsulated pixel data); the writer keeps that form. */
  undefinedLength: boolean;
  private decoded: Value | undefined;

  constructor(
    tag: number,
    vr: VR,
    init: { raw?: Uint8Array; littleEndian?: boolean; value?: Value; undefinedLength?: boolean },
  ) {
    this.tag = tag;
    this.vr = vr;
    this.raw = init.raw;
    this.rawLittleEndian = init.littleEndian ?? true;
    this.decoded = init.value;
    this.undefinedLength = init.undefinedLength ?? false;
  }

  /** The decoded value; `charsets` is the Specific Character Set in force for text VRs. */
  value(charsets: readonly string[]): Value {
    if (this.decoded === undefined) {
      this.decoded = decodeValue(this.raw ?? new Uint8Array(0), this.vr, this.rawLittleEndian, charsets);
    }
    return this.decoded;
  }

  /** True when the value was decoded or set (the raw bytes may then no longer be authoritative). */
  get hasDecodedValue(): boolean {
    return this.decoded !== undefined;
  }

  /** Length of the raw value in bytes, when read from bytes. */
  get rawLength(): number {
    return this.raw?.byteLength ?? 0;
  }
}
