import assert from "node:assert/strict";
import { connect, type Server } from "node:net";
import { test } from "node:test";
import { SlabReader, type SocketTransport } from "../../../src/dul/transport/socket-transport.js";
import { createTcpServer } from "../../../src/dul/transport/tcp.js";

const MIB = 1024 * 1024;

function pattern(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
}

test("SlabReader: each read is copied out, so a later read into the same buffer leaves it intact", () => {
  const r = new SlabReader();
  const got: Uint8Array[] = [];
  r.sink = (c) => got.push(c);
  const a = pattern(1000, 1);
  r.readBuffer.set(a);
  r.deliver(a.byteLength);
  const b = pattern(500, 2);
  r.readBuffer.set(b);
  r.deliver(b.byteLength);
  assert.deepEqual(
    got.map((c) => Buffer.from(c).toString("hex")),
    [Buffer.from(a).toString("hex"), Buffer.from(b).toString("hex")],
  );
  // Copies into one slab, not views of the read buffer.
  assert.notEqual(got[0]!.buffer, r.readBuffer.buffer);
  assert.equal(got[0]!.buffer, got[1]!.buffer);
  assert.equal(got[0]!.buffer.byteLength, MIB);
});

test("SlabReader: a read that overflows the slab is split over the old slab's tail and a new slab", () => {
  const r = new SlabReader();
  const got: Uint8Array[] = [];
  r.sink = (c) => got.push(c);
  const n = r.readBuffer.byteLength;
  const reads: Uint8Array[] = [];
  // Five full reads of 256 KiB: 1.25 MiB, so the fifth lands in a second slab.
  for (let i = 0; i < 5; i++) {
    const p = pattern(n, i);
    reads.push(p);
    r.readBuffer.set(p);
    r.deliver(n);
  }
  // Three more bytes than fit in the remainder make the next read straddle the slab boundary.
  const odd = pattern(n - 3, 9);
  r.readBuffer.set(odd);
  r.deliver(odd.byteLength);
  reads.push(odd);
  const sent = Buffer.concat(reads);
  const received = Buffer.concat(got);
  assert.equal(received.byteLength, sent.byteLength);
  assert.ok(received.equals(sent));
  assert.equal(new Set(got.map((c) => c.buffer)).size, 2, "two slabs for 1.5 MiB");
});

test("TCP server transports read through slabs: bytes arrive in order and whole, pause holds them back", async (t) => {
  let onAccept: (x: SocketTransport) => void = () => {};
  const accepted = new Promise<SocketTransport>((resolve) => {
    onAccept = resolve;
  });
  const server: Server = createTcpServer((x) => onAccept(x));
  t.after(() => {
    if (server.listening) server.close();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const client = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
  t.after(() => client.destroy());
  const srv = await accepted;
  const chunks: Uint8Array[] = [];
  let total = 0;
  const payload = pattern(3 * MIB + 123, 5);
  let onAll: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    onAll = resolve;
  });
  srv.onData((c) => {
    chunks.push(c);
    total += c.byteLength;
    if (total === payload.byteLength) onAll();
  });
  srv.pause();
  // While paused nothing is delivered, though the first bytes are in the kernel and the loop turns.
  const head = 64 * 1024;
  await new Promise<void>((resolve) => client.write(payload.subarray(0, head), () => resolve()));
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(total, 0);
  srv.resume();
  client.write(payload.subarray(head));
  await all;
  assert.ok(Buffer.concat(chunks).equals(Buffer.from(payload)));
  assert.ok(
    chunks.every((c) => c.buffer.byteLength === MIB),
    "every chunk is a view of a 1 MiB slab",
  );
  // The peer's FIN is the close indication; after ours the server's connection count settles.
  const closed = new Promise<Error | undefined>((resolve) => srv.onClose(resolve));
  client.end();
  assert.equal(await closed, undefined);
  srv.end();
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  assert.equal(srv.closed, true);
});
