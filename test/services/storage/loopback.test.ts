// C-STORE end to end on 127.0.0.1: our SCU streams files to our SCP, which writes them to disk
// as they arrive; every uncompressed transfer syntax, conversions, encapsulated files, statuses.
import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { corpusFile, corpusFrame, writeCorpusFile } from "../../../bench/corpus.js";
import { Dataset } from "../../../src/dataset/dataset.js";
import { DicomParseError } from "../../../src/dataset/errors.js";
import { readPart10, writePart10 } from "../../../src/dataset/part10.js";
import { sop, ts } from "../../../src/dataset/uids.js";
import { Event } from "../../../src/events.js";
import { NoPresentationContextError } from "../../../src/services/errors.js";
import { datasetBytes, storeClient, storeServer, tempDir } from "./helpers.js";

const CT = sop.CTImageStorage;
const small = { rows: 16, cols: 16 } as const;

/** A small CT file in `syntax`. */
async function ctFile(dir: string, syntax: "explicit-le" | "implicit-le" | "explicit-be", index = 0): Promise<string> {
  const path = join(dir, `ct-${syntax}-${index}.dcm`);
  await writeCorpusFile(path, { ...small, syntax }, index);
  return path;
}

/** A handler that saves every instance into `dir` and answers success. */
function saveInto(dir: string, saved: string[] = []) {
  return {
    [Event.C_STORE]: async (e: { saveTo(d: string): Promise<string> }) => {
      saved.push(await e.saveTo(dir));
      return 0x0000;
    },
  };
}

for (const [syntax, uid] of [
  ["explicit-le", ts.ExplicitVRLittleEndian],
  ["implicit-le", ts.ImplicitVRLittleEndian],
  ["explicit-be", ts.ExplicitVRBigEndian],
] as const) {
  test(`C-STORE in ${syntax}: the file's data set arrives byte for byte, with a file meta naming the sender`, async (t) => {
    const src = await tempDir(t);
    const out = await tempDir(t);
    const path = await ctFile(src, syntax);
    const saved: string[] = [];
    const { server } = await storeServer(t, [[CT, [uid]]], saveInto(out, saved));
    const assoc = await storeClient(t, server.port, [[CT, [uid]]]);
    const r = await assoc.sendCStore(path);
    assert.equal(r.status, 0x0000);
    assert.equal(r.transferSyntax, uid);
    assert.equal(r.sopClassUid, CT);
    const sent = await datasetBytes(path);
    assert.equal(r.bytes, sent.bytes.byteLength);
    assert.equal(saved.length, 1);
    assert.equal(saved[0], join(out, `${r.sopInstanceUid}.dcm`));
    const got = await datasetBytes(saved[0]!);
    assert.equal(got.transferSyntax, uid);
    assert.deepEqual(got.bytes, sent.bytes);
    const meta = readPart10(await readFile(saved[0]!)).meta;
    assert.equal(meta.string("SourceApplicationEntityTitle"), "STORE_SCU");
    assert.equal(meta.string("MediaStorageSOPInstanceUID"), r.sopInstanceUid);
    await assoc.release();
  });
}
