// Scaling out: two qrscp processes sharing one PostgreSQL index and one instance folder. An
// instance stored through A is found by a C-FIND through B and retrieved by a C-GET through B.
// A real PostgreSQL server is started for the test (skipped, visibly, where none is installed).
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import type { DicomJsonObject } from "../../../src/index.js";
import { startPostgres } from "../../helpers/postgres.js";
import { datasetJson, filesIn, runCli, startQrscp, tempDir, writeConfig, writeInstances } from "./fixture.js";

test("two qrscp processes share one PostgreSQL index and one instance folder", async (t) => {
  const pg = await startPostgres(t);
  if (pg === undefined) {
    t.skip("PostgreSQL not installed (initdb/postgres not found)");
    return;
  }
  const url = await pg.createDatabase("qrscp_shared");
  const dir = tempDir(t);
  const inst = await writeInstances(join(dir, "in"));
  const config = writeConfig(dir, {}, url);
  // Both start at once: the schema is created under an advisory lock, once.
  const [a, b] = await Promise.all([startQrscp(t, config), startQrscp(t, config)]);
  const [studyA] = [...inst.studies.keys()] as [string];

  const store = await runCli("storescu", ["-aec", "QRSCP", "127.0.0.1", String(a.port), inst.dir]);
  assert.equal(store.code, 0, store.stderr);

  const find = await runCli("findscu", [
    "127.0.0.1",
    String(b.port),
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
  assert.equal(find.code, 0, find.stderr);
  const found = (JSON.parse(find.stdout) as DicomJsonObject[]).map((o) => o["0020000D"]?.Value?.[0]).sort();
  assert.deepEqual(found, [...inst.studies.keys()].sort());

  const out = join(dir, "got-from-b");
  const get = await runCli("getscu", [
    "127.0.0.1",
    String(b.port),
    "-od",
    out,
    "-k",
    "QueryRetrieveLevel=STUDY",
    "-k",
    `StudyInstanceUID=${studyA}`,
  ]);
  assert.equal(get.code, 0, get.stderr);
  const got = await Promise.all(filesIn(out).map(datasetJson));
  assert.deepEqual(got.sort(), (await Promise.all((inst.studies.get(studyA) ?? []).map(datasetJson))).sort());

  assert.equal((await a.stop()).code, 0, a.stderr());
  assert.equal((await b.stop()).code, 0, b.stderr());
});
