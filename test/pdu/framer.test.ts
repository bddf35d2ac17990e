import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  encodePdu,
  type FramedPdu,
  PduDecodeError,
  PduFramer,
  PduTooLargeError,
  PduType,
} from "../../src/pdu/index.js";
import { hex, toHex } from "./hex.js";

// A stream of several PDUs, including an unknown type (the framer frames it; the state machine decides).
const pdus: Uint8Array[] = [
  encodePdu({
    type: PduType.AAssociateRq,
    protocolVersion: 1,
    calledAeTitle: "ANY",
    callingAeTitle: "SCU",
    applicationContextName: "1.2.840.10008.3.1.1.1",
    presentationContexts: [
      { contextId: 1, abstractSyntax: "1.2.840.10008.1.1", transferSyntaxes: ["1.2.840.10008.1.2"] },
    ],
    userInformation: { maximumLength: 16384 },
  }),
  hex("04 00 0000000a 00000006 01 03 01020304"),
  hex("04 00 00000000"), // empty body: still a whole PDU
  hex("09 00 00000003 aabbcc"), // unknown type
  hex("05 00 00000004 00000000"),
  hex("07 00 00000004 00 00 02 06"),
];
const stream = concat(pdus);
const expected = pdus.map((b) => ({ type: b[0], hex: toHex(b) }));

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

function feed(chunks: readonly Uint8Array[]): { type: number; hex: string }[] {
  const framer = new PduFramer();
  const out: FramedPdu[] = [];
  for (const c of chunks) out.push(...framer.push(c));
  assert.equal(framer.buffered, 0);
  return out.map((f) => ({ type: f.type, hex: toHex(f.bytes) }));
}

function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.byteLength + 1)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.byteLength]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}

test("framer: a stream pushed in one chunk yields every PDU, in order", () => {
  assert.deepEqual(feed([stream]), expected);
});

test("framer: the same stream one byte at a time yields the same PDUs", () => {
  const bytes = Array.from({ length: stream.byteLength }, (_, i) => stream.subarray(i, i + 1));
  assert.deepEqual(feed(bytes), expected);
});

test("framer: the same stream split at random points yields the same PDUs (property)", () => {
  fc.assert(
    fc.property(fc.array(fc.nat(), { maxLength: 20 }), (cuts) => {
      assert.deepEqual(feed(splitAt(stream, cuts)), expected);
    }),
    { numRuns: 500 },
  );
});

test("framer: a PDU within one chunk is returned as a view of that chunk, not a copy", () => {
  const framer = new PduFramer();
  const [first] = framer.push(stream);
  assert.equal(first?.bytes.buffer, stream.buffer);
});

test("framer: buffered counts the bytes of an incomplete PDU", () => {
  const framer = new PduFramer();
  assert.deepEqual(framer.push(hex("04 00 0000000a 0000")), []);
  assert.equal(framer.buffered, 8);
  const done = framer.push(hex("0006 01 03 01020304 05"));
  assert.equal(done.length, 1);
  assert.equal(framer.buffered, 1);
});

test("framer: a length field over maxPduLength throws after only the 6-byte header", () => {
  const framer = new PduFramer({ maxPduLength: 1000 });
  assert.deepEqual(framer.push(hex("04 00 000003e8")), []); // exactly the limit: fine, waits for the body
  assert.equal(framer.buffered, 6);

  const small = new PduFramer({ maxPduLength: 1000 });
  assert.deepEqual(small.push(hex("04 00 00")), []);
  assert.throws(
    () => small.push(hex("0003e9")), // 1001: one more than allowed, header completed across two chunks
    (e: unknown) =>
      e instanceof PduTooLargeError &&
      e instanceof PduDecodeError &&
      e.code === "ERR_PDU_TOO_LARGE" &&
      e.length === 1001 &&
      e.abort.source === 2,
  );
  assert.ok(small.buffered <= 6, `buffered ${small.buffered}`);
  // The framer stays failed: the association is to be aborted.
  assert.throws(() => small.push(hex("00")), PduTooLargeError);
});

test("framer: the default limit refuses a 4 GiB length field before buffering anything more", () => {
  const framer = new PduFramer();
  assert.throws(() => framer.push(hex("04 00 ffffffff 00")), PduTooLargeError);
  assert.ok(framer.buffered <= 7);
});

test("framer: a too-large PDU after good ones is caught when its header arrives", () => {
  const framer = new PduFramer({ maxPduLength: 100 });
  assert.equal(framer.push(hex("05 00 00000004 00000000")).length, 1);
  assert.throws(
    () => framer.push(hex("04 00 00000065")),
    (e: unknown) => e instanceof PduTooLargeError && e.offset === 12,
  );
});

test("framer: P-DATA-TFs are held to maxPDataLength, other PDUs only to maxPduLength", () => {
  const header = (type: number, body: number) => {
    const h = new Uint8Array(6);
    h[0] = type;
    new DataView(h.buffer).setUint32(2, body);
    return h;
  };
  const f = new PduFramer({ maxPduLength: 4096, maxPDataLength: 100 });
  assert.equal(f.maxPDataLength, 100);
  // Exactly the limit: the whole PDU comes out.
  const ok = f.push(concat([header(PduType.PDataTf, 100), new Uint8Array(100)]));
  assert.deepEqual(
    ok.map((p) => [p.type, p.length]),
    [[PduType.PDataTf, 106]],
  );
  // An association PDU larger than the P-DATA limit is still framed.
  assert.equal(f.push(concat([header(PduType.AAssociateRq, 1000), new Uint8Array(1000)])).length, 1);
  // One byte over: refused from the header alone.
  assert.throws(
    () => f.push(header(PduType.PDataTf, 101)),
    (e: unknown) => e instanceof PduTooLargeError && e.length === 101 && e.maxPduLength === 100,
  );
});

test("framer: limitPData sets the P-DATA-TF limit, 0 meaning maxPduLength, never above it", () => {
  const f = new PduFramer({ maxPduLength: 4096 });
  assert.equal(f.maxPDataLength, 4096);
  f.limitPData(16382);
  assert.equal(f.maxPDataLength, 4096);
  f.limitPData(200);
  assert.equal(f.maxPDataLength, 200);
  f.limitPData(0);
  assert.equal(f.maxPDataLength, 4096);
  f.limitPData(200);
  assert.throws(() => f.push(hex("04 00 000000c9")), PduTooLargeError);
  const g = new PduFramer({ maxPduLength: 4096 });
  g.limitPData(200);
  assert.equal(g.push(concat([hex("04 00 000000c8"), new Uint8Array(200)])).length, 1);
});
