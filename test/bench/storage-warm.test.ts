// The storage bench's warm-library rows in a tiny mode, so that they cannot rot: every scenario
// sent from one library process to each receiver, every file stored; nothing asserted about time.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { makeStorageCorpus } from "../../bench/storage-corpus.js";
import { dcmtkAvailable, dcmtkImpl, netdicomImpl, netdicomUnavailable } from "../../bench/storage-impls.js";
import { warmLibraryRows } from "../../bench/storage-warm.js";

test("bench storage warm rows (tiny): the library sends every scenario to each receiver", async (t) => {
  const missing = netdicomUnavailable();
  if (missing !== undefined) {
    t.skip(missing);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), "netdicom-warmbench-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const scenarios = await makeStorageCorpus(join(dir, "corpus"), {
    imageFiles: 2,
    tinyFiles: 12,
    frames: 4,
    senders: 2,
    filesPerSender: 2,
  });
  const receivers = [netdicomImpl()];
  if (dcmtkAvailable()) receivers.push(dcmtkImpl(false));
  else t.diagnostic("DCMTK storescp not installed: only netdicom's receiver is exercised");
  const printed: string[] = [];
  const report = await warmLibraryRows(scenarios, {
    receivers,
    repeat: 1,
    receivedDir: join(dir, "received"),
    dcmtkMibPerSecond: new Map(),
    print: (s) => printed.push(s),
  });
  // (a), (b) and (c) for each receiver; (d) is about concurrent sender processes.
  assert.equal(report.rows.length, 3 * receivers.length);
  for (const row of report.rows) {
    assert.equal(row.run?.failure, undefined, row.name);
    assert.equal(row.run?.report?.count, row.scenario.instances, row.name);
    assert.equal(row.run?.report?.failed, 0, row.name);
    // netdicom's storescp accepts the proposed window of 16; DCMTK's answers without the item.
    assert.equal(row.run?.report?.window, row.name.includes("DCMTK") ? 1 : 16, row.name);
  }
  assert.match(printed.join("\n"), /\(c\) library \(warm\) -> netdicom storescp/);
});
