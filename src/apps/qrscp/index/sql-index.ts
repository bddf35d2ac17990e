// The index over any SQL database with one table of instances: what the SQLite and PostgreSQL
// backends share. A backend gives a small driver (run a statement, fetch rows); queries page
// through the rows in key order, group them into entities, and confirm each entity with the
// library's matching.
import {
  compileQuery,
  Dataset,
  datasetFromJson,
  datasetToJson,
  type InformationModel,
  type QueryRetrieveLevel,
} from "../../../index.js";
import type { AddResult, InstanceIndex, StoredInstance } from "./index.js";
import { COLUMNS, groupColumn, identifierCondition } from "./sql-filter.js";

/** One row as the driver returns it: column name → text. */
export type Row = Readonly<Record<string, string | null>>;

/** Runs a statement (`?` placeholders) and resolves with the rows it returns (none for most writes). */
export type QueryFn = (sql: string, params?: readonly unknown[]) => Promise<Row[]>;

/** What a backend provides; SQL uses `?` placeholders, which a backend may rewrite. */
export interface SqlDriver {
  readonly kind: "sqlite" | "postgres";
  /** Runs one statement outside any transaction. */
  readonly query: QueryFn;
  /** Runs `body` in one transaction; its statements go through the `q` it is given. */
  transaction<T>(body: (q: QueryFn) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Rows fetched per page of a query. */
const PAGE = 500;
/** Attributes JSON larger than this is stored without its sequences. */
const MAX_ATTRIBUTES_JSON = 256 * 1024;
const BINARY_VRS = new Set(["OB", "OD", "OF", "OL", "OV", "OW", "UN"]);

/** The table and its indexes (the same SQL for both backends). */
export const SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS instances (
    sop_instance_uid TEXT PRIMARY KEY,
    sop_class_uid TEXT NOT NULL DEFAULT '',
    patient_id TEXT NOT NULL DEFAULT '',
    study_instance_uid TEXT NOT NULL DEFAULT '',
    study_date TEXT NOT NULL DEFAULT '',
    accession_number TEXT NOT NULL DEFAULT '',
    study_id TEXT NOT NULL DEFAULT '',
    series_instance_uid TEXT NOT NULL DEFAULT '',
    modality TEXT NOT NULL DEFAULT '',
    path TEXT NOT NULL,
    attributes TEXT NOT NULL
  )`,
  "CREATE INDEX IF NOT EXISTS instances_patient ON instances (patient_id, sop_instance_uid)",
  "CREATE INDEX IF NOT EXISTS instances_study ON instances (study_instance_uid, sop_instance_uid)",
  "CREATE INDEX IF NOT EXISTS instances_series ON instances (series_instance_uid, sop_instance_uid)",
  "CREATE INDEX IF NOT EXISTS instances_study_date ON instances (study_date)",
  "CREATE INDEX IF NOT EXISTS instances_accession ON instances (accession_number)",
];

/** The attributes worth indexing: everything but bulk binary values (Pixel Data, overlays…). */
function indexedAttributes(ds: Dataset, withSequences: boolean): Dataset {
  const out = new Dataset();
  for (const el of ds) {
    if (BINARY_VRS.has(el.vr)) continue;
    if (el.vr === "SQ") {
      if (withSequences) out.set(el.tag, ds.sequence(el.tag), "SQ");
      continue;
    }
    out.setElement(el);
  }
  return out;
}

function attributesJson(ds: Dataset): string {
  const full = JSON.stringify(datasetToJson(indexedAttributes(ds, true)));
  return full.length <= MAX_ATTRIBUTES_JSON ? full : JSON.stringify(datasetToJson(indexedAttributes(ds, false)));
}

function text(ds: Dataset, keyword: string): string {
  try {
    return (ds.string(keyword) ?? "").trim();
  } catch {
    return "";
  }
}

/** The entity being gathered while rows stream in key order. */
interface Group {
  key: string;
  first: Row;
  instances: number;
  series: Set<string>;
  studies: Set<string>;
  modalities: Set<string>;
  sopClasses: Set<string>;
}

function newGroup(key: string, row: Row): Group {
  return {
    key,
    first: row,
    instances: 0,
    series: new Set(),
    studies: new Set(),
    modalities: new Set(),
    sopClasses: new Set(),
  };
}

/** The entity's dataset: its first instance's attributes plus the level's computed ones (PS3.4 C.6.1.1.x). */
function entityOf(level: QueryRetrieveLevel, g: Group, attributes: string | null | undefined): Dataset {
  const ds = datasetFromJson(JSON.parse(attributes ?? "{}"));
  const is = (keyword: string, n: number) => ds.set(keyword, String(n), "IS");
  if (level === "PATIENT") {
    is("NumberOfPatientRelatedStudies", g.studies.size);
    is("NumberOfPatientRelatedSeries", g.series.size);
    is("NumberOfPatientRelatedInstances", g.instances);
  } else if (level === "STUDY") {
    ds.set("ModalitiesInStudy", [...g.modalities].filter((m) => m !== "").sort(), "CS");
    ds.set("SOPClassesInStudy", [...g.sopClasses].filter((m) => m !== "").sort(), "UI");
    is("NumberOfStudyRelatedSeries", g.series.size);
    is("NumberOfStudyRelatedInstances", g.instances);
  } else if (level === "SERIES") {
    is("NumberOfSeriesRelatedInstances", g.instances);
  }
  return ds;
}

/** An {@link InstanceIndex} over a {@link SqlDriver}. */
export class SqlIndex implements InstanceIndex {
  constructor(private readonly driver: SqlDriver) {}

  get kind(): "sqlite" | "postgres" {
    return this.driver.kind;
  }

  async add(dataset: Dataset, path: string): Promise<AddResult> {
    const sopInstanceUid = text(dataset, "SOPInstanceUID");
    if (sopInstanceUid === "") throw new Error("the instance has no SOP Instance UID");
    const values = Object.keys(COLUMNS).map((k) => text(dataset, k));
    const columns = Object.values(COLUMNS);
    const attributes = attributesJson(dataset);
    return this.driver.transaction(async (q) => {
      const old = await q("SELECT path FROM instances WHERE sop_instance_uid = ?", [sopInstanceUid]);
      const updates = [...columns.filter((c) => c !== "sop_instance_uid"), "path", "attributes"]
        .map((c) => `${c} = excluded.${c}`)
        .join(", ");
      await q(
        `INSERT INTO instances (${columns.join(", ")}, path, attributes) VALUES (${[...columns, "", ""].map(() => "?").join(", ")})
         ON CONFLICT (sop_instance_uid) DO UPDATE SET ${updates}`,
        [...values, path, attributes],
      );
      const before = old[0]?.path;
      return before !== undefined && before !== null && before !== path ? { replacedPath: before } : {};
    });
  }

  /** Rows matching `where`, in (group, SOP Instance UID) order, one page at a time. */
  private async *rows(
    group: string,
    where: { sql: string; params: readonly string[] },
    columns: string,
  ): AsyncGenerator<Row> {
    let after: [string, string] | undefined;
    for (;;) {
      const page = await this.driver.query(
        `SELECT ${group} AS grp, ${columns} FROM instances WHERE (${where.sql})${after ? ` AND (${group}, sop_instance_uid) > (?, ?)` : ""}
         ORDER BY ${group}, sop_instance_uid LIMIT ${PAGE}`,
        after ? [...where.params, ...after] : where.params,
      );
      yield* page;
      if (page.length < PAGE) return;
      // A synchronous driver (SQLite) gives the event loop a turn between pages.
      await new Promise((resolve) => setImmediate(resolve));
      const last = page[page.length - 1] as Row;
      after = [last.grp ?? "", last.sop_instance_uid ?? ""];
    }
  }

  async *query(model: InformationModel, level: QueryRetrieveLevel, identifier: Dataset): AsyncIterable<Dataset> {
    const test = compileQuery(identifier).test;
    const group = groupColumn(level);
    // Above IMAGE level an entity has many rows but needs one row's attributes: those are fetched
    // once per entity instead of carried by every row of the scan.
    const inline = level === "IMAGE";
    const entity = async (g: Group): Promise<Dataset> => {
      if (inline) return entityOf(level, g, g.first.attributes);
      const rows = await this.driver.query("SELECT attributes FROM instances WHERE sop_instance_uid = ?", [
        g.first.sop_instance_uid ?? "",
      ]);
      return entityOf(level, g, rows[0]?.attributes);
    };
    let g: Group | undefined;
    for await (const row of this.rows(
      group,
      identifierCondition(model, level, identifier),
      `sop_instance_uid, sop_class_uid, study_instance_uid, series_instance_uid, modality${inline ? ", attributes" : ""}`,
    )) {
      const key = row.grp ?? "";
      if (g !== undefined && g.key !== key) {
        const e = await entity(g);
        if (test(e)) yield e;
        g = undefined;
      }
      g ??= newGroup(key, row);
      g.instances++;
      g.series.add(row.series_instance_uid ?? "");
      g.studies.add(row.study_instance_uid ?? "");
      g.modalities.add(row.modality ?? "");
      g.sopClasses.add(row.sop_class_uid ?? "");
    }
    if (g !== undefined) {
      const e = await entity(g);
      if (test(e)) yield e;
    }
  }

  async retrieve(model: InformationModel, level: QueryRetrieveLevel, identifier: Dataset): Promise<StoredInstance[]> {
    const test = compileQuery(identifier).test;
    const out: StoredInstance[] = [];
    for await (const row of this.rows(
      "sop_instance_uid",
      identifierCondition(model, level, identifier),
      "sop_instance_uid, sop_class_uid, path, attributes",
    )) {
      const ds = datasetFromJson(JSON.parse(row.attributes ?? "{}"));
      if (!test(ds)) continue;
      out.push({
        sopInstanceUid: row.sop_instance_uid ?? "",
        sopClassUid: row.sop_class_uid ?? "",
        path: row.path ?? "",
      });
    }
    return out;
  }

  async remove(sopInstanceUid: string): Promise<string | undefined> {
    return this.driver.transaction(async (q) => {
      const rows = await q("SELECT path FROM instances WHERE sop_instance_uid = ?", [sopInstanceUid]);
      await q("DELETE FROM instances WHERE sop_instance_uid = ?", [sopInstanceUid]);
      return rows[0]?.path ?? undefined;
    });
  }

  async clean(): Promise<string[]> {
    return this.driver.transaction(async (q) => {
      const rows = await q("SELECT path FROM instances");
      await q("DELETE FROM instances");
      return rows.map((r) => r.path ?? "").filter((p) => p !== "");
    });
  }

  async count(): Promise<number> {
    const rows = await this.driver.query("SELECT count(*) AS n FROM instances");
    return Number(rows[0]?.n ?? 0);
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}
