// The SCP reads into one reusable buffer per association (PduReadBuffer through
// SocketTransport.readInto): every byte of every instance must still land in its file, whatever
// the PDU size, with requests pipelined (so PDUs queue while a handler or the window holds the
// receive loop, and are copied), and a slow disk or handler pausing the socket.
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { corpusFile } from "../../../bench/corpus.js";
import { sop, ts } from "../../../src/dataset/uids.js";
import { Event } from "../../../src/events.js";
import { datasetBytes, storeClient, storeServer, tempDir } from "./helpers.js";

const CT = sop.CTImageStorage;
const ELE = ts.ExplicitVRLittleEndian;

for (const maxPdu of [4096, 1024 * 1024]) {
  test(`max PDU ${maxPdu}: 60 instances of mixed sizes, 8 in flight, slow handlers: every file byte for byte`, async (t) => {
    const src = await tempDir(t);
    const out = await tempDir(t);
    const paths: string[] = [];
    for (let i = 0; i < 60; i++) {
      const p = join(src, `f${i}.dcm`);
      // 8x8 to 256x256x3 frames: from under one PDU to several MB spanning many reads.
      const size = [8, 64, 256, 16][i % 4] as number;
      await writeFile(p, corpusFile({ rows: size, cols: size, frames: i % 4 === 2 ? 3 : 1, seed: 7 }, i));
      paths.push(p);
    }
    let n = 0;
    const saved = new Map<string, string>();
    const { server } = await storeServer(
      t,
      [[CT, [ELE]]],
      {
        [Event.C_STORE]: async (e) => {
          // Every third handler takes a few turns of the event loop: the window fills, PDUs queue.
          if (n++ % 3 === 0) for (let k = 0; k < 5; k++) await new Promise<void>((r) => setImmediate(r));
          saved.set(e.sopInstanceUid, await e.saveTo(out));
          return 0;
        },
      },
      { ae: { maximumPduSize: maxPdu, maxAsyncOperations: { invoked: 1, performed: 8 } } },
    );
    const assoc = await storeClient(t, server.port, [[CT, [ELE]]], {
      ae: { maxAsyncOperations: { invoked: 8, performed: 1 } },
    });
    const results = await Promise.all(paths.map((p) => assoc.sendCStore(p)));
    assert.deepEqual(
      results.map((r) => r.status),
      paths.map(() => 0),
    );
    await assoc.release();
    assert.equal(saved.size, paths.length);
    for (const p of paths) {
      const sent = await datasetBytes(p);
      const uid = results[paths.indexOf(p)]?.sopInstanceUid ?? "";
      const file = saved.get(uid);
      assert.ok(file, `instance ${uid} stored`);
      assert.deepEqual((await datasetBytes(file)).bytes, sent.bytes, p);
    }
  });
}

test("DATA_RECV handlers get copies: fragments kept until the end still add up to each data set sent", async (t) => {
  const src = await tempDir(t);
  const paths: string[] = [];
  for (let i = 0; i < 6; i++) {
    const p = join(src, `k${i}.dcm`);
    await writeFile(p, corpusFile({ rows: 128, cols: 128, frames: 2, seed: 3 }, i));
    paths.push(p);
  }
  // Data set fragments in arrival order; the read buffer is overwritten many times meanwhile.
  const kept: Uint8Array[][] = [];
  let current: Uint8Array[] = [];
  const { server } = await storeServer(
    t,
    [[CT, [ELE]]],
    {
      [Event.DATA_RECV]: (e) => {
        if (e.isCommand) {
          current = [];
          kept.push(current);
        } else current.push(e.data);
      },
      [Event.C_STORE]: () => 0,
    },
    { ae: { maximumPduSize: 16384 } },
  );
  const assoc = await storeClient(t, server.port, [[CT, [ELE]]]);
  for (const p of paths) assert.equal((await assoc.sendCStore(p)).status, 0);
  await assoc.release();
  // Each C-STORE: one command fragment opens a list; the response's command is not received here.
  assert.equal(kept.length, paths.length);
  for (const [i, p] of paths.entries()) {
    assert.deepEqual(Buffer.concat(kept[i] ?? []), Buffer.from((await datasetBytes(p)).bytes), p);
  }
});
