// What the qrscp app tests share: a few small instances in two studies of one patient written as
// Part 10 files, a configuration file with move destinations, qrscp started as a CLI process, and
// running the CLI's other apps.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { datasetToJson, readDicomFile, sop, writeDicomFile } from "../../../src/index.js";
import { cliPath, type RunningServer, startCliServer } from "../../helpers/cli.js";
import { runTool, type ToolResult } from "../../helpers/dcmtk.js";
import { smallImage } from "../../helpers/images.js";

type TestContext = { after(fn: () => unknown): void };

/** A temporary folder, deleted after the test. */
export function tempDir(t: TestContext, prefix = "netdicom-qrscp-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The instances written: their files and UIDs. */
export interface Instances {
  readonly dir: string;
  readonly files: readonly string[];
  readonly patientId: string;
  /** Study Instance UID → the files of that study. */
  readonly studies: ReadonlyMap<string, string[]>;
}

/** Writes 3 instances (2 in the first study, in one series; 1 in the second) of one patient. */
export async function writeInstances(dir: string): Promise<Instances> {
  mkdirSync(dir, { recursive: true });
  const stamp = `${process.pid}${Date.now()}`;
  const patientId = `PQR${stamp}`;
  const studyA = `2.25.${stamp}1`;
  // Lengths of both parities: an odd-length UID travels with NUL padding (PS3.5 6.2).
  const studyB = `2.25.${stamp}22`;
  const plan: [string, string][] = [
    [studyA, `${studyA}.1`],
    [studyA, `${studyA}.1`],
    [studyB, `${studyB}.1`],
  ];
  const studies = new Map<string, string[]>();
  const files: string[] = [];
  for (const [i, [study, series]] of plan.entries()) {
    const ds = smallImage(sop.SecondaryCaptureImageStorage, {
      patientName: "QR^TEST",
      studyInstanceUid: study,
      seriesInstanceUid: series,
      pixelByte: (b) => (b * 7 + i) & 0xff,
    });
    ds.set("PatientID", patientId);
    ds.set("StudyDate", i < 2 ? "20240301" : "20231115");
    ds.set("StudyTime", "120000");
    ds.set("AccessionNumber", `ACC${i < 2 ? 1 : 2}`);
    ds.set("StudyID", "1");
    ds.set("SeriesNumber", "1");
    ds.set("InstanceNumber", String(i + 1));
    const file = join(dir, `in${i}.dcm`);
    await writeDicomFile(file, ds);
    files.push(file);
    studies.set(study, [...(studies.get(study) ?? []), file]);
  }
  return { dir, files, patientId, studies };
}

/** A qrscp configuration in `dir`: instances and the SQLite index there, and move destinations. */
export function writeConfig(
  dir: string,
  destinations: Record<string, number>,
  databaseLocation = "index/instances.sqlite",
): string {
  const path = join(dir, "qrscp.ini");
  const sections = Object.entries(destinations)
    .map(([aet, port]) => `[${aet}]\n    address: 127.0.0.1\n    port: ${port}\n`)
    .join("\n");
  writeFileSync(
    path,
    `[DEFAULT]\n    ae_title: QRSCP\n    port: 11112\n    instance_location: stored\n    database_location: ${databaseLocation}\n\n${sections}`,
  );
  return path;
}

/** Starts `netdicom qrscp -c CONFIG` on 127.0.0.1, port 0. */
export function startQrscp(t: TestContext, config: string, ...more: string[]): Promise<RunningServer> {
  return startCliServer(t, "qrscp", ["-c", config, "--port", "0", "-ba", "127.0.0.1", ...more]);
}

/** Runs `netdicom APP ARGS…` to its end. */
export function runCli(app: string, args: readonly string[]): Promise<ToolResult> {
  return runTool(process.execPath, [cliPath, app, ...args], { timeoutMs: 60_000 });
}

/** The data set of a Part 10 file as DICOM JSON (what must survive a round trip; the file meta may differ). */
export async function datasetJson(path: string): Promise<string> {
  return JSON.stringify(datasetToJson((await readDicomFile(path)).dataset));
}

/** The files directly in `dir` (none when it does not exist). */
export function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir).map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/** The .dcm files anywhere under `dir`. */
export function dicomFilesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".dcm"))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}
