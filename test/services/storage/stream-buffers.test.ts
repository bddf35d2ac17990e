// A file too large to read whole is streamed through read buffers borrowed from the spare ones
// and given back once the C-STORE is answered: the second file of the same size finds them there
// (no new ones), and both arrive byte for byte. A C-STORE that gets no answer keeps them out.
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { Dataset } from "../../../src/dataset/dataset.js";
import { writePart10 } from "../../../src/dataset/part10.js";
import { sop, ts } from "../../../src/dataset/uids.js";
import { Event } from "../../../src/events.js";
import { SYNC_READ_BYTES, sparesHeld } from "../../../src/services/storage/file-start.js";
import { holdsOpen } from "../../helpers/fds.js";
import { datasetBytes, storeClient, storeServer, tempDir } from "./helpers.js";

const CT = sop.CTImageStorage;
const EXPLICIT = ts.ExplicitVRLittleEndian;

/** A Part 10 file of about `size` bytes, its pixel data filled with a pattern. */
function fileOfSize(size: number, index: number): Uint8Array {
  const ds = new Dataset({ SOPClassUID: CT, SOPInstanceUID: `2.25.9${index}`, PatientID: "P" });
  const pixels = new Uint8Array(size & ~1);
  for (let i = 0; i < pixels.byteLength; i++) pixels[i] = (i * 11 + index) & 0xff;
  ds.set("PixelData", pixels, "OW");
  return writePart10(ds, { transferSyntaxUid: EXPLICIT });
}

test("a streamed file's read buffers go back to the spare ones after the answer, and serve the next", async (t) => {
  const src = await tempDir(t);
  const out = await tempDir(t);
  const paths: string[] = [];
  for (let i = 0; i < 3; i++) {
    const path = join(src, `big${i}.dcm`);
    await writeFile(path, fileOfSize(SYNC_READ_BYTES + 2 * 1024 * 1024 + 1000 * i, i));
    paths.push(path);
  }
  const saved: string[] = [];
  let answer = true;
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const { server } = await storeServer(t, [[CT, [EXPLICIT]]], {
    [Event.C_STORE]: async (e: { saveTo(d: string): Promise<string> }) => {
      saved.push(await e.saveTo(out));
      // Held unanswered until the SCU has given up (see below).
      if (!answer) await held;
      return 0x0000;
    },
  });
  const assoc = await storeClient(t, server.port, [[CT, [EXPLICIT]]]);
  const before = sparesHeld().count;
  const counts: number[] = [];
  for (const path of paths.slice(0, 2)) {
    const r = await assoc.sendCStore(path);
    assert.equal(r.status, 0x0000);
    assert.equal(holdsOpen(path), false, "the file is closed once sent and answered");
    counts.push(sparesHeld().count);
  }
  // The head buffer and the three-buffer ring of the first file.
  assert.ok(counts[0]! >= before + 4, `spares ${before} -> ${counts[0]}`);
  assert.equal(counts[1], counts[0], "the second file borrowed and gave back the same buffers");
  for (const [i, path] of paths.slice(0, 2).entries()) {
    const sent = await datasetBytes(path);
    const got = await datasetBytes(saved[i]!);
    assert.ok(Buffer.from(got.bytes).equals(Buffer.from(sent.bytes)), `file ${i} arrives unchanged`);
  }

  // No answer: the bytes may still be queued for the socket, so the buffers stay borrowed.
  answer = false;
  await assert.rejects(assoc.sendCStore(paths[2]!, { signal: AbortSignal.timeout(300) }));
  assert.ok(sparesHeld().count < counts[1]!, `spares ${counts[1]} -> ${sparesHeld().count}`);
  release();
});
