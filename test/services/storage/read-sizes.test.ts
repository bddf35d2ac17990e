// sendCStore reads small files whole into kept buffers (read until the buffer is full or the file
// ends, asking for the size only when it fills the buffer) and streams larger ones: files whose
// sizes sit on and around those boundaries, sent one after the other on one association so the
// buffers are reused between sizes, all arrive byte for byte.
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { Dataset } from "../../../src/dataset/dataset.js";
import { writePart10 } from "../../../src/dataset/part10.js";
import { sop, ts } from "../../../src/dataset/uids.js";
import { Event } from "../../../src/events.js";
import { SYNC_READ_BYTES } from "../../../src/services/storage/scu.js";
import { datasetBytes, storeClient, storeServer, tempDir } from "./helpers.js";

const CT = sop.CTImageStorage;
const MiB = 1024 * 1024;

/** A Part 10 file of exactly `size` bytes (even), its pixel data filled with a pattern. */
function fileOfSize(size: number, index: number): Uint8Array {
  const ds = new Dataset({ SOPClassUID: CT, SOPInstanceUID: `2.25.7${index}`, PatientID: "P" });
  ds.set("PixelData", new Uint8Array(0), "OW");
  const empty = writePart10(ds, { transferSyntaxUid: ts.ExplicitVRLittleEndian }).byteLength;
  const pixels = new Uint8Array(size - empty);
  for (let i = 0; i < pixels.byteLength; i++) pixels[i] = (i * 7 + index) & 0xff;
  ds.set("PixelData", pixels, "OW");
  const bytes = writePart10(ds, { transferSyntaxUid: ts.ExplicitVRLittleEndian });
  assert.equal(bytes.byteLength, size);
  return bytes;
}

test("files on and around the read buffer sizes arrive byte for byte, one after the other", async (t) => {
  const src = await tempDir(t);
  const out = await tempDir(t);
  const sizes = [3 * MiB, 2000, MiB, MiB + 2, SYNC_READ_BYTES, SYNC_READ_BYTES + 2, 2 * MiB - 2, 4096];
  const paths: string[] = [];
  for (const [i, size] of sizes.entries()) {
    const path = join(src, `f${i}.dcm`);
    await writeFile(path, fileOfSize(size, i));
    paths.push(path);
  }
  const saved: string[] = [];
  const { server } = await storeServer(t, [[CT, [ts.ExplicitVRLittleEndian]]], {
    [Event.C_STORE]: async (e: { saveTo(d: string): Promise<string> }) => {
      saved.push(await e.saveTo(out));
      return 0x0000;
    },
  });
  const assoc = await storeClient(t, server.port, [[CT, [ts.ExplicitVRLittleEndian]]]);
  for (const [i, path] of paths.entries()) {
    const r = await assoc.sendCStore(path);
    assert.equal(r.status, 0x0000, `file ${i} (${sizes[i]} bytes)`);
    const sent = await datasetBytes(path);
    assert.equal(r.bytes, sent.bytes.byteLength, `file ${i} (${sizes[i]} bytes)`);
    const got = await datasetBytes(saved[i]!);
    assert.ok(
      Buffer.from(got.bytes).equals(Buffer.from(sent.bytes)),
      `file ${i} (${sizes[i]} bytes) arrives unchanged`,
    );
  }
  await assoc.release();
});
