// Identifiers for C-FIND, C-GET and C-MOVE (PS3.4 C.4.1.1.3, C.4.2.1.4, C.4.3.1.3): built from
// plain objects, or from keyword paths as findscu's `-k` takes them.
import { Dataset, defaultVr } from "../../dataset/dataset.js";
import { formatTag, keywordForTag, parseTag } from "../../dataset/dictionary.js";
import { DataElement } from "../../dataset/element.js";
import { PersonName } from "../../dataset/person-name.js";
import { type VR, VR_INFO } from "../../dataset/vr.js";
import { NetdicomError } from "../../util/errors.js";

/**
 * One value of an identifier given as a plain object: a string (`"DOE*"`, `"20240101-"`,
 * backslash-separated values `"CT\\MR"`), a number, an array of those, `null`, `undefined` or
 * `""` for a return key (universal matching, PS3.4 C.2.2.2.3), a nested object for a sequence
 * with one item, an array of objects for several items, `[]` for an empty sequence.
 */
export type IdentifierValue =
  | string
  | number
  | bigint
  | null
  | undefined
  | PersonName
  | readonly (string | number | bigint | PersonName)[]
  | IdentifierInit
  | readonly IdentifierInit[];

/** An identifier as a plain object of keywords (or tags: `"(0010,0010)"`, `"00100010"`) and values. */
export interface IdentifierInit {
  readonly [key: string]: IdentifierValue;
}

/** A bad identifier key, value or keyword path; `code` is `ERR_BAD_IDENTIFIER`. */
export class IdentifierError extends NetdicomError {
  override readonly name = "IdentifierError";
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_BAD_IDENTIFIER", message, options);
  }
}

/** Deepest sequence nesting a keyword path or a plain object may ask for. */
const MAX_DEPTH = 32;
/** Highest item index a keyword path may name: items before it are created empty. */
const MAX_ITEM_INDEX = 1023;

function isPlainObject(v: unknown): v is IdentifierInit {
  return typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

function resolveKey(key: string): number {
  try {
    return parseTag(key);
  } catch (err) {
    throw new IdentifierError(`unknown attribute ${JSON.stringify(key)}: not a PS3.6 keyword nor a tag`, {
      cause: err,
    });
  }
}

function describeKey(tag: number): string {
  const kw = keywordForTag(tag);
  return kw === undefined ? formatTag(tag) : `${kw} ${formatTag(tag)}`;
}

/**
 * The values of a non-sequence element from one text, as the wire would carry them: split at
 * backslashes for the VRs whose values are multi-valued (PS3.5 6.2; LT, ST, UT and UR hold one
 * value and may contain backslashes), empty for an empty text.
 */
function valuesFromText(text: string, vr: VR, tag: number): unknown[] {
  if (text === "") return [];
  const kind = VR_INFO[vr].kind;
  switch (kind) {
    case "text":
      return [text];
    case "string":
    case "number-string":
      return text.split("\\");
    case "pn":
      return text.split("\\").map((s) => new PersonName(s));
    case "tag":
      return text.split("\\").map((s) => resolveKey(s));
    case "binary":
    case "bigint":
      return text.split("\\").map((s) => {
        const t = s.trim();
        if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
          throw new IdentifierError(`${describeKey(tag)} (${vr}) needs numbers, not ${JSON.stringify(s)}`);
        }
        return kind === "bigint" ? BigInt(t) : Number(t);
      });
    default:
      throw new IdentifierError(`${describeKey(tag)} has VR ${vr}, which an identifier cannot give as text`);
  }
}

function setValue(ds: Dataset, tag: number, value: IdentifierValue, depth: number): void {
  const vr = ds.getElement(tag)?.vr ?? defaultVr(tag, ds);
  if (vr === "SQ") {
    if (value === null || value === undefined || value === "") {
      ds.set(tag, [], "SQ");
      return;
    }
    const items = Array.isArray(value) ? value : [value];
    const built = items.map((item: unknown) => {
      if (item instanceof Dataset) return item;
      if (isPlainObject(item)) return fromObject(item, depth + 1);
      throw new IdentifierError(`${describeKey(tag)} is a sequence: give an object or an array of objects`);
    });
    ds.set(tag, built, "SQ");
    return;
  }
  if (isPlainObject(value) || (Array.isArray(value) && value.some((v) => isPlainObject(v)))) {
    throw new IdentifierError(`${describeKey(tag)} is not a sequence (VR ${vr}) but was given an object`);
  }
  if (value === null || value === undefined) {
    ds.setElement(new DataElement(tag, vr, { raw: new Uint8Array(0) }));
    return;
  }
  const parts = Array.isArray(value) ? value : [value];
  const values: unknown[] = [];
  for (const p of parts) {
    if (typeof p === "string") values.push(...valuesFromText(p, vr, tag));
    else values.push(p);
  }
  if (values.length === 0) {
    ds.setElement(new DataElement(tag, vr, { raw: new Uint8Array(0) }));
    return;
  }
  if (VR_INFO[vr].kind === "bytes") {
    throw new IdentifierError(`${describeKey(tag)} has VR ${vr}: only an empty return key is possible`);
  }
  ds.set(tag, values, vr);
}

function fromObject(init: IdentifierInit, depth: number): Dataset {
  if (depth > MAX_DEPTH) throw new IdentifierError(`sequences nested deeper than ${MAX_DEPTH} levels`);
  const ds = new Dataset();
  for (const [key, value] of Object.entries(init)) setValue(ds, resolveKey(key), value, depth);
  return ds;
}

/**
 * A C-FIND/C-GET/C-MOVE identifier from a plain object such as
 * `{ QueryRetrieveLevel: "STUDY", PatientName: "DOE*", StudyDate: "20240101-", ModalitiesInStudy: "" }`
 * (see {@link IdentifierValue}), or the given `Dataset` itself. Throws {@link IdentifierError}
 * for an unknown keyword or a value the attribute's VR cannot hold.
 */
export function buildIdentifier(input: Dataset | IdentifierInit): Dataset {
  if (input instanceof Dataset) return input;
  if (!isPlainObject(input)) throw new IdentifierError("an identifier is a Dataset or a plain object of keywords");
  return fromObject(input, 0);
}

/** One step of a keyword path: an attribute, and for a sequence the item index. */
export interface KeyPathSegment {
  /** The attribute's tag (group << 16 | element). */
  readonly tag: number;
  /** The item of the sequence (0-based); present on every segment but possibly the last. */
  readonly item?: number;
}

/** A parsed keyword path: where, and the value (`undefined` when no `=` was given). */
export interface KeyPath {
  /** The attributes from the top-level data set down, one per `.`-separated part. */
  readonly segments: readonly KeyPathSegment[];
  /** The text after the first `=`; `""` or `undefined` asks for a return key. */
  readonly value: string | undefined;
}

const SEGMENT =
  /^(\([0-9a-f]{4},[0-9a-f]{4}\)|[0-9a-f]{4},[0-9a-f]{4}|[0-9a-f]{8}|[A-Za-z][A-Za-z0-9]*)(?:\[(\d+)\])?$/i;

/**
 * Parses a keyword path as pynetdicom's findscu `-k` takes it:
 * `PatientName=DOE*`, `(0010,0010)=DOE*`, `0010,0010=DOE*`, `PatientName=` or `PatientName`
 * (a return key), `ReferencedStudySequence[0].StudyInstanceUID=1.2.3` (nested sequences,
 * 0-based item indexes), `ReferencedStudySequence=` (an empty sequence). Everything after the
 * first `=` is the value (person names may contain `=`); backslashes separate values.
 * Throws {@link IdentifierError} naming what is wrong.
 */
export function parseKeyPath(text: string): KeyPath {
  const eq = text.indexOf("=");
  const pathText = (eq === -1 ? text : text.slice(0, eq)).trim();
  const value = eq === -1 ? undefined : text.slice(eq + 1);
  if (pathText === "") throw new IdentifierError(`keyword path ${JSON.stringify(text)} names no attribute`);
  const parts = pathText.split(".");
  if (parts.length > MAX_DEPTH) throw new IdentifierError(`keyword path ${JSON.stringify(text)} is nested too deep`);
  const segments: KeyPathSegment[] = [];
  parts.forEach((part, i) => {
    const m = SEGMENT.exec(part.trim());
    if (!m) {
      throw new IdentifierError(
        `keyword path ${JSON.stringify(text)}: ${JSON.stringify(part)} is not a keyword, a tag or keyword[index]`,
      );
    }
    const tag = resolveKey(m[1] as string);
    const last = i === parts.length - 1;
    if (m[2] === undefined) {
      if (!last) {
        throw new IdentifierError(
          `keyword path ${JSON.stringify(text)}: ${m[1]} needs an item index before ".", e.g. ${m[1]}[0]`,
        );
      }
      segments.push({ tag });
      return;
    }
    const item = Number(m[2]);
    if (item > MAX_ITEM_INDEX) {
      throw new IdentifierError(`keyword path ${JSON.stringify(text)}: item index ${item} is above ${MAX_ITEM_INDEX}`);
    }
    if (defaultVr(tag) !== "SQ") {
      throw new IdentifierError(`keyword path ${JSON.stringify(text)}: ${describeKey(tag)} is not a sequence`);
    }
    segments.push({ tag, item });
  });
  const final = segments[segments.length - 1] as KeyPathSegment;
  if (final.item !== undefined && value !== undefined && value !== "") {
    throw new IdentifierError(`keyword path ${JSON.stringify(text)}: a sequence item cannot take the value ${value}`);
  }
  return { segments, value };
}

/** The item `index` of sequence `tag` in `ds`, creating the sequence and empty items up to it. */
function itemAt(ds: Dataset, tag: number, index: number): Dataset {
  const existing = ds.getElement(tag)?.vr === "SQ" ? ds.sequence(tag) : [];
  const items = [...existing];
  for (let i = items.length; i <= index; i++) items.push(new Dataset());
  if (items.length !== existing.length) ds.set(tag, items, "SQ");
  return items[index] as Dataset;
}

/**
 * Applies keyword paths (see {@link parseKeyPath}) to `ds` in order, adding or replacing
 * elements, and returns `ds`. A later path overrides an earlier one for the same attribute.
 */
export function applyKeyPaths(ds: Dataset, paths: readonly string[]): Dataset {
  for (const text of paths) {
    const { segments, value } = parseKeyPath(text);
    let target = ds;
    for (let i = 0; i < segments.length - 1; i++) {
      const seg = segments[i] as KeyPathSegment;
      target = itemAt(target, seg.tag, seg.item as number);
    }
    const final = segments[segments.length - 1] as KeyPathSegment;
    if (final.item !== undefined) {
      itemAt(target, final.tag, final.item);
      continue;
    }
    try {
      setValue(target, final.tag, value ?? null, 0);
    } catch (err) {
      if (err instanceof IdentifierError) {
        throw new IdentifierError(`keyword path ${JSON.stringify(text)}: ${err.message}`, { cause: err });
      }
      throw err;
    }
  }
  return ds;
}

/** A new identifier from keyword paths alone: `identifierFromKeyPaths(["QueryRetrieveLevel=STUDY", "PatientName="])`. */
export function identifierFromKeyPaths(paths: readonly string[]): Dataset {
  return applyKeyPaths(new Dataset(), paths);
}
