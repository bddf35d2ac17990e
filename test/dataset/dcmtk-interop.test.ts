// The dataset layer against DCMTK: files DCMTK makes are read by netdicom with the same tags,
// VRs and values as dcmdump and dcm2json report; files netdicom writes are accepted by DCMTK.
// Each case skips with a visible notice where a DCMTK tool is missing.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import {
  type Dataset,
  datasetFromJson,
  datasetToJson,
  type EncapsulatedPixelData,
  readPart10,
  ts,
  writePart10,
} from "../../src/dataset/index.js";
import { dcmtkVersion, findTool, runTool } from "../helpers/dcmtk.js";

const dir = mkdtempSync(join(tmpdir(), "netdicom-dcmtk-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Skips the test (visibly) unless every tool is on PATH. */
function need(t: { skip(message: string): void }, ...tools: string[]): boolean {
  const missing = tools.filter((name) => findTool(name) === undefined);
  if (missing.length === 0) return true;
  t.skip(`dcmtk not installed (${missing.join(", ")} not found)`);
  return false;
}

/** Runs a tool that must succeed; returns its stdout. */
async function ok(tool: string, ...args: string[]): Promise<string> {
  const r = await runTool(tool, args);
  assert.equal(r.code, 0, `${tool} ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

// A dump2dcm input covering many VRs: a sequence, PN groups, multi-valued DS/IS/US, a private
// block with its creator, UN, FD/FL, AT, OB/OW/OF/OD/OL, UT/UC/UR, empty values, and SV/UV/OV
// in a second private block (DCMTK supports them since 3.6.4).
const DUMP = String.raw`
(0008,0005) CS [ISO_IR 192]
(0008,0008) CS [ORIGINAL\PRIMARY\AXIAL]
(0008,0016) UI [1.2.840.10008.5.1.4.1.1.7]
(0008,0018) UI [1.2.826.0.1.3680043.9.7133.1.1]
(0008,0020) DA [20240131]
(0008,0030) TM [123456.789]
(0008,0060) CS [OT]
(0008,0119) UC [long code value]
(0008,0120) UR [http://example.com/coding?a=b]
(0008,0201) SH [+0100]
(0008,1140) SQ (Sequence with undefined length)
(fffe,e000) na (Item with undefined length)
(0008,1150) UI [1.2.840.10008.5.1.4.1.1.2]
(0008,1155) UI [1.2.826.0.1.3680043.9.7133.1.2]
(fffe,e00d) na (ItemDelimitationItem)
(fffe,e000) na (Item with undefined length)
(0008,1155) UI [1.2.826.0.1.3680043.9.7133.1.3]
(fffe,e00d) na (ItemDelimitationItem)
(fffe,e0dd) na (SequenceDelimitationItem)
(0009,0010) LO [NETDICOM TEST]
(0009,1001) LO [first\second]
(0009,1002) UN 01\02\03\04
(0009,1003) OF 1.5\-2
(0009,1004) OD 2.5
(0009,1005) OL 7\8
(0009,1006) SL -7\7
(0009,1007) UL 4000000000
(0009,1008) LT [a long text]
(0009,1009) ST [short text]
(0009,100a) OW 1234\abcd
(0009,100b) OB 01\02\03\04
(0010,0010) PN [Yamada^Tarou=山田^太郎=やまだ^たろう]
(0010,0020) LO (no value available)
(0010,1010) AS [042Y]
(0018,0050) DS [1.5]
(0018,1310) US 0\256\256\0
(0018,9219) SS -5
(0019,0010) LO [NETDICOM 64BIT]
(0019,1001) SV -9223372036854775808\5
(0019,1002) UV 18446744073709551615\0
(0019,1003) OV 0102030405060708
(0020,0013) IS [7]
(0020,0032) DS [-100.5\-99.25\12]
(0020,9165) AT (0010,0010)\(7fe0,0010)
(0028,0002) US 1
(0028,0004) CS [MONOCHROME2]
(0028,0010) US 2
(0028,0011) US 2
(0028,0100) US 16
(0028,0101) US 16
(0028,0102) US 15
(0028,0103) US 0
(0028,1052) DS [-1024]
(0040,9212) FD 1.5\-2.25
(0040,a160) UT [unlimited text]
(0072,0076) FL 1.25\-3.5
(7fe0,0010) OW 0001\0002\0003\0004
`;

/** The transfer syntaxes dcmconv writes, with its option for each. */
const SYNTAXES = [
  ["+ti", ts.ImplicitVRLittleEndian],
  ["+te", ts.ExplicitVRLittleEndian],
  ["+tb", ts.ExplicitVRBigEndian],
  ["+td", ts.DeflatedExplicitVRLittleEndian],
] as const;

let made: Promise<string> | undefined;
/** The dump2dcm file (Explicit VR Little Endian), made once. */
function dumpFile(): Promise<string> {
  made ??= (async () => {
    const txt = join(dir, "in.txt");
    // SV, UV and OV came with DCMTK 3.6.4: leave their private block out for older versions
    const [major = 0, minor = 0, patch = 0] = ((await dcmtkVersion()) ?? "0.0.0").split(".").map(Number);
    const modern = major * 10000 + minor * 100 + patch >= 30604;
    writeFileSync(txt, modern ? DUMP : DUMP.replace(/^\(0019,.*\n/gm, ""));
    const out = join(dir, "dump2dcm.dcm");
    await ok("dump2dcm", "+te", txt, out);
    return out;
  })();
  return made;
}

/** One element line of dcmdump: nesting level (sequence depth), tag, VR. */
interface DumpLine {
  readonly level: number;
  readonly tag: string;
  readonly vr: string;
  readonly value: string;
}

const DUMP_LINE = /^( *)\(([0-9a-f]{4}),([0-9a-f]{4})\) ([A-Za-z]{2}|\?\?) (.*?) +# +(?:\d+|u\/l), \d+ .*$/;

/** The data set elements of dcmdump's output (item and delimiter lines left out; "??" is UN). */
function parseDcmdump(text: string): DumpLine[] {
  const lines = text.split("\n");
  const start = lines.indexOf("# Dicom-Data-Set");
  const out: DumpLine[] = [];
  for (const line of lines.slice(start + 1)) {
    const m = DUMP_LINE.exec(line);
    if (!m || m[2] === "fffe") continue;
    out.push({
      level: (m[1] ?? "").length / 4,
      tag: `${m[2]}${m[3]}`.toUpperCase(),
      vr: m[4] === "??" ? "UN" : (m[4] ?? ""),
      value: m[5] ?? "",
    });
  }
  return out;
}

/** Our elements in the same shape and order as {@link parseDcmdump}. */
function flatten(ds: Dataset, level = 0, out: Omit<DumpLine, "value">[] = []): Omit<DumpLine, "value">[] {
  for (const el of ds) {
    out.push({ level, tag: el.tag.toString(16).toUpperCase().padStart(8, "0"), vr: el.vr });
    if (el.vr === "SQ") for (const item of el.value([]) as Dataset[]) flatten(item, level + 1, out);
  }
  return out;
}

/**
 * Same tags (in order, at the same depth) and, where both say, the same VRs. dcmdump names a
 * private element's VR from DCMTK's private dictionary in Implicit VR, where netdicom says UN.
 */
function assertSameAsDcmdump(ours: Dataset, dcmdump: string, implicit: boolean, label: string): void {
  const theirs = parseDcmdump(dcmdump);
  const mine = flatten(ours);
  assert.deepEqual(
    mine.map((e) => `${e.level}:${e.tag}`),
    theirs.map((e) => `${e.level}:${e.tag}`),
    `${label}: tags`,
  );
  mine.forEach((e, i) => {
    const vr = theirs[i]?.vr;
    if (implicit && (e.vr === "UN" || vr === "UN")) return;
    assert.equal(e.vr, vr, `${label}: VR of ${e.tag}`);
  });
}

/** dcm2json's output for a file, parsed. */
async function dcm2json(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await ok("dcm2json", path)) as Record<string, unknown>;
}

/** Deep equality with a per-attribute message naming the first attribute that differs. */
function assertSameJson(ours: unknown, theirs: Record<string, unknown>, label: string): void {
  const a = JSON.parse(JSON.stringify(ours)) as Record<string, unknown>;
  assert.deepEqual(Object.keys(a), Object.keys(theirs), `${label}: attribute keys`);
  for (const key of Object.keys(theirs)) assert.deepEqual(a[key], theirs[key], `${label}: ${key}`);
}

for (const [option, uid] of SYNTAXES) {
  test(`DCMTK file in ${uid} (dcmconv ${option}): netdicom reads what dcmdump and dcm2json read`, async (t) => {
    if (!need(t, "dump2dcm", "dcmconv", "dcmdump", "dcm2json")) return;
    const path = join(dir, `dcmconv${option}.dcm`);
    await ok("dcmconv", option, await dumpFile(), path);
    const file = readPart10(readFileSync(path));
    assert.equal(file.transferSyntaxUid, uid);
    const implicit = uid === ts.ImplicitVRLittleEndian;
    assertSameAsDcmdump(file.dataset, await ok("dcmdump", path), implicit, option);
    const theirs = await dcm2json(path);
    assertSameJson(datasetToJson(file.dataset), theirs, option);
    // and DCMTK's JSON, read by netdicom, converts back to the same JSON
    assertSameJson(datasetToJson(datasetFromJson(theirs)), theirs, `${option} via datasetFromJson`);
    // spot checks of values as typed by netdicom
    const ds = file.dataset;
    assert.equal(ds.personName("PatientName")?.ideographic, "山田^太郎");
    assert.deepEqual(ds.numbers("ImagePositionPatient"), [-100.5, -99.25, 12]);
    assert.deepEqual(ds.numbers("AcquisitionMatrix"), [0, 256, 256, 0]);
    assert.equal(ds.sequence("ReferencedImageSequence").length, 2);
    if (!implicit && ds.has(0x00191002)) assert.deepEqual(ds.get(0x00191002), [2n ** 64n - 1n, 0n]);
  });
}

for (const [option, uid] of SYNTAXES) {
  test(`netdicom writes ${uid}: dcmdump -E accepts it and DCMTK reads the same values`, async (t) => {
    if (!need(t, "dump2dcm", "dcmdump", "dcm2json")) return;
    const source = readPart10(readFileSync(await dumpFile())).dataset;
    const path = join(dir, `netdicom${option}.dcm`);
    writeFileSync(path, writePart10(source, { transferSyntaxUid: uid }));
    const r = await runTool("dcmdump", ["-E", path]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(`${r.stdout}\n${r.stderr}`, /^E:/m);
    assert.match(r.stdout, /\(0002,0010\) UI =\w+ +# +\d+, 1 TransferSyntaxUID/);
    const implicit = uid === ts.ImplicitVRLittleEndian;
    assertSameAsDcmdump(source, r.stdout, implicit, option);
    const lines = parseDcmdump(r.stdout);
    const value = (tag: string) => lines.find((l) => l.tag === tag)?.value;
    assert.equal(value("00100010"), "[Yamada^Tarou=山田^太郎=やまだ^たろう]");
    assert.equal(value("00200032"), "[-100.5\\-99.25\\12]");
    assert.equal(value("00209165"), "(0010,0010)\\(7fe0,0010)");
    assert.equal(value("00409212"), "1.5\\-2.25");
    assert.equal(value("7FE00010"), "0001\\0002\\0003\\0004");
    // every value, through DCMTK's JSON (implicit VR: private elements are UN on both sides)
    if (!implicit) assertSameJson(datasetToJson(source), await dcm2json(path), option);
    else assert.deepEqual(Object.keys(await dcm2json(path)), Object.keys(datasetToJson(source)));
  });
}

test("dciodvfy (dicom3tools) accepts a file netdicom writes", async (t) => {
  if (findTool("dciodvfy") === undefined) {
    t.skip("dciodvfy not installed (dicom3tools)");
    return;
  }
  // The sample CT (a complete CT Image IOD) as netdicom writes it, in each uncompressed syntax
  const sample = new URL("../../../fixtures/sample-ct.dcm", import.meta.url);
  const ds = readPart10(readFileSync(sample)).dataset;
  for (const uid of [ts.ImplicitVRLittleEndian, ts.ExplicitVRLittleEndian, ts.ExplicitVRBigEndian]) {
    const path = join(dir, `dciodvfy-${uid}.dcm`);
    writeFileSync(path, writePart10(ds, { transferSyntaxUid: uid }));
    const r = await runTool("dciodvfy", [path]);
    assert.notEqual(r.code, null, "dciodvfy did not finish");
    const out = `${r.stdout}\n${r.stderr}`;
    assert.match(out, /CTImage/, "dciodvfy recognised the IOD");
    // No errors at all: neither encoding (VR, length, padding) nor IOD (missing or bad attributes)
    assert.doesNotMatch(out, /^Error - /m, `${uid}: ${out}`);
  }
});

/** A 16×8 24-bit BMP with a gradient: img2dcm's other input format, trivial to write. */
function bmp(): Uint8Array {
  const w = 16;
  const h = 8;
  const row = Math.ceil((w * 3) / 4) * 4;
  const out = Buffer.alloc(54 + row * h);
  out.write("BM", 0, "latin1");
  out.writeUInt32LE(out.byteLength, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14); // BITMAPINFOHEADER
  out.writeInt32LE(w, 18);
  out.writeInt32LE(h, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(row * h, 34);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) out.set([(x * 16) & 0xff, (y * 32) & 0xff, ((x + y) * 8) & 0xff], 54 + y * row + x * 3);
  }
  return out;
}

test("img2dcm from a BMP: netdicom reads what dcmdump and dcm2json read", async (t) => {
  if (!need(t, "img2dcm", "dcmdump", "dcm2json")) return;
  const src = join(dir, "in.bmp");
  writeFileSync(src, bmp());
  const path = join(dir, "img2dcm-bmp.dcm");
  await ok("img2dcm", "-i", "BMP", src, path);
  const { dataset } = readPart10(readFileSync(path));
  assertSameAsDcmdump(dataset, await ok("dcmdump", path), false, "img2dcm BMP");
  assertSameJson(datasetToJson(dataset), await dcm2json(path), "img2dcm BMP");
  assert.equal(dataset.bytes("PixelData")?.byteLength, 16 * 8 * 3);
});

/** dcmdump's pixel item lines: "(fffe,e000) pi ... # 296, 1 Item" → their lengths. */
function pixelItemLengths(dump: string): number[] {
  return [...dump.matchAll(/^ +\(fffe,e000\) pi .*# +(\d+), 1 Item$/gm)].map((m) => Number(m[1]));
}

test("img2dcm from a JPEG: netdicom reads the fragments and writes them back as DCMTK sees them", async (t) => {
  if (!need(t, "img2dcm", "dcmj2pnm", "dcmdump")) return;
  // A baseline JPEG made by DCMTK from the BMP (dcmj2pnm +oj), then wrapped by img2dcm.
  const src = join(dir, "jpeg-src.bmp");
  writeFileSync(src, bmp());
  const plain = join(dir, "jpeg-src.dcm");
  await ok("img2dcm", "-i", "BMP", src, plain);
  const jpeg = join(dir, "in.jpg");
  await ok("dcmj2pnm", "+oj", plain, jpeg);
  const path = join(dir, "img2dcm-jpeg.dcm");
  await ok("img2dcm", "-i", "JPEG", jpeg, path);

  const file = readPart10(readFileSync(path));
  assert.equal(file.transferSyntaxUid, ts.JPEGBaseline8Bit);
  const px = file.dataset.get("PixelData") as EncapsulatedPixelData;
  assert.equal(px.fragments.length, 1);
  // the one fragment is a JPEG stream (img2dcm drops the JFIF APP0 segment): SOI ... EOI
  const frag = Buffer.from(px.fragments[0] ?? []);
  assert.deepEqual([...frag.subarray(0, 2)], [0xff, 0xd8]);
  assert.ok(frag.lastIndexOf(Buffer.from([0xff, 0xd9])) >= frag.byteLength - 3);
  assert.ok(frag.byteLength <= readFileSync(jpeg).byteLength + 1);
  const theirs = await ok("dcmdump", path);
  assertSameAsDcmdump(file.dataset, theirs, false, "img2dcm JPEG");
  const lengths = pixelItemLengths(theirs);
  assert.deepEqual(lengths, [px.basicOffsetTable.byteLength, ...px.fragments.map((f) => f.byteLength)]);

  const back = join(dir, "netdicom-jpeg.dcm");
  writeFileSync(back, writePart10(file.dataset, { transferSyntaxUid: file.transferSyntaxUid }));
  const r = await runTool("dcmdump", ["-E", back]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(`${r.stdout}\n${r.stderr}`, /^E:/m);
  assert.deepEqual(pixelItemLengths(r.stdout), lengths);
  assert.match(r.stdout, /\(7fe0,0010\) OB \(PixelSequence #=2\)/);
});
