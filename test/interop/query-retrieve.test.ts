// Query/Retrieve against DCMTK: findscu, getscu and movescu → our library's SCP (handlers over an
// in-memory list); our SCU → dcmqrscp configured by the test (C-FIND, C-GET, C-MOVE to our
// storage SCP named in its HostTable).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { AE } from "../../src/ae.js";
import type { Dataset } from "../../src/dataset/dataset.js";
import { readDicomFile } from "../../src/dataset/file.js";
import { sop } from "../../src/dataset/uids.js";
import { Event, type Handlers } from "../../src/events.js";
import { matches } from "../../src/services/query-retrieve/matching.js";
import { buildResponse } from "../../src/services/query-retrieve/response.js";
import { retrieveRoles } from "../../src/services/query-retrieve/roles.js";
import { findTool, runTool } from "../helpers/dcmtk.js";
import { freePort, waitForListener } from "../helpers/net.js";
import { collect, instance, qrServer } from "../services/query-retrieve/qr-helpers.js";
import { tempDir } from "../services/storage/helpers.js";

const CT = sop.CTImageStorage;
const STUDY_ROOT_FIND = sop.StudyRootQueryRetrieveInformationModelFind;
const STUDY_ROOT_GET = sop.StudyRootQueryRetrieveInformationModelGet;
const STUDY_ROOT_MOVE = sop.StudyRootQueryRetrieveInformationModelMove;

/** Two studies of one patient, with two and one CT instances. */
function archive(): { studyA: string; studyB: string; instances: Dataset[] } {
  const stamp = `${process.pid}${Date.now()}`;
  const studyA = `2.25.${stamp}1`;
  const studyB = `2.25.${stamp}2`;
  const instances = [instance(CT, studyA), instance(CT, studyA), instance(CT, studyB)];
  for (const ds of instances) {
    ds.set("StudyDate", "20240102");
    ds.set("StudyTime", "101500");
    ds.set("AccessionNumber", "ACC-QR");
    ds.set("StudyID", "1");
    ds.set("SeriesNumber", "1");
  }
  return { studyA, studyB, instances };
}

/** Handlers over `instances`: C-FIND at any level by matching, C-GET/C-MOVE of the matching instances. */
function archiveHandlers(instances: readonly Dataset[], destinations: Record<string, number>): Handlers {
  const pick = (query: Dataset) => {
    const keys = ["StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "PatientID"];
    return instances.filter((ds) => keys.every((k) => !query.string(k) || query.string(k) === ds.string(k)));
  };
  return {
    [Event.C_FIND]: async function* (event) {
      const query = event.identifier();
      const seen = new Set<string>();
      for (const ds of instances) {
        if (!matches(query, ds)) continue;
        const rsp = buildResponse(query, ds);
        const key = rsp.string("StudyInstanceUID") ?? "";
        if (seen.has(key)) continue;
        seen.add(key);
        yield rsp;
      }
    },
    [Event.C_GET]: async function* (event) {
      const list = pick(event.identifier());
      yield list.length;
      yield* list;
    },
    [Event.C_MOVE]: async function* (event) {
      const port = destinations[event.moveDestination];
      yield port === undefined ? null : { address: "127.0.0.1", port };
      const list = pick(event.identifier());
      yield list.length;
      yield* list;
    },
  };
}

/** The data sets of the Part 10 files in `dir`, by SOP Instance UID. */
async function filesIn(dir: string): Promise<Map<string, Dataset>> {
  const out = new Map<string, Dataset>();
  for (const name of (await readdir(dir)).sort()) {
    const ds = (await readDicomFile(join(dir, name))).dataset;
    out.set(ds.string("SOPInstanceUID") ?? name, ds);
  }
  return out;
}

function skipWithout(t: TestContext, ...tools: string[]): boolean {
  const missing = tools.filter((tool) => findTool(tool) === undefined);
  if (missing.length === 0) return false;
  t.skip(`dcmtk not installed (${missing.join(", ")})`);
  return true;
}

test("DCMTK findscu → our SCP: the study-level matches come back as findscu's response files", async (t) => {
  if (skipWithout(t, "findscu")) return;
  const { studyA, studyB, instances } = archive();
  const { server } = await qrServer(t, archiveHandlers(instances, {}));
  const out = await tempDir(t);
  const r = await runTool("findscu", [
    ...["-S", "-aet", "FINDSCU", "-aec", "QR_SCP", "-X", "-od", out],
    ...["-k", "QueryRetrieveLevel=STUDY", "-k", "PatientID=PID-QR", "-k", "StudyInstanceUID", "-k", "StudyDate"],
    ...["127.0.0.1", String(server.port)],
  ]);
  assert.equal(r.code, 0, r.stderr);
  const files = [...(await filesIn(out)).values()];
  assert.deepEqual(files.map((ds) => ds.string("StudyInstanceUID")).sort(), [studyA, studyB].sort());
  for (const ds of files) {
    assert.equal(ds.string("QueryRetrieveLevel"), "STUDY");
    assert.equal(ds.string("StudyDate"), "20240102");
  }
});

test("DCMTK getscu → our SCP: the study's instances are stored by getscu", async (t) => {
  if (skipWithout(t, "getscu")) return;
  const { studyA, instances } = archive();
  const { server } = await qrServer(t, archiveHandlers(instances, {}), { storage: [CT] });
  const out = await tempDir(t);
  const r = await runTool("getscu", [
    ...["-S", "-aet", "GETSCU", "-aec", "QR_SCP", "-od", out],
    ...["-k", "QueryRetrieveLevel=STUDY", "-k", `StudyInstanceUID=${studyA}`],
    ...["127.0.0.1", String(server.port)],
  ]);
  assert.equal(r.code, 0, r.stderr);
  const got = await filesIn(out);
  const want = instances.filter((ds) => ds.string("StudyInstanceUID") === studyA);
  assert.deepEqual([...got.keys()].sort(), want.map((ds) => ds.string("SOPInstanceUID")).sort());
  for (const ds of want) {
    assert.deepEqual(new Uint8Array(got.get(ds.string("SOPInstanceUID")!)!.bytes("PixelData")!), ds.bytes("PixelData"));
  }
});

test("DCMTK movescu → our SCP: the C-STOREs reach movescu's own storage port", async (t) => {
  if (skipWithout(t, "movescu")) return;
  const { studyB, instances } = archive();
  const destPort = await freePort();
  const { server } = await qrServer(t, archiveHandlers(instances, { MOVESCU: destPort }));
  const out = await tempDir(t);
  const r = await runTool("movescu", [
    ...["-S", "-aet", "MOVESCU", "-aec", "QR_SCP", "-aem", "MOVESCU", "+P", String(destPort), "-od", out],
    ...["-k", "QueryRetrieveLevel=STUDY", "-k", `StudyInstanceUID=${studyB}`],
    ...["127.0.0.1", String(server.port)],
  ]);
  assert.equal(r.code, 0, r.stderr);
  const got = await filesIn(out);
  const want = instances.filter((ds) => ds.string("StudyInstanceUID") === studyB);
  assert.deepEqual(
    [...got.keys()],
    want.map((ds) => ds.string("SOPInstanceUID")),
  );
});

/** dcmqrscp on a free port with one storage area titled DCMQRSCP; `hosts` are its HostTable entries. */
async function startDcmqrscp(t: TestContext, hosts: Record<string, number>): Promise<number> {
  const dir = await tempDir(t, "netdicom-dcmqrscp-");
  const area = join(dir, "DCMQRSCP");
  await mkdir(area);
  const port = await freePort();
  const hostLines = Object.entries(hosts).map(([ae, p]) => `${ae.toLowerCase()} = (${ae}, localhost, ${p})`);
  const cfg = [
    `NetworkTCPPort = ${port}`,
    "MaxPDUSize = 16384",
    "MaxAssociations = 16",
    "HostTable BEGIN",
    ...hostLines,
    "HostTable END",
    "VendorTable BEGIN",
    "VendorTable END",
    "AETable BEGIN",
    `DCMQRSCP ${area} RW (10, 1024mb) ANY`,
    "AETable END",
  ].join("\n");
  const cfgPath = join(dir, "dcmqrscp.cfg");
  await writeFile(cfgPath, `${cfg}\n`);
  // Not -s: DCMTK 3.6.7 dcmqrscp in single-process mode crashes after its first association.
  const child = spawn("dcmqrscp", ["-c", cfgPath, String(port)], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  t.after(async () => {
    child.kill();
    await exited;
  });
  await waitForListener(port);
  return port;
}

test("our SCU → DCMTK dcmqrscp: C-STORE to load it, C-FIND at study level, C-GET into our C_STORE handler, C-MOVE to our storage SCP", async (t) => {
  if (skipWithout(t, "dcmqrscp")) return;
  const { studyA, studyB, instances } = archive();
  // Our storage SCP, the C-MOVE destination named in dcmqrscp's HostTable.
  const moved: Dataset[] = [];
  const destAe = new AE({ aeTitle: "NETDICOM_DEST", storageDirectory: await tempDir(t) });
  destAe.addSupportedContext(CT);
  const dest = await destAe.startServer({
    host: "127.0.0.1",
    handlers: {
      [Event.C_STORE]: async (event) => {
        moved.push((await readDicomFile(event.path)).dataset);
        return 0x0000;
      },
    },
  });
  t.after(() => dest.shutdown({ deadlineMs: 2000 }));
  const port = await startDcmqrscp(t, { NETDICOM_DEST: dest.port });

  // Loaded over an association of its own: the Q/R one proposes CT with this side as SCP only.
  const loader = new AE({ aeTitle: "LOADER" });
  loader.addRequestedContext(CT);
  const load = await loader.associate("127.0.0.1", port, { aeTitle: "DCMQRSCP" });
  t.after(() => load.abort());
  for (const ds of instances) assert.equal((await load.sendCStore(ds)).status, 0x0000);
  await load.release();

  const got: Dataset[] = [];
  const ae = new AE({ aeTitle: "QR_SCU", storageDirectory: await tempDir(t) });
  for (const uid of [STUDY_ROOT_FIND, STUDY_ROOT_GET, STUDY_ROOT_MOVE, CT]) ae.addRequestedContext(uid);
  const assoc = await ae.associate("127.0.0.1", port, {
    aeTitle: "DCMQRSCP",
    extendedNegotiation: retrieveRoles([CT]),
    handlers: {
      [Event.C_STORE]: async (event) => {
        got.push((await readDicomFile(event.path)).dataset);
        return 0x0000;
      },
    },
  });
  t.after(() => assoc.abort());
  assert.equal(assoc.isEstablished, true, assoc.reason);
  assert.equal(assoc.acceptedContexts.find((cx) => cx.abstractSyntax === CT)?.asScp, true, "SCP role granted");

  const found = await collect(
    assoc.sendCFind({ QueryRetrieveLevel: "STUDY", StudyInstanceUID: studyA, PatientName: "" }, "studyRoot"),
  );
  assert.deepEqual(
    found.map((r) => r.status),
    [0xff00, 0x0000],
  );
  assert.equal(found[0]?.identifier?.string("StudyInstanceUID"), studyA);
  assert.equal(found[0]?.identifier?.string("PatientName"), "Doe^Jane");

  const gets = await collect(assoc.sendCGet({ QueryRetrieveLevel: "STUDY", StudyInstanceUID: studyA }, "studyRoot"));
  const last = gets.at(-1);
  assert.equal(last?.status, 0x0000);
  assert.equal(last?.completed, 2);
  const wantA = instances.filter((ds) => ds.string("StudyInstanceUID") === studyA);
  assert.deepEqual(
    got.map((ds) => ds.string("SOPInstanceUID")).sort(),
    wantA.map((ds) => ds.string("SOPInstanceUID")).sort(),
  );
  for (const ds of got) {
    const want = wantA.find((w) => w.string("SOPInstanceUID") === ds.string("SOPInstanceUID"));
    assert.deepEqual(new Uint8Array(ds.bytes("PixelData")!), want?.bytes("PixelData"));
  }

  const moves = await collect(
    assoc.sendCMove({ QueryRetrieveLevel: "STUDY", StudyInstanceUID: studyB }, "NETDICOM_DEST", "studyRoot"),
  );
  assert.equal(moves.at(-1)?.status, 0x0000);
  assert.equal(moves.at(-1)?.completed, 1);
  assert.deepEqual(
    moved.map((ds) => ds.string("SOPInstanceUID")),
    instances.filter((ds) => ds.string("StudyInstanceUID") === studyB).map((ds) => ds.string("SOPInstanceUID")),
  );
  await assoc.release();
});

test("DCMTK findscu --cancel 1 → our SCP: the handler's signal aborts and findscu gets 0xFE00", async (t) => {
  if (skipWithout(t, "findscu")) return;
  let sawCancel = false;
  const { server } = await qrServer(t, {
    [Event.C_FIND]: async function* (event) {
      yield buildResponse(event.identifier(), instance(CT, "1.2.3.4"));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        event.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        });
      });
      sawCancel = event.isCancelled;
      yield buildResponse(event.identifier(), instance(CT, "1.2.3.5"));
    },
  });
  const r = await runTool("findscu", [
    ...["-v", "-S", "-aet", "FINDSCU", "-aec", "QR_SCP", "--cancel", "1"],
    ...["-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID"],
    ...["127.0.0.1", String(server.port)],
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(sawCancel, true);
  const out = r.stdout + r.stderr;
  assert.match(out, /Sending Cancel Request/);
  assert.match(out, /Final Find Response \(Cancel/);
});
