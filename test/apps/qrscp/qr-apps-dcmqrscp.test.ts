// netdicom's findscu, getscu and movescu against DCMTK's archive, dcmqrscp: netdicom storescu loads
// it, findscu finds both studies, getscu retrieves files equal to the sent ones, and movescu
// --store receives a study as a move destination named in dcmqrscp's HostTable.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { DicomJsonObject } from "../../../src/index.js";
import { findTool } from "../../helpers/dcmtk.js";
import { freePort, waitForListener } from "../../helpers/net.js";
import { datasetJson, filesIn, runCli, tempDir, writeInstances } from "./fixture.js";

/** dcmqrscp on a free port, one storage area titled DCMQRSCP, `hosts` in its HostTable. */
async function startDcmqrscp(t: { after(fn: () => unknown): void }, dir: string, hosts: Record<string, number>) {
  const area = join(dir, "area");
  mkdirSync(area);
  const port = await freePort();
  const config = join(dir, "dcmqrscp.cfg");
  writeFileSync(
    config,
    [
      `NetworkTCPPort = ${port}`,
      "MaxPDUSize = 16384",
      "MaxAssociations = 16",
      "HostTable BEGIN",
      ...Object.entries(hosts).map(([aet, p]) => `${aet.toLowerCase()} = (${aet}, 127.0.0.1, ${p})`),
      "HostTable END",
      "VendorTable BEGIN",
      "VendorTable END",
      "AETable BEGIN",
      `DCMQRSCP ${area} RW (10, 1024mb) ANY`,
      "AETable END",
      "",
    ].join("\n"),
  );
  // Forking mode (the default): DCMTK 3.6.7's single-process mode stops after one association.
  const child = spawn("dcmqrscp", ["-c", config, String(port)], { stdio: "ignore" });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  });
  await waitForListener(port);
  return String(port);
}

test("netdicom findscu, getscu and movescu against DCMTK dcmqrscp", async (t) => {
  if (findTool("dcmqrscp") === undefined) {
    t.skip("DCMTK not installed (dcmqrscp missing)");
    return;
  }
  const dir = tempDir(t);
  const inst = await writeInstances(join(dir, "in"));
  const storePort = await freePort();
  const port = await startDcmqrscp(t, dir, { NETDICOM: storePort });
  const [studyA, studyB] = [...inst.studies.keys()] as [string, string];
  const common = ["127.0.0.1", port, "-aec", "DCMQRSCP"];

  const store = await runCli("storescu", [...common, inst.dir]);
  assert.equal(store.code, 0, store.stderr);

  const find = await runCli("findscu", [
    ...common,
    "--json",
    "-k",
    "QueryRetrieveLevel=STUDY",
    "-k",
    "StudyInstanceUID=",
    "-k",
    `PatientID=${inst.patientId}`,
  ]);
  assert.equal(find.code, 0, find.stderr);
  const found = (JSON.parse(find.stdout) as DicomJsonObject[]).map((o) => o["0020000D"]?.Value?.[0]);
  assert.deepEqual(found.sort(), [studyA, studyB].sort());

  const got = join(dir, "got");
  const get = await runCli("getscu", [
    ...common,
    "-od",
    got,
    "-k",
    "QueryRetrieveLevel=STUDY",
    "-k",
    `StudyInstanceUID=${studyA}`,
  ]);
  assert.equal(get.code, 0, get.stderr);
  const gotJson = await Promise.all(filesIn(got).map(datasetJson));
  assert.deepEqual(gotJson.sort(), (await Promise.all((inst.studies.get(studyA) ?? []).map(datasetJson))).sort());

  const moved = join(dir, "moved");
  const move = await runCli("movescu", [
    ...common,
    "--store",
    "--store-bind-address",
    "127.0.0.1",
    "--store-port",
    String(storePort),
    "--store-aet",
    "NETDICOM",
    "-od",
    moved,
    "-k",
    "QueryRetrieveLevel=STUDY",
    "-k",
    `StudyInstanceUID=${studyB}`,
  ]);
  assert.equal(move.code, 0, move.stderr);
  const movedJson = await Promise.all(filesIn(moved).map(datasetJson));
  assert.deepEqual(movedJson, await Promise.all((inst.studies.get(studyB) ?? []).map(datasetJson)));
});
