// The data set sinks without sockets: the in-memory one's limit, the file one's abort.
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
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
