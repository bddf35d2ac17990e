import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandField, type DimseCommand, DimseEncodeError } from "../src/dimse/index.js";
import { DimseSender, type SenderHost } from "../src/dimse-sender.js";
import type { UpperLayer } from "../src/dul/provider.js";
import { decodePDataTfItems, PduType } from "../src/pdu/index.js";
import type { DatasetSource } from "../src/services/channel.js";
import { AssociationNotEstablishedError } from "../src/services/errors.js";

interface Pdv {
  contextId: number;
  isCommand: boolean;
  isLast: boolean;
  length: number;
}

/** An upper layer that records the PDVs it is given and the aborts asked of it. */
function fakeUpperLayer(): { ul: UpperLayer; pdvs: Pdv[]; aborts: [number, number][] } {
  const pdvs: Pdv[] = [];
  const aborts: [number, number][] = [];
  const ul = {
    batch: <T>(fn: () => T): T => fn(),
    sendPDataValue: async (contextId: number, isCommand: boolean, isLast: boolean, data: Uint8Array) => {
      pdvs.push({ contextId, isCommand, isLast, length: data.byteLength });
    },
    // A command set comes encoded in whole P-DATA-TF PDUs: recorded as the PDVs they hold.
    sendEncodedPData: async (pdus: readonly Uint8Array[]) => {
      for (const pdu of pdus) {
        assert.equal(pdu[0], PduType.PDataTf);
        assert.equal(pdu.byteLength, 6 + new DataView(pdu.buffer, pdu.byteOffset).getUint32(2));
        for (const v of decodePDataTfItems(pdu, 6).values) {
          pdvs.push({ contextId: v.contextId, isCommand: v.isCommand, isLast: v.isLast, length: v.data.byteLength });
        }
      }
    },
    abort: async (source: number, reason: number) => {
      aborts.push([source, reason]);
    },
    transport: { needsDrain: false },
  } as unknown as UpperLayer;
  return { ul, pdvs, aborts };
}

function host(ul: UpperLayer | undefined, fired: string[], maxPdu = 0): SenderHost {
  return {
    upperLayer: () => ul,
    stateName: () => "not yet requested",
    peerMaxPduLength: () => maxPdu,
    logger: () => ({}),
    firesDataSent: () => true,
    fire: (name) => void fired.push(name),
  };
}

const store = (hasDataset: boolean): DimseCommand =>
  ({
    commandField: CommandField.C_STORE_RQ,
    messageId: 1,
    affectedSopClassUid: "1.2.840.10008.5.1.4.1.1.2",
    affectedSopInstanceUid: "1.2.3",
    priority: 0,
    hasDataset,
  }) as DimseCommand;

const echo: DimseCommand = {
  commandField: CommandField.C_ECHO_RQ,
  messageId: 2,
  affectedSopClassUid: "1.2.840.10008.1.1",
  hasDataset: false,
} as DimseCommand;

test("no upper layer: the send rejects with AssociationNotEstablishedError naming the state", async () => {
  const sender = new DimseSender(host(undefined, []));
  await assert.rejects(sender.send(1, echo), (err: unknown) => {
    return err instanceof AssociationNotEstablishedError && err.message.includes("not yet requested");
  });
});

test("a small message goes out as command PDVs then data set PDVs, each cut to the peer's limit, last flags set once", async () => {
  const { ul, pdvs } = fakeUpperLayer();
  const fired: string[] = [];
  const sender = new DimseSender(host(ul, fired, 4096));
  await sender.send(3, store(true), new Uint8Array(10_000));
  const data = pdvs.filter((p) => !p.isCommand);
  const command = pdvs.filter((p) => p.isCommand);
  assert.ok(command.length >= 1);
  assert.equal(
    pdvs.findIndex((p) => !p.isCommand),
    command.length,
    "the command set comes first",
  );
  assert.equal(
    data.reduce((n, p) => n + p.length, 0),
    10_000,
  );
  assert.ok(data.length > 1 && data.every((p) => p.length <= 4096 - 6));
  assert.deepEqual(
    data.map((p) => p.isLast),
    data.map((_, i) => i === data.length - 1),
  );
  assert.equal(command.at(-1)?.isLast, true);
  assert.ok(pdvs.every((p) => p.contextId === 3));
  assert.equal(fired[0], "DIMSE_SENT");
  assert.equal(fired.filter((n) => n === "DATA_SENT").length, pdvs.length);
});

test("a streamed data set is cut into PDVs and only the very last is marked last; an empty one is one empty PDV", async () => {
  for (const sizes of [[5000, 3000, 1], []]) {
    const { ul, pdvs } = fakeUpperLayer();
    const sender = new DimseSender(host(ul, [], 4096));
    const dataset = {
      async *chunks() {
        for (const n of sizes) yield new Uint8Array(n);
      },
    };
    await sender.send(1, store(true), dataset satisfies DatasetSource);
    const data = pdvs.filter((p) => !p.isCommand);
    assert.equal(
      data.reduce((n, p) => n + p.length, 0),
      sizes.reduce((a, b) => a + b, 0),
    );
    assert.deepEqual(
      data.map((p) => p.isLast),
      data.map((_, i) => i === data.length - 1),
    );
    if (sizes.length === 0) assert.deepEqual(data, [{ contextId: 1, isCommand: false, isLast: true, length: 0 }]);
  }
});

test("messages are sent one after the other, never interleaved", async () => {
  const { ul, pdvs } = fakeUpperLayer();
  const sender = new DimseSender(host(ul, [], 4096));
  const big = {
    async *chunks() {
      yield new Uint8Array(20_000);
    },
  };
  await Promise.all([sender.send(1, store(true), big), sender.send(3, echo)]);
  const firstOf3 = pdvs.findIndex((p) => p.contextId === 3);
  assert.ok(firstOf3 > 0);
  assert.ok(pdvs.slice(firstOf3).every((p) => p.contextId === 3));
  assert.ok(pdvs.slice(0, firstOf3).every((p) => p.contextId === 1));
});

test("a streamed data set whose source fails midway: the send rejects with that error and the association is aborted", async () => {
  const { ul, pdvs, aborts } = fakeUpperLayer();
  const sender = new DimseSender(host(ul, [], 4096));
  const failure = new Error("file ended early");
  const dataset = {
    async *chunks() {
      yield new Uint8Array(10_000);
      throw failure;
    },
  };
  await assert.rejects(sender.send(1, store(true), dataset satisfies DatasetSource), (err) => err === failure);
  assert.ok(
    pdvs.some((p) => !p.isCommand),
    "part of the data set went out",
  );
  assert.ok(
    pdvs.every((p) => p.isCommand || !p.isLast),
    "no PDV claims to end the data set",
  );
  // PS3.8 9.3.8: A-ABORT from the DICOM UL service-user (source 0), reason not significant.
  assert.deepEqual(aborts, [[0, 0]]);
});

test("bursts written at once and streamed messages queued behind each other keep the order they were sent in", async () => {
  const { ul, pdvs } = fakeUpperLayer();
  const sender = new DimseSender(host(ul, [], 4096));
  const big = {
    async *chunks() {
      yield new Uint8Array(9_000);
      yield new Uint8Array(9_000);
    },
  };
  await Promise.all([
    sender.send(1, echo),
    sender.send(2, store(true), new Uint8Array(5_000)),
    sender.send(3, store(true), big),
    sender.send(4, echo),
    sender.send(5, store(true), new Uint8Array(100)),
  ]);
  // Each message's PDVs are contiguous, in the order of the calls.
  const order = pdvs.map((p) => p.contextId).filter((c, i, all) => i === 0 || all[i - 1] !== c);
  assert.deepEqual(order, [1, 2, 3, 4, 5]);
  // A later burst, with nothing queued any more, goes at once too.
  const before = pdvs.length;
  const p = sender.send(6, echo);
  assert.equal(pdvs.length, before + 1, "written before send returned");
  await p;
});

test("an invalid command is refused with DimseEncodeError, nothing written, and the next message still goes", async () => {
  const { ul, pdvs } = fakeUpperLayer();
  const fired: string[] = [];
  const sender = new DimseSender(host(ul, fired, 4096));
  const bad = { ...echo, messageId: 70_000 } as DimseCommand;
  await assert.rejects(sender.send(1, bad), DimseEncodeError);
  assert.equal(pdvs.length, 0);
  assert.deepEqual(fired, []);
  await sender.send(2, echo);
  assert.deepEqual(
    pdvs.map((p) => p.contextId),
    [2],
  );
});

test("a message the socket took past its high-water mark holds the next one back until it drains", async () => {
  const { ul, pdvs } = fakeUpperLayer();
  const record = ul.sendEncodedPData.bind(ul);
  let full = true;
  let drain = (): void => {};
  const drained = new Promise<void>((resolve) => {
    drain = () => {
      full = false;
      resolve();
    };
  });
  // The first write fills the socket: its promise waits for 'drain', as SocketTransport's does.
  let writes = 0;
  Object.assign(ul, {
    transport: {
      get needsDrain() {
        return full;
      },
    },
    sendEncodedPData: (pdus: readonly Uint8Array[]) => {
      writes++;
      return record(pdus).then(() => (writes === 1 ? drained : undefined));
    },
  });
  const sender = new DimseSender(host(ul, []));
  const first = sender.send(1, echo);
  const second = sender.send(1, { ...echo, messageId: 3 } as DimseCommand);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(writes, 1, "the second message waits while the socket is full");
  drain();
  await Promise.all([first, second]);
  assert.equal(writes, 2);
  assert.deepEqual(
    pdvs.map((p) => p.isCommand),
    [true, true],
  );
});

test("a one-write message goes out at once, uncorked; others sent in the same run of reactions are batched", async () => {
  const { ul } = fakeUpperLayer();
  // Records, for each write, whether it was made inside a batch (corked until the next tick).
  const writes: string[] = [];
  let inBatch = false;
  const send = ul.sendEncodedPData.bind(ul);
  Object.assign(ul, {
    batch: <T>(fn: () => T): T => {
      inBatch = true;
      try {
        return fn();
      } finally {
        inBatch = false;
      }
    },
    sendEncodedPData: (pdus: readonly Uint8Array[]) => {
      writes.push(inBatch ? "batched" : "alone");
      return send(pdus);
    },
  });
  const sender = new DimseSender(host(ul, []));
  const rsp = (id: number) =>
    ({
      commandField: CommandField.C_STORE_RSP,
      messageIdBeingRespondedTo: id,
      affectedSopClassUid: "1.2.840.10008.5.1.4.1.1.2",
      affectedSopInstanceUid: "1.2.3",
      status: 0,
      hasDataset: false,
    }) as DimseCommand;
  const first = sender.send(1, rsp(1));
  assert.deepEqual(writes, ["alone"], "written before send returns");
  const second = sender.send(1, rsp(2));
  const third = sender.send(1, rsp(3));
  assert.deepEqual(writes, ["alone", "batched", "batched"]);
  await Promise.all([first, second, third]);
  // A later run of reactions: the first message of it goes alone again.
  await sender.send(1, rsp(4));
  assert.deepEqual(writes, ["alone", "batched", "batched", "alone"]);
  // A message of several writes (command and data set) is always batched.
  await sender.send(1, store(true), new Uint8Array(100_000));
  assert.equal(writes.at(-1), "batched");
});
