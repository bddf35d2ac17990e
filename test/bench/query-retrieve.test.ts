// The qr bench section in its tiniest mode, so that it cannot rot: both archives loaded, every
// query and retrieve run by the same clients, every result checked; nothing asserted about time.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { QR_TINY } from "../../bench/qr-corpus.js";
import { qrBench } from "../../bench/query-retrieve.js";

test("bench qr section (tiny): netdicom qrscp and DCMTK dcmqrscp answer every operation", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "netdicom-qrbench-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const printed: string[] = [];
  const report = await qrBench(dir, { sizes: QR_TINY, repeat: 1, reapWaitMs: 0, print: (s) => printed.push(s) });
  if (report.skipped !== undefined) {
    t.skip(report.skipped);
    return;
  }
  const failures = report.cells.filter((c) => c.run.failure !== undefined);
  assert.deepEqual(
    failures.map((c) => `${c.label}, ${c.client} → ${c.serverName}: ${c.run.failure}`),
    [],
  );
  const indexInstances = QR_TINY.studies * QR_TINY.instancesPerStudy;
  const retrieveInstances = 2 * QR_TINY.retrievePerStudy;
  for (const family of ["netdicom", "dcmtk"] as const) {
    const mine = report.cells.filter((c) => c.server === family);
    assert.deepEqual(
      mine.filter((c) => c.group === "load").map((c) => c.run.count),
      [indexInstances, retrieveInstances],
    );
    const finds = mine.filter((c) => c.group === "find");
    // Two queries, each by findscu and by the library; the library counts every response itself.
    assert.equal(finds.length, 4);
    for (const c of finds) assert.equal(c.run.count, QR_TINY.queries, `${c.label} by ${c.client}`);
    assert.deepEqual(
      finds.map((c) => c.responsesPerUnit),
      // all studies (the index's and the retrieve patient's two); "SYNTH^PATIENT00*1": patient 1's three.
      [QR_TINY.studies + 2, QR_TINY.studies + 2, 3, 3],
    );
    assert.deepEqual(
      mine.filter((c) => c.group === "retrieve").map((c) => [c.label, c.run.count]),
      [
        ["C-GET", retrieveInstances],
        ["C-MOVE", retrieveInstances],
      ],
    );
    for (const c of mine) {
      assert.ok(c.run.wallMs > 0 && Number.isFinite(c.run.wallMs), `${c.label}: a wall time`);
      assert.ok((c.run.serverPeakRssBytes ?? 0) > 0, `${c.label}: the server's peak RSS was read`);
    }
  }
  const text = printed.join("\n");
  for (const heading of ["load (storescu +sd)", "C-FIND study level", "retrieve, server"]) {
    assert.ok(text.includes(heading), `the report has the ${heading} table`);
  }
  // Every netdicom row has a ratio to its DCMTK row.
  assert.equal((text.match(/\d+\.\d\dx$/gm) ?? []).length, report.cells.length / 2);
});
