// readUid and readAeTitle answer repeated fields from a cache compared byte by byte: every
// answer must be what reading the bytes afresh gives, however similar the fields are.
import assert from "node:assert/strict";
import { test } from "node:test";
import { readAeTitle, readUid, writeUid, writeUidItem } from "../../src/pdu/fields.js";
import { ByteReader } from "../../src/util/byte-reader.js";
import { ByteWriter } from "../../src/util/byte-writer.js";

const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function uidOf(s: string): { value: string; offset: number } {
  const r = new ByteReader(enc(`##${s}##`), { offset: 2, end: 2 + s.length });
  const value = readUid(r, s.length);
  return { value, offset: r.offset };
}

test("readUid: repeated and look-alike UIDs each read as their own bytes", () => {
  // Same length, same last and middle bytes (one cache bucket), differing elsewhere.
  const family = ["1.2.840.10008.1.2.1", "1.2.840.10008.9.2.1", "9.2.840.10008.1.2.1", "1.2.849.10008.1.2.1"];
  for (let round = 0; round < 3; round++) {
    for (const uid of family) assert.deepEqual(uidOf(uid), { value: uid, offset: 2 + uid.length });
  }
  assert.equal(uidOf("1.2.3\0").value, "1.2.3"); // NUL padding dropped (PS3.8 Annex F)
  assert.equal(uidOf("1.2.3\0").value, "1.2.3");
  assert.equal(uidOf("1.2.3\xe9").value, "1.2.3\xe9"); // not ASCII: read as ISO 8859-1, as before
});

test("readUid: past the cache's bound, new UIDs still read correctly", () => {
  for (let i = 0; i < 2000; i++) {
    const uid = `1.2.826.0.1.${i}.${(i * 7919) % 1000}`;
    assert.equal(uidOf(uid).value, uid);
    assert.equal(uidOf(uid).value, uid);
  }
});

test("readUid: a UID cut short by the end of its item is an out-of-bounds error", () => {
  const r = new ByteReader(enc("1.2.840.10008.1.1"), { end: 5 });
  assert.throws(() => readUid(r, 17), { code: "ERR_OUT_OF_BOUNDS" });
});

test("readAeTitle: trims spaces and NULs, and repeated titles read the same", () => {
  for (let round = 0; round < 3; round++) {
    assert.equal(readAeTitle(new ByteReader(enc("  STORE_SCP     "))), "STORE_SCP");
    assert.equal(readAeTitle(new ByteReader(enc("STORE_SCQ\0\0\0\0\0\0\0"))), "STORE_SCQ");
    assert.equal(readAeTitle(new ByteReader(enc("A               "))), "A");
  }
});

test("writeUid and writeUidItem: cached bytes are copied, checks still apply", () => {
  const w = new ByteWriter();
  for (let round = 0; round < 3; round++) writeUid(w, "1.2.840.10008.1.2");
  writeUidItem(w, 0x40, "1.2.840.10008.1.2");
  const out = w.toUint8Array();
  const uid = "1.2.840.10008.1.2";
  assert.equal(String.fromCharCode(...out.subarray(0, 3 * uid.length)), uid.repeat(3));
  assert.deepEqual([...out.subarray(3 * uid.length, 3 * uid.length + 4)], [0x40, 0, 0, uid.length]);
  // A writer's buffer is its own: changing it must not reach the next write of the same UID.
  out.fill(0);
  const again = new ByteWriter();
  writeUid(again, uid);
  assert.equal(String.fromCharCode(...again.toUint8Array()), uid);
  assert.throws(() => writeUid(new ByteWriter(), "1.2.3\u00e9"), { code: "ERR_PDU_ENCODE" });
  assert.throws(() => writeUidItem(new ByteWriter(), 0x40, "1".repeat(0x10000)), { code: "ERR_PDU_ENCODE" });
});
