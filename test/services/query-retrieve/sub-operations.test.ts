import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { Dataset } from "../../../src/dataset/dataset.js";
import { writeDicomFile } from "../../../src/dataset/file.js";
import { sop, ts } from "../../../src/dataset/uids.js";
import { writeDataset } from "../../../src/dataset/writer.js";
import { contextsFor, instanceInfo } from "../../../src/services/query-retrieve/sub-operations.js";
import { tempDir } from "../storage/helpers.js";

const INSTANCE_UID = "1.2.826.0.1.3680043.2.1.9.1";

function ct(): Dataset {
  return new Dataset({ SOPClassUID: sop.CTImageStorage, SOPInstanceUID: INSTANCE_UID, PatientID: "PID-9" });
}

test("instanceInfo reads a Part 10 file's UIDs and transfer syntax from its file meta", async (t) => {
  const dir = await tempDir(t, "netdicom-subops-");
  const path = join(dir, "a.dcm");
  await writeDicomFile(path, ct(), { transferSyntaxUid: ts.ImplicitVRLittleEndian });
  assert.deepEqual(await instanceInfo(path), {
    sopClassUid: sop.CTImageStorage,
    sopInstanceUid: INSTANCE_UID,
    transferSyntax: ts.ImplicitVRLittleEndian,
  });
});

test("instanceInfo falls back to the data set when a file has no file meta", async (t) => {
  const dir = await tempDir(t, "netdicom-subops-");
  const path = join(dir, "bare.dcm");
  await writeFile(path, writeDataset(ct(), { explicitVr: true, littleEndian: true }));
  const info = await instanceInfo(path);
  assert.equal(info.sopClassUid, sop.CTImageStorage);
  assert.equal(info.sopInstanceUid, INSTANCE_UID);
  assert.equal(info.transferSyntax, ts.ExplicitVRLittleEndian);
  assert.equal(contextsFor([info]).length, 1);
});

test("instanceInfo of a file that cannot be read names nothing", async (t) => {
  const dir = await tempDir(t, "netdicom-subops-");
  assert.deepEqual(await instanceInfo(join(dir, "missing.dcm")), {
    sopClassUid: undefined,
    sopInstanceUid: undefined,
    transferSyntax: undefined,
  });
});
