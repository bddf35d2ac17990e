// dcmjs, the reference the benchmark compares against (a devDependency, loaded through require
// because it ships no type declarations). Only the two calls the benchmark makes are typed.
import { createRequire } from "node:module";

/** A file read by dcmjs. */
export interface DcmjsDicomDict {
  readonly dict: Record<string, unknown>;
  write(): ArrayBuffer;
}

/** The subset of dcmjs the benchmark uses. */
export interface Dcmjs {
  readonly data: { readonly DicomMessage: { readFile(buffer: ArrayBuffer): DcmjsDicomDict } };
  readonly log: { setLevel(level: string): void };
}

/** Loads dcmjs with its logging turned down to errors, or returns undefined when it is not installed. */
export function loadDcmjs(): Dcmjs | undefined {
  try {
    const dcmjs = createRequire(import.meta.url)("dcmjs") as Dcmjs;
    dcmjs.log.setLevel("error");
    return dcmjs;
  } catch {
    return undefined;
  }
}

/** An ArrayBuffer holding exactly `bytes` (dcmjs reads ArrayBuffers, not views). */
export function exactArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(out).set(bytes);
  return out;
}
