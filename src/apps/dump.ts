// `netdicom dump FILE...`: a dcmdump-like listing, or DICOM JSON like dcm2json.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import {
  type DataElement,
  Dataset,
  type DatasetToJsonOptions,
  type DicomJsonObject,
  datasetToJson,
  type EncapsulatedPixelData,
  readDicomFileHead,
  readPart10,
  uidName,
} from "../index.js";
import type { CliIo, Command } from "./command.js";
import { dumpDataset, dumpPixelDataLocation } from "./dump-format.js";

const USAGE = `usage: netdicom dump [options] FILE...

Lists the file meta information and data set of DICOM files, like DCMTK's dcmdump.
Pixel Data is not loaded: its length and position are shown.

options:
  --json                 print the data set in the DICOM JSON model (PS3.18 F.2), like dcm2json
  --meta                 with --json, include the file meta information (group 0002)
  --no-pixel             with --json, stop before Pixel Data (reads only the header)
  --bulk-threshold N     with --json, binary values over N bytes become a BulkDataURI
                         (file://…?offset=…&length=…) instead of InlineBinary
  --full                 read the whole file, listing the elements after Pixel Data too
  -h, --help             print this help`;

interface DumpOptions {
  json: boolean;
  meta: boolean;
  noPixel: boolean;
  full: boolean;
  bulkThreshold: number | undefined;
}

/** The file offset and length of a value that aliases the file's bytes, if it does. */
function locate(el: DataElement, file: Uint8Array): { offset: number; length: number } | undefined {
  let bytes = el.raw;
  let start = 0;
  let length = 0;
  if (bytes === undefined) {
    const v = el.value([]);
    if (v instanceof Uint8Array || Array.isArray(v)) return undefined;
    // Encapsulated: the items from the Basic Offset Table's header to the end of the last fragment
    const px = v as EncapsulatedPixelData;
    const last = px.fragments[px.fragments.length - 1] ?? px.basicOffsetTable;
    bytes = px.basicOffsetTable;
    start = -8;
    length = last.byteOffset + last.byteLength - (bytes.byteOffset - 8);
  } else length = bytes.byteLength;
  if (bytes.buffer !== file.buffer) return undefined; // e.g. a deflated data set: not in the file as is
  return { offset: bytes.byteOffset - file.byteOffset + start, length };
}

async function dumpJson(path: string, o: DumpOptions): Promise<DicomJsonObject> {
  let meta: Dataset;
  let dataset: Dataset;
  const options: { -readonly [K in keyof DatasetToJsonOptions]: DatasetToJsonOptions[K] } = {};
  if (o.noPixel) {
    ({ meta, dataset } = await readDicomFileHead(path));
  } else {
    const file = await readFile(path);
    ({ meta, dataset } = readPart10(file));
    if (o.bulkThreshold !== undefined) {
      const url = pathToFileURL(resolve(path)).href;
      options.bulkDataThreshold = o.bulkThreshold;
      options.bulkDataUri = (_tag, el) => {
        const at = locate(el, file);
        return at && `${url}?offset=${at.offset}&length=${at.length}`;
      };
    }
  }
  if (!o.meta) return datasetToJson(dataset, options);
  // dcm2json +m: the meta elements first, then the data set, in one object
  const both = new Dataset();
  for (const el of meta) both.setElement(el);
  for (const el of dataset) both.setElement(el);
  return datasetToJson(both, options);
}

async function dumpText(path: string, o: DumpOptions): Promise<string[]> {
  const out = ["", "# Dicom-File-Format", ""];
  let head: Awaited<ReturnType<typeof readDicomFileHead>> | undefined;
  let meta: Dataset;
  let dataset: Dataset;
  let transferSyntaxUid: string;
  if (o.full) ({ meta, dataset, transferSyntaxUid } = readPart10(await readFile(path)));
  else ({ meta, dataset, transferSyntaxUid } = head = await readDicomFileHead(path));
  out.push("# Dicom-Meta-Information-Header");
  out.push(`# Used TransferSyntax: ${uidName("1.2.840.10008.1.2.1")}`);
  out.push(...dumpDataset(meta), "");
  out.push("# Dicom-Data-Set");
  out.push(`# Used TransferSyntax: ${transferSyntaxUid === "" ? "unknown" : uidName(transferSyntaxUid)}`);
  out.push(...dumpDataset(dataset));
  if (head?.pixelData) out.push(dumpPixelDataLocation(head.pixelData));
  return out;
}

function parse(args: readonly string[]): { options: DumpOptions; files: string[]; help: boolean } {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      meta: { type: "boolean", default: false },
      "no-pixel": { type: "boolean", default: false },
      full: { type: "boolean", default: false },
      "bulk-threshold": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const threshold = values["bulk-threshold"];
  const bulkThreshold = threshold === undefined ? undefined : Number(threshold);
  if (bulkThreshold !== undefined && !(Number.isInteger(bulkThreshold) && bulkThreshold >= 0)) {
    throw new Error(`--bulk-threshold needs a byte count, not ${JSON.stringify(threshold)}`);
  }
  return {
    options: {
      json: values.json,
      meta: values.meta,
      noPixel: values["no-pixel"],
      full: values.full,
      bulkThreshold,
    },
    files: positionals,
    help: values.help,
  };
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (e) {
    io.stderr(`netdicom dump: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (parsed.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (parsed.files.length === 0) {
    io.stderr(`netdicom dump: no file given\n${USAGE}\n`);
    return 2;
  }
  let status = 0;
  const docs: DicomJsonObject[] = [];
  for (const path of parsed.files) {
    try {
      if (parsed.options.json) docs.push(await dumpJson(path, parsed.options));
      else io.stdout(`${(await dumpText(path, parsed.options)).join("\n")}\n`);
    } catch (e) {
      // One line per unreadable file; the others are still listed.
      io.stderr(`netdicom dump: ${path}: ${(e as Error).message}\n`);
      status = 1;
    }
  }
  if (parsed.options.json && docs.length > 0) {
    // One file gives one object, like dcm2json; several give an array of them.
    io.stdout(`${JSON.stringify(parsed.files.length === 1 ? docs[0] : docs, null, 2)}\n`);
  }
  return status;
}

/** `netdicom dump`: lists DICOM files like dcmdump, or prints them as DICOM JSON like dcm2json. */
export const dumpCommand: Command = {
  summary: "list the contents of DICOM files (dcmdump-like), or print them as DICOM JSON",
  run,
};
