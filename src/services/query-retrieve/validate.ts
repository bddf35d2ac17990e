// Structural checks of a C-FIND, C-GET or C-MOVE identifier against its information model's
// levels (PS3.4 C.4.1.2, C.4.1.3, C.4.2.2, C.4.2.3), with the failure status each problem is
// answered with.
import type { Dataset } from "../../dataset/dataset.js";
import { keywordForTag, tagForKeyword } from "../../dataset/dictionary.js";
import type { InformationModel, LevelKeys, QueryRetrieveOperation } from "./models.js";

/** PS3.4 C.4.1.1.4, C.4.2.1.5, C.4.3.1.4: "Identifier does not match SOP Class". */
export const IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS = 0xa900;
/** PS3.4 C.4.1.1.4, C.4.2.1.5, C.4.3.1.4: "Unable to process" (0xC000–0xCFFF); ours is 0xC000. */
export const UNABLE_TO_PROCESS = 0xc000;

/** One thing wrong with an identifier, and the failure status to answer it with. */
export interface IdentifierProblem {
  /** Stable: `missing-level`, `unknown-level`, `no-such-operation`, `key-below-level`, `missing-unique-key`, `unique-key-not-single`. */
  readonly code: string;
  /** What is wrong, for a person (it goes in the Error Comment). */
  readonly message: string;
  /** 0xA900 (the identifier does not fit the model) or 0xC000 (its values cannot be processed). */
  readonly status: number;
  /** The attribute concerned, when there is one. */
  readonly tag?: number;
}

/** Options of {@link validateIdentifier}. */
export interface ValidateIdentifierOptions {
  /**
   * Relational queries/retrieves were negotiated (PS3.4 C.4.1.2.2, C.4.2.2.2): unique keys of
   * the levels above need not be given. Default false: hierarchical (the baseline).
   */
  readonly relational?: boolean;
}

const QUERY_RETRIEVE_LEVEL = 0x00080052;

function values(ds: Dataset, tag: number): string[] {
  try {
    return ds.strings(tag).filter((s) => s !== "");
  } catch {
    return [];
  }
}

function isSingleValue(vals: readonly string[]): boolean {
  const v = vals[0];
  return vals.length === 1 && v !== undefined && !v.includes("*") && !v.includes("?");
}

/** The level each listed key of the model belongs to (its top-most level). */
function keyLevels(levels: readonly LevelKeys[]): Map<number, number> {
  const out = new Map<number, number>();
  levels.forEach((l, i) => {
    for (const kw of [l.unique, ...l.required, ...l.optional]) {
      const tag = tagForKeyword(kw);
      if (tag !== undefined && !out.has(tag)) out.set(tag, i);
    }
  });
  return out;
}

/**
 * The problems of `identifier` for `operation` in `model`, empty when it is acceptable:
 * Query/Retrieve Level missing or not a level of the model; keys of levels below the
 * Query/Retrieve Level (PS3.4 C.4.1.2.1, C.4.1.3.1: not allowed); for hierarchical operations,
 * unique keys of the levels above missing or not one single value (C.4.1.2.1, C.4.2.2.1); for
 * C-GET/C-MOVE, the unique key of the level missing (C.4.2.1.4.1); several Patient IDs, which
 * only List of UID Matching could carry (C.4.2.1.4.1 note). Models without levels (worklists,
 * hanging protocols…) have nothing to check here. Answer with the first problem's status.
 */
export function validateIdentifier(
  identifier: Dataset,
  model: InformationModel,
  operation: QueryRetrieveOperation,
  options: ValidateIdentifierOptions = {},
): IdentifierProblem[] {
  const problems: IdentifierProblem[] = [];
  const sopClass = operation === "FIND" ? model.find : operation === "GET" ? model.get : model.move;
  if (sopClass === undefined) {
    problems.push({
      code: "no-such-operation",
      message: `the ${model.title} has no C-${operation} SOP class`,
      status: IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
    });
    return problems;
  }
  const levels = model.levels;
  if (levels === undefined) return problems;
  const levelText = values(identifier, QUERY_RETRIEVE_LEVEL)[0]?.trim();
  if (levelText === undefined) {
    problems.push({
      code: "missing-level",
      message: "the identifier has no Query/Retrieve Level (0008,0052)",
      status: IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
      tag: QUERY_RETRIEVE_LEVEL,
    });
    return problems;
  }
  const index = levels.findIndex((l) => l.level === levelText);
  if (index === -1) {
    problems.push({
      code: "unknown-level",
      message: `Query/Retrieve Level ${JSON.stringify(levelText)} is not one of the ${model.title}'s levels (${levels.map((l) => l.level).join(", ")})`,
      status: IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
      tag: QUERY_RETRIEVE_LEVEL,
    });
    return problems;
  }
  const level = levels[index] as LevelKeys;

  const owners = keyLevels(levels);
  for (const tag of identifier.tags()) {
    const owner = owners.get(tag);
    if (owner !== undefined && owner > index) {
      const below = levels[owner] as LevelKeys;
      problems.push({
        code: "key-below-level",
        message: `${keywordForTag(tag) ?? tag} is a ${below.level} key, below the Query/Retrieve Level ${level.level}`,
        status: IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
        tag,
      });
    }
  }

  const retrieve = operation !== "FIND";
  const uniqueTags = new Set<number>();
  for (let i = 0; i <= index; i++) {
    const l = levels[i] as LevelKeys;
    const tag = tagForKeyword(l.unique);
    if (tag === undefined || uniqueTags.has(tag)) continue; // FRAME repeats IMAGE's SOP Instance UID
    uniqueTags.add(tag);
    const atLevel = i === index || levels[index]?.unique === l.unique;
    const vals = values(identifier, tag);
    if (!atLevel && options.relational) continue;
    if (atLevel && !retrieve) {
      // C-FIND: the unique key of the query level is any key (universal, single, list of UIDs)…
      if (l.level === "PATIENT" && vals.length > 1) {
        problems.push({
          code: "unique-key-not-single",
          message: `Patient ID (0010,0020) has ${vals.length} values; only one may be given`,
          status: UNABLE_TO_PROCESS,
          tag,
        });
      }
      continue;
    }
    if (vals.length === 0) {
      problems.push({
        code: "missing-unique-key",
        message: atLevel
          ? `a C-${operation} at ${l.level} level needs ${l.unique} (the unique key of the level)`
          : `a hierarchical ${operation === "FIND" ? "query" : "retrieve"} at ${level.level} level needs ${l.unique} (the unique key of the ${l.level} level)`,
        status: IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
        tag,
      });
      continue;
    }
    // Above the level: one single value. At the level (C-GET/C-MOVE): one value or a list of
    // UIDs, but Patient ID only ever one value (PS3.4 C.4.2.1.4.1 note).
    const listAllowed = atLevel && l.level !== "PATIENT";
    const ok = listAllowed ? vals.every((v) => !v.includes("*") && !v.includes("?")) : isSingleValue(vals);
    if (!ok) {
      problems.push({
        code: "unique-key-not-single",
        message: `${l.unique} must be ${listAllowed ? "one or more UIDs" : "a single value"} without wild cards, not ${JSON.stringify(vals.join("\\"))}`,
        status: UNABLE_TO_PROCESS,
        tag,
      });
    }
  }
  return problems;
}

/** The status to answer a request with given its problems: the first one's, or `undefined` when there are none. */
export function identifierFailureStatus(problems: readonly IdentifierProblem[]): number | undefined {
  return problems[0]?.status;
}
