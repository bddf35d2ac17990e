// qrscp answering a large C-FIND: responses stream (the first arrives before the index is read
// through), and a C-CANCEL sent on the first one stops the scan with a final 0xFE00 Cancel
// (PS3.4 C.4.1.3.1) long before the last match, although the SQLite index answers synchronously.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { openIndex } from "../../../src/apps/qrscp/index/open.js";
import { runQrscp } from "../../../src/apps/qrscp/qrscp.js";
import { AE, buildIdentifier, sop } from "../../../src/index.js";
import { tempDir } from "./fixture.js";

const STUDIES = 3000;

test("a C-FIND over 3000 studies streams, and C-CANCEL ends it with 0xFE00", async (t) => {
  const dir = tempDir(t);
  const database = join(dir, "instances.sqlite");
  const index = await openIndex(database);
  for (let i = 0; i < STUDIES; i++) {
    await index.add(
      buildIdentifier({
        SOPClassUID: sop.SecondaryCaptureImageStorage,
        SOPInstanceUID: `2.25.5.${i}.1.1`,
        PatientID: "CANCEL",
        StudyInstanceUID: `2.25.5.${i}`,
        SeriesInstanceUID: `2.25.5.${i}.1`,
      }),
      join(dir, `${i}.dcm`),
    );
  }
  await index.close();

  const stop = new AbortController();
  t.after(() => stop.abort());
  let listening: (port: number) => void = () => {};
  const port = new Promise<number>((resolve) => {
    listening = resolve;
  });
  const exit = runQrscp(
    ["--port", "0", "-ba", "127.0.0.1", "-q", "--database-location", database, "--instance-location", dir],
    { stdout: () => {}, stderr: () => {} },
    { signal: stop.signal, onListening: listening },
  );
  const ae = new AE({ aeTitle: "TESTSCU" });
  ae.addRequestedContext(sop.StudyRootQueryRetrieveInformationModelFind);
  const assoc = await ae.associate("127.0.0.1", await port, { aeTitle: "QRSCP" });
  const cancel = new AbortController();
  const statuses: number[] = [];
  for await (const rsp of assoc.sendCFind(
    { QueryRetrieveLevel: "STUDY", PatientID: "CANCEL", StudyInstanceUID: "" },
    sop.StudyRootQueryRetrieveInformationModelFind,
    { signal: cancel.signal },
  )) {
    statuses.push(rsp.status);
    if (statuses.length === 1) cancel.abort();
  }
  await assoc.release();
  assert.equal(statuses.at(-1), 0xfe00, `final status 0x${statuses.at(-1)?.toString(16)} after ${statuses.length}`);
  assert.ok(statuses.length < STUDIES, `${statuses.length} responses`);
  assert.ok(statuses.slice(0, -1).every((s) => s === 0xff00));
  stop.abort();
  assert.equal(await exit, 0);
});
