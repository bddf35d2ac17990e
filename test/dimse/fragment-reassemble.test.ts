// Fragmentation into PDVs (PS3.8 9.3.5) and streaming reassembly with its ordering rules (PS3.7 6.3.1).
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  cEchoRq,
  cStoreRq,
  DimseDecodeError,
  DimseEncodeError,
  encodeCommand,
  fragment,
  MessageReassembler,
  maxPdvDataLength,
  ReassemblyError,
  type ReassemblyEvent,
} from "../../src/dimse/index.js";
import type { PresentationDataValue } from "../../src/pdu/index.js";

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const data = Uint8Array.from({ length: 50_000 }, (_, i) => (i * 7) & 0xff);

test("maxPdvDataLength: max PDU length less 6, or the unlimited chunk for 0", () => {
  assert.equal(maxPdvDataLength(16384), 16378);
  assert.equal(maxPdvDataLength(14), 8);
  assert.equal(maxPdvDataLength(0), 1024 * 1024);
  assert.equal(maxPdvDataLength(0, 4096), 4096);
  assert.throws(() => maxPdvDataLength(6), DimseEncodeError);
  assert.throws(() => maxPdvDataLength(-1), DimseEncodeError);
  assert.throws(() => maxPdvDataLength(0, 0), DimseEncodeError);
});

for (const max of [0, 4096, 16382, 14, 7, 4097, 16383, 12345]) {
  test(`fragment at max PDU length ${max}: pieces fit, are views, and rebuild the input`, () => {
    const pieces = fragment(data, max);
    const limit = max === 0 ? 1024 * 1024 : max - 6;
    assert.equal(pieces.length, Math.ceil(data.length / limit));
    for (const [i, p] of pieces.entries()) {
      assert.ok(p.length <= limit);
      if (i < pieces.length - 1) assert.equal(p.length, limit, "only the last piece is short");
      assert.equal(p.buffer, data.buffer, "a view, not a copy");
    }
    assert.deepEqual(concat(pieces), data);
  });
}

test("fragment: unlimited (0) with a small chunk, exact multiples, empty input", () => {
  assert.equal(fragment(data, 0, 10_000).length, 5);
  assert.equal(fragment(new Uint8Array(16), 14).length, 2);
  const empty = fragment(new Uint8Array(0), 4096);
  assert.equal(empty.length, 1);
  assert.equal(empty[0]?.length, 0);
});

function pdvs(contextId: number, isCommand: boolean, bytes: Uint8Array, maxPdu: number): PresentationDataValue[] {
  const pieces = fragment(bytes, maxPdu);
  return pieces.map((p, i) => ({ contextId, isCommand, isLast: i === pieces.length - 1, data: p }));
}

const storeCmd = cStoreRq({
  messageId: 3,
  affectedSopClassUid: "1.2.840.10008.5.1.4.1.1.2",
  affectedSopInstanceUid: "1.2.3.4.5",
});
const storeBytes = encodeCommand(storeCmd);
const echoBytes = encodeCommand(cEchoRq({ messageId: 4 }));

test("reassembly: a fragmented command then a fragmented data set, streamed; then a second message", () => {
  const r = new MessageReassembler();
  const events: ReassemblyEvent[] = [];
  const incoming = [...pdvs(5, true, storeBytes, 20), ...pdvs(5, false, data, 4096), ...pdvs(5, true, echoBytes, 30)];
  let sawExpecting = false;
  for (const p of incoming) {
    const out = r.push(p);
    events.push(...out);
    if (!p.isCommand && !p.isLast) {
      assert.equal(out.length, 1, "data fragments pass through as they arrive");
      sawExpecting ||= r.expectingDataset;
    }
  }
  assert.ok(sawExpecting);
  assert.equal(r.expectingDataset, false);
  const commands = events.filter((e) => e.kind === "command");
  assert.equal(commands.length, 2);
  assert.deepEqual(commands[0]?.kind === "command" && commands[0].command, storeCmd);
  assert.deepEqual(commands[0]?.kind === "command" && commands[0].raw, storeBytes);
  assert.equal(commands[1]?.kind === "command" && commands[1].command.messageId, 4);
  const chunks = events.flatMap((e) => (e.kind === "data" ? [e] : []));
  assert.deepEqual(concat(chunks.map((c) => c.chunk)), data);
  assert.deepEqual(
    chunks.map((c) => c.isLast),
    chunks.map((_, i) => i === chunks.length - 1),
  );
  assert.equal(chunks[0]?.chunk.buffer, data.buffer, "chunks alias the PDVs");
  assert.ok(chunks.every((c) => c.contextId === 5));
});

test("takeDataFragment: takes only the next fragment of the data set being received, as push would pass it", () => {
  const r = new MessageReassembler();
  const dataPdvs = pdvs(5, false, data, 4096);
  // Nothing is expected before a command: refused, state unchanged (push still throws).
  assert.equal(r.takeDataFragment(dataPdvs[0] as PresentationDataValue), false);
  assert.throws(() => r.push(dataPdvs[0] as PresentationDataValue), ReassemblyError);
  for (const p of pdvs(5, true, storeBytes, 20)) r.push(p);
  assert.equal(r.expectingDataset, true);
  // A command fragment or another context is left to push, which rejects it.
  assert.equal(r.takeDataFragment({ ...(dataPdvs[0] as PresentationDataValue), isCommand: true }), false);
  assert.equal(r.takeDataFragment({ ...(dataPdvs[0] as PresentationDataValue), contextId: 7 }), false);
  assert.equal(r.expectingDataset, true);
  for (const p of dataPdvs.slice(0, -1)) {
    assert.equal(r.takeDataFragment(p), true);
    assert.equal(r.expectingDataset, true);
  }
  assert.equal(r.takeDataFragment(dataPdvs.at(-1) as PresentationDataValue), true);
  // After the last fragment the next message starts with its command set.
  assert.equal(r.expectingDataset, false);
  assert.equal(r.takeDataFragment(dataPdvs[0] as PresentationDataValue), false);
  const out = pdvs(5, true, echoBytes, 30).flatMap((p) => r.push(p));
  assert.equal(out[0]?.kind === "command" && out[0].command.messageId, 4);
});

function rejects(steps: PresentationDataValue[], pattern: RegExp, options?: { maxCommandBytes?: number }): void {
  const r = new MessageReassembler(options);
  assert.throws(
    () => {
      for (const p of steps) r.push(p);
    },
    (e: unknown) => e instanceof ReassemblyError && e.code === "ERR_DIMSE_REASSEMBLY" && pattern.test(e.message),
  );
}

const pdv = (contextId: number, isCommand: boolean, isLast: boolean, bytes: Uint8Array = new Uint8Array(4)) => ({
  contextId,
  isCommand,
  isLast,
  data: bytes,
});

test("reassembly errors: data before any command", () => {
  rejects([pdv(1, false, true)], /no command announcing a data set/);
});
test("reassembly errors: data before the command set is complete", () => {
  rejects([pdv(1, true, false), pdv(1, false, true)], /before the command set is complete/);
});
test("reassembly errors: a command fragment while a data set is expected", () => {
  rejects(
    [...pdvs(1, true, storeBytes, 0), pdv(1, false, false), pdv(1, true, true, echoBytes)],
    /data set is expected/,
  );
});
test("reassembly errors: context ID changing mid-command and mid-data set", () => {
  rejects([pdv(1, true, false), pdv(3, true, true)], /context 3 in the middle of a message on context 1/);
  rejects([...pdvs(1, true, storeBytes, 0), pdv(1, false, false), pdv(3, false, true)], /context 3/);
});
test("reassembly errors: data after a command that said no data set", () => {
  rejects([...pdvs(1, true, echoBytes, 0), pdv(1, false, true)], /no command announcing a data set/);
});
test("reassembly errors: a command set beyond maxCommandBytes", () => {
  rejects([pdv(1, true, false, new Uint8Array(60)), pdv(1, true, true, new Uint8Array(60))], /exceeds 100 bytes/, {
    maxCommandBytes: 100,
  });
});
test("reassembly: an invalid but answerable request throws its status, then its data set is swallowed", () => {
  const r = new MessageReassembler();
  // C-STORE-RQ without its last element, Affected SOP Instance UID (18 bytes), announcing a data set.
  const bad = storeBytes.slice(0, storeBytes.length - 18);
  new DataView(bad.buffer).setUint32(8, bad.length - 12, true);
  let caught: unknown;
  try {
    r.push(pdv(9, true, true, bad));
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof DimseDecodeError);
  assert.equal(caught.status, 0x0120);
  assert.equal(caught.contextId, 9);
  assert.deepEqual(r.push(pdv(9, false, false)), []);
  assert.deepEqual(r.push(pdv(9, false, true)), []);
  assert.equal(r.push(pdv(9, true, true, echoBytes))[0]?.kind, "command");
});

test("property: any fragmentation of command and data set reassembles to the original bytes", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 0, maxLength: 3000 }),
      fc.integer({ min: 7, max: 400 }),
      fc.integer({ min: 7, max: 400 }),
      fc.integer({ min: 1, max: 255 }),
      (payload, cmdMax, dataMax, ctx) => {
        const r = new MessageReassembler();
        const events = [...pdvs(ctx, true, storeBytes, cmdMax), ...pdvs(ctx, false, payload, dataMax)].flatMap((p) =>
          r.push(p),
        );
        const first = events[0];
        assert.ok(first?.kind === "command");
        assert.deepEqual(first.raw, storeBytes);
        const rest = events.slice(1).flatMap((e) => (e.kind === "data" ? [e.chunk] : []));
        assert.equal(rest.length, events.length - 1);
        assert.deepEqual(concat(rest), payload);
        assert.equal(r.expectingDataset, false);
      },
    ),
    { numRuns: 300 },
  );
});
