// A C-STORE queued behind a full window reads its file's first bytes while it waits (at most
// READ_AHEAD_BYTES, one queued call at a time): the reads are bounded, files of every size still
// arrive byte for byte, and a file that cannot be read, before or after its read ahead, is that
// C-STORE's failure alone.
import assert from "node:assert/strict";
import { fstatSync } from "node:fs";
import { mkdir, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { Dataset } from "../../../src/dataset/dataset.js";
import { DicomParseError } from "../../../src/dataset/errors.js";
import { writePart10 } from "../../../src/dataset/part10.js";
import { sop, ts } from "../../../src/dataset/uids.js";
import { Event } from "../../../src/events.js";
import {
  dropFile,
  finishFile,
  keepSpare,
  READ_AHEAD_BYTES,
  SYNC_READ_BYTES,
  sparesHeld,
  startFile,
} from "../../../src/services/storage/file-start.js";
import { holdsOpen } from "../../helpers/fds.js";
import { datasetBytes, storeClient, storeServer, tempDir } from "./helpers.js";

const CT = sop.CTImageStorage;
const EXPLICIT = ts.ExplicitVRLittleEndian;
const MiB = 1024 * 1024;

/** A Part 10 file of exactly `size` bytes (even), its pixel data filled with a pattern. */
function fileOfSize(size: number, index: number): Uint8Array {
  const ds = new Dataset({ SOPClassUID: CT, SOPInstanceUID: `2.25.8${index}`, PatientID: "P" });
  ds.set("PixelData", new Uint8Array(0), "OW");
  const empty = writePart10(ds, { transferSyntaxUid: EXPLICIT }).byteLength;
  const pixels = new Uint8Array(size - empty);
  for (let i = 0; i < pixels.byteLength; i++) pixels[i] = (i * 13 + index) & 0xff;
  ds.set("PixelData", pixels, "OW");
  return writePart10(ds, { transferSyntaxUid: EXPLICIT });
}

/** True while `fd` is an open descriptor. */
function isOpen(fd: number): boolean {
  try {
    fstatSync(fd);
    return true;
  } catch {
    return false;
  }
}

test("startFile with the read-ahead limit reads at most 1 MiB and keeps a longer file open", async (t) => {
  const dir = await tempDir(t);
  const long = join(dir, "long.dcm");
  const bytes = fileOfSize(3 * MiB, 1);
  await writeFile(long, bytes);
  const s = startFile(long, READ_AHEAD_BYTES);
  assert.equal(s.error, undefined);
  assert.equal(s.filled, READ_AHEAD_BYTES);
  assert.ok(s.fd !== undefined && isOpen(s.fd));
  const fd = s.fd;
  const whole = finishFile(s);
  assert.ok(whole && Buffer.from(whole).equals(Buffer.from(bytes)), "the rest is read after the slot");
  assert.equal(isOpen(fd), false);

  const short = join(dir, "short.dcm");
  await writeFile(short, fileOfSize(4096, 2));
  const done = startFile(short, READ_AHEAD_BYTES);
  assert.equal(done.fd, undefined, "a file that ends within the read is closed at once");
  assert.equal(done.filled, 4096);

  const huge = join(dir, "huge.dcm");
  await writeFile(huge, fileOfSize(SYNC_READ_BYTES + 2, 3));
  const h = startFile(huge, READ_AHEAD_BYTES);
  const hfd = h.fd;
  assert.ok(hfd !== undefined);
  assert.equal(finishFile(h), undefined, "a large file is left to stream");
  assert.equal(isOpen(hfd), false);

  const dropped = startFile(long, READ_AHEAD_BYTES);
  const dfd = dropped.fd;
  assert.ok(dfd !== undefined);
  dropFile(dropped);
  assert.equal(isOpen(dfd), false, "dropping a read ahead closes its file");

  const missing = startFile(join(dir, "missing.dcm"), READ_AHEAD_BYTES);
  assert.ok(missing.error !== undefined, "an error is kept, not thrown");
  assert.throws(() => finishFile(missing), DicomParseError);
});

test("C-STOREs queued behind a window of 1: files of every size arrive byte for byte", async (t) => {
  const src = await tempDir(t);
  const out = await tempDir(t);
  const sizes = [3 * MiB, 2000, MiB + 2, SYNC_READ_BYTES + 2, 4096, MiB, 2 * MiB - 2, 600_000];
  const paths: string[] = [];
  for (const [i, size] of sizes.entries()) {
    const path = join(src, `f${i}.dcm`);
    await writeFile(path, fileOfSize(size, i));
    paths.push(path);
  }
  const saved = new Map<string, string>();
  const { server } = await storeServer(t, [[CT, [EXPLICIT]]], {
    [Event.C_STORE]: async (e: {
      request: { affectedSopInstanceUid?: string };
      saveTo(d: string): Promise<string>;
    }) => {
      saved.set(e.request.affectedSopInstanceUid ?? "", await e.saveTo(out));
      return 0x0000;
    },
  });
  const assoc = await storeClient(t, server.port, [[CT, [EXPLICIT]]]);
  assert.equal(assoc.asyncOperationsWindow.invoked, 1);
  const results = await Promise.all(paths.map((p) => assoc.sendCStore(p)));
  for (const [i, r] of results.entries()) {
    assert.equal(r.status, 0x0000, `file ${i}`);
    const sent = await datasetBytes(paths[i]!);
    const got = await datasetBytes(saved.get(r.sopInstanceUid)!);
    assert.equal(r.bytes, sent.bytes.byteLength, `file ${i}`);
    assert.ok(
      Buffer.from(got.bytes).equals(Buffer.from(sent.bytes)),
      `file ${i} (${sizes[i]} bytes) arrives unchanged`,
    );
  }
});

test("a file read ahead is sent even if removed before its slot; one removed before its read fails alone", async (t) => {
  const src = await tempDir(t);
  const paths: string[] = [];
  for (let i = 0; i < 4; i++) {
    const path = join(src, `f${i}.dcm`);
    await writeFile(path, fileOfSize(8192, 10 + i));
    paths.push(path);
  }
  const unreadableDir = join(src, "dir.dcm");
  await mkdir(unreadableDir);
  let calls = 0;
  const { server } = await storeServer(t, [[CT, [EXPLICIT]]], {
    [Event.C_STORE]: async () => {
      if (calls++ === 0) {
        // The client (same process) has queued the others by now; the first of them has read
        // its file ahead on a turn of the event loop. Remove that file and the next one.
        for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
        await unlink(paths[1]!);
        await unlink(paths[2]!);
      }
      return 0x0000;
    },
  });
  const assoc = await storeClient(t, server.port, [[CT, [EXPLICIT]]]);
  const sends = [...paths, unreadableDir].map((p) =>
    assoc.sendCStore(p).then(
      (r) => r.status,
      (e: unknown) => e,
    ),
  );
  const [a, b, c, d, e] = await Promise.all(sends);
  assert.equal(a, 0x0000);
  assert.equal(b, 0x0000, "read ahead before it was removed: sent");
  assert.ok(c instanceof DicomParseError, "removed before its read: that C-STORE fails");
  assert.match(c.message, /cannot read/);
  assert.equal(d, 0x0000, "the next ones still go");
  assert.ok(e instanceof DicomParseError, "a directory cannot be read: fails alone");
  assert.equal(assoc.isEstablished, true);
});

test("an association aborted while a call waits with its file read ahead: the call fails, the file is closed", async (t) => {
  if (process.platform !== "linux") {
    t.skip("needs /proc/self/fd to see which files are open");
    return;
  }
  const src = await tempDir(t);
  const first = join(src, "first.dcm");
  const long = join(src, "long.dcm");
  await writeFile(first, fileOfSize(4096, 20));
  await writeFile(long, fileOfSize(2 * MiB, 21));
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const { server } = await storeServer(t, [[CT, [EXPLICIT]]], {
    [Event.C_STORE]: async () => {
      await held;
      return 0x0000;
    },
  });
  t.after(() => release());
  const assoc = await storeClient(t, server.port, [[CT, [EXPLICIT]]]);
  const a = assoc.sendCStore(first).catch((e: unknown) => e);
  const b = assoc.sendCStore(long).catch((e: unknown) => e);
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(holdsOpen(long), true, "the long file is held open, read ahead");
  await assoc.abort();
  assert.ok((await a) instanceof Error);
  assert.ok((await b) instanceof Error);
  assert.equal(holdsOpen(long), false, "its descriptor is closed");
});

test("spare read buffers: at most 24 kept and never more than 32 MiB together, larger ones preferred", () => {
  for (let i = 0; i < 40; i++) keepSpare(Buffer.allocUnsafeSlow(1024 * 1024));
  const ones = sparesHeld();
  assert.ok(ones.count <= 24 && ones.count >= 8, `${ones.count} kept`);
  assert.ok(ones.bytes <= 32 * 1024 * 1024);
  for (let i = 0; i < 40; i++) keepSpare(Buffer.allocUnsafeSlow(4 * 1024 * 1024));
  const fours = sparesHeld();
  assert.ok(fours.bytes <= 32 * 1024 * 1024, `${fours.bytes} bytes kept`);
  assert.ok(fours.bytes > ones.bytes || fours.bytes === 32 * 1024 * 1024, "larger buffers replace smaller ones");
});
