// `npm run bench`: netdicom and dcmjs reading and writing the same CT files, side by side, then
// the lazy reading of a 256 MiB file; then C-STORE (netdicom's apps and DCMTK's, issue 5's four
// scenarios), sequential associations with one C-ECHO each, the asynchronous operations window;
// then Query/Retrieve (issue 6: netdicom qrscp and DCMTK dcmqrscp, C-FIND, C-GET, C-MOVE).
// Prints a report; asserts nothing about time.
//   node build/bench/run.js [--only dataset|storage|echo|async|qr] [--quick] [--repeat N]
//   (--repeat: runs per row, median reported; default 3, 5 for storage, 1 with --quick)
//                           [--files 100] [--seconds 2.5] [--frames 512] [--no-lazy]
//                           [--keep-extra-ca-certs]
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readPart10, ts } from "../src/index.js";
import { asyncBench } from "./async.js";
import { corpusFrame, corpusHeader, writeCorpus } from "./corpus.js";
import {
  type BenchCase,
  dcmjsRead,
  dcmjsWrite,
  decodeEveryValue,
  netdicomFullParse,
  netdicomHeaderParse,
  netdicomWrite,
  netdicomWriteEncoded,
} from "./dataset.js";
import { loadDcmjs } from "./dcmjs.js";
import { echoBench } from "./echo.js";
import { lazyBench } from "./lazy.js";
import { type Measurement, measure } from "./measure.js";
import { QR_FULL, QR_QUICK } from "./qr-corpus.js";
import { qrBench } from "./query-retrieve.js";
import { storageBench } from "./storage.js";
import { fixed, formatTable, mib } from "./table.js";

const SECTIONS = ["dataset", "storage", "echo", "async", "qr"] as const;
type Section = (typeof SECTIONS)[number];

function row(m: Measurement, reference?: Measurement): string[] {
  return [
    m.name,
    String(m.files),
    fixed(m.filesPerSecond),
    fixed(m.mbPerSecond),
    reference ? `${fixed(m.filesPerSecond / reference.filesPerSecond, 2)}x` : "",
  ];
}

async function datasetBench(dir: string, count: number, seconds: number): Promise<void> {
  const shape = { rows: 512, cols: 512, frames: 1, sop: "ct", syntax: "explicit-le", patients: 4 } as const;
  const t0 = performance.now();
  const paths = await writeCorpus(dir, count, shape);
  const files = await Promise.all(paths.map((p) => readFile(p)));
  const total = files.reduce((n, f) => n + f.byteLength, 0);
  console.log(
    `corpus: ${count} CT files, 512x512x16 bit, Explicit VR Little Endian, ` +
      `${mib(total / count)} each, ${mib(total)} in all (generated in ${fixed(performance.now() - t0, 0)} ms)`,
  );
  const sample = readPart10(files[0] as Uint8Array);
  console.log(`each file holds ${decodeEveryValue(sample.dataset)} data elements (sequence items included)\n`);

  const options = { warmupMs: Math.min(500, seconds * 200), runMs: seconds * 1000, maxIterations: 1_000_000 };
  const sizes = files.map((f) => f.byteLength);
  const run = (name: string, c: BenchCase): Measurement => measure(name, c, options);

  const parsed = files.map((f) => readPart10(f));
  const built = Array.from({ length: Math.min(count, 10) }, (_, i) => {
    const ds = corpusHeader(shape, i);
    ds.set("PixelData", corpusFrame(shape, i, 0), "OW");
    return ds;
  });

  const nRead = run("netdicom read, full (every value decoded)", netdicomFullParse(files));
  const nHead = run("netdicom read, header only (stop at Pixel Data)", netdicomHeaderParse(files));
  const nWrite = run("netdicom write (parsed data set, raw values reused)", netdicomWrite(parsed, sizes));
  const nEncode = run(
    "netdicom write (every value encoded from code)",
    netdicomWriteEncoded(built, ts.ExplicitVRLittleEndian),
  );

  const dcmjs = loadDcmjs();
  let dRead: Measurement | undefined;
  let dWrite: Measurement | undefined;
  if (dcmjs) {
    dRead = run("dcmjs read (DicomMessage.readFile)", dcmjsRead(dcmjs, files));
    const dicts = files.map((f) => dcmjs.data.DicomMessage.readFile(new Uint8Array(f).buffer));
    dWrite = run("dcmjs write (DicomDict.write)", dcmjsWrite(dicts, sizes));
  } else {
    console.log("dcmjs is not installed: its columns are left out");
  }
  console.log(
    formatTable(
      ["case", "files", "files/s", "MB/s", "vs dcmjs"],
      [
        row(nRead, dRead),
        row(nHead, dRead),
        ...(dRead ? [row(dRead)] : []),
        row(nWrite, dWrite),
        row(nEncode, dWrite),
        ...(dWrite ? [row(dWrite)] : []),
      ],
    ),
  );
  console.log(
    '\n"vs dcmjs" is netdicom files/s divided by dcmjs files/s for the same direction (read or write);' +
      "\nthe full read decodes every value (strings, numbers, person names, sequence items) so lazy" +
      "\ndecoding does not flatter it; pixel data is returned as a view of the input, not copied." +
      "\nMB/s counts file bytes (pixel data included); files are read from memory, not disk.",
  );
}

async function lazySection(dir: string, frames: number): Promise<void> {
  console.log(`\nlazy reading: one multi-frame file, ${frames} frames of 512x512x16 bit, streamed to disk`);
  const r = await lazyBench(dir, frames);
  console.log(`file: ${mib(r.fileSize)} (written frame by frame in ${fixed(r.writeMs, 0)} ms)\n`);
  const peak = (c: typeof r.head): number => c.peakRssBytes ?? c.maxRssBytes;
  const line = (name: string, c: typeof r.head): string[] => [
    name,
    fixed(c.ms, 0),
    mib(peak(c)),
    `${fixed((100 * peak(c)) / r.fileSize, 1)}%`,
    mib(c.maxRssBytes),
    String(c.elements),
  ];
  console.log(
    formatTable(
      ["child process", "ms", "peak RSS", "peak / file size", "maxRSS", "elements"],
      [
        line("node, no read (baseline)", r.baseline),
        line("readDicomFileHead", r.head),
        line("readDicomFile (whole file)", r.full),
      ],
    ),
  );
  const extra = peak(r.head) - peak(r.baseline);
  console.log(
    "\npeak RSS is the child's own high-water mark (VmHWM on Linux). maxRSS is" +
      " process.resourceUsage().maxRSS,\nwhich on Linux also holds the parent's resident set at fork time.",
  );
  console.log(
    `\nreadDicomFileHead peaked ${mib(Math.max(0, extra))} above an idle node process, for a ${mib(r.fileSize)} file; ` +
      `it reported Pixel Data of ${r.head.pixelDataLength ?? "?"} bytes without reading it.`,
  );
}

/**
 * NODE_EXTRA_CA_CERTS makes every Node process read and parse that file of certificates as it
 * starts, before any JavaScript runs (a system bundle of ~150 certificates: ~30 ms of CPU per
 * process measured here, bare `node -e 0` 42 ms instead of 11). Machines behind an intercepting
 * proxy set it for everything; DCMTK's tools never read it, and no bench scenario uses TLS. The
 * children run without it unless --keep-extra-ca-certs, and the report says which.
 */
function dropExtraCaCerts(keep: boolean): void {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (file === undefined) return;
  if (keep) {
    console.log(`NODE_EXTRA_CA_CERTS=${file} kept (--keep-extra-ca-certs): every Node child parses it as it starts`);
    return;
  }
  delete process.env.NODE_EXTRA_CA_CERTS;
  console.log(
    `NODE_EXTRA_CA_CERTS=${file} is set here; the Node children run without it (each would parse it as it starts, ~30 ms of CPU; --keep-extra-ca-certs keeps it)`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      quick: { type: "boolean", default: false },
      repeat: { type: "string" },
      files: { type: "string" },
      seconds: { type: "string" },
      frames: { type: "string" },
      "no-lazy": { type: "boolean", default: false },
      "keep-extra-ca-certs": { type: "boolean", default: false },
    },
  });
  const quick = values.quick;
  // --quick is a smoke run: every section, smaller inputs, one repetition.
  const count = Number(values.files ?? (quick ? "20" : "100"));
  const seconds = Number(values.seconds ?? (quick ? "0.5" : "2.5"));
  const frames = Number(values.frames ?? (quick ? "64" : "512"));
  const repeat = Number(values.repeat ?? (quick ? "1" : "3"));
  if (!(count >= 1 && seconds > 0 && frames >= 1))
    throw new RangeError("--files, --seconds and --frames must be positive");
  if (!(Number.isInteger(repeat) && repeat >= 1 && repeat <= 100))
    throw new RangeError("--repeat must be an integer from 1 to 100");
  const only = values.only;
  if (only !== undefined && !SECTIONS.includes(only as Section))
    throw new RangeError(`--only takes one of ${SECTIONS.join(", ")}, not "${only}"`);
  const runs = (section: Section): boolean => only === undefined || only === section;
  console.log(`netdicom benchmark: node ${process.version}, ${cpus().length} CPU(s), ${cpus()[0]?.model ?? ""}`);
  dropExtraCaCerts(values["keep-extra-ca-certs"]);
  console.log("");
  const dir = await mkdtemp(join(tmpdir(), "netdicom-bench-"));
  try {
    if (runs("dataset")) {
      const corpusDir = join(dir, "corpus");
      await mkdir(corpusDir);
      await datasetBench(corpusDir, count, seconds);
      if (!values["no-lazy"]) await lazySection(dir, frames);
    }
    // The storage runs are short and the disk's state moves them (writeback, page cache): five
    // runs per row unless told otherwise, so that one slow run does not decide a median.
    if (runs("storage")) await storageBench(dir, { quick, repeat: values.repeat === undefined && !quick ? 5 : repeat });
    if (runs("echo")) await echoBench({ associations: quick ? 50 : 200, repeat });
    if (runs("async")) await asyncBench(dir, { quick, repeat });
    if (runs("qr")) await qrBench(dir, { sizes: quick ? QR_QUICK : QR_FULL, repeat });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
