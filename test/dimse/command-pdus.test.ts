// encodeCommandPdus writes a command set straight into its P-DATA-TF PDUs. It must give exactly
// the bytes of the general path (encodeCommand, whose bytes command-fixtures.test.ts pins, cut by
// fragment into PDVs, each put in a P-DATA-TF by encodePdu), for every message type, every mix
// of optional fields, and every peer maximum PDU length, tiny and 0 (no limit) included; and
// refuse what that path refuses, with the same error.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { commandElements } from "../../src/dimse/command.js";
import {
  type CommandKey,
  cEchoRsp,
  cStoreRq,
  cStoreRsp,
  type DimseCommand,
  DimseEncodeError,
  decodeCommand,
  encodeCommand,
  encodeCommandPdus,
  fragment,
  messageSpecs,
} from "../../src/dimse/index.js";
import { decodePDataTfItems, encodePdu, PduType } from "../../src/pdu/index.js";

const toHex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

/** The general path: the command set, fragmented, each piece in its own P-DATA-TF. */
function reference(cmd: DimseCommand, contextId: number, maxPdu: number): string[] {
  return fragment(encodeCommand(cmd), maxPdu).map((data, i, all) =>
    toHex(
      encodePdu({
        type: PduType.PDataTf,
        values: [{ contextId, isCommand: true, isLast: i === all.length - 1, data }],
      }),
    ),
  );
}

/** Either the PDUs (hex) or the error a path gives. */
function outcome(f: () => string[]): string[] | { error: string } {
  try {
    return f();
  } catch (err) {
    assert.ok(err instanceof DimseEncodeError, `a DimseEncodeError, not ${String(err)}`);
    return { error: err.message };
  }
}

const maxPdus = [0, 7, 8, 9, 13, 20, 50, 64, 100, 101, 4096, 16_384];

const samples: DimseCommand[] = [
  cStoreRq({ messageId: 1, affectedSopClassUid: "1.2.840.10008.5.1.4.1.1.2", affectedSopInstanceUid: "1.2.3.4.5" }),
  cStoreRq({
    messageId: 65_535,
    affectedSopClassUid: "1.2.3",
    affectedSopInstanceUid: "1.2.3.44",
    priority: 2,
    moveOriginatorApplicationEntityTitle: "MOVER",
    moveOriginatorMessageId: 9,
  }),
  cStoreRsp({
    messageIdBeingRespondedTo: 7,
    status: 0,
    affectedSopClassUid: "1.2.3",
    affectedSopInstanceUid: "1.2.3.4",
  }),
  cStoreRsp({
    messageIdBeingRespondedTo: 7,
    status: 0xa700,
    errorComment: "disk full",
    offendingElement: [0x00100010, 0x7fe00010],
  }),
  cEchoRsp({ messageIdBeingRespondedTo: 1, status: 0 }),
];

test("encodeCommandPdus: the bytes of encodeCommand + fragment + encodePdu, for every peer max PDU length", () => {
  for (const cmd of samples) {
    for (const max of maxPdus) {
      const pdus = encodeCommandPdus(cmd, 5, max);
      assert.deepEqual(pdus.map(toHex), reference(cmd, 5, max), `max PDU ${max}`);
      // Each is one whole PDU whose length field counts the rest.
      for (const pdu of pdus) assert.equal(pdu.byteLength, 6 + Buffer.from(pdu.buffer, pdu.byteOffset).readUInt32BE(2));
      // And what a peer reassembles decodes to the command.
      const data = pdus.flatMap((p) => decodePDataTfItems(p, 6).values.map((v) => v.data));
      assert.deepEqual(decodeCommand(Buffer.concat(data)), cmd);
    }
  }
});

test("encodeCommandPdus: one PDU when the command set fits, several when the peer's limit is tiny", () => {
  const cmd = samples[0]!;
  const length = encodeCommand(cmd).byteLength;
  assert.equal(encodeCommandPdus(cmd, 1, 0).length, 1);
  assert.equal(encodeCommandPdus(cmd, 1, length + 6).length, 1);
  assert.equal(encodeCommandPdus(cmd, 1, length + 5).length, 2);
  assert.equal(encodeCommandPdus(cmd, 1, 7).length, length);
  // The PDUs of one message share no memory with those of another.
  const a = encodeCommandPdus(cmd, 1, 0)[0]!;
  const b = encodeCommandPdus(cmd, 1, 0)[0]!;
  const before = toHex(a);
  b.fill(0xee);
  assert.equal(toHex(a), before);
});

test("encodeCommandPdus: a max PDU length that leaves no room for data is refused as the general path refuses it", () => {
  for (const max of [1, 6, -1, 0.5, 2 ** 32]) {
    const ours = outcome(() => encodeCommandPdus(samples[0]!, 1, max).map(toHex));
    assert.ok("error" in ours, `max PDU ${max}`);
    assert.deepEqual(
      ours,
      outcome(() => reference(samples[0]!, 1, max)),
    );
  }
});

// Random commands of every message type: required fields set (or, now and then, missing), a random
// subset of the others (allowed or not), values in and out of range.
const uid = fc.stringMatching(/^[0-9.]{1,64}$/);
const values: Record<string, fc.Arbitrary<unknown>> = {
  UI: fc.oneof({ weight: 8, arbitrary: uid }, { weight: 1, arbitrary: fc.string({ maxLength: 70 }) }),
  US: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 0xffff }) }, { weight: 1, arbitrary: fc.integer() }),
  AE: fc.oneof(
    { weight: 8, arbitrary: fc.stringMatching(/^[A-Z0-9_ ]{1,16}$/) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  ),
  LO: fc.oneof(
    { weight: 8, arbitrary: fc.stringMatching(/^[ -~]{0,64}$/) },
    { weight: 1, arbitrary: fc.string({ maxLength: 70 }) },
  ),
  AT: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 6 }),
};

const anyCommand: fc.Arbitrary<DimseCommand> = fc
  .record({
    field: fc.constantFrom(...messageSpecs.keys()),
    hasDataset: fc.boolean(),
    drop: fc.integer({ min: 0, max: 20 }),
    extra: fc.subarray(commandElements.map((el) => el.key)),
    values: fc.record(Object.fromEntries(commandElements.map((el) => [el.key, values[el.vr]!]))),
  })
  .map(({ field, hasDataset, drop, extra, values }) => {
    const spec = messageSpecs.get(field)!;
    const cmd: Record<string, unknown> = { commandField: field, hasDataset };
    const keys = new Set<CommandKey>([
      ...spec.required,
      ...extra.filter((k) => spec.optional.includes(k) || drop === 0),
    ]);
    if (drop === 1 && spec.required.length > 0) keys.delete(spec.required[0]!);
    for (const k of keys) cmd[k] = values[k];
    return cmd as unknown as DimseCommand;
  });

let valid = 0;
/**
 * An independent encoder for the oracle, written straight from PS3.5/PS3.7 with no code shared
 * with src/: every element set on the command (CommandField and CommandDataSetType included)
 * sorted by tag, Implicit VR Little Endian, values padded to even length, group length first.
 */
function independentEncoding(cmd: DimseCommand): string {
  const parts: { element: number; value: Buffer }[] = [];
  const word = (v: number) => Buffer.from([v & 0xff, (v >>> 8) & 0xff]);
  parts.push({ element: 0x0100, value: word(cmd.commandField) });
  parts.push({ element: 0x0800, value: word(cmd.hasDataset ? 0x0001 : 0x0101) });
  const spec = messageSpecs.get(cmd.commandField)!;
  const allowed = new Set<string>([...spec.required, ...spec.optional]);
  for (const el of commandElements) {
    const v = cmd[el.key];
    if (v === undefined || !allowed.has(el.key)) continue;
    let value: Buffer;
    if (el.vr === "US") value = word(v as number);
    else if (el.vr === "AT")
      value = Buffer.concat((v as number[]).map((t) => Buffer.concat([word(t >>> 16), word(t & 0xffff)])));
    else {
      const text = Buffer.from(v as string, "latin1");
      value = text.byteLength % 2 === 0 ? text : Buffer.concat([text, Buffer.from([el.vr === "UI" ? 0 : 0x20])]);
    }
    parts.push({ element: el.element, value });
  }
  parts.sort((a, b) => a.element - b.element);
  const elements = parts.map(({ element, value }) => {
    const header = Buffer.alloc(8);
    header.writeUInt16LE(0, 0);
    header.writeUInt16LE(element, 2);
    header.writeUInt32LE(value.byteLength, 4);
    return Buffer.concat([header, value]);
  });
  const body = Buffer.concat(elements);
  const group = Buffer.alloc(12);
  group.writeUInt32LE(4, 4);
  group.writeUInt32LE(body.byteLength, 8);
  return Buffer.concat([group, body]).toString("hex");
}

test("encodeCommandPdus: random commands of every type, random peer limits: the general path's bytes or its error", () => {
  fc.assert(
    fc.property(anyCommand, fc.constantFrom(...maxPdus), fc.integer({ min: 1, max: 255 }), (cmd, max, contextId) => {
      const ours = outcome(() => encodeCommandPdus(cmd, contextId, max).map(toHex));
      assert.deepEqual(
        ours,
        outcome(() => reference(cmd, contextId, max)),
      );
      if ("error" in ours) return;
      valid++;
      // Valid: the PDVs' data is, byte for byte, what the independent encoder gives.
      const data = encodeCommandPdus(cmd, contextId, max).flatMap((p) =>
        decodePDataTfItems(p, 6).values.map((v) => v.data),
      );
      assert.equal(Buffer.concat(data).toString("hex"), independentEncoding(cmd));
    }),
    { numRuns: 2000 },
  );
  // Most runs are valid commands whose bytes were compared, not only errors.
  assert.ok(valid > 500, `${valid} valid commands of 2000`);
});

test("encodeCommandPdus with a data set: its PDU (data set, last) follows the command's in the same buffer, a copy", () => {
  const cmd = samples[0]!;
  for (const max of [0, 7, 20, 300, 4096]) {
    for (const n of [0, 1, 2, 293]) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 7 + 1) & 0xff);
      const size = max === 0 ? Number.POSITIVE_INFINITY : max - 6;
      if (n > size) {
        assert.throws(() => encodeCommandPdus(cmd, 3, max, data), DimseEncodeError);
        continue;
      }
      const pdus = encodeCommandPdus(cmd, 3, max, data);
      const dataPdu = toHex(
        encodePdu({ type: PduType.PDataTf, values: [{ contextId: 3, isCommand: false, isLast: true, data }] }),
      );
      assert.deepEqual(pdus.map(toHex), [...reference(cmd, 3, max), dataPdu], `max ${max}, ${n} bytes`);
      // Back to back in one buffer, and not the caller's memory.
      for (let i = 1; i < pdus.length; i++) {
        assert.equal(pdus[i]!.buffer, pdus[0]!.buffer);
        assert.equal(pdus[i]!.byteOffset, pdus[i - 1]!.byteOffset + pdus[i - 1]!.byteLength);
      }
      data.fill(0);
      assert.equal(toHex(pdus.at(-1)!), dataPdu);
    }
  }
});
