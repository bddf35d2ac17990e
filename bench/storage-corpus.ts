// The corpora of the storage benchmark, generated into a temporary folder with corpus.ts, one
// folder per scenario, and the data set bytes each file carries over the network.
import { mkdir, open } from "node:fs/promises";
import { join } from "node:path";
import { type CorpusOptions, writeCorpus } from "./corpus.js";

/** The sizes of the four scenarios of issue 5 (or of a smaller smoke run). */
export interface StorageSizes {
  /** (a): this many 512×512 16-bit CT files on one association. */
  readonly imageFiles: number;
  /** (b): this many tiny files (16×16 CT) on one association. */
  readonly tinyFiles: number;
  /** (c): one multi-frame SC file of this many 512×512 16-bit frames (512 frames: 256 MiB). */
  readonly frames: number;
  /** (d): this many concurrent senders… */
  readonly senders: number;
  /** …of this many 512×512 files each. */
  readonly filesPerSender: number;
}

/** Issue 5's sizes. */
export const FULL_SIZES: StorageSizes = {
  imageFiles: 200,
  tinyFiles: 2000,
  frames: 512,
  senders: 8,
  filesPerSender: 50,
};

/** A smoke run: the same shapes, a tenth of the data or less. */
export const QUICK_SIZES: StorageSizes = { imageFiles: 20, tinyFiles: 200, frames: 64, senders: 8, filesPerSender: 5 };

/** Files one sender process sends. */
export interface FileSet {
  readonly paths: readonly string[];
  /** Sum of the data set bytes (file minus preamble and file meta), what a C-STORE carries. */
  readonly datasetBytes: number;
}

/** A scenario: one file set per concurrent sender. */
export interface Scenario {
  readonly key: "a" | "b" | "c" | "d";
  readonly title: string;
  readonly senders: readonly FileSet[];
  /** Files the receiver must hold at the end. */
  readonly instances: number;
  readonly datasetBytes: number;
}

/**
 * Where the data set starts in one of our Explicit VR Little Endian Part 10 files: after the
 * 128-byte preamble, "DICM" and the File Meta Information, whose length is the value of
 * (0002,0000) File Meta Information Group Length, the first meta element (PS3.10 7.1).
 */
async function datasetOffset(path: string): Promise<number> {
  const fh = await open(path, "r");
  try {
    const head = new Uint8Array(144);
    const { bytesRead } = await fh.read(head, 0, 144, 0);
    const view = new DataView(head.buffer);
    const magic = String.fromCharCode(...head.subarray(128, 132));
    // (0002,0000) UL, explicit VR: tag 4 bytes, "UL", 2-byte length, 4-byte value at 140.
    if (bytesRead < 144 || magic !== "DICM" || view.getUint32(132, true) !== 0x00000002) {
      throw new Error(`${path} does not start with a File Meta Information Group Length`);
    }
    return 144 + view.getUint32(140, true);
  } finally {
    await fh.close();
  }
}

/** The paths and the sum of their data set bytes. */
export async function fileSet(paths: readonly string[]): Promise<FileSet> {
  let datasetBytes = 0;
  for (const p of paths) {
    const fh = await open(p, "r");
    const { size } = await fh.stat().finally(() => fh.close());
    datasetBytes += size - (await datasetOffset(p));
  }
  return { paths, datasetBytes };
}

async function corpus(dir: string, count: number, options: CorpusOptions): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  return writeCorpus(dir, count, { syntax: "explicit-le", ...options });
}

function scenario(key: Scenario["key"], title: string, senders: FileSet[]): Scenario {
  return {
    key,
    title,
    senders,
    instances: senders.reduce((n, s) => n + s.paths.length, 0),
    datasetBytes: senders.reduce((n, s) => n + s.datasetBytes, 0),
  };
}

/**
 * Writes the four corpora under `dir` (Explicit VR Little Endian, deterministic). (a) and (d)
 * share their first files; (d) gives every sender distinct instances, because files with the
 * same SOP Instance UID would land under the same name and hide lost ones.
 */
export async function makeStorageCorpus(dir: string, sizes: StorageSizes): Promise<Scenario[]> {
  const imageCount = Math.max(sizes.imageFiles, sizes.senders * sizes.filesPerSender);
  const images = await corpus(join(dir, "images"), imageCount, { sop: "ct", rows: 512, cols: 512, patients: 4 });
  const tiny = await corpus(join(dir, "tiny"), sizes.tinyFiles, { sop: "ct", rows: 16, cols: 16, patients: 20 });
  const large = await corpus(join(dir, "large"), 1, { sop: "sc", rows: 512, cols: 512, frames: sizes.frames });
  const perSender: FileSet[] = [];
  for (let s = 0; s < sizes.senders; s++) {
    perSender.push(await fileSet(images.slice(s * sizes.filesPerSender, (s + 1) * sizes.filesPerSender)));
  }
  return [
    scenario("a", `(a) ${sizes.imageFiles} CT 512x512x16, one association`, [
      await fileSet(images.slice(0, sizes.imageFiles)),
    ]),
    scenario("b", `(b) ${sizes.tinyFiles} tiny CT 16x16x16, one association`, [await fileSet(tiny)]),
    scenario("c", `(c) one multi-frame SC, ${sizes.frames} frames 512x512x16`, [await fileSet(large)]),
    scenario("d", `(d) ${sizes.senders} concurrent senders x ${sizes.filesPerSender} CT 512x512x16`, perSender),
  ];
}
