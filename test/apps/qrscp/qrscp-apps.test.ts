// netdicom qrscp (a CLI process) with netdicom's own SCU apps: storescu loads instances, findscu
// queries at each level in both models (readable and --json output), getscu and movescu --store
// retrieve files equal to the sent ones, unknown destinations and bad queries fail with exit 1,
// a re-sent instance replaces its entry, and --clean empties the index and the folder.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { buildIdentifier, type DicomJsonObject, readDicomFile, writeDicomFile } from "../../../src/index.js";
import { freePort } from "../../helpers/net.js";
import {
  datasetJson,
  dicomFilesUnder,
  filesIn,
  runCli,
  startQrscp,
  tempDir,
  writeConfig,
  writeInstances,
} from "./fixture.js";

const STUDY_INSTANCE_UID = "0020000D";
const NUMBER_OF_STUDY_RELATED_INSTANCES = "00201208";

function jsonValue(o: DicomJsonObject, tag: string): unknown {
  return o[tag]?.Value?.[0];
}

test("netdicom qrscp with netdicom's findscu, getscu and movescu", async (t) => {
  const dir = tempDir(t);
  const inst = await writeInstances(join(dir, "in"));
  const storePort = await freePort();
  const config = writeConfig(dir, { NETDICOM: storePort });
  const qrscp = await startQrscp(t, config);
  const port = String(qrscp.port);
  const [studyA, studyB] = [...inst.studies.keys()] as [string, string];

  const store = await runCli("storescu", ["-aec", "QRSCP", "127.0.0.1", port, inst.dir]);
  assert.equal(store.code, 0, store.stderr);
  assert.equal(dicomFilesUnder(join(dir, "stored")).length, 3);

  await t.test("findscu, study root, STUDY level, --json: both studies with their instance counts", async () => {
    const r = await runCli("findscu", [
      "127.0.0.1",
      port,
      "--json",
      "-k",
      "QueryRetrieveLevel=STUDY",
      "-k",
      `PatientID=${inst.patientId}`,
      "-k",
      "StudyInstanceUID=",
      "-k",
      "NumberOfStudyRelatedInstances=",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const found = (JSON.parse(r.stdout) as DicomJsonObject[]).map((o) => [
      jsonValue(o, STUDY_INSTANCE_UID),
      Number(jsonValue(o, NUMBER_OF_STUDY_RELATED_INSTANCES)),
    ]);
    assert.deepEqual(
      found.sort(),
      [
        [studyA, 2],
        [studyB, 1],
      ].sort(),
    );
  });

  await t.test("findscu, patient root: PATIENT, then STUDY with a date range, readable output", async () => {
    const patients = await runCli("findscu", [
      "127.0.0.1",
      port,
      "-P",
      "-k",
      "QueryRetrieveLevel=PATIENT",
      "-k",
      "PatientName=qr^*",
      "-k",
      "PatientID=",
      "-k",
      "NumberOfPatientRelatedStudies=",
    ]);
    assert.equal(patients.code, 0, patients.stderr);
    assert.equal(patients.stdout.match(/# Response \d+: 0xFF00 \(Pending\)/g)?.length, 1);
    assert.match(patients.stdout, new RegExp(`\\[${inst.patientId}\\]`));
    assert.match(patients.stdout, /\(0020,1200\) IS \[2\]/);
    const studies = await runCli("findscu", [
      "127.0.0.1",
      port,
      "-P",
      "-k",
      "QueryRetrieveLevel=STUDY",
      "-k",
      `PatientID=${inst.patientId}`,
      "-k",
      "StudyDate=20240101-20241231",
      "-k",
      "StudyInstanceUID=",
    ]);
    assert.equal(studies.code, 0, studies.stderr);
    assert.ok(studies.stdout.includes(studyA) && !studies.stdout.includes(studyB), studies.stdout);
  });

  await t.test("findscu, patient/study only model (-O): STUDY level under the patient", async () => {
    const r = await runCli("findscu", [
      "127.0.0.1",
      port,
      "-O",
      "--json",
      "-k",
      "QueryRetrieveLevel=STUDY",
      "-k",
      `PatientID=${inst.patientId}`,
      "-k",
      "StudyInstanceUID=",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const found = (JSON.parse(r.stdout) as DicomJsonObject[]).map((o) => jsonValue(o, STUDY_INSTANCE_UID));
    assert.deepEqual(found.sort(), [studyA, studyB].sort());
  });

  await t.test("findscu -w writes each response identifier as a DICOM file", async () => {
    const out = join(dir, "responses");
    const r = await runCli("findscu", [
      "127.0.0.1",
      port,
      "-q",
      "-w",
      "-od",
      out,
      "-k",
      "QueryRetrieveLevel=STUDY",
      "-k",
      `PatientID=${inst.patientId}`,
      "-k",
      "StudyInstanceUID=",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const files = filesIn(out).sort();
    assert.deepEqual(
      files.map((f) => f.slice(out.length + 1)),
      ["rsp000001.dcm", "rsp000002.dcm"],
    );
    const uids = await Promise.all(files.map(async (f) => (await readDicomFile(f)).dataset.string("StudyInstanceUID")));
    assert.deepEqual(uids.sort(), [studyA, studyB].sort());
  });

  await t.test("findscu -f: a query file, with a -k key overriding it", async () => {
    const file = join(dir, "query.dcm");
    await writeDicomFile(
      file,
      buildIdentifier({ QueryRetrieveLevel: "STUDY", PatientID: inst.patientId, StudyInstanceUID: "", StudyDate: "" }),
    );
    const r = await runCli("findscu", ["127.0.0.1", port, "--json", "-f", file, "-k", "StudyDate=20231115"]);
    assert.equal(r.code, 0, r.stderr);
    const found = (JSON.parse(r.stdout) as DicomJsonObject[]).map((o) => jsonValue(o, STUDY_INSTANCE_UID));
    assert.deepEqual(found, [studyB]);
  });

  await t.test("findscu, SERIES and IMAGE levels", async () => {
    const images = await runCli("findscu", [
      "127.0.0.1",
      port,
      "--json",
      "-k",
      "QueryRetrieveLevel=IMAGE",
      "-k",
      `StudyInstanceUID=${studyA}`,
      "-k",
      `SeriesInstanceUID=${studyA}.1`,
      "-k",
      "SOPInstanceUID=",
      "-k",
      "InstanceNumber=",
    ]);
    assert.equal(images.code, 0, images.stderr);
    assert.equal((JSON.parse(images.stdout) as unknown[]).length, 2);
    const series = await runCli("findscu", [
      "127.0.0.1",
      port,
      "-k",
      "QueryRetrieveLevel=SERIES",
      "-k",
      `StudyInstanceUID=${studyB}`,
      "-k",
      "SeriesInstanceUID=",
      "-k",
      "NumberOfSeriesRelatedInstances=",
    ]);
    assert.equal(series.code, 0, series.stderr);
    assert.match(series.stdout, new RegExp(`\\[${studyB.replaceAll(".", "\\.")}\\.1\\]`));
  });

  await t.test("findscu: a query the model refuses exits 1", async () => {
    const r = await runCli("findscu", ["127.0.0.1", port, "-k", "QueryRetrieveLevel=WARD", "-k", "PatientID="]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Find SCP Result: 0x[0-9A-F]{4} \(Failure\)/);
  });

  await t.test("getscu: the files of study A, equal to the sent ones", async () => {
    const out = join(dir, "got");
    const r = await runCli("getscu", [
      "127.0.0.1",
      port,
      "-od",
      out,
      "-k",
      "QueryRetrieveLevel=STUDY",
      "-k",
      `StudyInstanceUID=${studyA}`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const got = await Promise.all(filesIn(out).map(datasetJson));
    const sent = await Promise.all((inst.studies.get(studyA) ?? []).map(datasetJson));
    assert.deepEqual(got.sort(), sent.sort());
  });

  await t.test("movescu --store: study B arrives at its own store SCP", async () => {
    const out = join(dir, "moved");
    const r = await runCli("movescu", [
      "127.0.0.1",
      port,
      "--store",
      "--store-bind-address",
      "127.0.0.1",
      "--store-port",
      String(storePort),
      "--store-aet",
      "NETDICOM",
      "-od",
      out,
      "-k",
      "QueryRetrieveLevel=STUDY",
      "-k",
      `StudyInstanceUID=${studyB}`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const got = await Promise.all(filesIn(out).map(datasetJson));
    assert.deepEqual(got, await Promise.all((inst.studies.get(studyB) ?? []).map(datasetJson)));
  });

  await t.test("movescu to an unknown destination: 0xA801, exit 1", async () => {
    const r = await runCli("movescu", [
      "127.0.0.1",
      port,
      "-aem",
      "NOWHERE",
      "-k",
      "QueryRetrieveLevel=STUDY",
      "-k",
      `StudyInstanceUID=${studyB}`,
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /0xA801 \(Failure\)/);
  });

  await t.test("a re-sent instance replaces its entry", async () => {
    const again = await runCli("storescu", ["-aec", "QRSCP", "127.0.0.1", port, inst.files[0] as string]);
    assert.equal(again.code, 0, again.stderr);
    const r = await runCli("findscu", [
      "127.0.0.1",
      port,
      "--json",
      "-k",
      "QueryRetrieveLevel=STUDY",
      "-k",
      `StudyInstanceUID=${studyA}`,
      "-k",
      "NumberOfStudyRelatedInstances=",
    ]);
    assert.equal(jsonValue((JSON.parse(r.stdout) as DicomJsonObject[])[0] ?? {}, NUMBER_OF_STUDY_RELATED_INSTANCES), 2);
    assert.equal(dicomFilesUnder(join(dir, "stored")).length, 3);
  });

  const exit = await qrscp.stop();
  assert.equal(exit.code, 0, qrscp.stderr());
  await t.test("--clean empties the index and deletes the stored files", async () => {
    const r = await runCli("qrscp", ["-c", config, "--clean"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /removed 3 instance\(s\)/);
    assert.equal(dicomFilesUnder(join(dir, "stored")).length, 0);
  });
});

test("findscu, getscu, movescu: usage errors exit 2, an unreachable peer exits 1", async () => {
  for (const app of ["findscu", "getscu", "movescu"]) {
    const noKeys = await runCli(app, ["127.0.0.1", "11112"]);
    assert.equal(noKeys.code, 2, `${app}: ${noKeys.stderr}`);
    assert.match(noKeys.stderr, /give query keys with -k/);
    const twoModels = await runCli(app, ["-P", "-S", "-k", "PatientID=1", "127.0.0.1", "11112"]);
    assert.equal(twoModels.code, 2);
    const port = await freePort();
    const refused = await runCli(app, [
      "-k",
      "QueryRetrieveLevel=STUDY",
      "-k",
      "StudyInstanceUID=1",
      "127.0.0.1",
      String(port),
    ]);
    assert.equal(refused.code, 1, `${app}: ${refused.stderr}`);
    assert.match(refused.stderr, /Association request failed/);
  }
});

test("qrscp: an unusable configuration is a usage error (exit 2)", async (t) => {
  const dir = tempDir(t);
  const r = await runCli("qrscp", ["-c", join(dir, "missing.ini")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /missing\.ini/);
});
