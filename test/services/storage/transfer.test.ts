// C-STORE transfer behaviour: PDV sizes at several peer maximum PDU lengths, an association
// aborted mid data set, hostile SOP Instance UIDs as file names, many instances, many
// associations, accept-any-storage.
import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { corpusFile, writeCorpusFile } from "../../../bench/corpus.js";
import { AE } from "../../../src/ae.js";
import { Dataset } from "../../../src/dataset/dataset.js";
import { readPart10 } from "../../../src/dataset/part10.js";
import { sop, storageSopClasses, ts } from "../../../src/dataset/uids.js";
import { Event } from "../../../src/events.js";
import { makeStoreEvent } from "../../../src/services/storage/event.js";
import { safeJoin, sanitiseFileName } from "../../../src/services/storage/filename.js";
import { datasetBytes, storeClient, storeServer, tempDir } from "./helpers.js";

const CT = sop.CTImageStorage;
const ELE = ts.ExplicitVRLittleEndian;

for (const maxPdu of [0, 4096, 16382]) {
  test(`peer max PDU ${maxPdu}: every data PDV fits, only the last is short and marked last`, async (t) => {
    const src = await tempDir(t);
    const out = await tempDir(t);
    const path = join(src, "ct.dcm");
    await writeCorpusFile(path, { rows: 256, cols: 256, frames: 20 }, 1); // ~2.6 MB
    const saved: string[] = [];
    const { server } = await storeServer(
      t,
      [[CT, [ELE]]],
      {
        [Event.C_STORE]: async (e) => {
          saved.push(await e.saveTo(out));
          return 0;
        },
      },
      { ae: { maximumPduSize: maxPdu } },
    );
    const assoc = await storeClient(t, server.port, [[CT, [ELE]]]);
    const pdvs: { len: number; isCommand: boolean }[] = [];
    assoc.on("dataSent", (e) => pdvs.push({ len: e.data.byteLength, isCommand: e.isCommand }));
    const lasts: boolean[] = [];
    assoc.on("pduSent", (e) => {
      const pdu = e.pdu as { values?: { isCommand: boolean; isLast: boolean }[] };
      for (const v of pdu.values ?? []) if (!v.isCommand) lasts.push(v.isLast);
    });
    const r = await assoc.sendCStore(path);
    assert.equal(r.status, 0);
    const data = pdvs.filter((p) => !p.isCommand).map((p) => p.len);
    const limit = maxPdu === 0 ? 1024 * 1024 : maxPdu - 6;
    assert.ok(data.every((n) => n <= limit));
    assert.ok(
      data.slice(0, -1).every((n) => n === limit),
      "all but the last PDV are full",
    );
    assert.equal(
      data.reduce((a, b) => a + b, 0),
      r.bytes,
    );
    assert.equal(lasts.filter(Boolean).length, 1);
    assert.equal(lasts.at(-1), true);
    assert.deepEqual((await datasetBytes(saved[0]!)).bytes, (await datasetBytes(path)).bytes);
  });
}

test("an association aborted mid data set: the handler never runs, no file under any name is left", async (t) => {
  const src = await tempDir(t);
  const out = await tempDir(t);
  const path = join(src, "big.dcm");
  await writeCorpusFile(path, { rows: 512, cols: 512, frames: 40 }, 2); // 20 MiB
  let called = 0;
  const { server, temp } = await storeServer(t, [[CT, [ELE]]], {
    [Event.C_STORE]: async (e) => {
      called++;
      await e.saveTo(out);
      return 0;
    },
  });
  const assoc = await storeClient(t, server.port, [[CT, [ELE]]], { maxPdu: 16382 });
  const scpSide = new Promise<void>((resolve) => {
    const check = () => {
      const a = server.activeAssociations[0];
      if (a) a.closed.then(resolve, resolve);
      else setImmediate(check);
    };
    check();
  });
  let sentBytes = 0;
  assoc.on("dataSent", (e) => {
    sentBytes += e.data.byteLength;
    if (sentBytes > 4 * 1024 * 1024 && sentBytes - e.data.byteLength <= 4 * 1024 * 1024) assoc.abort().catch(() => {});
  });
  await assert.rejects(assoc.sendCStore(path));
  await scpSide;
  // The SCP's receive loop removes its temporary file once the abort reaches it.
  for (let i = 0; i < 200 && (await readdir(temp)).length > 0; i++) await new Promise((r) => setImmediate(r));
  assert.equal(called, 0);
  assert.deepEqual(await readdir(temp), []);
  assert.deepEqual(await readdir(out), []);
});

test("file names from the peer's SOP Instance UID are sanitised and stay inside the directory", async (t) => {
  for (const [uid, name] of [
    ["../../etc/x", "_.._etc_x"],
    ["/abs", "_abs"],
    ["a/b", "a_b"],
    ["..", "instance"],
    ["...hidden", "hidden"],
    ["1.2.3\\..\\x", "1.2.3_.._x"],
    ["", "instance"],
  ]) {
    assert.equal(sanitiseFileName(uid!), name, uid);
    const dir = "/tmp/some/dir";
    assert.ok(safeJoin(dir, uid!).startsWith(`${dir}/`), uid);
  }
  assert.equal(sanitiseFileName("9".repeat(500)).length, 200);

  // The SCP side: saveTo with hostile names (the peer's UID, or a handler's file name).
  const out = await tempDir(t);
  const src = await tempDir(t);
  const file = join(src, "x.part");
  for (const [uid, filename, expected] of [
    ["../../etc/x", undefined, "_.._etc_x.dcm"],
    ["/abs", undefined, "_abs.dcm"],
    ["a/b", undefined, "a_b.dcm"],
    ["..", undefined, "instance.dcm"],
    ["1.2.3", "../../escape.dcm", "_.._escape.dcm"],
    ["1.2.3", "/etc/passwd", "_etc_passwd"],
  ] as const) {
    await writeFile(file, "data");
    const { payload, kept } = makeStoreEvent({
      sopClassUid: CT,
      sopInstanceUid: uid,
      transferSyntax: ELE,
      fileMeta: new Dataset(),
      path: file,
      fileSize: 4,
      datasetBytes: 4,
    });
    const saved = await payload.saveTo(out, filename === undefined ? {} : { filename });
    assert.equal(saved, join(out, expected));
    assert.equal(kept(), true);
    assert.equal(await readFile(saved, "utf8"), "data");
  }
  assert.deepEqual((await readdir(out)).sort(), [
    "_.._escape.dcm",
    "_.._etc_x.dcm",
    "_abs.dcm",
    "_etc_passwd",
    "a_b.dcm",
    "instance.dcm",
  ]);
});

test("200 small instances on one association, then 4 associations at once", async (t) => {
  const src = await tempDir(t);
  const out = await tempDir(t);
  const paths: string[] = [];
  for (let i = 0; i < 200; i++) {
    const p = join(src, `f${i}.dcm`);
    await writeFile(p, corpusFile({ rows: 8, cols: 8, seed: 4 }, i));
    paths.push(p);
  }
  const { server, temp } = await storeServer(t, [[CT, [ELE]]], {
    [Event.C_STORE]: async (e) => {
      await e.saveTo(out);
      return 0;
    },
  });
  const assoc = await storeClient(t, server.port, [[CT, [ELE]]]);
  for (const p of paths) assert.equal((await assoc.sendCStore(p)).status, 0);
  await assoc.release();
  assert.equal((await readdir(out)).length, 200);

  const out2 = await tempDir(t);
  server.bind(Event.C_STORE, async (e) => {
    await e.saveTo(out2);
    return 0;
  });
  const senders = [0, 1, 2, 3].map(async (k) => {
    const a = await storeClient(t, server.port, [[CT, [ELE]]]);
    for (const p of paths.slice(k * 25, k * 25 + 25)) assert.equal((await a.sendCStore(p)).status, 0);
    await a.release();
  });
  await Promise.all(senders);
  assert.equal((await readdir(out2)).length, 100);
  assert.deepEqual(await readdir(temp), []);
});

test("accept-any-storage: any Storage SOP class is accepted with uncompressed and common compressed syntaxes", async (t) => {
  const out = await tempDir(t);
  const saved: string[] = [];
  const { server } = await storeServer(
    t,
    [],
    {
      [Event.C_STORE]: async (e) => {
        saved.push(await e.saveTo(out));
        return 0;
      },
    },
    {
      server: { acceptAnyStorage: true },
    },
  );
  const classes = storageSopClasses().slice(0, 60);
  const ae = new AE({ aeTitle: "ANY_SCU" });
  for (const uid of classes)
    ae.addRequestedContext(uid, uid === sop.MRImageStorage ? [ELE] : [ts.JPEG2000Lossless, ELE]);
  ae.addRequestedContext(sop.Verification);
  const assoc = await ae.associate("127.0.0.1", server.port, { aeTitle: "STORE_SCP" });
  t.after(() => assoc.abort());
  assert.equal(assoc.isEstablished, true);
  const accepted = assoc.acceptedContexts.map((cx) => cx.abstractSyntax);
  assert.deepEqual(accepted.sort(), [...classes].sort(), "verification is not a storage class");
  for (const cx of assoc.acceptedContexts) {
    assert.equal(cx.transferSyntax, cx.abstractSyntax === sop.MRImageStorage ? ELE : ts.JPEG2000Lossless);
  }
  const ds = readPart10(corpusFile({ rows: 4, cols: 4, sop: "mr" }, 0)).dataset;
  const r = await assoc.sendCStore(ds);
  assert.equal(r.status, 0x0000);
  assert.ok(classes.includes(sop.MRImageStorage));
  assert.equal(saved.length, 1);
  await assoc.release();
});
