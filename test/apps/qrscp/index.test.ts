// qrscp's index: the same table of instances and the same queries against both backends
// (SQLite always; PostgreSQL when a server can be started here), for each level and matching
// type, including LIKE escaping and date ranges, replacement by SOP Instance UID, retrieve and
// clean, and a study large enough to span several pages.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { InstanceIndex } from "../../../src/apps/qrscp/index/index.js";
import { openIndex } from "../../../src/apps/qrscp/index/open.js";
import { likePattern } from "../../../src/apps/qrscp/index/sql-filter.js";
import { buildIdentifier, type Dataset, modelByName, type QueryRetrieveLevel } from "../../../src/index.js";
import { startPostgres } from "../../helpers/postgres.js";

const patientRoot = modelByName("patientRoot");
const studyRoot = modelByName("studyRoot");
if (!patientRoot || !studyRoot) throw new Error("models missing");

interface Row {
  patient: string;
  name: string;
  study: string;
  date: string;
  accession: string;
  series: string;
  modality: string;
  sop: string;
}

const rows: Row[] = [
  {
    patient: "P1",
    name: "DOE^JOHN",
    study: "1.2.1",
    date: "20200115",
    accession: "A%1",
    series: "1.2.1.1",
    modality: "CT",
    sop: "1.2.1.1.1",
  },
  {
    patient: "P1",
    name: "DOE^JOHN",
    study: "1.2.1",
    date: "20200115",
    accession: "A%1",
    series: "1.2.1.1",
    modality: "CT",
    sop: "1.2.1.1.2",
  },
  {
    patient: "P1",
    name: "DOE^JOHN",
    study: "1.2.1",
    date: "20200115",
    accession: "A%1",
    series: "1.2.1.2",
    modality: "SR",
    sop: "1.2.1.2.1",
  },
  {
    patient: "P1",
    name: "DOE^JOHN",
    study: "1.2.2",
    date: "20211201",
    accession: "AB1",
    series: "1.2.2.1",
    modality: "MR",
    sop: "1.2.2.1.1",
  },
  {
    patient: "P2_X",
    name: "ROE^JANE",
    study: "1.2.3",
    date: "20190630",
    accession: "A_1",
    series: "1.2.3.1",
    modality: "CT",
    sop: "1.2.3.1.1",
  },
  {
    patient: "P2_X",
    name: "ROE^JANE",
    study: "1.2.3",
    date: "",
    accession: "A_1",
    series: "1.2.3.1",
    modality: "CT",
    sop: "1.2.3.1.2",
  },
];

function instance(r: Row): Dataset {
  return buildIdentifier({
    SOPClassUID: "1.2.840.10008.5.1.4.1.1.2",
    SOPInstanceUID: r.sop,
    PatientID: r.patient,
    PatientName: r.name,
    StudyInstanceUID: r.study,
    StudyDate: r.date,
    StudyTime: "101500",
    AccessionNumber: r.accession,
    StudyID: "S1",
    SeriesInstanceUID: r.series,
    Modality: r.modality,
    SeriesNumber: "1",
    InstanceNumber: r.sop.slice(-1),
  });
}

async function fill(index: InstanceIndex): Promise<void> {
  for (const r of rows) await index.add(instance(r), `/data/${r.study}/${r.sop}.dcm`);
}

async function find(
  index: InstanceIndex,
  model: typeof patientRoot,
  level: QueryRetrieveLevel,
  keys: Record<string, string>,
  out: string,
): Promise<string[]> {
  const identifier = buildIdentifier({ QueryRetrieveLevel: level, ...keys, [out]: keys[out] ?? "" });
  const found: string[] = [];
  for await (const ds of index.query(model as NonNullable<typeof patientRoot>, level, identifier))
    found.push(ds.string(out) ?? "");
  return found.sort();
}

/** The shared table of cases: [title, model, level, keys, return key, expected values]. */
const cases: [string, "patient" | "study", QueryRetrieveLevel, Record<string, string>, string, string[]][] = [
  ["patient level, universal", "patient", "PATIENT", {}, "PatientID", ["P1", "P2_X"]],
  ["patient level, single value", "patient", "PATIENT", { PatientID: "P1" }, "PatientName", ["DOE^JOHN"]],
  ["patient level, PN wildcard ignores case", "patient", "PATIENT", { PatientName: "roe*" }, "PatientID", ["P2_X"]],
  ["patient level, _ in a value is literal", "patient", "PATIENT", { PatientID: "P2_*" }, "PatientID", ["P2_X"]],
  ["patient level, ? matches one character", "patient", "PATIENT", { PatientID: "P?" }, "PatientID", ["P1"]],
  [
    "patient level, computed counts",
    "patient",
    "PATIENT",
    { PatientID: "P1" },
    "NumberOfPatientRelatedInstances",
    ["4"],
  ],
  ["study level under a patient", "patient", "STUDY", { PatientID: "P1" }, "StudyInstanceUID", ["1.2.1", "1.2.2"]],
  ["study root, universal", "study", "STUDY", {}, "StudyInstanceUID", ["1.2.1", "1.2.2", "1.2.3"]],
  ["study root, date range", "study", "STUDY", { StudyDate: "20200101-20201231" }, "StudyInstanceUID", ["1.2.1"]],
  ["study root, open date range", "study", "STUDY", { StudyDate: "20200101-" }, "StudyInstanceUID", ["1.2.1", "1.2.2"]],
  ["study root, single date", "study", "STUDY", { StudyDate: "20190630" }, "StudyInstanceUID", ["1.2.3"]],
  ["study root, % is literal", "study", "STUDY", { AccessionNumber: "A%1" }, "StudyInstanceUID", ["1.2.1"]],
  ["study root, % before a wildcard", "study", "STUDY", { AccessionNumber: "A%*" }, "StudyInstanceUID", ["1.2.1"]],
  ["study root, _ before a wildcard", "study", "STUDY", { AccessionNumber: "A_*" }, "StudyInstanceUID", ["1.2.3"]],
  [
    "study root, wildcard over all",
    "study",
    "STUDY",
    { AccessionNumber: "A?1" },
    "StudyInstanceUID",
    ["1.2.1", "1.2.2", "1.2.3"],
  ],
  [
    "study root, UID list",
    "study",
    "STUDY",
    { StudyInstanceUID: "1.2.1\\1.2.3" },
    "StudyInstanceUID",
    ["1.2.1", "1.2.3"],
  ],
  ["study root, ModalitiesInStudy", "study", "STUDY", { StudyInstanceUID: "1.2.1" }, "ModalitiesInStudy", ["CT"]],
  [
    "study root, instances in study",
    "study",
    "STUDY",
    { StudyInstanceUID: "1.2.1" },
    "NumberOfStudyRelatedInstances",
    ["3"],
  ],
  ["study root, series in study", "study", "STUDY", { StudyInstanceUID: "1.2.1" }, "NumberOfStudyRelatedSeries", ["2"]],
  ["study root, patient name", "study", "STUDY", { PatientName: "DOE^JOHN" }, "StudyInstanceUID", ["1.2.1", "1.2.2"]],
  ["series level", "study", "SERIES", { StudyInstanceUID: "1.2.1" }, "SeriesInstanceUID", ["1.2.1.1", "1.2.1.2"]],
  [
    "series level, modality",
    "study",
    "SERIES",
    { StudyInstanceUID: "1.2.1", Modality: "SR" },
    "SeriesInstanceUID",
    ["1.2.1.2"],
  ],
  [
    "series level, instance count",
    "study",
    "SERIES",
    { SeriesInstanceUID: "1.2.1.1" },
    "NumberOfSeriesRelatedInstances",
    ["2"],
  ],
  [
    "image level",
    "study",
    "IMAGE",
    { StudyInstanceUID: "1.2.1", SeriesInstanceUID: "1.2.1.1" },
    "SOPInstanceUID",
    ["1.2.1.1.1", "1.2.1.1.2"],
  ],
  [
    "image level, patient root",
    "patient",
    "IMAGE",
    { PatientID: "P2_X", StudyInstanceUID: "1.2.3", SeriesInstanceUID: "1.2.3.1", SOPInstanceUID: "1.2.3.1.2" },
    "SOPInstanceUID",
    ["1.2.3.1.2"],
  ],
];

async function runSuite(
  t: { test: (name: string, fn: () => Promise<void>) => Promise<void> },
  open: () => Promise<InstanceIndex>,
) {
  const index = await open();
  try {
    await fill(index);
    assert.equal(await index.count(), rows.length);
    for (const [title, m, level, keys, out, expected] of cases) {
      await t.test(title, async () => {
        assert.deepEqual(await find(index, m === "patient" ? patientRoot : studyRoot, level, keys, out), expected);
      });
    }
    await t.test("retrieve: the instances of a study, and of a series list", async () => {
      const study = await index.retrieve(
        studyRoot as NonNullable<typeof studyRoot>,
        "STUDY",
        buildIdentifier({ QueryRetrieveLevel: "STUDY", StudyInstanceUID: "1.2.1" }),
      );
      assert.deepEqual(study.map((i) => i.path).sort(), [
        "/data/1.2.1/1.2.1.1.1.dcm",
        "/data/1.2.1/1.2.1.1.2.dcm",
        "/data/1.2.1/1.2.1.2.1.dcm",
      ]);
      const series = await index.retrieve(
        studyRoot as NonNullable<typeof studyRoot>,
        "SERIES",
        buildIdentifier({
          QueryRetrieveLevel: "SERIES",
          StudyInstanceUID: "1.2.1",
          SeriesInstanceUID: "1.2.1.2\\1.2.2.1",
        }),
      );
      assert.deepEqual(
        series.map((i) => i.sopInstanceUid),
        ["1.2.1.2.1"],
      );
      assert.equal(series[0]?.sopClassUid, "1.2.840.10008.5.1.4.1.1.2");
    });
    await t.test("retrieve matches on the columns, or on the attributes when a key has no column", async () => {
      const model = patientRoot as NonNullable<typeof patientRoot>;
      const uids = async (keys: Record<string, string>) =>
        (await index.retrieve(model, "PATIENT", buildIdentifier({ QueryRetrieveLevel: "PATIENT", ...keys })))
          .map((i) => i.sopInstanceUid)
          .sort();
      const ofP1 = rows
        .filter((r) => r.patient === "P1")
        .map((r) => r.sop)
        .sort();
      assert.ok(ofP1.length > 1);
      assert.deepEqual(await uids({ PatientID: "P1" }), ofP1);
      // Patient's Name has no column: the same instances, matched on the attributes JSON.
      assert.deepEqual(await uids({ PatientID: "P1", PatientName: "DOE^JOHN" }), ofP1);
      assert.deepEqual(await uids({ PatientID: "P1", PatientName: "ROE^JANE" }), []);
      // SQLite's LIKE ignores case and keeps P1's rows; the matching on the columns is case-sensitive.
      assert.deepEqual(await uids({ PatientID: "p*" }), []);
      assert.deepEqual(await uids({ PatientID: "P?" }), ofP1);
    });
    await t.test("a re-sent SOP Instance UID replaces its entry", async () => {
      const r = rows[0] as Row;
      const moved = await index.add(instance({ ...r, modality: "PT" }), "/elsewhere/x.dcm");
      assert.equal(moved.replacedPath, `/data/${r.study}/${r.sop}.dcm`);
      assert.equal(await index.count(), rows.length);
      assert.deepEqual(await find(index, studyRoot, "STUDY", { StudyInstanceUID: "1.2.1" }, "ModalitiesInStudy"), [
        "CT",
      ]);
      const image = await find(
        index,
        studyRoot,
        "IMAGE",
        { StudyInstanceUID: "1.2.1", SeriesInstanceUID: "1.2.1.1", SOPInstanceUID: r.sop },
        "Modality",
      );
      assert.deepEqual(image, ["PT"]);
      assert.equal(await index.remove(r.sop), "/elsewhere/x.dcm");
      assert.equal(await index.count(), rows.length - 1);
    });
    await t.test("a study of 1200 instances spans pages and counts once", async () => {
      const started = performance.now();
      for (let i = 0; i < 1200; i++) {
        await index.add(
          instance({ ...(rows[3] as Row), study: "1.9", series: `1.9.${i % 3}`, sop: `1.9.${i % 3}.${i}` }),
          `/big/${i}.dcm`,
        );
      }
      const addMs = performance.now() - started;
      const t0 = performance.now();
      assert.deepEqual(
        await find(index, studyRoot, "STUDY", { StudyInstanceUID: "1.9" }, "NumberOfStudyRelatedInstances"),
        ["1200"],
      );
      const all = await find(index, studyRoot, "STUDY", {}, "NumberOfStudyRelatedSeries");
      const findMs = performance.now() - t0;
      assert.deepEqual(all, ["1", "1", "2", "3"].sort());
      const got = await index.retrieve(
        studyRoot as NonNullable<typeof studyRoot>,
        "STUDY",
        buildIdentifier({ QueryRetrieveLevel: "STUDY", StudyInstanceUID: "1.9" }),
      );
      assert.equal(new Set(got.map((g) => g.sopInstanceUid)).size, 1200);
      process.stderr.write(
        `# ${index.kind}: indexed 1200 instances in ${addMs.toFixed(0)} ms; two study-level C-FIND scans over ${await index.count()} in ${findMs.toFixed(0)} ms\n`,
      );
    });
    await t.test("510 studies span two pages of entities, each found once with its own counts", async () => {
      for (let i = 0; i < 510; i++) {
        const study = `1.8.${i}`;
        const sop = `${study}.1.1`;
        await index.add(instance({ ...(rows[4] as Row), study, series: `${study}.1`, sop }), `/many/${i}.dcm`);
        // Every tenth study has a second instance, in a second series, of another modality.
        if (i % 10 === 0) {
          const second = { ...(rows[4] as Row), study, series: `${study}.2`, sop: `${study}.2.1`, modality: "SR" };
          await index.add(instance(second), `/many/${i}b.dcm`);
        }
      }
      const found = new Map<string, Dataset>();
      for await (const ds of index.query(
        studyRoot as NonNullable<typeof studyRoot>,
        "STUDY",
        buildIdentifier({
          QueryRetrieveLevel: "STUDY",
          StudyInstanceUID: "",
          PatientID: "P2_X",
          ModalitiesInStudy: "",
          NumberOfStudyRelatedInstances: "",
        }),
      )) {
        const uid = ds.string("StudyInstanceUID") ?? "";
        assert.equal(found.has(uid), false, `${uid} found twice`);
        found.set(uid, ds);
      }
      // P2_X's own study 1.2.3 and the 510 added.
      assert.equal(found.size, 511);
      for (const i of [0, 1, 499, 500, 509]) {
        const ds = found.get(`1.8.${i}`);
        const two = i % 10 === 0;
        assert.equal(ds?.string("NumberOfStudyRelatedInstances"), two ? "2" : "1", `study ${i}`);
        assert.deepEqual(ds?.strings("ModalitiesInStudy"), two ? ["CT", "SR"] : ["CT"], `study ${i}`);
      }
      for (let i = 0; i < 510; i++) {
        await index.remove(`1.8.${i}.1.1`);
        if (i % 10 === 0) await index.remove(`1.8.${i}.2.1`);
      }
    });
    await t.test("clean removes every entry and returns the paths", async () => {
      const n = await index.count();
      const paths = await index.clean();
      assert.equal(paths.length, n);
      assert.equal(await index.count(), 0);
    });
  } finally {
    await index.close();
  }
}

test("likePattern escapes % _ and \\ and maps * ? to % _", () => {
  assert.equal(likePattern("A%_\\*?"), "A\\%\\_\\\\%_");
});

test("SQLite index", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "netdicom-index-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await runSuite(t, () => openIndex(join(dir, "db", "instances.sqlite")));
});

test("PostgreSQL index", async (t) => {
  const pg = await startPostgres(t);
  if (pg === undefined) {
    t.skip("PostgreSQL not installed (initdb/postgres not found)");
    return;
  }
  const url = await pg.createDatabase("index_test");
  await runSuite(t, () => openIndex(url));
});

test("a missing SQLite driver package is named in the error", async () => {
  const { loadSqliteDriver } = await import("../../../src/apps/qrscp/index/sqlite.js");
  const { IndexError } = await import("../../../src/apps/qrscp/index/index.js");
  assert.throws(
    () => loadSqliteDriver("better-sqlite3-not-installed"),
    (e: unknown) =>
      e instanceof IndexError &&
      e.message.includes("npm install better-sqlite3-not-installed") &&
      e.message.includes("postgres://"),
  );
});
