// The framer that owns the socket's read buffer: PDUs cut in place from reads of any size, the
// same PDUs as the chunk framer, memory bounded by what arrived, limits checked from the header.
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodePdu, PduFramer, PduReadBuffer, PduTooLargeError, PduType } from "../../src/pdu/index.js";
import { hex, toHex } from "./hex.js";

function pData(n: number, seed: number): Uint8Array {
  const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
  return encodePdu({ type: PduType.PDataTf, values: [{ contextId: 1, isCommand: false, isLast: false, data }] });
}

/** A stream of P-DATA-TFs of many sizes with other PDUs between them. */
function stream(): { bytes: Uint8Array; pdus: Uint8Array[] } {
  const pdus: Uint8Array[] = [];
  for (let i = 0; i < 60; i++) {
    pdus.push(pData([0, 1, 100, 4090, 16_378, 65_530, 131_066, 300_000][i % 8] as number, i));
    if (i % 7 === 3) pdus.push(hex("05 00 00000004 00000000"));
  }
  const bytes = new Uint8Array(pdus.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of pdus) {
    bytes.set(p, at);
    at += p.byteLength;
  }
  return { bytes, pdus };
}

/** A deterministic sequence of read sizes. */
function* sizes(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    yield 1 + (x % 200_000);
  }
}

test("reads into its own buffer of any size: the same PDUs as the chunk framer, P-DATA bytes valid until the next read", () => {
  const { bytes, pdus } = stream();
  for (const seed of [1, 2, 3]) {
    const rb = new PduReadBuffer();
    const got: string[] = [];
    let at = 0;
    const size = sizes(seed);
    // Bounded: every turn reads at least one byte.
    while (at < bytes.byteLength) {
      const target = rb.readTarget();
      assert.ok(target.byteLength >= 32 * 1024);
      const n = Math.min(target.byteLength, size.next().value as number, bytes.byteLength - at);
      target.set(bytes.subarray(at, at + n));
      at += n;
      for (const f of rb.push(target.subarray(0, n))) {
        // Read now: the next readTarget() may move the bytes.
        got.push(toHex(f.bytes));
        // Every PDU is a view (decodePdu copies what an A-ASSOCIATE-RQ/-AC keeps).
        assert.equal(f.bytes.buffer, target.buffer, "a view, not a copy");
      }
    }
    assert.equal(rb.buffered, 0);
    assert.deepEqual(got, pdus.map(toHex));
    // Sized for the largest PDU seen (300 KB), not more than twice over.
    assert.ok(rb.capacity < 2 * 300_006 + 64 * 1024, `capacity ${rb.capacity}`);
  }
});

test("chunks it did not hand out are copied in, with the same result as the chunk framer", () => {
  const { bytes } = stream();
  const rb = new PduReadBuffer();
  const framer = new PduFramer();
  const a: string[] = [];
  const b: string[] = [];
  for (let at = 0; at < bytes.byteLength; at += 50_000) {
    const chunk = bytes.slice(at, at + 50_000);
    for (const f of rb.push(chunk)) a.push(toHex(f.bytes));
    for (const f of framer.push(chunk)) b.push(toHex(f.bytes));
  }
  assert.deepEqual(a, b);
  assert.equal(a.length > 60, true);
});

test("a P-DATA-TF over the announced limit throws PduTooLargeError from its header and the buffer stays failed", () => {
  const rb = new PduReadBuffer();
  rb.limitPData(16_384);
  assert.equal(rb.maxPDataLength, 16_384);
  assert.equal(rb.push(pData(16_378, 1)).length, 1, "exactly the limit is fine");
  const over = pData(16_379, 1);
  assert.throws(
    () => rb.push(over.subarray(0, 6)),
    (e: unknown) => e instanceof PduTooLargeError && e.length === 16_385 && e.maxPduLength === 16_384,
  );
  assert.throws(() => rb.push(new Uint8Array(1)), PduTooLargeError);
});

test("a header announcing a huge PDU does not make it allocate before the bytes arrive", () => {
  const rb = new PduReadBuffer({ maxPduLength: 64 * 1024 * 1024 });
  // An A-ASSOCIATE-RQ announcing 60 MiB, of which only 100 KB ever arrive.
  const header = hex("01 00 03c00000");
  assert.deepEqual(rb.push(header), []);
  let sent = header.byteLength;
  for (let i = 0; i < 10; i++) {
    const target = rb.readTarget();
    const n = Math.min(target.byteLength, 10_000);
    assert.deepEqual(rb.push(target.subarray(0, n)), []);
    sent += n;
  }
  assert.equal(rb.buffered, sent);
  assert.ok(rb.capacity <= 256 * 1024, `capacity ${rb.capacity} after ${sent} bytes`);
});

test("after negotiation the buffer is sized for a few P-DATA-TFs of the announced length", () => {
  const rb = new PduReadBuffer();
  assert.equal(rb.capacity, 64 * 1024);
  rb.limitPData(131_072);
  // Rearranged at the next read that needs room: fill it once, then ask again.
  const first = rb.readTarget();
  rb.push(first.subarray(0, 3)); // a partial header stays pending
  first.fill(0);
  for (let i = 0; i < 3; i++) {
    const t = rb.readTarget();
    rb.push(t.subarray(0, t.byteLength));
    if (rb.capacity > 64 * 1024) break;
  }
  assert.ok(rb.capacity >= 4 * 131_072, `capacity ${rb.capacity}`);
});

test("starts in memory it is given, and gives it back with detach (later pushes are ignored)", () => {
  const memory = new Uint8Array(64 * 1024).fill(0xee);
  const rb = new PduReadBuffer({ buffer: memory });
  const target = rb.readTarget();
  assert.equal(target.buffer, memory.buffer, "reads land in the given memory");
  const release = hex("05 00 00000004 00000000");
  target.set(release);
  const got = rb.push(target.subarray(0, release.byteLength));
  assert.deepEqual(
    got.map((f) => toHex(f.bytes)),
    [toHex(release)],
  );
  assert.equal(rb.detach(), memory);
  assert.deepEqual(rb.push(release), [], "detached: nothing more is framed");
  assert.equal(rb.capacity, 0);
});

test("memory smaller than one read is not used", () => {
  const rb = new PduReadBuffer({ buffer: new Uint8Array(100) });
  assert.ok(rb.capacity >= 32 * 1024);
});
