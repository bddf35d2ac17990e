// Runs the built `netdicom` CLI as a user would, on the sample file and on broken files.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { datasetToJson, readDicomFileHead, readPart10 } from "../../src/index.js";
import { runTool } from "../helpers/dcmtk.js";

// The compiled test lives at build/test/apps/, three levels below the repo root.
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const cli = join(root, "build/netdicom.cjs");
const sample = join(root, "fixtures/sample-ct.dcm");

const netdicom = (...args: string[]) => runTool(process.execPath, [cli, ...args], { cwd: root });

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "netdicom-dump-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("dump lists the sample like dcmdump: headers, values, sequence items, pixel data summarized", async () => {
  const r = await netdicom("dump", "fixtures/sample-ct.dcm");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  const lines = r.stdout.split("\n");
  for (const header of [
    "# Dicom-File-Format",
    "# Dicom-Meta-Information-Header",
    "# Dicom-Data-Set",
    "# Used TransferSyntax: Explicit VR Little Endian",
  ]) {
    assert.ok(lines.includes(header), header);
  }
  const find = (prefix: string) => lines.find((l) => l.startsWith(prefix));
  assert.match(find("(0002,0010)") ?? "", /^\(0002,0010\) UI =ExplicitVRLittleEndian +# {2}20, 1 TransferSyntaxUID$/);
  assert.match(find("(0010,0010)") ?? "", /PN \[Müller\^Jürgen\] +# {2}16, 1 PatientName$/);
  assert.match(find("(0028,0010)") ?? "", /US 64 +# {3}2, 1 Rows$/);
  assert.match(find("(0028,0030)") ?? "", /DS \[3\.75\\3\.75\] +# {2}10, 2 PixelSpacing$/);
  assert.match(find("(0020,1040)") ?? "", /LO \(no value available\) +# {3}0, 0 PositionReferenceIndicator$/);
  assert.match(find("(0008,2218)") ?? "", /SQ \(Sequence with explicit length #=1\)/);
  // items and their elements are indented under the sequence
  assert.ok(lines.includes("  (fffe,e000) na (Item #=3)                               #   -, 1 Item"));
  assert.match(find("    (0008,0104)") ?? "", /LO \[Head\] +# {3}4, 1 CodeMeaning$/);
  // pixel data is not loaded, only located
  const { pixelData } = await readDicomFileHead(sample);
  assert.ok(pixelData);
  const pixelLine = new RegExp(`OW \\(not loaded; value at byte ${pixelData.valueOffset}\\) +# 8192, 1 PixelData$`);
  assert.match(find("(7fe0,0010)") ?? "", pixelLine);
  // the comment column lines up with dcmdump's (column 56 for top-level elements)
  assert.equal(find("(0028,0010)")?.indexOf("#"), 56);
});

test("dump: an unreadable file gives one line on stderr and exit 1; the other files are still listed", async (t) => {
  const dir = tempDir(t);
  const bytes = readFileSync(sample);
  const truncated = join(dir, "truncated.dcm");
  // cut inside the value of (0008,0005): the data set ends mid-element
  writeFileSync(truncated, bytes.subarray(0, 360));
  const badVr = join(dir, "bad-vr.dcm");
  const copy = Buffer.from(bytes);
  const at = copy.indexOf(Buffer.from([0x10, 0x00, 0x10, 0x00, 0x50, 0x4e])); // (0010,0010) PN
  copy.write("ZZ", at + 4, "latin1");
  writeFileSync(badVr, copy);
  const r = await netdicom("dump", truncated, "fixtures/sample-ct.dcm", badVr, join(dir, "missing.dcm"));
  assert.equal(r.code, 1);
  const errors = r.stderr.trim().split("\n");
  assert.equal(errors.length, 3, r.stderr);
  assert.match(errors[0] ?? "", /^netdicom dump: .*truncated\.dcm: .* at byte \d+$/);
  assert.match(errors[1] ?? "", new RegExp(`bad-vr\\.dcm: unknown VR "ZZ" in \\(0010,0010\\) at byte ${at + 4}$`));
  assert.match(errors[2] ?? "", /missing\.dcm: ENOENT/);
  // the good file in between was dumped in full
  assert.match(r.stdout, /PatientName/);
  assert.match(r.stdout, /PixelData/);
});

test("dump --json prints the data set as datasetToJson does (no meta, pixel data inline)", async () => {
  const r = await netdicom("dump", "--json", "fixtures/sample-ct.dcm");
  assert.equal(r.code, 0, r.stderr);
  const printed = JSON.parse(r.stdout);
  const expected = JSON.parse(JSON.stringify(datasetToJson(readPart10(readFileSync(sample)).dataset)));
  assert.deepEqual(printed, expected);
  assert.equal(printed["00020010"], undefined);
  assert.deepEqual(printed["00100010"], { vr: "PN", Value: [{ Alphabetic: "Müller^Jürgen" }] });
  assert.equal(Buffer.from(printed["7FE00010"].InlineBinary, "base64").byteLength, 8192);
  // pretty-printed, as dcm2json does
  assert.match(r.stdout, /^\{\n {2}"00080005": \{\n {4}"vr": "CS",/);
});

test("dump --json --meta includes group 0002; --no-pixel leaves Pixel Data out", async () => {
  const withMeta = JSON.parse((await netdicom("dump", "--json", "--meta", sample)).stdout);
  assert.deepEqual(withMeta["00020010"], { vr: "UI", Value: ["1.2.840.10008.1.2.1"] });
  assert.equal(withMeta["00020000"], undefined, "group lengths are never included (PS3.18 F.2.2)");
  const noPixel = JSON.parse((await netdicom("dump", "--json", "--no-pixel", sample)).stdout);
  assert.equal(noPixel["7FE00010"], undefined);
  assert.deepEqual(noPixel["00280010"], { vr: "US", Value: [64] });
});

test("dump --json --bulk-threshold gives a BulkDataURI that points at the value in the file", async () => {
  const r = await netdicom("dump", "--json", "--bulk-threshold", "1024", sample);
  assert.equal(r.code, 0, r.stderr);
  const uri = JSON.parse(r.stdout)["7FE00010"].BulkDataURI as string;
  const m = /^file:\/\/.*sample-ct\.dcm\?offset=(\d+)&length=(\d+)$/.exec(uri);
  assert.ok(m, uri);
  const [offset, length] = [Number(m[1]), Number(m[2])];
  assert.equal(length, 8192);
  const ds = readPart10(readFileSync(sample)).dataset;
  assert.deepEqual(readFileSync(sample).subarray(offset, offset + length), Buffer.from(ds.bytes("PixelData") ?? []));
  const bad = await netdicom("dump", "--json", "--bulk-threshold", "lots", sample);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--bulk-threshold needs a byte count/);
});

test("netdicom --help, --version, unknown command", async () => {
  const help = await netdicom("--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^ {2}dump +list the contents of DICOM files/m);
  const version = await netdicom("--version");
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  assert.equal(version.stdout.trim(), `netdicom ${pkg.version}`);
  const unknown = await netdicom("frobnicate");
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  const dumpHelp = await netdicom("dump", "--help");
  assert.equal(dumpHelp.code, 0);
  assert.match(dumpHelp.stdout, /--bulk-threshold/);
});

test("the sample fixture is what scripts/make-sample.mjs makes, small and complete", async (t) => {
  const out = join(tempDir(t), "sample.dcm");
  const r = await runTool(process.execPath, [join(root, "scripts/make-sample.mjs"), out], { cwd: root });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readFileSync(out), readFileSync(sample), "fixtures/sample-ct.dcm is out of date");
  assert.ok(readFileSync(sample).byteLength < 20_000);
  const { dataset } = readPart10(readFileSync(sample));
  assert.equal(dataset.string("SOPClassUID"), "1.2.840.10008.5.1.4.1.1.2");
  assert.equal(dataset.string("SpecificCharacterSet"), "ISO_IR 192");
  assert.equal(dataset.bytes("PixelData")?.byteLength, 64 * 64 * 2);
});

test("the bin is executable, so `npx netdicom` works from a fresh install", () => {
  // npm links bin entries before `prepare` builds them, so the build itself must set the mode.
  assert.ok((statSync(cli).mode & 0o111) !== 0, `${cli} is not executable`);
});
