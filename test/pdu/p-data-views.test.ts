import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  decodePdu,
  encodePdu,
  type FramedPdu,
  type PDataTf,
  PduDecodeError,
  PduFramer,
  PduType,
  type PresentationDataValue,
} from "../../src/pdu/index.js";
import { hex, toHex } from "./hex.js";

// What a receiver must get from P-DATA-TFs framed with pDataViews: per presentation context and
// kind, the same bytes, with a message boundary ("last fragment") after the same byte; command
// PDVs whole; data set bytes never copied.

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
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

function filled(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
}

// Three P-DATA-TFs: a command then its data set start; several data set PDVs in one PDU (one empty);
// the data set's last fragment and the next command.
const pdus: PDataTf[] = [
  {
    type: PduType.PDataTf,
    values: [
      { contextId: 1, isCommand: true, isLast: true, data: filled(90, 1) },
      { contextId: 1, isCommand: false, isLast: false, data: filled(300, 2) },
    ],
  },
  {
    type: PduType.PDataTf,
    values: [
      { contextId: 1, isCommand: false, isLast: false, data: filled(50, 3) },
      { contextId: 1, isCommand: false, isLast: false, data: new Uint8Array(0) },
      { contextId: 1, isCommand: false, isLast: false, data: filled(257, 4) },
    ],
  },
  {
    type: PduType.PDataTf,
    values: [
      { contextId: 1, isCommand: false, isLast: true, data: filled(33, 5) },
      { contextId: 3, isCommand: true, isLast: false, data: filled(40, 6) },
      { contextId: 3, isCommand: true, isLast: true, data: filled(41, 7) },
    ],
  },
];
const encoded = pdus.map((p) => encodePdu(p));
const stream = concat(encoded);

function pdvsOf(framed: readonly FramedPdu[]): PresentationDataValue[] {
  return framed.flatMap((f) => {
    const pdu = f.pData ?? decodePdu(f.bytes);
    assert.equal(pdu.type, PduType.PDataTf);
    return pdu.type === PduType.PDataTf ? [...pdu.values] : [];
  });
}

/** The stream's PDVs as runs: consecutive fragments of one kind on one context, up to a "last". */
function messages(values: readonly PresentationDataValue[]): { key: string; hex: string }[] {
  const out: { key: string; hex: string }[] = [];
  let parts: Uint8Array[] = [];
  for (const v of values) {
    parts.push(v.data);
    if (v.isLast) {
      out.push({ key: `${v.contextId}:${v.isCommand}`, hex: toHex(concat(parts)) });
      parts = [];
    }
  }
  assert.equal(parts.length, 0, "every run ends with a last fragment");
  return out;
}

const expectedMessages = messages(pdus.flatMap((p) => p.values));
const expectedCommands = pdus.flatMap((p) => p.values.filter((v) => v.isCommand)).map((v) => toHex(v.data));

function check(chunks: readonly Uint8Array[]): void {
  const framer = new PduFramer({ pDataViews: true });
  const framed = chunks.flatMap((c) => framer.push(c));
  assert.equal(framer.buffered, 0);
  assert.equal(framed.length, pdus.length, "one framed PDU per P-DATA-TF (one Evt10 each)");
  assert.deepEqual(
    framed.map((f) => f.length),
    encoded.map((e) => e.byteLength),
  );
  const values = pdvsOf(framed);
  assert.deepEqual(messages(values), expectedMessages);
  // Command PDVs come whole, never as fragments.
  assert.deepEqual(
    values.filter((v) => v.isCommand).map((v) => toHex(v.data)),
    expectedCommands,
  );
  // Data set bytes are views of the pushed chunks, never copies.
  const buffers = new Set(chunks.map((c) => c.buffer));
  for (const v of values) if (!v.isCommand) assert.ok(buffers.has(v.data.buffer), "data set PDV is a view");
  // Only zero-length PDVs of the input are empty.
  assert.equal(values.filter((v) => v.data.byteLength === 0).length, 1);
}

test("pDataViews: the stream in one chunk gives the same messages", () => {
  check([stream]);
});

test("pDataViews: the stream one byte at a time gives the same messages", () => {
  check(Array.from({ length: stream.byteLength }, (_, i) => stream.subarray(i, i + 1)));
});

test("pDataViews: the stream split at random points gives the same messages (property)", () => {
  fc.assert(
    fc.property(fc.array(fc.nat(), { maxLength: 30 }), (cuts) => check(splitAt(stream, cuts))),
    { numRuns: 500 },
  );
});

test("pDataViews: a data set PDV over two chunks is two fragments, the last one keeping isLast", () => {
  const pdu = encodePdu({
    type: PduType.PDataTf,
    values: [{ contextId: 5, isCommand: false, isLast: true, data: filled(100, 9) }],
  });
  const a = pdu.slice(0, 60);
  const b = pdu.slice(60);
  const framer = new PduFramer({ pDataViews: true });
  assert.deepEqual(framer.push(a), []);
  const [f] = framer.push(b);
  const values = f?.pData?.values ?? [];
  assert.deepEqual(
    values.map((v) => [v.contextId, v.isCommand, v.isLast, v.data.byteLength]),
    [
      [5, false, false, 48],
      [5, false, true, 52],
    ],
  );
  assert.equal(values[0]?.data.buffer, a.buffer);
  assert.equal(values[1]?.data.buffer, b.buffer);
});

test("pDataViews: a spanning PDV longer than its PDU falls back to the bytes, which fail to decode", () => {
  // PDU body of 10 bytes; its PDV claims 200.
  const lying = hex("04 00 0000000a 000000c8 01 02 01020304");
  const framer = new PduFramer({ pDataViews: true });
  assert.deepEqual(framer.push(lying.subarray(0, 9)), []);
  const [f] = framer.push(lying.subarray(9));
  assert.equal(f?.pData, undefined);
  assert.equal(toHex(f?.bytes ?? new Uint8Array(0)), toHex(lying));
  assert.throws(
    () => decodePdu(f?.bytes ?? new Uint8Array(0)),
    (e: unknown) => e instanceof PduDecodeError && e.abort.reason === 6,
  );
});

test("pDataViews: an item length below 2 or a truncated item header falls back to the bytes", () => {
  for (const bad of [hex("04 00 00000008 00000001 01 02 0000"), hex("04 00 00000003 000000")]) {
    const framer = new PduFramer({ pDataViews: true });
    const framed = [...framer.push(bad.subarray(0, 7)), ...framer.push(bad.subarray(7))];
    assert.equal(framed.length, 1);
    assert.equal(framed[0]?.pData, undefined);
    assert.throws(() => decodePdu(framed[0]?.bytes ?? new Uint8Array(0)), PduDecodeError);
  }
});

test("pDataViews: other PDU types are still framed as whole bytes", () => {
  const rq = hex("05 00 00000004 00000000");
  const framer = new PduFramer({ pDataViews: true });
  const framed = [...framer.push(rq.subarray(0, 3)), ...framer.push(rq.subarray(3))];
  assert.equal(framed.length, 1);
  assert.equal(framed[0]?.pData, undefined);
  assert.equal(toHex(framed[0]?.bytes ?? new Uint8Array(0)), toHex(rq));
});
