import assert from "node:assert/strict";
import { test } from "node:test";
import { giveReadBuffer, takeReadBuffer } from "../../src/dul/read-buffer-pool.js";

test("read buffer pool: gives back what it was given, each buffer once, bounded in count and size", () => {
  while (takeReadBuffer() !== undefined) {} // empty whatever earlier tests left (at most 8)
  const a = new Uint8Array(64 * 1024);
  giveReadBuffer(a);
  giveReadBuffer(a);
  giveReadBuffer(new Uint8Array(4 * 1024 * 1024)); // grown for one huge PDU: not kept
  giveReadBuffer(new Uint8Array(0));
  assert.equal(takeReadBuffer(), a);
  assert.equal(takeReadBuffer(), undefined, "kept once, and nothing else");
  const many = Array.from({ length: 20 }, () => new Uint8Array(32 * 1024));
  for (const b of many) giveReadBuffer(b);
  let kept = 0;
  for (let i = 0; i < 20 && takeReadBuffer() !== undefined; i++) kept++;
  assert.ok(kept > 0 && kept <= 8, `kept ${kept}`);
});

test("read buffer pool: a connection's read buffer is given back once its socket has closed, and the next one reads into it", async (t) => {
  const { AE } = await import("../../src/ae.js");
  const { sop } = await import("../../src/dataset/uids.js");
  const scp = new AE({ aeTitle: "POOL_SCP" });
  scp.addSupportedContext(sop.Verification);
  const server = await scp.startServer({ host: "127.0.0.1" });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  const scu = new AE({ aeTitle: "POOL_SCU" });
  scu.addRequestedContext(sop.Verification);

  const echoOnce = async () => {
    const assoc = await scu.associate("127.0.0.1", server.port, { aeTitle: "POOL_SCP" });
    t.after(() => assoc.abort());
    const transport = assoc.upperLayer?.transport as unknown as { socket: import("node:net").Socket } | undefined;
    assert.ok(transport, "connected");
    const { socket } = transport;
    assert.equal((await assoc.sendCEcho()).status, 0x0000);
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    await assoc.release();
    await closed;
    return assoc;
  };
  await echoOnce();
  // Both sides of that association gave their memory back once their sockets closed (the SCP's
  // may close a moment later): wait for at least the requestor's, bounded.
  const given: Uint8Array[] = [];
  for (let i = 0; i < 100 && given.length === 0; i++) {
    for (let b = takeReadBuffer(); b !== undefined; b = takeReadBuffer()) given.push(b);
    if (given.length === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  assert.ok(given.length >= 1, "a closed connection gave its read buffer back");
  assert.ok(given.every((b) => b.byteLength >= 32 * 1024));
  const mine = given[0] as Uint8Array;
  giveReadBuffer(mine);
  // The next association works on recycled memory, whatever the old bytes in it.
  mine.fill(0xa5);
  const again = await echoOnce();
  assert.equal(again.isReleased, true);
});
