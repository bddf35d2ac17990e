// "A C-STORE acknowledged with success is on disk" (issue 8): with storageFsync (the default) the
// temporary file is flushed before the handler runs, saveTo flushes the directory after its
// rename, and only then does the response go out; a failed flush or an aborted transfer leaves
// nothing and is never acknowledged.
import assert from "node:assert/strict";
import { existsSync, fstatSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { writeCorpusFile } from "../../../bench/corpus.js";
import { AE } from "../../../src/ae.js";
import { sop, ts } from "../../../src/dataset/uids.js";
import { Event } from "../../../src/events.js";
import { PduType } from "../../../src/pdu/index.js";
import { durability } from "../../../src/services/storage/file-sink.js";
import { connectPeer } from "../../helpers/peer.js";
import { associateRq, pData, storeCommand, untilClosed } from "../../robustness/hostile-helpers.js";
import { datasetBytes, storeClient, storeServer, type T, tempDir } from "./helpers.js";

const CT = sop.CTImageStorage;
const IMPLICIT = ts.ImplicitVRLittleEndian;

/** Replaces the durability hooks for one test; `log` records every call in order. */
function spyDurability(
  t: T,
  overrides: { fsyncFile?: (fd: number, path: string) => Promise<void> } = {},
): { log: string[]; fileSizes: number[]; dirSeen: string[][] } {
  const original = { fsyncFile: durability.fsyncFile, fsyncDirectory: durability.fsyncDirectory };
  const log: string[] = [];
  const fileSizes: number[] = [];
  const dirSeen: string[][] = [];
  durability.fsyncFile = async (fd, path) => {
    log.push(`fsync file ${path.endsWith(".part") ? "(temporary)" : path}`);
    fileSizes.push(fstatSync(fd).size);
    await (overrides.fsyncFile ?? original.fsyncFile)(fd, path);
  };
  durability.fsyncDirectory = async (dir) => {
    log.push(`fsync dir ${dir}`);
    dirSeen.push(await readdir(dir));
    await original.fsyncDirectory(dir);
  };
  t.after(() => {
    durability.fsyncFile = original.fsyncFile;
    durability.fsyncDirectory = original.fsyncDirectory;
  });
  return { log, fileSizes, dirSeen };
}

async function ctFile(dir: string): Promise<string> {
  const path = join(dir, "ct.dcm");
  await writeCorpusFile(path, { rows: 128, cols: 128, syntax: "implicit-le" }, 3);
  return path;
}

test("storageFsync is on by default", () => {
  assert.equal(new AE().storageFsync, true);
  assert.equal(new AE().storageSettings().storageFsync, true);
  assert.equal(new AE({ storageFsync: false }).storageSettings().storageFsync, false);
});

test("with fsync: file flushed, handler, rename, directory flushed, then the success response", async (t) => {
  const spy = spyDurability(t);
  const src = await tempDir(t);
  const out = await tempDir(t);
  const file = await ctFile(src);
  let fileSize = 0;
  const { server } = await storeServer(t, [[CT, [IMPLICIT]]], {
    [Event.C_STORE]: async (e) => {
      spy.log.push("handler");
      fileSize = e.fileSize;
      await e.saveTo(out);
      spy.log.push("saved");
      return 0x0000;
    },
  });
  const assoc = await storeClient(t, server.port, [[CT, [IMPLICIT]]]);
  const result = await assoc.sendCStore(file);
  spy.log.push(`response ${result.status}`);
  const name = `${result.sopInstanceUid}.dcm`;
  assert.deepEqual(spy.log, ["fsync file (temporary)", "handler", `fsync dir ${out}`, "saved", "response 0"]);
  // The flushed temporary file was complete, and the directory held it under its final name.
  assert.deepEqual(spy.fileSizes, [fileSize]);
  assert.deepEqual(spy.dirSeen, [[name]]);
  const saved = join(out, name);
  assert.equal((await stat(saved)).size, fileSize);
  assert.deepEqual((await datasetBytes(saved)).bytes, (await datasetBytes(file)).bytes);
});

test("without fsync (storageFsync: false, storescp --no-fsync): no flush at all, the instance still stored", async (t) => {
  const spy = spyDurability(t);
  const src = await tempDir(t);
  const out = await tempDir(t);
  const file = await ctFile(src);
  const { server } = await storeServer(
    t,
    [[CT, [IMPLICIT]]],
    {
      [Event.C_STORE]: async (e) => {
        await e.saveTo(out);
        return 0x0000;
      },
    },
    { ae: { storageFsync: false } },
  );
  const assoc = await storeClient(t, server.port, [[CT, [IMPLICIT]]]);
  const result = await assoc.sendCStore(file);
  assert.equal(result.status, 0x0000);
  assert.deepEqual(spy.log, []);
  assert.deepEqual(await readdir(out), [`${result.sopInstanceUid}.dcm`]);
});

test("a failed flush is answered 0xA700, the handler never runs, no file is left", async (t) => {
  spyDurability(t, {
    fsyncFile: () => Promise.reject(Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" })),
  });
  const src = await tempDir(t);
  const out = await tempDir(t);
  const file = await ctFile(src);
  let handled = 0;
  const { server, temp } = await storeServer(t, [[CT, [IMPLICIT]]], {
    [Event.C_STORE]: async (e) => {
      handled++;
      await e.saveTo(out);
      return 0x0000;
    },
  });
  const assoc = await storeClient(t, server.port, [[CT, [IMPLICIT]]]);
  const result = await assoc.sendCStore(file);
  assert.equal(result.status, 0xa700);
  assert.equal(handled, 0);
  assert.deepEqual(await readdir(out), []);
  assert.deepEqual(await readdir(temp), []);
});

test("with fsync: a transfer aborted by the peer mid data set leaves no file and flushes nothing", async (t) => {
  const spy = spyDurability(t);
  const out = await tempDir(t);
  let received = 0;
  let reached: () => void = () => {};
  const enough = new Promise<void>((resolve) => {
    reached = resolve;
  });
  let handled = 0;
  const { server, temp } = await storeServer(t, [[CT, [IMPLICIT]]], {
    [Event.C_STORE]: async (e) => {
      handled++;
      await e.saveTo(out);
      return 0x0000;
    },
    [Event.DATA_RECV]: (e) => {
      if (e.isCommand) return;
      received += e.data.byteLength;
      if (received >= 72 * 16_000) reached();
    },
  });
  const peer = await connectPeer(server.port);
  t.after(() => peer.destroy());
  peer.send(associateRq());
  await peer.waitForPdu(PduType.AAssociateAc);
  peer.send(pData(3, 0x03, storeCommand("2.25.31337")));
  // Over one 1 MiB write batch: the receive loop waits for that write before the next fragment,
  // so once every byte is seen the temporary file exists.
  const piece = new Uint8Array(16_000);
  for (let i = 0; i < 72; i++) peer.send(pData(3, 0x00, piece));
  await enough;
  const [assoc] = server.activeAssociations;
  assert.ok(assoc);
  assert.equal((await readdir(temp)).length, 1);
  peer.send(new Uint8Array([0x07, 0, 0, 0, 0, 4, 0, 0, 0, 0]));
  peer.end();
  await untilClosed(peer);
  await assoc.closed;
  await assoc.receiveEnded;
  assert.equal(handled, 0);
  assert.deepEqual(spy.log, []);
  assert.deepEqual(await readdir(temp), []);
  assert.deepEqual(await readdir(out), []);
  assert.equal(existsSync(join(out, "2.25.31337.dcm")), false);
});
