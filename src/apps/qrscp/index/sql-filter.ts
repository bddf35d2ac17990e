// Translating a C-FIND identifier into a SQL WHERE clause that selects a superset of the
// matches: every row it drops could not match, and each row it keeps is confirmed by the
// library's matching (PS3.4 C.2.2.2), so the SQL only narrows the scan and never decides.
import type { Dataset, InformationModel, QueryRetrieveLevel } from "../../../index.js";

/** The indexed columns, by the keyword whose value they hold. */
export const COLUMNS: Readonly<Record<string, string>> = {
  PatientID: "patient_id",
  StudyInstanceUID: "study_instance_uid",
  StudyDate: "study_date",
  AccessionNumber: "accession_number",
  StudyID: "study_id",
  SeriesInstanceUID: "series_instance_uid",
  Modality: "modality",
  SOPInstanceUID: "sop_instance_uid",
  SOPClassUID: "sop_class_uid",
};

const UID_KEYWORDS = new Set(["StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "SOPClassUID"]);
/** A UID list longer than this is left to the matching rather than bound as parameters. */
const MAX_LIST = 500;

/** A WHERE clause with `?` placeholders and its parameters. */
export interface SqlCondition {
  readonly sql: string;
  readonly params: readonly string[];
}

/** The column whose value identifies an entity of `level` (PS3.4 C.6: the level's unique key). */
export function groupColumn(level: QueryRetrieveLevel): string {
  switch (level) {
    case "PATIENT":
      return "patient_id";
    case "STUDY":
      return "study_instance_uid";
    case "SERIES":
      return "series_instance_uid";
    default:
      return "sop_instance_uid";
  }
}

/** The keywords of `level` and the levels above it in `model`: their values are the same across an entity. */
function keywordsAtOrAbove(model: InformationModel, level: QueryRetrieveLevel): Set<string> {
  const out = new Set<string>();
  for (const l of model.levels ?? []) {
    out.add(l.unique);
    for (const k of l.required) out.add(k);
    for (const k of l.optional) out.add(k);
    if (l.level === level) break;
  }
  return out;
}

/** `*` and `?` as SQL LIKE wildcards; `%`, `_` and the escape character itself taken literally. */
export function likePattern(wildcard: string): string {
  let out = "";
  for (const ch of wildcard) {
    if (ch === "*") out += "%";
    else if (ch === "?") out += "_";
    else if (ch === "%" || ch === "_" || ch === "\\") out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

/**
 * The condition for one key, or undefined when it is left to the matching alone. `caseSensitiveLike`
 * says whether the database's LIKE respects case (PostgreSQL) or not (SQLite: then LIKE keeps a
 * superset and the matching decides).
 */
function keyCondition(keyword: string, column: string, values: readonly string[]): SqlCondition | undefined {
  const nonEmpty = values.filter((v) => v !== "");
  if (nonEmpty.length === 0) return undefined; // PS3.4 C.2.2.2.3: universal
  if (UID_KEYWORDS.has(keyword)) {
    // PS3.4 C.2.2.2.2: List of UID Matching (one UID is a list of one).
    if (nonEmpty.length > MAX_LIST) return undefined;
    return { sql: `${column} IN (${nonEmpty.map(() => "?").join(", ")})`, params: nonEmpty };
  }
  if (nonEmpty.length !== 1) return undefined;
  const value = nonEmpty[0] as string;
  if (keyword === "StudyDate") {
    // PS3.4 C.2.2.2.5: single date or range of YYYYMMDD; anything else is left to the matching.
    // A stored value that is not 8 characters might still parse, so it stays a candidate.
    if (/^\d{8}$/.test(value)) return { sql: `(${column} = ? OR length(${column}) <> 8)`, params: [value] };
    const range = /^(\d{8})?-(\d{8})?$/.exec(value);
    if (range === null || (range[1] === undefined && range[2] === undefined)) return undefined;
    const parts: string[] = [];
    const params: string[] = [];
    if (range[1] !== undefined) {
      parts.push(`${column} >= ?`);
      params.push(range[1]);
    }
    if (range[2] !== undefined) {
      parts.push(`${column} <= ?`);
      params.push(range[2]);
    }
    return { sql: `((${parts.join(" AND ")}) OR length(${column}) <> 8)`, params };
  }
  if (/[*?]/.test(value)) {
    if (/^\*+$/.test(value)) return undefined; // "*" alone is universal (PS3.4 C.2.2.2.4 note)
    return { sql: `${column} LIKE ? ESCAPE '\\'`, params: [likePattern(value)] };
  }
  return { sql: `${column} = ?`, params: [value] };
}

/**
 * The WHERE clause (without the word) selecting the instance rows that may belong to a match of
 * `identifier` at `level`: only keys of that level and above (their values are shared by the
 * entity's instances, so whole entities are kept or dropped); "1=1" when nothing narrows.
 */
export function identifierCondition(
  model: InformationModel,
  level: QueryRetrieveLevel,
  identifier: Dataset,
): SqlCondition {
  const allowed = keywordsAtOrAbove(model, level);
  const parts: string[] = [];
  const params: string[] = [];
  for (const [keyword, column] of Object.entries(COLUMNS)) {
    if (!allowed.has(keyword) || !identifier.has(keyword)) continue;
    let values: string[];
    try {
      values = identifier.strings(keyword).map((v) => v.trim());
    } catch {
      continue; // undecodable: the matching says no match
    }
    const c = keyCondition(keyword, column, values);
    if (c === undefined) continue;
    parts.push(c.sql);
    params.push(...c.params);
  }
  return { sql: parts.length === 0 ? "1=1" : parts.join(" AND "), params };
}
