// The data set sinks without sockets: the in-memory one's limit, the file one's abort.
import assert from "node:assert/strict";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { FileSink } from "../../../src/services/storage/file-sink.js";
import { MemorySink } from "../../../src/services/storage/memory-sink.js";
import { tempDir } from "./helpers.js";

test("MemorySink keeps copies up to its limit, then drops everything and reports the overflow", () => {
  const sink = new MemorySink(10);
  const a = new Uint8Array(6).fill(7);
  sink.write(a);
  a.fill(0); // the read buffer a fragment aliases is reused by the next read
  assert.deepEqual(sink.chunks[0], new Uint8Array(6).fill(7), "a copy, not a view");
  assert.equal(sink.overflowed, false);
  sink.write(new Uint8Array(6));
  assert.equal(sink.overflowed, true);
  assert.equal(sink.chunks.length, 0);
});

test("FileSink: a large data set goes to disk while arriving; abort removes the temporary file", async (t) => {
  const dir = await tempDir(t);
  const sink = new FileSink(new Uint8Array(132), { storageDirectory: dir, maxDatasetBytes: 0 });
  for (let i = 0; i < 5; i++) await sink.write(new Uint8Array(512 * 1024).fill(i));
  assert.equal((await readdir(dir)).length, 1, "written before the end");
  await sink.abort(new Error("peer aborted"));
  assert.deepEqual(await readdir(dir), []);
  assert.equal(sink.received, undefined);
});

test("FileSink: large fragments are kept until releaseViews, then written in order with the small one after them", async (t) => {
  const dir = await tempDir(t);
  const meta = new Uint8Array(132).fill(0xee);
  const sink = new FileSink(meta, { storageDirectory: dir, maxDatasetBytes: 0 });
  // The first write makes the temporary directory (a copy, written at once).
  await sink.write(new Uint8Array(40 * 1024).fill(1));
  const readBuffer = new Uint8Array(200 * 1024);
  const big = readBuffer.subarray(0, 64 * 1024).fill(2);
  const small = readBuffer.subarray(64 * 1024, 64 * 1024 + 100).fill(3);
  const big2 = readBuffer.subarray(100 * 1024, 180 * 1024).fill(4);
  assert.equal(sink.write(big), undefined);
  const [name] = await readdir(dir);
  const path = join(dir, name as string);
  assert.equal((await stat(path)).size, 132 + 40 * 1024, "the large view is not written yet");
  // A small fragment after a kept view is kept with it (one writev for both, no copy).
  assert.equal(sink.write(small), undefined);
  assert.equal((await stat(path)).size, 132 + 40 * 1024, "the small fragment waits with the view");
  assert.equal(sink.write(big2), undefined);
  sink.releaseViews();
  // The read buffer is reused by the next read: nothing written may change.
  readBuffer.fill(9);
  await sink.end();
  const expected = new Uint8Array(132 + (40 + 64 + 80) * 1024 + 100);
  let at = 0;
  for (const [value, n] of [
    [0xee, 132],
    [1, 40 * 1024],
    [2, 64 * 1024],
    [3, 100],
    [4, 80 * 1024],
  ] as const) {
    expected.fill(value, at, at + n);
    at += n;
  }
  assert.deepEqual(new Uint8Array(await readFile(sink.received?.path ?? "")), expected);
  assert.equal(sink.received?.fileBytes, expected.byteLength);
});

test("FileSink: an instance's small tail after a kept view goes out with it at end(), not in a write of its own", async (t) => {
  const dir = await tempDir(t);
  const meta = new Uint8Array(132).fill(0xee);
  const sink = new FileSink(meta, { storageDirectory: dir, maxDatasetBytes: 0 });
  await sink.write(new Uint8Array(40 * 1024).fill(1));
  const [name] = await readdir(dir);
  const path = join(dir, name as string);
  // The last read of an instance: a large fragment, then the small tail, then the end.
  const readBuffer = new Uint8Array(200 * 1024);
  assert.equal(sink.write(readBuffer.subarray(0, 128 * 1024).fill(2)), undefined);
  assert.equal(sink.write(readBuffer.subarray(128 * 1024, 128 * 1024 + 2194).fill(3)), undefined);
  assert.equal((await stat(path)).size, 132 + 40 * 1024, "nothing written before end()");
  assert.equal(sink.end(), undefined, "synchronous without fsync");
  // Written at end(), before the read buffer is reused.
  readBuffer.fill(9);
  sink.releaseViews();
  const bytes = new Uint8Array(await readFile(sink.received?.path ?? ""));
  assert.equal(bytes.byteLength, 132 + (40 + 128) * 1024 + 2194);
  assert.equal(bytes[132 + 40 * 1024], 2);
  assert.equal(bytes[bytes.byteLength - 1], 3);
  assert.equal(sink.received?.fileBytes, bytes.byteLength);
});

test("FileSink: many small fragments after a kept view are written in order, the views first once there are many", async (t) => {
  const dir = await tempDir(t);
  const sink = new FileSink(new Uint8Array(132), { storageDirectory: dir, maxDatasetBytes: 0 });
  await sink.write(new Uint8Array(40 * 1024).fill(1));
  const readBuffer = new Uint8Array(64 * 1024 + 200 * 10);
  assert.equal(sink.write(readBuffer.subarray(0, 64 * 1024).fill(2)), undefined);
  for (let i = 0; i < 200; i++) {
    const fragment = readBuffer.subarray(64 * 1024 + i * 10, 64 * 1024 + (i + 1) * 10).fill(i & 0xff);
    assert.equal(sink.write(fragment), undefined);
  }
  sink.releaseViews();
  readBuffer.fill(0xfe);
  await sink.end();
  const bytes = new Uint8Array(await readFile(sink.received?.path ?? ""));
  const tail = bytes.subarray(132 + (40 + 64) * 1024);
  assert.equal(tail.byteLength, 2000);
  for (let i = 0; i < 200; i++) assert.equal(tail[i * 10 + 9], i & 0xff, `fragment ${i}`);
  assert.equal(bytes[132 + 40 * 1024], 2);
});

test("FileSink: an abort drops the views it kept, and the file with them", async (t) => {
  const dir = await tempDir(t);
  const sink = new FileSink(new Uint8Array(132), { storageDirectory: dir, maxDatasetBytes: 0 });
  await sink.write(new Uint8Array(40 * 1024));
  assert.equal(sink.write(new Uint8Array(64 * 1024)), undefined, "kept, not written");
  await sink.abort(new Error("peer aborted"));
  sink.releaseViews();
  assert.deepEqual(await readdir(dir), []);
  assert.equal(sink.received, undefined);
});
