// qrscp in-process: flags override the configuration file (AE title, locations), a C-STORE then
// a C-FIND through the library answer with the overriding AE title as Retrieve AE Title, and the
// abort signal shuts it down with exit code 0; --metrics-port serves the operations counted.
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runQrscp } from "../../../src/apps/qrscp/qrscp.js";
import { AE, readDicomFile, sop } from "../../../src/index.js";
import { dicomFilesUnder, tempDir, writeInstances } from "./fixture.js";

test("qrscp flags override the configuration file", async (t) => {
  const dir = tempDir(t);
  const inst = await writeInstances(join(dir, "in"));
  const config = join(dir, "qrscp.ini");
  writeFileSync(config, "[DEFAULT]\nae_title: FROMFILE\nport: 1\ninstance_location: file-instances\n");
  const stop = new AbortController();
  t.after(() => stop.abort());
  const err: string[] = [];
  let listening: (port: number) => void = () => {};
  const port = new Promise<number>((resolve) => {
    listening = resolve;
  });
  const exit = runQrscp(
    [
      "-c",
      config,
      "--port",
      "0",
      "-ba",
      "127.0.0.1",
      "-aet",
      "FROMFLAG",
      "--instance-location",
      join(dir, "flag-instances"),
      "--database-location",
      join(dir, "flag.sqlite"),
      "--metrics-port",
      "0",
      "--no-fsync",
    ],
    { stdout: () => {}, stderr: (s) => err.push(s) },
    { signal: stop.signal, onListening: listening },
  );
  const ae = new AE({ aeTitle: "TESTSCU" });
  ae.addRequestedContext(sop.SecondaryCaptureImageStorage);
  ae.addRequestedContext(sop.StudyRootQueryRetrieveInformationModelFind);
  const assoc = await ae.associate("127.0.0.1", await port, { aeTitle: "FROMFLAG" });
  const stored = await assoc.sendCStore((await readDicomFile(inst.files[2] as string)).dataset);
  assert.equal(stored.status, 0x0000);
  const answers = [];
  for await (const rsp of assoc.sendCFind(
    { QueryRetrieveLevel: "STUDY", PatientID: inst.patientId, RetrieveAETitle: "" },
    sop.StudyRootQueryRetrieveInformationModelFind,
  )) {
    answers.push(rsp);
  }
  await assoc.release();
  const url = /qrscp: metrics on (http:\/\/127\.0\.0\.1:\d+\/metrics)\n/.exec(err.join(""))?.[1];
  assert.ok(url, err.join(""));
  const metrics = await (await fetch(url)).text();
  assert.match(metrics, /^netdicom_operations_total\{role="scp",operation="C-STORE",status="success"\} 1$/m);
  assert.match(metrics, /^netdicom_operations_total\{role="scp",operation="C-FIND",status="success"\} 1$/m);
  assert.deepEqual(
    answers.map((a) => [a.status, a.identifier?.string("RetrieveAETitle")]),
    [
      [0xff00, "FROMFLAG"],
      [0x0000, undefined],
    ],
  );
  assert.equal(dicomFilesUnder(join(dir, "flag-instances")).length, 1);
  assert.ok(existsSync(join(dir, "flag.sqlite")));
  assert.match(err.join(""), /qrscp: AE title FROMFLAG, instances in .*flag-instances \(no fsync\), index SQLite /);
  assert.ok(!existsSync(join(dir, "file-instances")));
  stop.abort();
  assert.equal(await exit, 0, err.join(""));
});
