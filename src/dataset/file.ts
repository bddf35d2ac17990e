import { open, readFile, rename, unlink, writeFile } from "node:fs/promises";
import type { Dataset } from "./dataset.js";
import { DicomParseError } from "./errors.js";
import {
  encodingOf,
  type Part10,
  type ReadPart10Options,
  readFileMeta,
  readPart10,
  type WritePart10Options,
  writePart10,
} from "./part10.js";
import { PIXEL_DATA } from "./reader.js";
import { DatasetStreamReader } from "./stream-reader.js";
import { type VR, VR_INFO, vrFromBytes } from "./vr.js";

/** Reads a whole Part 10 file into memory and parses it. */
export async function readDicomFile(path: string, options: ReadPart10Options = {}): Promise<Part10> {
  const bytes = await readFile(path);
  return readPart10(bytes, options);
}

/** Writes `ds` as a Part 10 file: to a temporary name first, renamed into place when complete. */
export async function writeDicomFile(path: string, ds: Dataset, options: WritePart10Options = {}): Promise<void> {
  const bytes = writePart10(ds, options);
  const tmp = `${path}.${process.pid}.${Date.now()}.part`;
  try {
    await writeFile(tmp, bytes, { flush: true });
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/** Where a file's Pixel Data lies, so a later layer can stream it without loading it. */
export interface PixelDataLocation {
  /** The tag: Pixel Data, (7FE0,0010). */
  readonly tag: number;
  /** Its VR as read from the file (OB or OW); OW for implicit VR. */
  readonly vr: VR;
  /** File offset of the element's header. */
  readonly headerOffset: number;
  /** File offset of the value (the first fragment item, when encapsulated). */
  readonly valueOffset: number;
  /** Value length in bytes; undefined for encapsulated (undefined-length) pixel data. */
  readonly length: number | undefined;
}

/** A file's meta and data set up to (not including) its Pixel Data. */
export interface DicomFileHead extends Part10 {
  /** Where the Pixel Data element lies; undefined when the file has none. */
  readonly pixelData: PixelDataLocation | undefined;
  /** File size in bytes. */
  readonly fileSize: number;
}

/**
 * Reads a file's meta and data set up to its Pixel Data without reading the pixel data: memory
 * stays near the size of the header whatever the file size. Deflated files are inflated whole
 * (their pixel data has no place in the file to point at).
 */
export async function readDicomFileHead(
  path: string,
  options: { chunkSize?: number; maxDepth?: number; stopAtTag?: number } = {},
): Promise<DicomFileHead> {
  const stopAtTag = options.stopAtTag ?? PIXEL_DATA;
  const fh = await open(path, "r");
  try {
    const { size } = await fh.stat();
    const chunkSize = options.chunkSize ?? 64 * 1024;
    // 1. The meta: read until group 0002 has ended.
    let head = new Uint8Array(0);
    let pos = 0;
    let meta: ReturnType<typeof readFileMeta> | undefined;
    while (pos < size || !meta) {
      const chunk = new Uint8Array(Math.min(chunkSize, size - pos));
      const { bytesRead } = await fh.read(chunk, 0, chunk.byteLength, pos);
      pos += bytesRead;
      head = Buffer.concat([head, chunk.subarray(0, bytesRead)]);
      meta = readFileMeta(head, { partial: pos < size });
      if (meta.complete || bytesRead === 0) break;
    }
    if (!meta?.complete) meta = readFileMeta(head);
    const enc = encodingOf(meta.transferSyntaxUid, meta.datasetOffset);
    if (enc.deflated) {
      const all = await fh.readFile();
      return { ...readPart10(all, { stopAtTag }), pixelData: undefined, fileSize: size };
    }
    // 2. The data set, streamed in chunks until the stop tag.
    const reader = new DatasetStreamReader({
      explicitVr: enc.explicitVr,
      littleEndian: enc.littleEndian,
      stopAtTag,
      baseOffset: meta.datasetOffset,
      ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
    });
    let stopped = reader.push(head.subarray(meta.datasetOffset));
    while (!stopped && pos < size) {
      const chunk = new Uint8Array(Math.min(chunkSize, size - pos));
      const { bytesRead } = await fh.read(chunk, 0, chunk.byteLength, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      stopped = reader.push(chunk.subarray(0, bytesRead));
    }
    const dataset = stopped ? (reader.dataset as Dataset) : reader.end();
    const base = {
      meta: meta.meta,
      dataset,
      transferSyntaxUid: meta.transferSyntaxUid,
      datasetOffset: meta.datasetOffset,
      fileSize: size,
    };
    if (!stopped || reader.stoppedAt !== PIXEL_DATA) {
      return { ...base, ...(stopped ? { stoppedAtOffset: reader.offset } : {}), pixelData: undefined };
    }
    // 3. The Pixel Data element's header: at most 12 bytes at the stop offset.
    const headerOffset = reader.offset;
    const hdr = new Uint8Array(12);
    const { bytesRead } = await fh.read(hdr, 0, 12, headerOffset);
    const view = new DataView(hdr.buffer);
    const le = enc.littleEndian;
    let vr: VR = "OW";
    let length: number;
    let headerLength = 8;
    if (bytesRead < 8)
      throw new DicomParseError("pixel data header truncated", { tag: PIXEL_DATA, offset: headerOffset });
    if (enc.explicitVr) {
      const found = vrFromBytes(hdr[4] as number, hdr[5] as number);
      if (!found) throw new DicomParseError("unknown VR", { tag: PIXEL_DATA, offset: headerOffset + 4 });
      vr = found;
      if (VR_INFO[vr].longLength) {
        if (bytesRead < 12)
          throw new DicomParseError("pixel data header truncated", { tag: PIXEL_DATA, offset: headerOffset });
        length = view.getUint32(8, le);
        headerLength = 12;
      } else length = view.getUint16(6, le);
    } else {
      length = view.getUint32(4, le);
    }
    const valueOffset = headerOffset + headerLength;
    const undefinedLength = length === 0xffffffff;
    if (!undefinedLength && valueOffset + length > size) {
      throw new DicomParseError(`pixel data of ${length} bytes runs past the end of the file`, {
        tag: PIXEL_DATA,
        offset: headerOffset,
      });
    }
    return {
      ...base,
      stoppedAtOffset: headerOffset,
      pixelData: { tag: PIXEL_DATA, vr, headerOffset, valueOffset, length: undefinedLength ? undefined : length },
    };
  } finally {
    await fh.close();
  }
}
