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
  tagForKeyword,
  type VR,
  VR_INFO,
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

/** What an entity above IMAGE level counts over its instances (PS3.4 C.6.1.1.x computed attributes). */
interface Group {
  readonly instances: number;
  readonly series: number;
  readonly studies: number;
  readonly modalities: readonly string[];
  readonly sopClasses: readonly string[];
}

const NO_GROUP: Group = { instances: 1, series: 1, studies: 1, modalities: [], sopClasses: [] };

/** A tag as a DICOM JSON key (PS3.18 F.2.1.1: eight uppercase hexadecimal digits). */
const jsonKey = (tag: number): string => (tag >>> 0).toString(16).toUpperCase().padStart(8, "0");

/**
 * The JSON keys an entity needs to be matched against `identifier` and answered: the
 * identifier's own keys and Specific Character Set (buildResponse and matching read nothing
 * else), so the other attributes of the stored instance are never decoded.
 */
function wantedKeys(identifier: Dataset): ReadonlySet<string> {
  return new Set(["00080005", ...[...identifier].map((el) => jsonKey(el.tag))]);
}

/** The `wanted` attributes of a stored instance's attributes JSON, as a Dataset (the others are never decoded). */
function pickedDataset(attributes: string | null | undefined, wanted: ReadonlySet<string>): Dataset {
  const all = JSON.parse(attributes ?? "{}") as Record<string, unknown>;
  return datasetFromJson(Object.fromEntries(Object.entries(all).filter(([k]) => wanted.has(k))));
}

/** (0008,0005) Specific Character Set and (0008,0052) Query/Retrieve Level: never matched. */
const NOT_MATCHED = new Set([0x00080005, 0x00080052]);

/** The indexed columns by the tag of the attribute whose value they hold. */
let columnsByTag: ReadonlyMap<number, string> | undefined;

/** A matching key's column and the VR its value is matched as. */
interface KeyColumn {
  readonly tag: number;
  readonly column: string;
  readonly vr: VR;
}

/**
 * The columns holding every matching key of `identifier`, or undefined when some key has none
 * (its values are then read from the attributes JSON). A retrieve identifier has only unique keys
 * (PS3.4 C.4.2.2.1, C.4.3.2.1), all of them columns: the candidates are then matched on the
 * column values, and the attributes JSON of each instance is neither read nor parsed.
 */
function keyColumns(identifier: Dataset): KeyColumn[] | undefined {
  columnsByTag ??= new Map(
    Object.entries(COLUMNS).flatMap(([keyword, column]) => {
      const tag = tagForKeyword(keyword);
      return tag === undefined ? [] : [[tag, column] as const];
    }),
  );
  const out: KeyColumn[] = [];
  for (const el of identifier) {
    if (NOT_MATCHED.has(el.tag)) continue;
    const column = columnsByTag.get(el.tag);
    // The columns hold text: a key of another VR (an undecodable UN…) is matched on the JSON.
    if (column === undefined || VR_INFO[el.vr].kind !== "string") return undefined;
    out.push({ tag: el.tag, column, vr: el.vr });
  }
  return out;
}

/** A candidate made of a row's column values (an empty column: the attribute is absent). */
function columnDataset(row: Row, keys: readonly KeyColumn[]): Dataset {
  const ds = new Dataset();
  for (const k of keys) {
    const value = row[k.column];
    if (value) ds.set(k.tag, value, k.vr);
  }
  return ds;
}

/** The computed attributes (PS3.4 C.6.1.1.x) as DICOM JSON keys: each is worked out only when asked for. */
const COMPUTED = {
  NumberOfPatientRelatedStudies: "00201200",
  NumberOfPatientRelatedSeries: "00201202",
  NumberOfPatientRelatedInstances: "00201204",
  NumberOfStudyRelatedSeries: "00201206",
  NumberOfStudyRelatedInstances: "00201208",
  NumberOfSeriesRelatedInstances: "00201209",
  ModalitiesInStudy: "00080061",
  SOPClassesInStudy: "00080062",
} as const;

/** Which of an entity's counts the database must work out for `wanted` at `level`. */
function neededCounts(level: QueryRetrieveLevel, wanted: ReadonlySet<string>) {
  const has = (k: keyof typeof COMPUTED) => wanted.has(COMPUTED[k]);
  return {
    series:
      (level === "PATIENT" && has("NumberOfPatientRelatedSeries")) ||
      (level === "STUDY" && has("NumberOfStudyRelatedSeries")),
    studies: level === "PATIENT" && has("NumberOfPatientRelatedStudies"),
    kinds: level === "STUDY" && (has("ModalitiesInStudy") || has("SOPClassesInStudy")),
  };
}

/**
 * The entity's dataset: its first instance's `wanted` attributes, plus the level's computed ones
 * that are wanted (PS3.4 C.6.1.1.x).
 */
function entityOf(
  level: QueryRetrieveLevel,
  g: Group,
  attributes: string | null | undefined,
  wanted: ReadonlySet<string>,
): Dataset {
  const ds = pickedDataset(attributes, wanted);
  const is = (keyword: keyof typeof COMPUTED, n: number) => {
    if (wanted.has(COMPUTED[keyword])) ds.set(keyword, String(n), "IS");
  };
  const list = (keyword: keyof typeof COMPUTED, values: readonly string[], vr: "CS" | "UI") => {
    if (wanted.has(COMPUTED[keyword])) ds.set(keyword, values.filter((v) => v !== "").sort(), vr);
  };
  if (level === "PATIENT") {
    is("NumberOfPatientRelatedStudies", g.studies);
    is("NumberOfPatientRelatedSeries", g.series);
    is("NumberOfPatientRelatedInstances", g.instances);
  } else if (level === "STUDY") {
    list("ModalitiesInStudy", g.modalities, "CS");
    list("SOPClassesInStudy", g.sopClasses, "UI");
    is("NumberOfStudyRelatedSeries", g.series);
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

  /**
   * The entities above IMAGE level matching `where`, in key order, a page of entities at a time:
   * the database counts each one's instances, series and studies (GROUP BY), so a scan returns
   * one row per entity instead of one per instance; when asked, STUDY level also lists each study's distinct
   * modalities and SOP classes. `first` is the entity's first instance in SOP Instance UID order.
   */
  private async *groups(
    level: QueryRetrieveLevel,
    group: string,
    where: { sql: string; params: readonly string[] },
    wanted: ReadonlySet<string>,
  ): AsyncGenerator<{ first: string; group: Group }> {
    // Distinct counts cost the database a sort each: only those asked for are worked out.
    const need = neededCounts(level, wanted);
    const series = need.series ? "count(DISTINCT series_instance_uid)" : "0";
    const studies = need.studies ? "count(DISTINCT study_instance_uid)" : "0";
    let after: string | undefined;
    for (;;) {
      const page = await this.driver.query(
        `SELECT ${group} AS grp, min(sop_instance_uid) AS first, count(*) AS instances,
                ${series} AS series, ${studies} AS studies
         FROM instances WHERE (${where.sql})${after !== undefined ? ` AND ${group} > ?` : ""}
         GROUP BY ${group} ORDER BY ${group} LIMIT ${PAGE}`,
        after !== undefined ? [...where.params, after] : where.params,
      );
      const kinds = new Map<string, { modalities: Set<string>; sopClasses: Set<string> }>();
      const firstKey = page[0]?.grp;
      const lastKey = page[page.length - 1]?.grp;
      if (need.kinds && firstKey != null && lastKey != null) {
        const rows = await this.driver.query(
          `SELECT DISTINCT ${group} AS grp, modality, sop_class_uid FROM instances
           WHERE (${where.sql}) AND ${group} >= ? AND ${group} <= ?`,
          [...where.params, firstKey, lastKey],
        );
        for (const r of rows) {
          const k = kinds.get(r.grp ?? "") ?? { modalities: new Set<string>(), sopClasses: new Set<string>() };
          k.modalities.add(r.modality ?? "");
          k.sopClasses.add(r.sop_class_uid ?? "");
          kinds.set(r.grp ?? "", k);
        }
      }
      for (const row of page) {
        const k = kinds.get(row.grp ?? "");
        yield {
          first: row.first ?? "",
          // Counts are numbers from SQLite and strings from PostgreSQL (bigint).
          group: {
            instances: Number(row.instances),
            series: Number(row.series),
            studies: Number(row.studies),
            modalities: [...(k?.modalities ?? [])],
            sopClasses: [...(k?.sopClasses ?? [])],
          },
        };
      }
      if (page.length < PAGE) return;
      // A synchronous driver (SQLite) gives the event loop a turn between pages.
      await new Promise((resolve) => setImmediate(resolve));
      after = lastKey ?? "";
    }
  }

  async *query(model: InformationModel, level: QueryRetrieveLevel, identifier: Dataset): AsyncIterable<Dataset> {
    const test = compileQuery(identifier).test;
    const where = identifierCondition(model, level, identifier);
    const wanted = wantedKeys(identifier);
    if (level === "IMAGE") {
      for await (const row of this.rows("sop_instance_uid", where, "sop_instance_uid, attributes")) {
        const e = entityOf(level, NO_GROUP, row.attributes, wanted);
        if (test(e)) yield e;
      }
      return;
    }
    // Above IMAGE level an entity needs one instance's attributes: fetched once per entity.
    for await (const { first, group } of this.groups(level, groupColumn(level), where, wanted)) {
      const rows = await this.driver.query("SELECT attributes FROM instances WHERE sop_instance_uid = ?", [first]);
      const e = entityOf(level, group, rows[0]?.attributes, wanted);
      if (test(e)) yield e;
    }
  }

  async retrieve(model: InformationModel, level: QueryRetrieveLevel, identifier: Dataset): Promise<StoredInstance[]> {
    const test = compileQuery(identifier).test;
    const keys = keyColumns(identifier);
    const wanted = wantedKeys(identifier);
    const base = ["sop_instance_uid", "sop_class_uid", "path"];
    const columns =
      keys === undefined ? [...base, "attributes"] : [...new Set([...base, ...keys.map((k) => k.column)])];
    const out: StoredInstance[] = [];
    for await (const row of this.rows(
      "sop_instance_uid",
      identifierCondition(model, level, identifier),
      columns.join(", "),
    )) {
      if (!test(keys === undefined ? pickedDataset(row.attributes, wanted) : columnDataset(row, keys))) continue;
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
