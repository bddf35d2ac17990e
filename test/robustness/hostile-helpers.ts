// Shared pieces of the hostile-peer tests: PDUs built byte by byte, the C-ECHO health check, and
// waiting for a raw peer's connection to end with what it received.
import assert from "node:assert/strict";
import { AE } from "../../src/ae.js";
import { sop, ts } from "../../src/dataset/index.js";
import { cEchoRq, cStoreRq, encodeCommand } from "../../src/dimse/index.js";
import { encodePdu, PduType } from "../../src/pdu/index.js";
import type { PresentationContextRqItem } from "../../src/pdu/presentation-context.js";
import type { FakePeer } from "../helpers/peer.js";

/** PS3.7 Annex A: the DICOM application context name. */
export const appContext = "1.2.840.10008.3.1.1.1";

/** The contexts a well-formed test request proposes: Verification (1) and CT Image Storage (3). */
export const defaultContexts: PresentationContextRqItem[] = [
  { contextId: 1, abstractSyntax: sop.Verification, transferSyntaxes: [ts.ImplicitVRLittleEndian] },
  { contextId: 3, abstractSyntax: sop.CTImageStorage, transferSyntaxes: [ts.ImplicitVRLittleEndian] },
];

/** An A-ASSOCIATE-RQ to `called`, with `contexts` (default {@link defaultContexts}). */
export function associateRq(
  options: { called?: string; calling?: string; contexts?: readonly PresentationContextRqItem[] } = {},
): Uint8Array {
  return encodePdu({
    type: PduType.AAssociateRq,
    protocolVersion: 1,
    calledAeTitle: options.called ?? "HOSTILE_SCP",
    callingAeTitle: options.calling ?? "RAW_PEER",
    applicationContextName: appContext,
    presentationContexts: options.contexts ?? defaultContexts,
    userInformation: { maximumLength: 16382, implementationClassUid: "1.2.3.4" },
  });
}

/** One P-DATA-TF PDU with one PDV; `mch` is the raw message control header (PS3.8 E.2). */
export function pData(contextId: number, mch: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.byteLength);
  const v = new DataView(out.buffer);
  out[0] = PduType.PDataTf;
  v.setUint32(2, 6 + data.byteLength);
  v.setUint32(6, 2 + data.byteLength);
  out[10] = contextId;
  out[11] = mch;
  out.set(data, 12);
  return out;
}

/** A C-ECHO-RQ command set. */
export const echoCommand = (messageId = 1) => encodeCommand(cEchoRq({ messageId }));

/** A C-STORE-RQ command set for CT Image Storage. */
export const storeCommand = (instance: string, messageId = 1) =>
  encodeCommand(cStoreRq({ messageId, affectedSopClassUid: sop.CTImageStorage, affectedSopInstanceUid: instance }));

/** The exact bytes of an A-ABORT PDU (PS3.8 9.3.8). */
export function abortBytes(source: number, reason: number): string {
  return `0700000000040000${hex2(source)}${hex2(reason)}`;
}

/** The exact bytes of an A-ASSOCIATE-RJ PDU (PS3.8 9.3.4). */
export function rejectBytes(result: number, source: number, reason: number): string {
  return `03000000000400${hex2(result)}${hex2(source)}${hex2(reason)}`;
}

const hex2 = (n: number) => n.toString(16).padStart(2, "0");

/** Hex of everything the peer received. */
export const receivedHex = (peer: FakePeer) => Buffer.from(peer.received).toString("hex");

/**
 * Waits until the server has closed the connection (the peer closes its end on FIN) and returns
 * the hex of every byte received. A bounded wait: rejects after `ms`.
 */
export async function untilClosed(peer: FakePeer, ms = 5000): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`server did not close within ${ms} ms; got ${receivedHex(peer)}`)), ms);
  });
  try {
    await Promise.race([peer.closed, limit]);
  } finally {
    clearTimeout(timer);
  }
  return receivedHex(peer);
}

/** A fresh, well-formed association from a library SCU: C-ECHO must succeed, then release. */
export async function echoStillWorks(port: number, called = "HOSTILE_SCP"): Promise<void> {
  const ae = new AE({ aeTitle: "HEALTH_SCU", acseTimeoutMs: 5000, dimseTimeoutMs: 5000 });
  ae.addRequestedContext(sop.Verification);
  const assoc = await ae.associate("127.0.0.1", port, { aeTitle: called });
  try {
    assert.equal(assoc.isEstablished, true, `health check association: ${assoc.reason}`);
    const rsp = await assoc.sendCEcho();
    assert.equal(rsp.status, 0x0000);
    await assoc.release();
  } finally {
    await assoc.abort();
  }
}
