// Every limit that bounds what a peer or a file can make us hold or wait for has a safe default,
// and the default is enforced.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AE } from "../../src/ae.js";
import {
  Dataset,
  DatasetStreamReader,
  DicomParseError,
  readDataset,
  sop,
  writeDataset,
} from "../../src/dataset/index.js";
import { MessageReassembler, ReassemblyError } from "../../src/dimse/index.js";
import { minReceiveLimit, receiveLimit } from "../../src/dul/receive-limit.js";
import { defaultMaxPduLength, PduType } from "../../src/pdu/index.js";
import { connectPeer } from "../helpers/peer.js";
import { abortBytes, associateRq, echoStillWorks, untilClosed } from "./hostile-helpers.js";

test("AE defaults: max PDU 16382, 10 associations, ACSE/DIMSE 30 s, network 60 s, connect 30 s, 64 MiB data sets", () => {
  const ae = new AE();
  assert.equal(ae.maximumPduSize, 16382);
  assert.equal(ae.maximumAssociations, 10);
  assert.equal(ae.acseTimeoutMs, 30_000);
  assert.equal(ae.dimseTimeoutMs, 30_000);
  assert.equal(ae.networkTimeoutMs, 60_000);
  assert.equal(ae.connectionTimeoutMs, 30_000);
  assert.equal(ae.maxDatasetBytes, 64 * 2 ** 20);
});

test("receive limit: the announced Maximum Length, never below 128 KiB, 0 means the framer's 16 MiB cap", () => {
  assert.equal(receiveLimit(16382), minReceiveLimit);
  assert.equal(receiveLimit(4 * 2 ** 20), 4 * 2 ** 20);
  assert.equal(receiveLimit(0), defaultMaxPduLength);
  assert.equal(receiveLimit(2 ** 32), defaultMaxPduLength);
});

test("an SCP with the default max PDU aborts (2,6) on a PDU header announcing 200 KiB, before any body", async (t) => {
  const ae = new AE({ aeTitle: "HOSTILE_SCP" });
  ae.addSupportedContext(sop.Verification);
  const server = await ae.startServer({ host: "127.0.0.1" });
  t.after(() => server.shutdown({ deadlineMs: 2000 }));
  for (const type of [PduType.AAssociateRq, PduType.PDataTf]) {
    const peer = await connectPeer(server.port);
    if (type === PduType.PDataTf) {
      peer.send(associateRq());
      await peer.waitForPdu(PduType.AAssociateAc);
    }
    const before = Buffer.from(peer.received).toString("hex");
    peer.send(new Uint8Array([type, 0, 0, 0x03, 0x20, 0x00])); // 200 KiB announced, no body follows
    await peer.waitForPdu(PduType.AAbort);
    peer.end();
    assert.equal(await untilClosed(peer), before + abortBytes(2, 6));
  }
  await echoStillWorks(server.port);
});

test("sequence nesting: 64 levels read by default, the 65th is a DicomParseError", () => {
  const nest = (levels: number): Dataset => {
    let ds = new Dataset({ PatientID: "leaf" });
    for (let i = 0; i < levels; i++) ds = new Dataset({ ReferencedSeriesSequence: [ds] });
    return ds;
  };
  const enc = { explicitVr: true, littleEndian: true } as const;
  assert.doesNotThrow(() => readDataset(writeDataset(nest(64), enc), enc));
  assert.throws(() => readDataset(writeDataset(nest(65), enc), enc), DicomParseError);
});

test("stream reader: an element announcing more than maxBufferedBytes is refused before it is buffered", () => {
  const r = new DatasetStreamReader({ explicitVr: true, littleEndian: true, maxBufferedBytes: 1024 });
  // (0009,1000) OB, 1 MiB announced, 4 bytes present.
  const header = new Uint8Array([0x09, 0, 0, 0x10, 0x4f, 0x42, 0, 0, 0, 0, 0x10, 0, 1, 2, 3, 4]);
  assert.throws(() => r.push(header), DicomParseError);
});

test("reassembler: a command set over 64 KiB by default is a ReassemblyError", () => {
  const r = new MessageReassembler();
  const piece = new Uint8Array(16 * 1024);
  assert.throws(() => {
    for (let i = 0; i < 5; i++) r.push({ contextId: 1, isCommand: true, isLast: false, data: piece });
  }, ReassemblyError);
});

test("an SCP announcing 16382 aborts (2,6) on a P-DATA-TF header announcing 16384, before any body (PS3.8 D.1.1)", async (t) => {
  const ae = new AE({ aeTitle: "HOSTILE_SCP" });
  ae.addSupportedContext(sop.Verification);
  assert.equal(ae.maximumPduSize, 16382);
  const server = await ae.startServer({ host: "127.0.0.1" });
  t.after(() => server.shutdown({ deadlineMs: 2000 }));
  const peer = await connectPeer(server.port);
  peer.send(associateRq());
  await peer.waitForPdu(PduType.AAssociateAc);
  const before = Buffer.from(peer.received).toString("hex");
  peer.send(new Uint8Array([PduType.PDataTf, 0, 0, 0, 0x40, 0x00])); // 16384 > 16382
  await peer.waitForPdu(PduType.AAbort);
  peer.end();
  assert.equal(await untilClosed(peer), before + abortBytes(2, 6));
  await echoStillWorks(server.port);
});
