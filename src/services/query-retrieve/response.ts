// The identifier of a pending C-FIND response (PS3.4 C.4.1.1.3.2): the query's keys, filled
// with the matching entity's values.
import { Dataset } from "../../dataset/dataset.js";
import { DataElement } from "../../dataset/element.js";
import { compileQuery, type MatchOptions } from "./matching.js";

const SPECIFIC_CHARACTER_SET = 0x00080005;
const QUERY_RETRIEVE_LEVEL = 0x00080052;
const RETRIEVE_AE_TITLE = 0x00080054;

/** Options of {@link buildResponse}. */
export interface BuildResponseOptions extends MatchOptions {
  /**
   * Retrieve AE Title (0008,0054) to answer with: the AE a C-MOVE or C-GET for this entity
   * should go to (PS3.4 C.4.1.1.3.2, optional). When unset, a Retrieve AE Title key is filled
   * from the candidate like any other key.
   */
  readonly retrieveAeTitle?: string | readonly string[];
}

function emptyElement(tag: number, vr: DataElement["vr"]): DataElement {
  return new DataElement(tag, vr, { raw: new Uint8Array(0) });
}

/** A copy of a dataset that shares element values but not sequence items (their parents differ). */
function copyDataset(source: Dataset): Dataset {
  const out = new Dataset();
  for (const el of source) {
    if (el.vr === "SQ") out.set(el.tag, source.sequence(el.tag).map(copyDataset), "SQ");
    else out.setElement(el);
  }
  return out;
}

function fill(query: Dataset, candidate: Dataset, options: BuildResponseOptions, top: boolean): Dataset {
  const out = new Dataset();
  // PS3.4 C.4.1.1.3.2: the response's Specific Character Set is the one its values are in.
  const charset = candidate.getElement(SPECIFIC_CHARACTER_SET);
  if (charset !== undefined) out.setElement(charset);
  for (const el of query) {
    const tag = el.tag;
    if (tag === SPECIFIC_CHARACTER_SET) continue;
    if (top && tag === QUERY_RETRIEVE_LEVEL) {
      out.setElement(el);
      continue;
    }
    if (top && tag === RETRIEVE_AE_TITLE && options.retrieveAeTitle !== undefined) continue;
    const value = candidate.getElement(tag);
    if (el.vr === "SQ") {
      if (value === undefined || value.vr !== "SQ") {
        out.set(tag, [], "SQ");
        continue;
      }
      const keyItems = query.sequence(tag);
      const items = candidate.sequence(tag);
      if (keyItems.length === 0) {
        // A sequence return key with no item: the whole sequence.
        out.set(tag, items.map(copyDataset), "SQ");
        continue;
      }
      const compiled = keyItems.map((k) => ({ key: k, q: compileQuery(k, options) }));
      const answered: Dataset[] = [];
      for (const item of items) {
        // Each candidate item that matches a key item, reduced to that key item's keys.
        const hit = compiled.find((c) => c.q.test(item));
        if (hit !== undefined) answered.push(fill(hit.key, item, options, false));
      }
      out.set(tag, answered, "SQ");
      continue;
    }
    out.setElement(value ?? emptyElement(tag, el.vr));
  }
  if (top && options.retrieveAeTitle !== undefined) {
    out.set(RETRIEVE_AE_TITLE, options.retrieveAeTitle, "AE");
  }
  return out;
}

/**
 * The response identifier for `candidate`, an entity that matched `query`: every key of the
 * query with the candidate's value (empty when the candidate has none), Query/Retrieve Level
 * as asked, Specific Character Set from the candidate, and Retrieve AE Title when given
 * (PS3.4 C.4.1.1.3.2). Sequence keys answer with the candidate's matching items reduced to the
 * keys of the key item (PS3.4 C.2.2.2.6), or the whole sequence for a key without items.
 * Element values are shared with the candidate, not copied.
 */
export function buildResponse(query: Dataset, candidate: Dataset, options: BuildResponseOptions = {}): Dataset {
  return fill(query, candidate, options, true);
}
