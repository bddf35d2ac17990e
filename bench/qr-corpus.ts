// The corpora of the Query/Retrieve benchmark: many small instances in many studies (what the
// C-FIND queries search), and two studies of larger images of one patient (what C-GET and C-MOVE
// retrieve), generated with corpus.ts, plus the answers each query must get.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { type CorpusOptions, writeCorpus } from "./corpus.js";
import { fileSet } from "./storage-corpus.js";

/** The sizes of one Query/Retrieve run. */
export interface QrSizes {
  /** Studies of the index corpus, one patient each… */
  readonly studies: number;
  /** …of this many tiny (16×16) CT instances each. */
  readonly instancesPerStudy: number;
  /** Instances in each of the two retrieved studies (one patient)… */
  readonly retrievePerStudy: number;
  /** …each a CT of this many rows and columns (16-bit; 512: 0.5 MiB). */
  readonly retrieveRows: number;
  /** C-FIND requests per measured run (one association). */
  readonly queries: number;
}

/** Issue 6's sizes: 10,000 instances in the index, 200 instances of 0.5 MiB retrieved. */
export const QR_FULL: QrSizes = {
  studies: 100,
  instancesPerStudy: 100,
  retrievePerStudy: 100,
  retrieveRows: 512,
  queries: 50,
};

/** `--quick`: 1,000 instances in the index, 20 retrieved. */
export const QR_QUICK: QrSizes = {
  studies: 10,
  instancesPerStudy: 100,
  retrievePerStudy: 10,
  retrieveRows: 512,
  queries: 10,
};

/** The smallest run that still goes through every step (the bench's own test). */
export const QR_TINY: QrSizes = { studies: 2, instancesPerStudy: 5, retrievePerStudy: 2, retrieveRows: 64, queries: 2 };

/** One C-FIND the bench repeats, with the number of matches it must get. */
export interface QrQuery {
  readonly name: string;
  /** findscu `-k` arguments (QueryRetrieveLevel included). */
  readonly keys: readonly string[];
  /** The same query as an identifier for netdicom's SCU. */
  readonly identifier: Readonly<Record<string, string>>;
  readonly expected: number;
}

/** What was generated. */
export interface QrCorpus {
  /** Folder of the index corpus (loaded with `storescu +sd`). */
  readonly indexDir: string;
  readonly indexInstances: number;
  readonly indexBytes: number;
  /** Folder of the retrieve corpus. */
  readonly retrieveDir: string;
  readonly retrieveInstances: number;
  /** Data set bytes of the retrieve corpus (what a C-STORE sub-operation carries). */
  readonly retrieveBytes: number;
  /** The Patient ID of the retrieve corpus: a PATIENT-level C-GET/C-MOVE of it gets both studies. */
  readonly retrievePatientId: string;
  readonly queries: readonly QrQuery[];
}

/** A PS3.4 C.2.2.2.4 wildcard pattern (`*`, `?`) as an anchored regular expression. */
function wildcard(pattern: string): RegExp {
  const body = [...pattern].map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[\\^$.|+()[\]{}]/g, "\\$&")));
  return new RegExp(`^${body.join("")}$`);
}

/** corpus.ts names patient p (from 0) "SYNTH^PATIENT" and p + 1 on four digits, in every corpus. */
function patientName(p: number): string {
  return `SYNTH^PATIENT${String(p + 1).padStart(4, "0")}`;
}

/** Study-level keys asked for in every query (answered from the index, not from files). */
const RETURN_KEYS = ["PatientName", "PatientID", "StudyDate", "StudyTime", "AccessionNumber", "StudyID"];

function query(name: string, match: Record<string, string>, expected: number): QrQuery {
  const identifier: Record<string, string> = { QueryRetrieveLevel: "STUDY", StudyInstanceUID: "" };
  for (const k of RETURN_KEYS) identifier[k] = "";
  Object.assign(identifier, match);
  const keys = Object.entries(identifier).flatMap(([k, v]) => ["-k", v === "" ? k : `${k}=${v}`]);
  return { name, keys, identifier, expected };
}

/** Generates both corpora under `dir`. Deterministic: the same sizes give the same files. */
export async function makeQrCorpus(dir: string, sizes: QrSizes): Promise<QrCorpus> {
  const indexDir = join(dir, "index");
  const retrieveDir = join(dir, "retrieve");
  await mkdir(indexDir, { recursive: true });
  await mkdir(retrieveDir, { recursive: true });
  const indexShape: CorpusOptions = { sop: "ct", rows: 16, cols: 16, patients: sizes.studies, seed: 61 };
  const indexPaths = await writeCorpus(indexDir, sizes.studies * sizes.instancesPerStudy, indexShape);
  const retrieveShape: CorpusOptions = {
    sop: "ct",
    rows: sizes.retrieveRows,
    cols: sizes.retrieveRows,
    patients: 1,
    studiesPerPatient: 2,
    seed: 62,
  };
  const retrievePaths = await writeCorpus(retrieveDir, 2 * sizes.retrievePerStudy, retrieveShape);
  const index = await fileSet(indexPaths);
  const retrieve = await fileSet(retrievePaths);

  // Each index patient has one study; the retrieve patient (name index 0) has two.
  const names = [...Array.from({ length: sizes.studies }, (_, p) => patientName(p)), patientName(0), patientName(0)];
  const pattern = "SYNTH^PATIENT00*1";
  const re = wildcard(pattern);
  return {
    indexDir,
    indexInstances: indexPaths.length,
    indexBytes: index.datasetBytes,
    retrieveDir,
    retrieveInstances: retrievePaths.length,
    retrieveBytes: retrieve.datasetBytes,
    // corpus.ts: PatientID is "NC" + seed + "-" + the patient number on six digits.
    retrievePatientId: "NC62-000001",
    queries: [
      query("all studies", {}, names.length),
      query(`PatientName=${pattern}`, { PatientName: pattern }, names.filter((n) => re.test(n)).length),
    ],
  };
}
