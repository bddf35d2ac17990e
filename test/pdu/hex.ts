// Test helpers: annotated hex fixtures. `#` starts a comment that runs to the end of the line.

/** Bytes from annotated hex: comments (`# …`) and whitespace are ignored. */
export function hex(annotated: string): Uint8Array {
  const digits = annotated.replace(/#[^\n]*/g, "").replace(/\s+/g, "");
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) throw new Error(`bad hex fixture: ${digits}`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Lowercase hex without separators. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The hex of an ASCII string, for writing UIDs and AE titles into fixtures readably. */
export function a(text: string): string {
  return toHex(new TextEncoder().encode(text));
}

/** Bytes of an ASCII string. */
export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
