import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import {
  formatTag,
  isPrivateCreator,
  isPrivateTag,
  keywordForTag,
  lookupKeyword,
  lookupTag,
  parseTag,
  tagForKeyword,
  type VR,
} from "../../src/dataset/dictionary.js";
import { dataElementColumns as columnsOf } from "../../src/dataset/generated/dictionary.js";
import { NetdicomError } from "../../src/util/errors.js";

const dataElementColumns = columnsOf();

// The compiled test runs from build/test/dataset/, three levels below the repo root.
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const dataDir = resolve(root, "../shared/data");
const hasData = existsSync(join(dataDir, "data-elements.tsv"));

test("PatientName (0010,0010) is PN, VM 1, current", () => {
  const e = lookupTag(0x00100010);
  assert.ok(e);
  assert.equal(e.keyword, "PatientName");
  assert.equal(e.name, "Patient's Name");
  assert.deepEqual(e.vrs, ["PN"]);
  assert.equal(e.vm, "1");
  assert.equal(e.retired, false);
  assert.equal(e.mask, undefined);
  assert.equal(lookupKeyword("PatientName"), e);
  assert.equal(tagForKeyword("PatientName"), 0x00100010);
  assert.equal(keywordForTag(0x00100010), "PatientName");
});

test("PixelData (7FE0,0010) may be OB or OW; US or SS and three-way alternatives keep every candidate", () => {
  assert.deepEqual(lookupTag(0x7fe00010)?.vrs, ["OB", "OW"]);
  assert.deepEqual(lookupTag(0x00280106)?.vrs, ["US", "SS"]); // SmallestImagePixelValue
  assert.deepEqual(lookupKeyword("GrayLookupTableData")?.vrs, ["US", "SS", "OW"]);
});

test("command and file meta elements are in the dictionary", () => {
  const commandField = lookupTag(0x00000100);
  assert.equal(commandField?.keyword, "CommandField");
  assert.deepEqual(commandField?.vrs, ["US"]);
  assert.equal(lookupTag(0x00000000)?.keyword, "CommandGroupLength");
  assert.equal(lookupTag(0x00020010)?.keyword, "TransferSyntaxUID");
  assert.deepEqual(lookupTag(0x00020010)?.vrs, ["UI"]);
});

test("retired elements are kept and flagged, including those PS3.6 leaves without a keyword", () => {
  const e = lookupTag(0x00000001);
  assert.equal(e?.keyword, "CommandLengthToEnd");
  assert.equal(e?.retired, true);
  const blank = lookupTag(0x00180061);
  assert.ok(blank);
  assert.equal(blank.keyword, "");
  assert.equal(blank.retired, true);
  assert.equal(keywordForTag(0x00180061), undefined);
});

test("items and delimiters have no VR", () => {
  assert.equal(lookupTag(0xfffee000)?.keyword, "Item");
  assert.deepEqual(lookupTag(0xfffee000)?.vrs, []);
  assert.equal(lookupTag(0xfffee0dd)?.keyword, "SequenceDelimitationItem");
});

test("repeating groups are found through their mask", () => {
  for (const group of [0x6000, 0x6002, 0x601e, 0x60fe]) {
    const e = lookupTag(((group << 16) | 0x3000) >>> 0);
    assert.equal(e?.keyword, "OverlayData", `group ${group.toString(16)}`);
    assert.equal(e?.tag, 0x60003000);
    assert.equal(e?.mask, 0xff00ffff);
    assert.deepEqual(e?.vrs, ["OB", "OW"]);
  }
  assert.equal(keywordForTag(0x60020010), "OverlayRows");
  assert.equal(keywordForTag(0x50103000), "CurveData");
  assert.equal(lookupTag(0x50103000)?.retired, true);
  assert.equal(keywordForTag(0x7f100010), "VariablePixelData");
  assert.equal(keywordForTag(0x10000011), "RunLengthTriplet"); // (1000,xxx1)
  assert.equal(keywordForTag(0x10000a25), "ShiftTableTriplet"); // (1000,xxx5)
  assert.equal(keywordForTag(0x10101234), "ZonalMap"); // (1010,xxxx)
  assert.equal(keywordForTag(0x00280432), "CoefficientCoding"); // (0028,04x2)
  assert.equal(keywordForTag(0x002031a7), "SourceImageIDs"); // (0020,31xx)
  // An exact entry wins over a repeating one that would also match.
  assert.equal(keywordForTag(0x00280400), "TransformLabel"); // not (0028,04x0)
  assert.equal(keywordForTag(0x00280410), "RowsForNthOrderCoefficients");
  // Odd groups are private: (6001,3000) is not Overlay Data.
  assert.equal(lookupTag(0x60013000), undefined);
  assert.equal(tagForKeyword("OverlayData"), 0x60003000);
});

test("private tags: creators get a synthetic LO entry, other private elements are unknown", () => {
  const creator = lookupTag(0x00090010);
  assert.equal(creator?.keyword, "PrivateCreator");
  assert.deepEqual(creator?.vrs, ["LO"]);
  assert.equal(creator?.vm, "1");
  assert.equal(creator?.tag, 0x00090010);
  assert.equal(lookupTag(0x001900ff)?.keyword, "PrivateCreator");
  assert.equal(lookupTag(0x00091010), undefined);
  assert.equal(lookupTag(0x0009000f), undefined);
  assert.equal(isPrivateTag(0x00090010), true);
  assert.equal(isPrivateTag(0x00100010), false);
  // PS3.5 7.8.1: groups 0001, 0003, 0005, 0007 and FFFF are not private groups.
  for (const group of [0x0001, 0x0003, 0x0005, 0x0007, 0xffff]) assert.equal(isPrivateTag((group << 16) | 0x10), false);
  assert.equal(isPrivateCreator(0x00090010), true);
  assert.equal(isPrivateCreator(0x000900ff), true);
  assert.equal(isPrivateCreator(0x00090100), false);
  assert.equal(isPrivateCreator(0x00100010), false);
});

test("a group length not in PS3.6 gets a synthetic UL entry, even in a private group", () => {
  for (const tag of [0x00080000, 0x00090000, 0x7fe00000]) {
    const e = lookupTag(tag);
    assert.equal(e?.keyword, "GenericGroupLength");
    assert.deepEqual(e?.vrs, ["UL"]);
    assert.equal(e?.tag, tag);
  }
  assert.equal(lookupTag(0x00020000)?.keyword, "FileMetaInformationGroupLength");
});

test("unknown public tags and keywords give undefined", () => {
  assert.equal(lookupTag(0x00101234), undefined);
  assert.equal(lookupKeyword("NoSuchKeyword"), undefined);
  assert.equal(tagForKeyword("patientname"), undefined);
  assert.equal(keywordForTag(0x00101234), undefined);
});

test("every keyword resolves back to its own entry", () => {
  let n = 0;
  const patterns = dataElementColumns.tags.split("\n");
  const keywords = dataElementColumns.keywords.split("\n");
  const details = dataElementColumns.details.split("\n").map((line) => line.split("\t"));
  const starts = dataElementColumns.detailStarts.split("\n").map((h) => Number.parseInt(h, 16));
  for (const [i, keyword] of keywords.entries()) {
    if (keyword === "") continue;
    const pattern = patterns[i]!;
    const tag = Number.parseInt(pattern.replaceAll("x", "0"), 16);
    const e = lookupKeyword(keyword);
    assert.equal(e?.tag, tag, keyword);
    assert.deepEqual(
      [e.name, e.vrs.join("|"), e.vm, e.retired],
      [...details[i]!, dataElementColumns.retired[i] === "1"],
      keyword,
    );
    assert.equal(e?.mask !== undefined, pattern.includes("x"), keyword);
    if (!pattern.includes("x")) assert.equal(lookupTag(tag), e, keyword);
    const end = dataElementColumns.details.indexOf("\n", starts[i]);
    assert.equal(dataElementColumns.details.slice(starts[i], end < 0 ? undefined : end), details[i]!.join("\t"));
    n++;
  }
  assert.ok(n > 5000, `only ${n} keywords`);
});

test("keyword lookups agree before and after the keyword index is built", () => {
  assert.equal(lookupKeyword(""), undefined);
  // More distinct keywords than the scans done before the index is built (dictionary.ts)
  const keywords = dataElementColumns.keywords
    .split("\n")
    .filter((k) => k !== "")
    .slice(0, 200);
  const first = keywords.map((k) => lookupKeyword(k));
  for (const [i, k] of keywords.entries()) {
    assert.ok(first[i], k);
    assert.equal(lookupKeyword(k), first[i], k);
    if (first[i]!.mask === undefined) assert.equal(lookupTag(first[i]!.tag), first[i], k);
  }
  assert.equal(lookupKeyword("NoSuchKeyword"), undefined);
  assert.equal(lookupKeyword("CommandGroupLength")?.tag, 0);
});

test("parseTag accepts the usual spellings and keywords", () => {
  for (const text of [
    "(0010,0010)",
    "(0010, 0010)",
    "0010,0010",
    "00100010",
    "0x00100010",
    "x00100010",
    "PatientName",
  ]) {
    assert.equal(parseTag(text), 0x00100010, text);
  }
  assert.equal(parseTag("(7fe0,0010)"), 0x7fe00010);
  assert.equal(parseTag("FFFEE0DD"), 0xfffee0dd);
});

test("parseTag rejects garbage with ERR_BAD_TAG", () => {
  for (const text of ["", "(0010,001)", "0010:0010", "001000100", "(0010,0010", "ZZZZ,0010", "NotAKeyword", "0x"]) {
    assert.throws(
      () => parseTag(text),
      (err) => err instanceof NetdicomError && err.code === "ERR_BAD_TAG",
      text,
    );
  }
});

test("formatTag writes (GGGG,EEEE) in uppercase and parseTag reads it back", () => {
  assert.equal(formatTag(0x7fe00010), "(7FE0,0010)");
  assert.equal(formatTag(0x00100010), "(0010,0010)");
  assert.equal(formatTag(0xfffee000), "(FFFE,E000)");
  fc.assert(
    fc.property(fc.nat({ max: 0xffffffff }), (tag) => parseTag(formatTag(tag)) === tag),
    { numRuns: 500 },
  );
});

test("the generated table has one entry per row of data-elements.tsv", (t) => {
  if (!hasData) return t.skip(`reference data not found at ${dataDir}`);
  const rows = readFileSync(join(dataDir, "data-elements.tsv"), "utf8")
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l !== "");
  for (const column of ["tags", "keywords", "details", "detailStarts"] as const) {
    assert.equal(dataElementColumns[column].split("\n").length, rows.length, column);
  }
  assert.equal(dataElementColumns.retired.length, rows.length);
  assert.ok(rows.length > 5000);
});

test("regenerating the tables gives byte-identical files", (t) => {
  if (!hasData) return t.skip(`reference data not found at ${dataDir}`);
  const out = mkdtempSync(join(tmpdir(), "netdicom-gen-"));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const r = spawnSync(process.execPath, [join(root, "scripts/gen-dictionary.mjs"), out], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  for (const file of ["dictionary.ts", "uids.ts"]) {
    const fresh = readFileSync(join(out, file));
    const committed = readFileSync(join(root, "src/dataset/generated", file));
    assert.ok(fresh.equals(committed), `src/dataset/generated/${file} is stale: run npm run gen`);
  }
});

/** DCMTK's pseudo-VRs (dcmdata's DcmEVR) mapped to the PS3.6 candidates they stand for. */
const DCMTK_PSEUDO_VRS: Record<string, readonly VR[]> = {
  xs: ["US", "SS"], // "US or SS"
  ox: ["OB", "OW"], // "OB or OW"
  px: ["OB", "OW"], // Pixel Data: "OB or OW"
  lt: ["US", "SS", "OW"], // lookup table data: "US or SS or OW"
  up: ["UL"], // an unsigned 32-bit offset into a DICOMDIR, encoded as UL
  na: [], // items and delimiters: no VR
};

/**
 * Tags where PS3.6 2024d and DCMTK's dicom.dic (generated from PS3.6 2022b) genuinely disagree,
 * and why. Each one is still checked to disagree in the way described, so the list cannot rot.
 */
const DCMTK_DISAGREEMENTS = new Map<number, { ours: string; dcmtk: string; why: string }>([
  [
    0x00283006,
    {
      ours: "US/OW",
      dcmtk: "SS/US/OW",
      why: "LUT Data: PS3.6 lists 'US or OW'; DCMTK uses its generic LUT pseudo-VR 'lt', which also allows SS",
    },
  ],
]);

function findDcmtkDictionary(): string | undefined {
  if (!existsSync("/usr/share")) return undefined;
  for (const dir of readdirSync("/usr/share").sort()) {
    if (!dir.startsWith("libdcmtk")) continue;
    const file = join("/usr/share", dir, "dicom.dic");
    if (existsSync(file)) return file;
  }
  return undefined;
}

const sortedVrs = (vrs: readonly string[]): string => [...vrs].sort().join("/");

test("VRs and keywords agree with DCMTK's dictionary for every current tag both define", (t) => {
  const file = findDcmtkDictionary();
  if (file === undefined) return t.skip("dcmtk not installed (no /usr/share/libdcmtk*/dicom.dic)");
  let compared = 0;
  const problems: string[] = [];
  const whitelisted = new Set<number>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const [tagText = "", vr = "", keyword = "", , version = ""] = line.split("\t");
    // Ranges such as (6000-60FF,3000) are repeating groups: compared elsewhere via masks.
    const m = /^\(([0-9A-F]{4}),([0-9A-F]{4})\)$/.exec(tagText);
    if (!m || version.includes("retired")) continue;
    const tag = ((Number.parseInt(m[1]!, 16) << 16) | Number.parseInt(m[2]!, 16)) >>> 0;
    const ours = lookupTag(tag);
    if (ours === undefined || ours.retired || ours.mask !== undefined || ours.keyword === "PrivateCreator") continue;
    if (ours.keyword === "GenericGroupLength") continue;
    compared++;
    const theirs = sortedVrs(DCMTK_PSEUDO_VRS[vr] ?? [vr]);
    const known = DCMTK_DISAGREEMENTS.get(tag);
    if (known !== undefined) {
      assert.equal(sortedVrs(ours.vrs), sortedVrs(known.ours.split("/")), formatTag(tag));
      assert.equal(theirs, sortedVrs(known.dcmtk.split("/")), formatTag(tag));
      whitelisted.add(tag);
    } else if (theirs !== sortedVrs(ours.vrs)) {
      problems.push(`${formatTag(tag)} ${ours.keyword}: PS3.6 ${ours.vrs.join("/")}, DCMTK ${vr}`);
    }
    if (keyword !== ours.keyword) problems.push(`${formatTag(tag)}: PS3.6 keyword ${ours.keyword}, DCMTK ${keyword}`);
  }
  assert.deepEqual(problems, []);
  assert.equal(whitelisted.size, DCMTK_DISAGREEMENTS.size, "a whitelisted disagreement was not seen");
  assert.ok(compared >= 4000, `only ${compared} tags compared`);
});
