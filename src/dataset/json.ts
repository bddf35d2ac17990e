// The DICOM JSON Model, PS3.18 Annex F.2: a data set as a JSON object keyed by tag.
import { NetdicomError } from "../util/errors.js";
import { Dataset } from "./dataset.js";
import { DataElement } from "./element.js";
import { PersonName } from "./person-name.js";
import { ITEM, PIXEL_DATA } from "./reader.js";
import { type EncapsulatedPixelData, encodeValue, formatDecimalString } from "./values.js";
import { isVr, type VR, VR_INFO } from "./vr.js";

/** A PN value in the JSON model: its non-empty component groups (PS3.18 F.2.2). */
export interface DicomJsonPersonName {
  /** The alphabetic representation (PS3.18 F.2.2). */
  Alphabetic?: string;
  /** The ideographic representation. */
  Ideographic?: string;
  /** The phonetic representation. */
  Phonetic?: string;
}

/** One entry of a "Value" array; `null` is an empty value of a multi-valued attribute (PS3.18 F.2.5). */
export type DicomJsonValue = string | number | DicomJsonPersonName | DicomJsonObject | null;

/** An attribute object: the VR and at most one of Value, InlineBinary, BulkDataURI (PS3.18 F.2.2). */
export interface DicomJsonAttribute {
  /** The VR. */
  vr: VR;
  /** The values (absent when empty). */
  Value?: DicomJsonValue[];
  /** A binary value as Base64. */
  InlineBinary?: string;
  /** Where a large binary value can be fetched (PS3.18 F.2.6). */
  BulkDataURI?: string;
}

/** A data set in the DICOM JSON Model: attribute objects keyed by 8 uppercase hex digits. */
export type DicomJsonObject = Record<string, DicomJsonAttribute>;

/** Options of {@link datasetToJson}. */
export interface DatasetToJsonOptions {
  /**
   * Binary values (OB, OD, OF, OL, OV, OW, UN, encapsulated pixel data) longer than this many
   * bytes are offered to `bulkDataUri`. Default: none (everything inline).
   */
  readonly bulkDataThreshold?: number;
  /** The BulkDataURI of a large value, or undefined to keep it inline (PS3.18 F.2.6). */
  readonly bulkDataUri?: (tag: number, element: DataElement) => string | undefined;
}

/** Options of {@link datasetFromJson}. */
export interface DatasetFromJsonOptions {
  /** The bytes behind a BulkDataURI, little endian as PS3.18 F.2.6 delivers them. */
  readonly resolveBulkData?: (uri: string, tag: number, vr: VR) => Uint8Array;
}

/** JSON that is not a valid DICOM JSON Model object, with the path of the offending key. */
export class DicomJsonError extends NetdicomError {
  /** "DicomJsonError": the name of this error class. */
  override readonly name = "DicomJsonError";
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_DICOM_JSON", message, options);
  }
}

/** "GGGGEEEE", the key of an attribute object and the form of an AT value (PS3.18 F.2.2, F.2.3). */
export function jsonTag(tag: number): string {
  return (tag >>> 0).toString(16).toUpperCase().padStart(8, "0");
}

const HEX8 = /^[0-9A-Fa-f]{8}$/;

function parseJsonTag(key: string, where: string): number {
  if (!HEX8.test(key)) throw new DicomJsonError(`${where}: ${JSON.stringify(key)} is not 8 hex digits`);
  return Number.parseInt(key, 16) >>> 0;
}

function toBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
}

function fromBase64(s: string): Uint8Array {
  const b = Buffer.from(s, "base64");
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Encapsulated pixel data as the bytes of its items (Basic Offset Table first), in Explicit VR
 * Little Endian and without the Sequence Delimitation Item. DCMTK's dcm2json refuses to inline
 * compressed pixel data; this is the form pydicom uses, and {@link datasetFromJson} reads it back.
 */
function encapsulatedBytes(v: EncapsulatedPixelData): Uint8Array {
  const items = [v.basicOffsetTable, ...v.fragments];
  let size = 0;
  for (const it of items) size += 8 + it.byteLength + (it.byteLength % 2);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let o = 0;
  for (const it of items) {
    view.setUint16(o, ITEM >>> 16, true);
    view.setUint16(o + 2, ITEM & 0xffff, true);
    view.setUint32(o + 4, it.byteLength + (it.byteLength % 2), true);
    out.set(it, o + 8);
    o += 8 + it.byteLength + (it.byteLength % 2);
  }
  return out;
}

/** Reads item-encoded bytes back into fragments; undefined unless they parse exactly. */
function parseEncapsulated(b: Uint8Array): EncapsulatedPixelData | undefined {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const items: Uint8Array[] = [];
  let o = 0;
  while (o < b.byteLength) {
    if (o + 8 > b.byteLength) return undefined;
    if (view.getUint16(o, true) !== ITEM >>> 16 || view.getUint16(o + 2, true) !== (ITEM & 0xffff)) return undefined;
    const len = view.getUint32(o + 4, true);
    if (o + 8 + len > b.byteLength) return undefined;
    items.push(b.subarray(o + 8, o + 8 + len));
    o += 8 + len;
  }
  const [basicOffsetTable, ...fragments] = items;
  return basicOffsetTable === undefined ? undefined : { basicOffsetTable, fragments };
}

const latin1 = new TextDecoder("latin1");

/**
 * DS and IS values from the element's own text when it has any, so that a value that is not a
 * valid number survives as a string (PS3.18 F.2.3: "Number or String") instead of becoming null.
 */
function numberStrings(el: DataElement, ds: Dataset): DicomJsonValue[] {
  const values = el.value(ds.charsets) as number[];
  if (el.raw === undefined) return values.map((n) => (Number.isNaN(n) ? null : n));
  return latin1
    .decode(el.raw)
    .split("\\")
    .map((s) => {
      const t = s.trim();
      if (t === "") return null;
      const n = Number(t);
      return Number.isFinite(n) ? n : t;
    });
}

/** SV and UV: a JSON number where it is exact, else the decimal string (PS3.18 F.2.3 note). */
function bigintValue(b: bigint): number | string {
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b.toString();
}

function attribute(el: DataElement, ds: Dataset, options: DatasetToJsonOptions): DicomJsonAttribute {
  const vr = el.vr;
  const out: DicomJsonAttribute = { vr };
  if (vr === "SQ") {
    const items = el.value([]) as Dataset[];
    if (items.length > 0) out.Value = items.map((item) => datasetToJson(item, options));
    return out;
  }
  const value = el.value(ds.charsets);
  const binary = value instanceof Uint8Array || !Array.isArray(value);
  if (binary) {
    const bytes = value instanceof Uint8Array ? value : encapsulatedBytes(value);
    if (bytes.byteLength === 0) return out;
    const threshold = options.bulkDataThreshold;
    if (threshold !== undefined && bytes.byteLength > threshold && options.bulkDataUri) {
      const uri = options.bulkDataUri(el.tag, el);
      if (uri !== undefined) {
        out.BulkDataURI = uri;
        return out;
      }
    }
    out.InlineBinary = toBase64(bytes);
    return out;
  }
  if (value.length === 0) return out;
  switch (VR_INFO[vr].kind) {
    case "number-string":
      out.Value = numberStrings(el, ds);
      break;
    case "pn":
      out.Value = (value as PersonName[]).map((p) => (p.toString() === "" ? null : p.toJSON()));
      break;
    case "bigint":
      out.Value = (value as bigint[]).map(bigintValue);
      break;
    case "tag":
      out.Value = (value as number[]).map(jsonTag);
      break;
    case "binary":
      out.Value = value as number[];
      break;
    default:
      out.Value = (value as string[]).map((s) => (s === "" ? null : s));
  }
  return out;
}

/**
 * A data set in the DICOM JSON Model (PS3.18 F.2). Group lengths are left out (F.2.2); private
 * elements and their creators are kept; DS/IS become numbers unless their text is not a number;
 * SV/UV beyond ±2^53 become strings; binary values are InlineBinary (base64, little endian)
 * unless `bulkDataUri` gives a BulkDataURI for those over `bulkDataThreshold`.
 */
export function datasetToJson(ds: Dataset, options: DatasetToJsonOptions = {}): DicomJsonObject {
  const out: DicomJsonObject = {};
  // Keys in ascending order (F.2.2): fixed-width hex sorts like the numeric tags.
  for (const el of ds) {
    if ((el.tag & 0xffff) === 0) continue; // F.2.2: no group length attributes
    out[jsonTag(el.tag)] = attribute(el, ds, options);
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function personName(v: unknown, where: string): PersonName {
  if (v === null) return new PersonName("");
  if (typeof v === "string") return new PersonName(v); // lenient: some writers use the PS3.5 form
  if (!isObject(v)) throw new DicomJsonError(`${where}: a PN value must be an object`);
  const group = (k: string): string => {
    const g = v[k];
    if (g === undefined) return "";
    if (typeof g !== "string") throw new DicomJsonError(`${where}: ${k} must be a string`);
    return g;
  };
  return new PersonName({
    alphabetic: group("Alphabetic"),
    ideographic: group("Ideographic"),
    phonetic: group("Phonetic"),
  });
}

function jsonValues(values: unknown[], vr: VR, where: string, options: DatasetFromJsonOptions): unknown {
  switch (VR_INFO[vr].kind) {
    case "sequence":
      return values.map((item, i) => {
        if (item === null) return new Dataset();
        if (!isObject(item)) throw new DicomJsonError(`${where}[${i}]: a sequence item must be an object`);
        return datasetFromJsonAt(item, `${where}[${i}]`, options);
      });
    case "pn":
      return values.map((v, i) => personName(v, `${where}[${i}]`));
    case "bigint":
      return values.map((v) => {
        if (typeof v === "number" || typeof v === "string") {
          try {
            return BigInt(v);
          } catch (e) {
            throw new DicomJsonError(`${where}: ${JSON.stringify(v)} is not an integer`, { cause: e });
          }
        }
        throw new DicomJsonError(`${where}: ${vr} values must be numbers or strings`);
      });
    case "tag":
      return values.map((v) => {
        if (typeof v !== "string") throw new DicomJsonError(`${where}: AT values must be strings`);
        return parseJsonTag(v, where);
      });
    case "binary":
      return values.map((v) => {
        if (typeof v !== "number") throw new DicomJsonError(`${where}: ${vr} values must be numbers`);
        return v;
      });
    default:
      return values.map((v) => {
        if (v === null) return "";
        if (typeof v === "string") return v;
        if (typeof v === "number") return String(v);
        throw new DicomJsonError(`${where}: ${vr} values must be strings`);
      });
  }
}

/** DS/IS from JSON numbers or strings, kept as text so "1.50" or a non-number survive as given. */
function numberStringElement(tag: number, vr: VR, values: unknown[], where: string): DataElement {
  const parts = values.map((v) => {
    if (v === null) return "";
    if (typeof v === "string") return v;
    if (typeof v === "number") return vr === "DS" ? formatDecimalString(v) : String(v);
    throw new DicomJsonError(`${where}: ${vr} values must be numbers or strings`);
  });
  return new DataElement(tag, vr, { raw: encodeValue(parts, vr, true, []), littleEndian: true });
}

function elementFromJson(tag: number, attr: Record<string, unknown>, where: string, options: DatasetFromJsonOptions) {
  const vr = attr.vr;
  if (typeof vr !== "string" || !isVr(vr)) throw new DicomJsonError(`${where}: unknown vr ${JSON.stringify(vr)}`);
  const { Value: value, InlineBinary: inline, BulkDataURI: uri } = attr;
  if ([value, inline, uri].filter((x) => x !== undefined).length > 1) {
    throw new DicomJsonError(`${where}: at most one of Value, InlineBinary, BulkDataURI`);
  }
  let bytes: Uint8Array | undefined;
  if (typeof inline === "string") bytes = fromBase64(inline);
  else if (inline !== undefined) throw new DicomJsonError(`${where}: InlineBinary must be a string`);
  if (typeof uri === "string") {
    if (!options.resolveBulkData) throw new DicomJsonError(`${where}: BulkDataURI ${uri} and no resolveBulkData`);
    bytes = options.resolveBulkData(uri, tag, vr);
  } else if (uri !== undefined) throw new DicomJsonError(`${where}: BulkDataURI must be a string`);
  if (bytes !== undefined) {
    // PS3.18 F.2.6/F.2.7: bulk data and inline binary carry element values, never a sequence's items
    if (vr === "SQ") throw new DicomJsonError(`${where}: SQ takes Value (items), not InlineBinary or BulkDataURI`);
    if (tag === PIXEL_DATA && (vr === "OB" || vr === "OW")) {
      const encapsulated = parseEncapsulated(bytes);
      if (encapsulated) return new DataElement(tag, vr, { value: encapsulated, undefinedLength: true });
    }
    // PS3.18 F.2.6/F.2.7: binary in little endian, so it is the Value Field of Explicit VR LE
    return new DataElement(tag, vr, { raw: bytes, littleEndian: true });
  }
  if (value !== undefined && !Array.isArray(value)) throw new DicomJsonError(`${where}: Value must be an array`);
  const values = value ?? [];
  if (VR_INFO[vr].kind === "number-string") return numberStringElement(tag, vr, values, where);
  if (VR_INFO[vr].kind === "bytes") {
    if (values.length > 0) throw new DicomJsonError(`${where}: ${vr} takes InlineBinary or BulkDataURI, not Value`);
    return new DataElement(tag, vr, { value: new Uint8Array(0) });
  }
  return { tag, vr, value: jsonValues(values, vr, where, options) };
}

function datasetFromJsonAt(json: Record<string, unknown>, where: string, options: DatasetFromJsonOptions): Dataset {
  const ds = new Dataset();
  for (const [key, attr] of Object.entries(json)) {
    const path = `${where}/${key}`;
    const tag = parseJsonTag(key, path);
    if (!isObject(attr)) throw new DicomJsonError(`${path}: an attribute must be an object`);
    const el = elementFromJson(tag, attr, path, options);
    if (el instanceof DataElement) ds.setElement(el);
    else ds.set(el.tag, el.value, el.vr);
  }
  return ds;
}

/**
 * A data set from the DICOM JSON Model (PS3.18 F.2): the inverse of {@link datasetToJson}.
 * Throws {@link DicomJsonError} (code `ERR_DICOM_JSON`) naming the path of a malformed attribute.
 */
export function datasetFromJson(json: unknown, options: DatasetFromJsonOptions = {}): Dataset {
  if (!isObject(json)) throw new DicomJsonError("a DICOM JSON data set must be an object");
  return datasetFromJsonAt(json, "", options);
}
