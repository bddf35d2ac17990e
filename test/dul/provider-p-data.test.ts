import assert from "node:assert/strict";
import { test } from "node:test";
import { UpperLayer } from "../../src/dul/provider.js";
import type { Transport } from "../../src/dul/transport/transport.js";
import {
  type AAssociateAc,
  type AAssociateRq,
  decodePdu,
  encodePdu,
  type PDataTf,
  type Pdu,
  PduType,
} from "../../src/pdu/index.js";

// The provider on P-DATA-TF PDUs that arrive split across transport chunks, the normal case for a
// PDU larger than a socket read: one P-DATA indication per PDU (Evt10 when its last byte is in),
// data set bytes handed on as views of the chunks, and a lying PDV still aborted with reason 6.

/** An in-memory transport: the test decides exactly how the bytes are chunked. */
class FakeTransport implements Transport {
  readonly written: Uint8Array[] = [];
  closed = false;
  readonly remoteAddress = "127.0.0.1";
  readonly remotePort = 1;
  readonly localAddress = "127.0.0.1";
  readonly localPort = 2;
  #onData: ((chunk: Uint8Array) => void) | undefined;
  #onClose: ((error?: Error) => void) | undefined;

  write(data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    const parts = data instanceof Uint8Array ? [data] : data;
    const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    this.written.push(out);
    return Promise.resolve();
  }
  onData(handler: (chunk: Uint8Array) => void): void {
    this.#onData = handler;
  }
  onClose(handler: (error?: Error) => void): void {
    this.#onClose = handler;
  }
  pause(): void {}
  resume(): void {}
  end(): void {
    this.#close();
  }
  destroy(): void {
    this.#close();
  }
  peerCertificate(): undefined {
    return undefined;
  }
  deliver(chunk: Uint8Array): void {
    this.#onData?.(chunk);
  }
  sentPdus(): Pdu[] {
    return this.written.map((b) => decodePdu(b));
  }
  #close(): void {
    if (this.closed) return;
    this.closed = true;
    queueMicrotask(() => this.#onClose?.());
  }
}

const rq: AAssociateRq = {
  type: PduType.AAssociateRq,
  protocolVersion: 1,
  calledAeTitle: "ANY-SCP",
  callingAeTitle: "STORESCU",
  applicationContextName: "1.2.840.10008.3.1.1.1",
  presentationContexts: [
    { contextId: 1, abstractSyntax: "1.2.840.10008.1.1", transferSyntaxes: ["1.2.840.10008.1.2"] },
  ],
  userInformation: { maximumLength: 16384 },
};
const ac: AAssociateAc = {
  type: PduType.AAssociateAc,
  protocolVersion: 1,
  calledAeTitle: "ANY-SCP",
  callingAeTitle: "STORESCU",
  applicationContextName: "1.2.840.10008.3.1.1.1",
  presentationContexts: [{ contextId: 1, result: 0, transferSyntax: "1.2.840.10008.1.2" }],
  userInformation: { maximumLength: 16384 },
};

/** An acceptor in Sta6 on a fake transport. */
async function established(): Promise<{ t: FakeTransport; u: UpperLayer; evt10: () => number }> {
  const t = new FakeTransport();
  const u = new UpperLayer(t, { role: "acceptor" });
  let count = 0;
  u.on("transition", (x) => {
    if (x.event === "Evt10") count++;
  });
  t.deliver(encodePdu(rq));
  await u.associateRequest();
  await u.accept(ac);
  assert.equal(u.state, "Sta6");
  return { t, u, evt10: () => count };
}

function filled(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) & 0xff);
}

test("P-DATA-TFs split across chunks: one indication and one Evt10 per PDU, the bytes as views to the consumer", async () => {
  const { t, u, evt10 } = await established();
  const data = [filled(1000, 1), filled(700, 2)];
  const pdus = data.map((d, i) =>
    encodePdu({
      type: PduType.PDataTf,
      values: [{ contextId: 1, isCommand: false, isLast: i === data.length - 1, data: d }],
    }),
  );
  // Chunks of 300 bytes cut without regard to PDU or PDV boundaries.
  const stream = new Uint8Array(pdus.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of pdus) {
    stream.set(p, at);
    at += p.byteLength;
  }
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < stream.byteLength; i += 300) chunks.push(stream.slice(i, i + 300));
  // The consumer sees each PDU synchronously, as views of the delivered chunks.
  const got: PDataTf[] = [];
  const buffers = new Set(chunks.map((c) => c.buffer));
  let viewsOfChunks = 0;
  u.consumePData(
    (pdu) => {
      for (const v of pdu.values) if (buffers.has(v.data.buffer)) viewsOfChunks++;
      got.push({ ...pdu, values: pdu.values.map((v) => ({ ...v, data: new Uint8Array(v.data) })) });
      return undefined;
    },
    () => {},
  );
  for (const c of chunks) t.deliver(c);
  assert.equal(evt10(), 2);
  assert.equal(got.length, 2, "handed over as the last byte of each PDU arrived");
  assert.equal(viewsOfChunks, got.flatMap((p) => p.values).length, "every value a view of a delivered chunk");
  for (const [i, pdu] of got.entries()) {
    const values = pdu.values;
    assert.ok(values.length > 1, "each PDU's PDV spans chunks, so comes as several fragments");
    // Only the very last fragment of the data set says so.
    assert.deepEqual(
      values.map((v) => v.isLast),
      values.map((_, j) => i === got.length - 1 && j === values.length - 1),
    );
    const joined = Buffer.concat(values.map((v) => v.data));
    assert.deepEqual(new Uint8Array(joined), data[i]);
  }
  // The peer closes once it has our A-ABORT (AA-1 waits for that close).
  const aborting = u.abort();
  t.end();
  await aborting;
  assert.equal(u.state, "Sta1");
});

test("a split P-DATA-TF whose PDV is longer than the PDU gets A-ABORT source 2 reason 6", async () => {
  const { t, u, evt10 } = await established();
  const lying = Uint8Array.from([4, 0, 0, 0, 0, 10, 0, 0, 0, 200, 1, 2, 1, 2, 3, 4]);
  t.deliver(lying.subarray(0, 8));
  t.deliver(lying.subarray(8));
  assert.equal(evt10(), 0);
  const abort = t.sentPdus().find((p) => p.type === PduType.AAbort);
  assert.deepEqual(abort && { source: abort.source, reason: abort.reason }, { source: 2, reason: 6 });
  t.end(); // the peer closes on the A-ABORT
  await u.closed;
  assert.equal(u.state, "Sta1");
});

/** A P-DATA-TF whose PDU-length field (its variable field) is exactly `body` bytes. */
function pDataOfBody(body: number): Uint8Array {
  const data = filled(body - 6, 3); // PDV item: 4-byte length, context ID, control header
  const pdu = encodePdu({ type: PduType.PDataTf, values: [{ contextId: 1, isCommand: false, isLast: true, data }] });
  assert.equal(new DataView(pdu.buffer, pdu.byteOffset).getUint32(2), body);
  return pdu;
}

test("a P-DATA-TF of exactly the announced Maximum Length is accepted, in chunks", async () => {
  const { t, u, evt10 } = await established();
  const pdu = pDataOfBody(16384);
  for (let i = 0; i < pdu.byteLength; i += 5000) t.deliver(pdu.slice(i, i + 5000));
  assert.equal(evt10(), 1);
  assert.equal(
    t.sentPdus().some((p) => p.type === PduType.AAbort),
    false,
  );
  const r = await u.pData().next();
  assert.equal(r.done, false);
  const aborting = u.abort();
  t.end();
  await aborting;
});

test("a P-DATA-TF one byte over the announced Maximum Length gets A-ABORT (2, 6) from its header", async () => {
  const { t, u, evt10 } = await established();
  // PS3.8 D.1.1: 16384 announced in our A-ASSOCIATE-AC; the framer's overall cap is far larger.
  t.deliver(pDataOfBody(16385).subarray(0, 6));
  assert.equal(evt10(), 0);
  const abort = t.sentPdus().find((p) => p.type === PduType.AAbort);
  assert.deepEqual(abort && { source: abort.source, reason: abort.reason }, { source: 2, reason: 6 });
  t.end();
  await u.closed;
  assert.equal(u.state, "Sta1");
});

test("requestor: the Maximum Length of its A-ASSOCIATE-RQ bounds the acceptor's P-DATA-TFs", async () => {
  for (const [body, aborted] of [
    [1000, false],
    [1001, true],
  ] as const) {
    const t = new FakeTransport();
    const u = new UpperLayer(t, { role: "requestor" });
    const confirm = u.requestAssociation({ ...rq, userInformation: { maximumLength: 1000 } });
    // The acceptor announces more; that bounds what we send, not what we read.
    t.deliver(encodePdu({ ...ac, userInformation: { maximumLength: 65536 } }));
    await confirm;
    assert.equal(u.state, "Sta6");
    t.deliver(pDataOfBody(body));
    const abort = t.sentPdus().find((p) => p.type === PduType.AAbort);
    assert.deepEqual(
      abort && { source: abort.source, reason: abort.reason },
      aborted ? { source: 2, reason: 6 } : undefined,
    );
    const done = u.abort();
    t.end();
    await done;
  }
});

/** A transport that reads into the memory its reader supplies, in reads of at most `readSize` bytes. */
class ReadIntoTransport extends FakeTransport {
  #next: (() => Uint8Array) | undefined;
  #handler: ((chunk: Uint8Array) => void) | undefined;
  readonly targets = new Set<ArrayBufferLike>();
  constructor(readonly readSize: number) {
    super();
  }
  override onData(handler: (chunk: Uint8Array) => void): void {
    this.#handler = handler;
    super.onData(handler);
  }
  readInto(next: () => Uint8Array): boolean {
    this.#next = next;
    return true;
  }
  override deliver(bytes: Uint8Array): void {
    // Bounded: every turn reads at least one byte.
    for (let at = 0; at < bytes.byteLength; ) {
      const target = (this.#next as () => Uint8Array)();
      this.targets.add(target.buffer);
      const n = Math.min(target.byteLength, this.readSize, bytes.byteLength - at);
      target.set(bytes.subarray(at, at + n));
      at += n;
      this.#handler?.(target.subarray(0, n));
    }
  }
}

test("a transport that reads into the provider's memory: P-DATA handed over as views of it, intact, the iterator form as copies", async () => {
  for (const readSize of [7, 1000, 70_000]) {
    const t = new ReadIntoTransport(readSize);
    const u = new UpperLayer(t, { role: "acceptor" });
    t.deliver(encodePdu(rq));
    await u.associateRequest();
    await u.accept(ac);
    const sent = Array.from({ length: 40 }, (_, i) => filled(1 + ((i * 977) % 16_000), i));
    const stream = sent.map((d) =>
      encodePdu({ type: PduType.PDataTf, values: [{ contextId: 1, isCommand: false, isLast: true, data: d }] }),
    );
    const got: Uint8Array[] = [];
    let views = 0;
    u.consumePData(
      (pdu) => {
        for (const v of pdu.values) {
          if (t.targets.has(v.data.buffer)) views++;
          got.push(new Uint8Array(v.data));
        }
        return undefined;
      },
      () => {},
    );
    for (const p of stream) t.deliver(p);
    assert.equal(views, got.length, `read size ${readSize}: every value a view of the read memory`);
    assert.deepEqual(got, sent, `read size ${readSize}: every byte intact`);
    const aborting = u.abort();
    t.end();
    await aborting;
  }
  // The iterator reads later, after further reads reused the memory: it must get copies.
  const t = new ReadIntoTransport(100_000);
  const u = new UpperLayer(t, { role: "acceptor" });
  t.deliver(encodePdu(rq));
  await u.associateRequest();
  await u.accept(ac);
  const a = pDataOfBody(3000);
  const b = pDataOfBody(3000).map((x) => x ^ 0xff);
  b.set(a.subarray(0, 12)); // same headers, other data
  t.deliver(a);
  t.deliver(b);
  const it = u.pData();
  const first = (await it.next()).value as PDataTf;
  const second = (await it.next()).value as PDataTf;
  assert.deepEqual(first.values[0]?.data, a.subarray(12));
  assert.deepEqual(second.values[0]?.data, b.subarray(12));
  const aborting = u.abort();
  t.end();
  await aborting;
});

test("sendEncodedPData: PDUs back to back in one buffer are one write, each an Evt9 and a pduSent; apart, one write each", async () => {
  const { t, u } = await established();
  const events: string[] = [];
  u.on("transition", (x) => events.push(`${x.event}:${x.action}:${x.to}`));
  const sent: Pdu[] = [];
  u.on("pduSent", (p) => sent.push(p));
  const values = [
    { contextId: 1, isCommand: true, isLast: true, data: filled(30, 3) },
    { contextId: 1, isCommand: false, isLast: true, data: filled(50, 4) },
  ];
  const encoded = values.map((v) => encodePdu({ type: PduType.PDataTf, values: [v] }));
  const one = new Uint8Array(encoded[0]!.byteLength + encoded[1]!.byteLength);
  one.set(encoded[0]!, 0);
  one.set(encoded[1]!, encoded[0]!.byteLength);
  const before = t.written.length;
  await u.sendEncodedPData([one.subarray(0, encoded[0]!.byteLength), one.subarray(encoded[0]!.byteLength)]);
  assert.equal(t.written.length, before + 1, "one write");
  assert.deepEqual(t.written.at(-1), one);
  assert.deepEqual(events, ["Evt9:DT-1:Sta6", "Evt9:DT-1:Sta6"]);
  assert.deepEqual(
    sent.map((p) => (p.type === PduType.PDataTf ? p.values.map((v) => [v.isCommand, v.data.byteLength]) : [])),
    [[[true, 30]], [[false, 50]]],
  );
  // Not back to back (two separate buffers): written one by one, same bytes.
  await u.sendEncodedPData(encoded);
  assert.equal(t.written.length, before + 3);
  assert.deepEqual(t.written.slice(-2), encoded);
  const aborting = u.abort();
  t.end();
  await aborting;
  // After the abort, P-DATA is refused (no association), as sendPDataValue is.
  await assert.rejects(u.sendEncodedPData(encoded));
});

test("sendEncodedPData with nobody observing (the DT-1 shortcut): the same single write; refused outside Sta6", async () => {
  const t = new FakeTransport();
  const u = new UpperLayer(t, { role: "acceptor" });
  // Before the association: refused, nothing written.
  const early = encodePdu({
    type: PduType.PDataTf,
    values: [{ contextId: 1, isCommand: true, isLast: true, data: filled(4, 1) }],
  });
  await assert.rejects(u.sendEncodedPData([early]));
  t.deliver(encodePdu(rq));
  await u.associateRequest();
  await u.accept(ac);
  const before = t.written.length;
  const one = new Uint8Array(2 * early.byteLength);
  one.set(early, 0);
  one.set(early, early.byteLength);
  await u.sendEncodedPData([one.subarray(0, early.byteLength), one.subarray(early.byteLength)]);
  assert.equal(t.written.length, before + 1);
  assert.deepEqual(t.written.at(-1), one);
  assert.equal(u.state, "Sta6");
  const aborting = u.abort();
  t.end();
  await aborting;
});
