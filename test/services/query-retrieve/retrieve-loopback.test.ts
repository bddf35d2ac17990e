// C-GET and C-MOVE end to end on 127.0.0.1: our SCU against our SCP; the C-STORE sub-operations
// land in the requestor's (C-GET) or a third AE's (C-MOVE) C_STORE handler.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { AE } from "../../../src/ae.js";
import type { Dataset } from "../../../src/dataset/dataset.js";
import { readDicomFile, writeDicomFile } from "../../../src/dataset/file.js";
import { sop } from "../../../src/dataset/uids.js";
import { Event, type EventOf } from "../../../src/events.js";
import type { RetrieveResponse } from "../../../src/services/query-retrieve/types.js";
import { tempDir } from "../storage/helpers.js";
import { collect, instance, qrClient, qrServer } from "./qr-helpers.js";

const GET = sop.StudyRootQueryRetrieveInformationModelGet;
const MOVE = sop.StudyRootQueryRetrieveInformationModelMove;
const CT = sop.CTImageStorage;
const MR = sop.MRImageStorage;
const STUDY = "1.2.826.0.1.3680043.2.9.1";
const query = { QueryRetrieveLevel: "STUDY", StudyInstanceUID: STUDY };

/** A C_STORE handler collecting the received data sets, answering `status(ds)` (default success). */
function receiver(into: Dataset[], status: (ds: Dataset) => number = () => 0x0000) {
  return {
    [Event.C_STORE]: async (event: EventOf<"C_STORE">) => {
      // The whole file: event.dataset() stops before Pixel Data.
      const ds = (await readDicomFile(event.path)).dataset;
      into.push(ds);
      return status(ds);
    },
  };
}

function summary(rsps: readonly RetrieveResponse[]) {
  return rsps.map((r) => [r.status, r.remaining, r.completed, r.failed, r.warning]);
}

function same(got: Dataset | undefined, want: Dataset): void {
  assert.ok(got, "received");
  for (const key of ["SOPInstanceUID", "SOPClassUID", "PatientName", "StudyInstanceUID"]) {
    assert.equal(got.string(key), want.string(key), key);
  }
  const pixels = got.bytes("PixelData");
  assert.ok(pixels, "pixel data received");
  assert.deepEqual(new Uint8Array(pixels), want.bytes("PixelData"));
}

test("C-GET: three instances (two data sets, one file) land in the requestor's C_STORE handler, counters per response", async (t) => {
  const dir = await tempDir(t);
  const sent = [instance(CT, STUDY), instance(CT, STUDY), instance(CT, STUDY)];
  const path = join(dir, "third.dcm");
  await writeDicomFile(path, sent[2]!);
  const seen: EventOf<"C_GET">[] = [];
  const { server } = await qrServer(
    t,
    {
      [Event.C_GET]: async function* (event) {
        seen.push(event);
        yield 3;
        yield sent[0]!;
        yield sent[1]!;
        yield path;
      },
    },
    { storage: [CT] },
  );
  const received: Dataset[] = [];
  const assoc = await qrClient(t, server.port, { storage: [CT], handlers: receiver(received) });
  const cx = assoc.acceptedContexts.find((c) => c.abstractSyntax === CT);
  assert.equal(cx?.asScp, true, "role selection made us SCP of CT Image Storage");
  const rsps = await collect(assoc.sendCGet(query, GET));
  assert.deepEqual(summary(rsps), [
    [0xff00, 2, 1, 0, 0],
    [0xff00, 1, 2, 0, 0],
    [0xff00, 0, 3, 0, 0],
    [0x0000, undefined, 3, 0, 0],
  ]);
  assert.equal(rsps[3]?.failedInstances, undefined);
  assert.equal(received.length, 3);
  for (const [i, ds] of sent.entries()) same(received[i], ds);
  assert.equal(seen[0]?.identifier().string("StudyInstanceUID"), STUDY);
  assert.equal(seen[0]?.model?.name, "studyRoot");
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
  await assoc.release();
});

test("C-GET: a refused C-STORE and an instance with no context are failed sub-operations, listed; 0xB000", async (t) => {
  const ok = instance(CT, STUDY);
  const refused = instance(CT, STUDY);
  const noContext = instance(MR, STUDY);
  const { server } = await qrServer(
    t,
    {
      [Event.C_GET]: () => [3, ok, refused, noContext],
    },
    { storage: [CT] },
  );
  const received: Dataset[] = [];
  const refuse = (ds: Dataset) => (ds.string("SOPInstanceUID") === refused.string("SOPInstanceUID") ? 0xa700 : 0);
  const assoc = await qrClient(t, server.port, { storage: [CT], handlers: receiver(received, refuse) });
  const rsps = await collect(assoc.sendCGet(query, GET));
  const final = rsps.at(-1)!;
  assert.equal(final.status, 0xb000);
  assert.deepEqual([final.completed, final.failed, final.warning], [1, 2, 0]);
  assert.deepEqual(final.failedInstances, [refused.string("SOPInstanceUID"), noContext.string("SOPInstanceUID")]);
  assert.equal(received.length, 2);
  await assoc.release();
});

test("C-GET: when every sub-operation fails the final status is 0xA702", async (t) => {
  const a = instance(MR, STUDY);
  const { server } = await qrServer(t, { [Event.C_GET]: () => [1, a] }, { storage: [CT] });
  const assoc = await qrClient(t, server.port, { storage: [CT], handlers: receiver([]) });
  const rsps = await collect(assoc.sendCGet(query, GET));
  assert.deepEqual(summary(rsps).at(-1), [0xa702, undefined, 0, 1, 0]);
  assert.deepEqual(rsps.at(-1)?.failedInstances, [a.string("SOPInstanceUID")]);
  await assoc.release();
});

test("C-GET cancelled by its signal after the first sub-operation: 0xFE00 with the remaining count", async (t) => {
  const list = [instance(CT, STUDY), instance(CT, STUDY), instance(CT, STUDY)];
  const { server } = await qrServer(
    t,
    {
      [Event.C_GET]: async function* (event) {
        yield 3;
        yield list[0]!;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 10_000);
          event.signal.addEventListener("abort", () => {
            clearTimeout(timer);
            resolve();
          });
        });
        yield list[1]!;
        yield list[2]!;
      },
    },
    { storage: [CT] },
  );
  const received: Dataset[] = [];
  const assoc = await qrClient(t, server.port, { storage: [CT], handlers: receiver(received) });
  const controller = new AbortController();
  const rsps: RetrieveResponse[] = [];
  for await (const r of assoc.sendCGet(query, GET, { signal: controller.signal })) {
    rsps.push(r);
    if (r.status === 0xff00) controller.abort();
    assert.ok(rsps.length < 10, "bounded");
  }
  assert.deepEqual(summary(rsps), [
    [0xff00, 2, 1, 0, 0],
    [0xfe00, 2, 1, 0, 0],
  ]);
  assert.equal(received.length, 1);
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
  await assoc.release();
});

test("C-GET cancelled while a sub-operation is under way: the next file, read ahead, is closed and never sent", async (t) => {
  const dir = await tempDir(t);
  const paths: string[] = [];
  for (let i = 0; i < 3; i++) {
    const ds = instance(CT, STUDY);
    // 768 x 768 x 16 bits: more than the 1 MiB read ahead, so the read-ahead keeps its file open.
    ds.set("Rows", 768, "US")
      .set("Columns", 768, "US")
      .set("PixelData", new Uint8Array(768 * 768 * 2), "OW");
    paths.push(join(dir, `${i}.dcm`));
    await writeDicomFile(paths[i] as string, ds);
  }
  const { server } = await qrServer(
    t,
    {
      [Event.C_GET]: async function* () {
        yield paths.length;
        yield* paths;
      },
    },
    { storage: [CT] },
  );
  const controller = new AbortController();
  const received: string[] = [];
  const assoc = await qrClient(t, server.port, {
    storage: [CT],
    handlers: {
      // The C-CANCEL leaves before this C-STORE's response: the SCP has already read the next file ahead.
      [Event.C_STORE]: async (event: EventOf<"C_STORE">) => {
        received.push(event.sopInstanceUid);
        controller.abort();
        return 0x0000;
      },
    },
  });
  const openFiles = () => readdirSync("/proc/self/fd").length;
  const before = openFiles();
  const rsps = await collect(assoc.sendCGet(query, GET, { signal: controller.signal }));
  assert.equal(rsps.at(-1)?.status, 0xfe00);
  assert.equal(received.length, 1, "only the first instance was sent");
  assert.equal(openFiles(), before, "no file left open by the read-ahead");
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
  await assoc.release();
});

test("C-GET: no handler answers 0xC411, a bad count 0xC413", async (t) => {
  const { server: bare } = await qrServer(t, {}, { storage: [CT] });
  const a = await qrClient(t, bare.port, { storage: [CT] });
  assert.deepEqual(
    (await collect(a.sendCGet(query, GET))).map((r) => r.status),
    [0xc411],
  );
  await a.release();
  const { server } = await qrServer(t, { [Event.C_GET]: () => ["three"] }, { storage: [CT] });
  const b = await qrClient(t, server.port, { storage: [CT] });
  assert.deepEqual(
    (await collect(b.sendCGet(query, GET))).map((r) => r.status),
    [0xc413],
  );
  await b.release();
});

/** A storage SCP titled DEST recording each C_STORE event's Move Originator fields and data set. */
async function destination(t: { after: (fn: () => unknown) => void }) {
  const stored: {
    ds: Dataset;
    originAe: string | undefined;
    originId: number | undefined;
    caller: string;
    assoc: object;
  }[] = [];
  const ae = new AE({ aeTitle: "DEST", storageDirectory: await tempDir(t) });
  ae.addSupportedContext(CT);
  ae.addSupportedContext(MR);
  const server = await ae.startServer({
    host: "127.0.0.1",
    handlers: {
      [Event.C_STORE]: async (event) => {
        stored.push({
          ds: (await readDicomFile(event.path)).dataset,
          originAe: event.request.moveOriginatorApplicationEntityTitle,
          originId: event.request.moveOriginatorMessageId,
          caller: event.assoc.remote.aeTitle,
          assoc: event.assoc,
        });
        return 0x0000;
      },
    },
  });
  t.after(() => server.shutdown({ deadlineMs: 2000 }));
  return { server, stored };
}

test("C-MOVE to a third AE: the instances arrive there with Move Originator AE title and Message ID", async (t) => {
  const dest = await destination(t);
  const dir = await tempDir(t);
  const list = [instance(CT, STUDY), instance(MR, STUDY), instance(CT, STUDY)];
  const path = join(dir, "mr.dcm");
  await writeDicomFile(path, list[1]!);
  const seen: string[] = [];
  const { server } = await qrServer(t, {
    [Event.C_MOVE]: async function* (event) {
      seen.push(event.moveDestination);
      yield event.moveDestination === "DEST" ? { address: "127.0.0.1", port: dest.server.port } : null;
      yield 3;
      yield list[0]!;
      yield path;
      yield list[2]!;
    },
  });
  const assoc = await qrClient(t, server.port);
  const rsps = await collect(assoc.sendCMove(query, "DEST", MOVE));
  assert.deepEqual(seen, ["DEST"]);
  assert.deepEqual(summary(rsps), [
    [0xff00, 2, 1, 0, 0],
    [0xff00, 1, 2, 0, 0],
    [0xff00, 0, 3, 0, 0],
    [0x0000, undefined, 3, 0, 0],
  ]);
  const moveId = rsps[0]!.command.messageIdBeingRespondedTo;
  assert.equal(dest.stored.length, 3);
  for (const [i, ds] of list.entries()) same(dest.stored[i]?.ds, ds);
  for (const s of dest.stored) {
    assert.equal(s.originAe, "QR_SCU");
    assert.equal(s.originId, moveId);
    assert.equal(s.caller, "QR_SCP");
  }
  await assoc.release();
});

test("C-MOVE: unknown destination answers 0xA801; an unreachable one 0xA801 with a comment; a throw 0xC511", async (t) => {
  const closed = await destination(t);
  const port = closed.server.port;
  await closed.server.shutdown({ deadlineMs: 100 });
  const { server } = await qrServer(t, {
    [Event.C_MOVE]: async function* (event) {
      if (event.moveDestination === "BOOM") throw new Error("no such study");
      yield event.moveDestination === "GONE" ? { address: "127.0.0.1", port } : undefined;
      yield 1;
      yield instance(CT, STUDY);
    },
  });
  const assoc = await qrClient(t, server.port);
  const unknown = await collect(assoc.sendCMove(query, "NOBODY", MOVE));
  assert.deepEqual(
    unknown.map((r) => r.status),
    [0xa801],
  );
  const gone = await collect(assoc.sendCMove(query, "GONE", MOVE));
  assert.deepEqual(
    gone.map((r) => r.status),
    [0xa801],
  );
  assert.match(gone[0]?.command.errorComment ?? "", /move destination/);
  const boom = await collect(assoc.sendCMove(query, "BOOM", MOVE));
  assert.deepEqual(
    boom.map((r) => [r.status, r.command.errorComment]),
    [[0xc511, "no such study"]],
  );
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
  await assoc.release();
});

test("C-MOVE of 40 files: one sub-association, every instance stored once, counters to the end", async (t) => {
  const dest = await destination(t);
  const dir = await tempDir(t);
  const paths: string[] = [];
  const uids: string[] = [];
  for (let i = 0; i < 40; i++) {
    const ds = instance(i % 2 === 0 ? CT : MR, STUDY);
    const path = join(dir, `${i}.dcm`);
    await writeDicomFile(path, ds);
    paths.push(path);
    uids.push(ds.string("SOPInstanceUID")!);
  }
  const { server } = await qrServer(t, {
    [Event.C_MOVE]: function* () {
      yield { address: "127.0.0.1", port: dest.server.port, aeTitle: "DEST" };
      yield paths.length;
      yield* paths;
    },
  });
  const assoc = await qrClient(t, server.port);
  const rsps = await collect(assoc.sendCMove(query, "DEST", MOVE));
  assert.equal(rsps.length, 41);
  assert.deepEqual(summary(rsps).at(-1), [0x0000, undefined, 40, 0, 0]);
  assert.deepEqual(
    dest.stored.map((s) => s.ds.string("SOPInstanceUID")),
    uids,
  );
  assert.equal(new Set(dest.stored.map((s) => s.assoc)).size, 1, "one sub-association");
  await assoc.release();
});
