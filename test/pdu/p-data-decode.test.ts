// decodePdu reads P-DATA-TFs without a ByteReader (decodePDataTfItems): it must give what the
// reader-based decodePDataTf gives, value for value, and fail the same way on the same bytes.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { decodePDataTf, decodePdu, PduDecodeError } from "../../src/pdu/index.js";
import { ByteReader } from "../../src/util/byte-reader.js";
import { OutOfBoundsError } from "../../src/util/errors.js";

/**
 * A reference decoding through ByteReader, written out here independently of the library (whose
 * decodePDataTf now shares the fast path): item length (at least 2), context ID, control header,
 * data; a read past the end is a "truncated field" error at the offset of that read.
 */
function viaReader(bytes: Uint8Array): unknown {
  const r = new ByteReader(bytes);
  r.skip(6);
  const values: { contextId: number; isCommand: boolean; isLast: boolean; data: Uint8Array }[] = [];
  try {
    while (r.remaining > 0) {
      const at = r.position;
      const length = r.u32();
      if (length < 2) throw new PduDecodeError(`PDV item length ${length} is below the minimum of 2`, at);
      const item = r.sub(length);
      const contextId = item.u8();
      const mch = item.u8();
      values.push({
        contextId,
        isCommand: (mch & 1) !== 0,
        isLast: (mch & 2) !== 0,
        data: item.bytesView(item.remaining),
      });
    }
  } catch (e) {
    if (e instanceof OutOfBoundsError) throw new PduDecodeError(`truncated field: ${e.message}`, e.offset);
    throw e;
  }
  return { type: 4, values };
}

function outcome(f: () => unknown): unknown {
  try {
    return { ok: f() };
  } catch (e) {
    assert.ok(e instanceof PduDecodeError, `a PduDecodeError, not ${String(e)}`);
    return { error: e.message, offset: e.offset, abort: e.abort };
  }
}

/** A P-DATA-TF header (type 4, length of the rest) before `body`. */
function pdu(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(6 + body.length);
  out[0] = 4;
  new DataView(out.buffer).setUint32(2, body.length);
  out.set(body, 6);
  return out;
}

test("P-DATA-TF: the fast decoding equals the reader's, values and errors, for well-formed and mangled items", () => {
  const item = fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 40 }))
    .map(([id, mch, data]) => {
      const b = new Uint8Array(6 + data.length);
      new DataView(b.buffer).setUint32(0, 2 + data.length);
      b[4] = id;
      b[5] = mch;
      b.set(data, 6);
      return b;
    });
  fc.assert(
    fc.property(
      fc.array(item, { maxLength: 5 }),
      fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }))),
      fc.nat({ max: 8 }),
      (items, poke, cut) => {
        const body = new Uint8Array(items.reduce((n, i) => n + i.length, 0));
        let at = 0;
        for (const i of items) {
          body.set(i, at);
          at += i.length;
        }
        // Mangle one byte (often a length field) and cut a few bytes off the end.
        if (poke && body.length > 0) body[poke[0] % body.length] = poke[1];
        const bytes = pdu(body.subarray(0, Math.max(0, body.length - cut)));
        const fast = outcome(() => decodePdu(bytes));
        assert.deepEqual(
          fast,
          outcome(() => viaReader(bytes)),
        );
        // The exported reader form agrees too.
        const reader = new ByteReader(bytes);
        reader.skip(6);
        assert.deepEqual(
          outcome(() => decodePDataTf(reader)),
          fast,
        );
        // Data stay views of the input (no copy).
        const ok = (fast as { ok?: { values: { data: Uint8Array }[] } }).ok;
        for (const v of ok?.values ?? []) assert.equal(v.data.buffer, bytes.buffer);
      },
    ),
    { numRuns: 500 },
  );
});
