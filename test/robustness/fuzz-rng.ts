// A small seeded PRNG and byte mutator for the fuzz engine: fast (no fast-check shrinking on a
// million cases) and reproducible, since every case is derived from (seed, case index) alone.

/** A seeded pseudo-random source (mulberry32): same seed, same sequence. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The seed of case `index` of a run started with `seed` (a 32-bit mix of both). */
  static forCase(seed: number, index: number): Rng {
    let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    return new Rng((h ^ (h >>> 16)) >>> 0);
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [0, n); 0 when n <= 0. */
  below(n: number): number {
    return n <= 0 ? 0 : this.u32() % n;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)] as T;
  }

  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }
}

// Values that tend to sit on boundaries of length and count fields.
const interesting32 = [
  0, 1, 2, 3, 4, 6, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0xffffffff,
];

/** Copies `bytes` with 1–4 random structure-blind mutations (bit flips, length edits, splices). */
export function mutate(rng: Rng, bytes: Uint8Array, maxLength: number): Uint8Array {
  let out: Uint8Array = bytes.slice();
  const rounds = 1 + rng.below(4);
  for (let i = 0; i < rounds; i++) out = mutateOnce(rng, out);
  return out.byteLength > maxLength ? out.subarray(0, maxLength) : out;
}

function mutateOnce(rng: Rng, b: Uint8Array): Uint8Array {
  const n = b.byteLength;
  const at = rng.below(n + 1);
  switch (rng.below(9)) {
    case 0: // flip one bit
      if (n > 0) b[at % n]! ^= 1 << rng.below(8);
      return b;
    case 1: // one random byte
      if (n > 0) b[at % n] = rng.below(256);
      return b;
    case 2: {
      // a boundary value written as a 16- or 32-bit field, either byte order: hits length fields
      const v = rng.pick(interesting32);
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const le = rng.chance(0.5);
      if (rng.chance(0.5) && at + 4 <= n) dv.setUint32(at, v, le);
      else if (at + 2 <= n) dv.setUint16(at, v & 0xffff, le);
      return b;
    }
    case 3: // truncate
      return b.subarray(0, at);
    case 4: {
      // delete a range
      const len = rng.below(Math.min(16, n - at) + 1);
      return concat(b.subarray(0, at), b.subarray(at + len));
    }
    case 5: // insert random bytes
      return concat(b.subarray(0, at), rng.bytes(1 + rng.below(8)), b.subarray(at));
    case 6: {
      // duplicate a range (repeats an item or element)
      const len = rng.below(Math.min(64, n - at) + 1);
      return concat(b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len));
    }
    case 7: {
      // move a length field by a small amount: off-by-one and off-by-few
      if (at + 2 > n) return b;
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const le = rng.chance(0.5);
      dv.setUint16(at, (dv.getUint16(at, le) + rng.below(9) - 4) & 0xffff, le);
      return b;
    }
    default: // append random bytes
      return concat(b, rng.bytes(1 + rng.below(16)));
  }
}

/** The concatenation of `parts`. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.byteLength;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Lower-case hex of `bytes`, cut after `max` bytes with an ellipsis. */
export function toHex(bytes: Uint8Array, max = 256): string {
  const shown = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, max)).toString("hex");
  return bytes.byteLength > max ? `${shown}… (${bytes.byteLength} bytes)` : shown;
}
