// A dcmdump-like listing of a data set: one line per element, sequences indented.
import {
  type DataElement,
  type Dataset,
  type EncapsulatedPixelData,
  keywordForTag,
  type PersonName,
  type PixelDataLocation,
  uidEntry,
  VR_INFO,
} from "../index.js";

/** Longest value text printed before it is cut with "..." (dcmdump does the same). */
const MAX_VALUE_CHARS = 64;
/** Column where the "# length, VM keyword" comment starts, as in dcmdump. */
const COMMENT_COLUMN = 55;

const hex4 = (n: number): string => n.toString(16).padStart(4, "0");

/** "(gggg,eeee)" in lower case, as dcmdump prints tags. */
export function dumpTag(tag: number): string {
  return `(${hex4(tag >>> 16)},${hex4(tag & 0xffff)})`;
}

function cut(text: string): string {
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}...` : text;
}

/** Hex words of a binary value in its VR's word size, like dcmdump's `01\02` or `1234\abcd`. */
function hexWords(bytes: Uint8Array, vr: string): string {
  const size = vr === "OW" ? 2 : vr === "OL" || vr === "OF" ? 4 : vr === "OD" || vr === "OV" ? 8 : 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words: string[] = [];
  // Only as many words as can be shown: the value may be large.
  for (let o = 0; o + size <= bytes.byteLength && words.join("\\").length <= MAX_VALUE_CHARS; o += size) {
    let w = "";
    for (let i = size - 1; i >= 0; i--) w += (view.getUint8(o + i) as number).toString(16).padStart(2, "0");
    words.push(w);
  }
  const text = words.join("\\");
  return words.length * size < bytes.byteLength ? `${cut(text)}...` : cut(text);
}

function line(indent: string, head: string, length: string, vm: number, name: string): string {
  const left = `${indent}${head}`;
  return `${left.padEnd(COMMENT_COLUMN + indent.length)} # ${length.padStart(3)}, ${vm} ${name}`;
}

function nameOf(tag: number): string {
  return keywordForTag(tag) ?? "Unknown Tag & Data";
}

/** The value text and VM of a non-sequence element. */
function valueText(el: DataElement, ds: Dataset): { text: string; vm: number } {
  const value = el.value(ds.charsets);
  if (value instanceof Uint8Array) {
    return value.byteLength === 0 ? { text: "(no value available)", vm: 0 } : { text: hexWords(value, el.vr), vm: 1 };
  }
  if (!Array.isArray(value)) {
    const px = value as EncapsulatedPixelData;
    return { text: `(PixelSequence #=${px.fragments.length + 1})`, vm: 1 };
  }
  if (value.length === 0) return { text: "(no value available)", vm: 0 };
  const kind = VR_INFO[el.vr].kind;
  if (kind === "binary" || kind === "bigint") return { text: cut(value.map(String).join("\\")), vm: value.length };
  if (kind === "tag") return { text: cut((value as number[]).map(dumpTag).join("\\")), vm: value.length };
  if (kind === "number-string") {
    const parts = (value as number[]).map((n) => (Number.isNaN(n) ? "" : String(n)));
    return { text: `[${cut(parts.join("\\"))}]`, vm: value.length };
  }
  if (kind === "pn") return { text: `[${cut((value as PersonName[]).map(String).join("\\"))}]`, vm: value.length };
  const strings = value as string[];
  if (el.vr === "UI" && strings.length === 1) {
    // A registered UID by its keyword, as dcmdump does ("=CTImageStorage")
    const keyword = uidEntry(strings[0] as string)?.keyword;
    if (keyword) return { text: `=${keyword}`, vm: 1 };
  }
  return { text: `[${cut(strings.join("\\"))}]`, vm: strings.length };
}

function dumpElements(ds: Dataset, depth: number, out: string[]): void {
  const indent = "  ".repeat(depth);
  for (const el of ds) {
    const tag = dumpTag(el.tag);
    if (el.vr === "SQ") {
      const items = el.value([]) as Dataset[];
      const form = el.undefinedLength ? "undefined" : "explicit";
      const length = el.undefinedLength ? "u/l" : "-";
      out.push(line(indent, `${tag} SQ (Sequence with ${form} length #=${items.length})`, length, 1, nameOf(el.tag)));
      for (const item of items) {
        out.push(line(`${indent}  `, `(fffe,e000) na (Item #=${item.size})`, "-", 1, "Item"));
        dumpElements(item, depth + 2, out);
        out.push(line(`${indent}  `, "(fffe,e00d) na (ItemDelimitationItem)", "0", 0, "ItemDelimitationItem"));
      }
      out.push(line(indent, "(fffe,e0dd) na (SequenceDelimitationItem)", "0", 0, "SequenceDelimitationItem"));
      continue;
    }
    const { text, vm } = valueText(el, ds);
    const length = el.raw === undefined ? (el.undefinedLength ? "u/l" : "-") : String(el.rawLength);
    out.push(line(indent, `${tag} ${el.vr} ${text}`, length, vm, nameOf(el.tag)));
  }
}

/** The listing of a data set, one line per element (no trailing newline). */
export function dumpDataset(ds: Dataset): string[] {
  const out: string[] = [];
  dumpElements(ds, 0, out);
  return out;
}

/** The summary line for Pixel Data that was not loaded (lazy reading). */
export function dumpPixelDataLocation(px: PixelDataLocation): string {
  const length = px.length === undefined ? "u/l" : String(px.length);
  return line(
    "",
    `${dumpTag(px.tag)} ${px.vr} (not loaded; value at byte ${px.valueOffset})`,
    length,
    1,
    nameOf(px.tag),
  );
}
