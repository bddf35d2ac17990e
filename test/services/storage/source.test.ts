// fileRangeSource streams a file's bytes unchanged in chunks of whole PDVs, reading synchronously
// while the reads are quick and through the thread pool after a slow one: both ways give the same
// bytes, and a file shorter than announced fails with a DicomParseError either way.
import assert from "node:assert/strict";
import { closeSync, openSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { DicomParseError } from "../../../src/dataset/errors.js";
import { fileRangeSource, READ_CHUNK_BYTES } from "../../../src/services/storage/source.js";
import { tempDir } from "./helpers.js";

const MAX_PDV = 16_378;

/** A file of `size` bytes of a pattern that differs at every offset within 251 bytes. */
async function patternFile(dir: string, size: number): Promise<{ path: string; bytes: Uint8Array }> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 13 + (i >>> 8)) % 251;
  const path = join(dir, "range.bin");
  await writeFile(path, bytes);
  return { path, bytes };
}

/** All chunks of the source, copied (the source reuses its buffers). */
async function collect(source: ReturnType<typeof fileRangeSource>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const c of source.chunks(MAX_PDV)) chunks.push(Uint8Array.from(c));
  return chunks;
}

// slowReadMs -1: the first read counts as slow, so the rest go through the thread pool.
for (const [name, slowReadMs] of [
  ["synchronous reads", undefined],
  ["thread-pool reads after a slow one", -1],
] as const) {
  test(`fileRangeSource, ${name}: every byte from start to size, in whole PDVs`, async (t) => {
    const dir = await tempDir(t);
    const size = 3 * READ_CHUNK_BYTES + 12_345;
    const { path, bytes } = await patternFile(dir, size);
    const fd = openSync(path, "r");
    t.after(() => closeSync(fd));
    const start = 37;
    const head = bytes.slice(0, 100_000);
    const chunks = await collect(fileRangeSource(fd, head, start, size, { slowReadMs }));
    assert.ok(chunks.length > 3, `${chunks.length} chunks`);
    for (const c of chunks.slice(0, -1)) assert.equal(c.byteLength % MAX_PDV, 0, "only the last chunk is short");
    assert.ok(Buffer.concat(chunks).equals(bytes.subarray(start)));
  });

  test(`fileRangeSource, ${name}: a file shorter than its size fails with DicomParseError`, async (t) => {
    const dir = await tempDir(t);
    const size = 2 * READ_CHUNK_BYTES;
    const { path, bytes } = await patternFile(dir, size);
    const fd = openSync(path, "r");
    t.after(() => closeSync(fd));
    await assert.rejects(collect(fileRangeSource(fd, bytes.slice(0, 1000), 0, size + 4096, { slowReadMs })), (err) => {
      assert.ok(err instanceof DicomParseError);
      assert.equal(err.code, "ERR_DICOM_PARSE");
      return true;
    });
  });
}
