import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { uidColumns as columnsOf } from "../../src/dataset/generated/uids.js";
import {
  isTransferSyntax,
  sop,
  storageSopClasses,
  transferSyntaxInfo,
  ts,
  uidEntry,
  uidName,
  uids,
  wellKnown,
} from "../../src/dataset/uids.js";

const uidColumns = columnsOf();

// The compiled test runs from build/test/dataset/, three levels below the repo root.
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const tsvPath = resolve(root, "../shared/data/uid-registry.tsv");

test("keywords resolve to their UIDs, with literal types", () => {
  // The annotations fail to compile if the generated consts lose their literal types.
  const ct: "1.2.840.10008.5.1.4.1.1.2" = sop.CTImageStorage;
  const evrle: "1.2.840.10008.1.2.1" = ts.ExplicitVRLittleEndian;
  assert.equal(ct, "1.2.840.10008.5.1.4.1.1.2");
  assert.equal(evrle, "1.2.840.10008.1.2.1");
  assert.equal(sop.Verification, "1.2.840.10008.1.1");
  assert.equal(sop.StudyRootQueryRetrieveInformationModelFind, "1.2.840.10008.5.1.4.1.2.2.1");
  assert.equal(sop.ModalityWorklistInformationModelFind, "1.2.840.10008.5.1.4.31");
  assert.equal(sop.StorageCommitmentPushModel, "1.2.840.10008.1.20.1");
  assert.equal(sop.BasicGrayscalePrintManagementMeta, "1.2.840.10008.5.1.1.9"); // a Meta SOP Class
  assert.equal(ts.ImplicitVRLittleEndian, "1.2.840.10008.1.2");
  assert.equal(ts.ExplicitVRBigEndian, "1.2.840.10008.1.2.2");
  assert.equal(ts.DeflatedExplicitVRLittleEndian, "1.2.840.10008.1.2.1.99");
  assert.equal(ts.JPEGBaseline8Bit, "1.2.840.10008.1.2.4.50");
  assert.equal(wellKnown.StorageCommitmentPushModelInstance, "1.2.840.10008.1.20.1.1");
  assert.equal(uids.Storage, "1.2.840.10008.4.2"); // the Storage Service Class
  assert.equal(uids.CTImageStorage, sop.CTImageStorage);
});

test("uidEntry and uidName describe registry rows and pass unknown UIDs through", () => {
  assert.deepEqual(uidEntry(ts.ImplicitVRLittleEndian), {
    uid: "1.2.840.10008.1.2",
    keyword: "ImplicitVRLittleEndian",
    name: "Implicit VR Little Endian",
    type: "Transfer Syntax",
    info: "Default Transfer Syntax for DICOM",
    retired: false,
  });
  assert.equal(uidEntry(ts.ExplicitVRBigEndian)?.retired, true);
  assert.equal(uidName(sop.CTImageStorage), "CT Image Storage");
  assert.equal(uidName("1.2.3.4"), "1.2.3.4");
  assert.equal(uidEntry("1.2.3.4"), undefined);
});

test("isTransferSyntax tells transfer syntaxes from other UIDs", () => {
  assert.equal(isTransferSyntax(ts.ExplicitVRLittleEndian), true);
  assert.equal(isTransferSyntax(ts.RLELossless), true);
  assert.equal(isTransferSyntax(sop.CTImageStorage), false);
  assert.equal(isTransferSyntax("1.2.3"), false);
});

test("transferSyntaxInfo: the uncompressed transfer syntaxes", () => {
  assert.deepEqual(transferSyntaxInfo(ts.ImplicitVRLittleEndian), {
    explicitVr: false,
    littleEndian: true,
    deflated: false,
    encapsulated: false,
  });
  assert.deepEqual(transferSyntaxInfo(ts.ExplicitVRLittleEndian), {
    explicitVr: true,
    littleEndian: true,
    deflated: false,
    encapsulated: false,
  });
  assert.deepEqual(transferSyntaxInfo(ts.ExplicitVRBigEndian), {
    explicitVr: true,
    littleEndian: false,
    deflated: false,
    encapsulated: false,
  });
  assert.deepEqual(transferSyntaxInfo(ts.DeflatedExplicitVRLittleEndian), {
    explicitVr: true,
    littleEndian: true,
    deflated: true,
    encapsulated: false,
  });
});

test("transferSyntaxInfo: compressed and special transfer syntaxes", () => {
  const encapsulated = { explicitVr: true, littleEndian: true, deflated: false, encapsulated: true };
  for (const uid of [
    ts.JPEGBaseline8Bit,
    ts.JPEGLosslessSV1,
    ts.JPEG2000Lossless,
    ts.RLELossless,
    ts.HTJ2K,
    ts.MPEG4HP41,
    ts.EncapsulatedUncompressedExplicitVRLittleEndian,
    ts.DeflatedImageFrameCompression, // each frame deflated, not the data set
  ]) {
    assert.deepEqual(transferSyntaxInfo(uid), encapsulated, uid);
  }
  assert.deepEqual(transferSyntaxInfo(ts.JPIPReferenced), {
    explicitVr: true,
    littleEndian: true,
    deflated: false,
    encapsulated: false,
  });
  assert.equal(transferSyntaxInfo(ts.JPIPReferencedDeflate)?.deflated, true);
  assert.equal(transferSyntaxInfo(ts.JPIPHTJ2KReferencedDeflate)?.encapsulated, false);
  assert.equal(transferSyntaxInfo(ts.Papyrus3ImplicitVRLittleEndian)?.explicitVr, false);
  assert.equal(transferSyntaxInfo(sop.CTImageStorage), undefined);
  assert.equal(transferSyntaxInfo("1.2.3"), undefined);
});

test("every transfer syntax of the registry has info, and only explicit VR is ever big endian or encapsulated", () => {
  const all = Object.values(ts);
  assert.ok(all.length >= 60, `only ${all.length} transfer syntaxes`);
  for (const uid of all) {
    const info = transferSyntaxInfo(uid);
    assert.ok(info, uid);
    if (!info.explicitVr) assert.equal(info.encapsulated || !info.littleEndian || info.deflated, false, uid);
  }
});

test("storageSopClasses: storage of patient and non-patient objects, not Storage Commitment", () => {
  const storage = new Set(storageSopClasses());
  for (const uid of [
    sop.CTImageStorage,
    sop.MRImageStorage,
    sop.RTPlanStorage,
    sop.HangingProtocolStorage,
    sop.ColorPaletteStorage,
    sop.GenericImplantTemplateStorage,
    sop.DigitalXRayImageStorageForPresentation,
    sop.EnhancedSRStorage,
    sop.EncapsulatedPDFStorage,
    sop.TwelveLeadECGWaveformStorage,
    sop.NuclearMedicineImageStorageRetired, // retired ones are kept, flagged by uidEntry
  ]) {
    assert.ok(storage.has(uid), uidName(uid));
  }
  assert.equal(uidEntry(sop.NuclearMedicineImageStorageRetired)?.retired, true);
  for (const uid of [
    sop.StorageCommitmentPushModel,
    sop.StorageCommitmentPullModel,
    sop.Verification,
    sop.StudyRootQueryRetrieveInformationModelFind,
    sop.HangingProtocolInformationModelFind,
    uids.Storage,
    wellKnown.StorageManagementInstance,
  ]) {
    assert.equal(storage.has(uid), false, uidName(uid));
  }
  for (const uid of storage) assert.equal(uidEntry(uid)?.type, "SOP Class", uid);
  assert.ok(storage.size > 180, `only ${storage.size} storage SOP classes`);
});

test("counts match the registry table", (t) => {
  const keywords = uidColumns.keywords.split("\n");
  const types = uidColumns.types.split("\n");
  const keyed = keywords.flatMap((k, i) => (k === "" ? [] : [[k, types[i]!] as const]));
  assert.equal(Object.keys(uids).length, keyed.length);
  assert.equal(Object.keys(sop).length, keyed.filter((r) => r[1] === "SOP Class" || r[1] === "Meta SOP Class").length);
  assert.equal(Object.keys(ts).length, keyed.filter((r) => r[1] === "Transfer Syntax").length);
  for (const [keyword, uid] of Object.entries(sop)) assert.equal(uidEntry(uid)?.keyword, keyword);
  if (!existsSync(tsvPath)) return t.skip(`reference data not found at ${tsvPath}`);
  const rows = readFileSync(tsvPath, "utf8")
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l !== "")
    .map((l) => l.split("\t"));
  for (const column of ["uids", "keywords", "names", "types", "infos"] as const) {
    assert.equal(uidColumns[column].split("\n").length, rows.length, column);
  }
  assert.equal(uidColumns.retired.length, rows.length);
  // Independent count of storage classes straight from the TSV: names with "Storage" in them,
  // less Storage Commitment.
  const expected = rows.filter(
    (r) => r[2] === "SOP Class" && r[1]!.includes("Storage") && !r[1]!.startsWith("Storage Commitment"),
  ).length;
  assert.equal(storageSopClasses().length, expected);
});
