import assert from "node:assert/strict";
import { test } from "node:test";
import { FileMetaTemplate, fileMetaDataset } from "../../src/dataset/file-meta.js";
import { readPart10, writeFileMetaBytes } from "../../src/dataset/part10.js";

const CT = "1.2.840.10008.5.1.4.1.1.2";
const ELE = "1.2.840.10008.1.2.1";

test("file meta template: the same bytes as building the group, for even, odd, empty and odd-character UIDs", () => {
  for (const ae of ["", "STORESCU", "ODD"]) {
    for (const ts of [ELE, "1.2.840.10008.1.2"]) {
      const t = new FileMetaTemplate(CT, ts, ae);
      for (const uid of ["", "1", "1.2", "1.2.3.4.5.6.7.8.9.10.11", "2.25.1234567890123456789", "é.1", "1\u00002"]) {
        const expected = writeFileMetaBytes(fileMetaDataset(CT, uid, ts, ae));
        assert.deepEqual(t.encode(uid), expected, `${ae} ${ts} ${JSON.stringify(uid)}`);
      }
    }
  }
});

test("file meta template: the encoded group reads back with the instance UID and a right group length", () => {
  const t = new FileMetaTemplate(CT, ELE, "SCU");
  for (let i = 0; i < 50; i++) {
    const uid = `1.2.3.${"7".repeat(i)}`;
    const meta = t.encode(uid);
    const part = readPart10(meta);
    assert.equal(part.meta.string("MediaStorageSOPInstanceUID"), uid);
    assert.equal(part.meta.string("MediaStorageSOPClassUID"), CT);
    assert.equal(part.meta.string("SourceApplicationEntityTitle"), "SCU");
    const groupLength = new DataView(meta.buffer, meta.byteOffset).getUint32(140, true);
    assert.equal(groupLength, meta.byteLength - 144);
  }
});
