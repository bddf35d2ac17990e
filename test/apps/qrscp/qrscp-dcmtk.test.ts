// netdicom qrscp (a CLI process) with DCMTK's tools: storescu loads the instances, findscu queries
// at study level in the patient root and study root models, getscu retrieves files equal to the
// sent ones, and movescu sends a study to DCMTK's storescp, a move destination of the config file.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { findTool, runTool } from "../../helpers/dcmtk.js";
import { freePort, waitForListener } from "../../helpers/net.js";
import { datasetJson, filesIn, startQrscp, tempDir, writeConfig, writeInstances } from "./fixture.js";

const TOOLS = ["storescu", "findscu", "getscu", "movescu", "storescp"];

/**
 * The Study Instance UIDs DCMTK findscu printed (its responses go to its log on stderr). It prints
 * values as received, so an odd-length UID shows its NUL padding (PS3.5 6.2: UI pads with 00H).
 */
function studyUids(output: string): string[] {
  return [...output.matchAll(/\(0020,000d\) UI \[([0-9.]+)\0?\]/g)].map((m) => m[1] as string).sort();
}

function startStorescp(t: { after(fn: () => unknown): void }, dir: string, port: number): ChildProcess {
  const child = spawn("storescp", ["-od", dir, String(port)], { stdio: "ignore" });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  });
  return child;
}

test("netdicom qrscp with DCMTK storescu, findscu, getscu, movescu and storescp", async (t) => {
  const missing = TOOLS.filter((tool) => findTool(tool) === undefined);
  if (missing.length > 0) {
    t.skip(`DCMTK not installed (${missing.join(", ")} missing)`);
    return;
  }
  const dir = tempDir(t);
  const inst = await writeInstances(join(dir, "in"));
  const destinationPort = await freePort();
  const config = writeConfig(dir, { DCMTKSCP: destinationPort });
  const qrscp = await startQrscp(t, config);
  const port = String(qrscp.port);
  const [studyA, studyB] = [...inst.studies.keys()] as [string, string];

  const store = await runTool("storescu", ["-aec", "QRSCP", "127.0.0.1", port, ...inst.files]);
  assert.equal(store.code, 0, store.stderr);

  await t.test("DCMTK findscu, study root, STUDY level", async () => {
    const r = await runTool("findscu", [
      "-S",
      "-aec",
      "QRSCP",
      "-k",
      "QueryRetrieveLevel=STUDY",
      "-k",
      `PatientID=${inst.patientId}`,
      "-k",
      "StudyInstanceUID",
      "-k",
      "NumberOfStudyRelatedInstances",
      "127.0.0.1",
      port,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(studyUids(r.stdout + r.stderr), [studyA, studyB].sort());
    assert.match(r.stdout + r.stderr, /\(0020,1208\) IS \[2 ?\]/);
  });

  await t.test("DCMTK findscu, patient root, STUDY level with a date range", async () => {
    const r = await runTool("findscu", [
      "-P",
      "-aec",
      "QRSCP",
      "-k",
      "QueryRetrieveLevel=STUDY",
      "-k",
      `PatientID=${inst.patientId}`,
      "-k",
      "StudyDate=-20231231",
      "-k",
      "StudyInstanceUID",
      "127.0.0.1",
      port,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(studyUids(r.stdout + r.stderr), [studyB]);
  });

  await t.test("DCMTK getscu: files equal to the sent ones", async () => {
    const out = join(dir, "dcmtk-got");
    mkdirSync(out);
    const r = await runTool("getscu", [
      "-S",
      "-aec",
      "QRSCP",
      "-od",
      out,
      "-k",
      "QueryRetrieveLevel=STUDY",
      "-k",
      `StudyInstanceUID=${studyA}`,
      "127.0.0.1",
      port,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const got = await Promise.all(filesIn(out).map(datasetJson));
    assert.deepEqual(got.sort(), (await Promise.all((inst.studies.get(studyA) ?? []).map(datasetJson))).sort());
  });

  await t.test("DCMTK movescu to DCMTK storescp, a move destination of the config", async () => {
    const out = join(dir, "dcmtk-moved");
    mkdirSync(out);
    startStorescp(t, out, destinationPort);
    await waitForListener(destinationPort);
    const r = await runTool("movescu", [
      "-S",
      "-aec",
      "QRSCP",
      "-aem",
      "DCMTKSCP",
      "-k",
      "QueryRetrieveLevel=STUDY",
      "-k",
      `StudyInstanceUID=${studyB}`,
      "127.0.0.1",
      port,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const got = await Promise.all(filesIn(out).map(datasetJson));
    assert.deepEqual(got, await Promise.all((inst.studies.get(studyB) ?? []).map(datasetJson)));
  });
});
