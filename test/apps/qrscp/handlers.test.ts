// qrscp's C_STORE handler: the data set it indexes is the received file's up to its Pixel Data,
// whether the file is small (read and parsed in one synchronous call) or large (through
// event.dataset()); an unparsable file is answered 0xC000 and indexed nowhere.
import assert from "node:assert/strict";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { AppLogger } from "../../../src/apps/net-options.js";
import { storeHandler } from "../../../src/apps/qrscp/handlers.js";
import type { InstanceIndex } from "../../../src/apps/qrscp/index/index.js";
import { type CStoreEvent, type Dataset, readDicomFileHead, sop, writeDicomFile } from "../../../src/index.js";
import { smallImage } from "../../helpers/images.js";
import { tempDir } from "./fixture.js";

/** An index that only records what it is given. */
function recordingIndex(): { index: InstanceIndex; added: { dataset: Dataset; path: string }[] } {
  const added: { dataset: Dataset; path: string }[] = [];
  const index = {
    kind: "sqlite",
    add: async (dataset: Dataset, path: string) => {
      added.push({ dataset, path });
      return {};
    },
  } as unknown as InstanceIndex;
  return { index, added };
}

/** The parts of a C-STORE event the handler uses, over a file already on disk. */
function eventFor(path: string, sopInstanceUid: string, calls: { dataset: number }): CStoreEvent {
  return {
    sopInstanceUid,
    path,
    fileSize: statSync(path).size,
    dataset: async () => {
      calls.dataset++;
      return (await readDicomFileHead(path)).dataset;
    },
    saveTo: async (dir: string, options?: { filename?: string }) => join(dir, options?.filename ?? "x.dcm"),
  } as unknown as CStoreEvent;
}

test("qrscp C_STORE handler indexes the data set up to the Pixel Data, small or large", async (t) => {
  const dir = tempDir(t);
  const { index, added } = recordingIndex();
  const handle = storeHandler({
    index,
    instanceLocation: join(dir, "stored"),
    aeTitle: "QRSCP",
    moveDestinations: new Map(),
    // No logging methods: the handler logs through optional calls.
    log: { level: "none" } as AppLogger,
  });
  const small = smallImage(sop.SecondaryCaptureImageStorage, { patientName: "SMALL^ONE", pixelByte: (i) => i });
  const large = smallImage(sop.SecondaryCaptureImageStorage, { patientName: "LARGE^ONE", pixelByte: (i) => i });
  // 512 x 512 x 16 bits: 0.5 MiB, above the size read synchronously.
  large
    .set("Rows", 512, "US")
    .set("Columns", 512, "US")
    .set("PixelData", new Uint8Array(512 * 512 * 2), "OW");
  for (const [name, ds] of [
    ["small", small],
    ["large", large],
  ] as const) {
    const path = join(dir, `${name}.dcm`);
    await writeDicomFile(path, ds);
    const calls = { dataset: 0 };
    assert.equal(await handle(eventFor(path, ds.string("SOPInstanceUID") ?? "", calls)), 0x0000);
    const got = added.at(-1);
    assert.equal(got?.dataset.string("PatientName"), ds.string("PatientName"), name);
    assert.equal(got?.dataset.string("SOPInstanceUID"), ds.string("SOPInstanceUID"), name);
    assert.equal(got?.dataset.has("PixelData"), false, `${name}: parsing stops before the Pixel Data`);
    assert.equal(calls.dataset, name === "large" ? 1 : 0, `${name}: event.dataset() used only for large files`);
  }
  const bad = join(dir, "bad.dcm");
  writeFileSync(bad, Buffer.from("not a DICOM file at all"));
  const before = added.length;
  assert.equal(await handle(eventFor(bad, "1.2.3", { dataset: 0 })), 0xc000);
  assert.equal(added.length, before, "nothing indexed for an unparsable file");
});
