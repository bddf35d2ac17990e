// encodePdu writes the non-P-DATA PDUs through one reused writer into shared slabs: each result
// must still be its own, unchanged by later encodes, whatever their sizes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { type AAssociateRq, decodePdu, encodePdu, PduType } from "../../src/pdu/index.js";
import { toHex } from "./hex.js";

function request(contexts: number, called = "ANY-SCP"): AAssociateRq {
  return {
    type: PduType.AAssociateRq,
    protocolVersion: 1,
    calledAeTitle: called,
    callingAeTitle: "SCU",
    applicationContextName: "1.2.840.10008.3.1.1.1",
    presentationContexts: Array.from({ length: contexts }, (_, i) => ({
      contextId: 2 * i + 1,
      abstractSyntax: `1.2.840.10008.5.1.4.1.1.${i + 1}`,
      transferSyntaxes: ["1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.4.50"],
    })),
    userInformation: { maximumLength: 16384, implementationClassUid: "1.2.3.4" },
  };
}

test("encodePdu: earlier results are unchanged by later encodes of every size", () => {
  const pdus = [
    request(1, "FIRST"),
    { type: PduType.AReleaseRq } as const,
    request(128, "BIG"), // beyond the slab and the kept writer
    { type: PduType.AAbort, source: 2, reason: 6 } as const,
    request(3, "AFTER-BIG"),
    { type: PduType.AReleaseRp } as const,
    request(1, "LAST"),
  ];
  const encoded = pdus.map((p) => encodePdu(p));
  const snapshots = encoded.map((b) => toHex(b));
  // Many more encodes, enough to fill several slabs.
  for (let i = 0; i < 300; i++) encodePdu(request(1 + (i % 5), `X${i}`));
  encoded.forEach((b, i) => {
    assert.equal(toHex(b), snapshots[i], `PDU ${i} changed`);
    assert.deepEqual(decodePdu(b), pdus[i]);
  });
  assert.equal(new DataView(encoded[2]!.buffer, encoded[2]!.byteOffset).getUint32(2), encoded[2]!.byteLength - 6);
});

test("encodePdu: a failed encode does not spoil the next one", () => {
  assert.throws(() => encodePdu(request(1, "WAY-TOO-LONG-FOR-AN-AE-TITLE")), { code: "ERR_PDU_ENCODE" });
  const ok = encodePdu(request(1, "OK"));
  assert.deepEqual(decodePdu(ok), request(1, "OK"));
});
