// The decoders under fuzz, each with a generator of hostile inputs: random bytes and
// structure-aware mutations of valid encodings. A target's `run` may return anything or throw a
// NetdicomError; any other exception is a failure (the engine decides that, not the target).

import { decodeText } from "../../src/dataset/charset.js";
import {
  Dataset,
  DatasetStreamReader,
  datasetFromJson,
  datasetToJson,
  PersonName,
  readDataset,
  readPart10,
  ts,
  writeDataset,
  writePart10,
} from "../../src/dataset/index.js";
import {
  cEchoRq,
  cEchoRsp,
  cFindRq,
  cFindRsp,
  cStoreRq,
  cStoreRsp,
  decodeCommand,
  encodeCommand,
  MessageReassembler,
  nActionRq,
} from "../../src/dimse/index.js";
import { decodePdu, encodePdu, PduFramer, PduReadBuffer, PduType, pDataTfHeader } from "../../src/pdu/index.js";
import { vrSampleDataset } from "../helpers/vr-samples.js";
import { concat, mutate, type Rng } from "./fuzz-rng.js";

/** One generated input: the bytes to report if it fails, and the call that exercises it. */
export interface FuzzInput {
  readonly bytes: Uint8Array;
  /** Extra detail for the failure report (split points, options). */
  readonly note?: string;
  readonly run: () => unknown;
}

/** A decoder under fuzz. */
export interface FuzzTarget {
  readonly name: string;
  readonly generate: (rng: Rng) => FuzzInput;
}

/** Inputs stay small so that a case is microseconds and a hang stands out. */
const MAX_INPUT = 4096;

const enc = (s: string) => new TextEncoder().encode(s);

// ---- seeds ----

const pduSeeds: readonly Uint8Array[] = [
  encodePdu({
    type: PduType.AAssociateRq,
    protocolVersion: 1,
    calledAeTitle: "STORE_SCP",
    callingAeTitle: "FUZZ",
    applicationContextName: "1.2.840.10008.3.1.1.1",
    presentationContexts: [
      { contextId: 1, abstractSyntax: "1.2.840.10008.1.1", transferSyntaxes: ["1.2.840.10008.1.2"] },
      {
        contextId: 3,
        abstractSyntax: "1.2.840.10008.5.1.4.1.1.2",
        transferSyntaxes: ["1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2"],
      },
    ],
    userInformation: {
      maximumLength: 16382,
      implementationClassUid: "1.2.3.4",
      implementationVersionName: "FUZZ_1",
      asynchronousOperationsWindow: { maxOperationsInvoked: 1, maxOperationsPerformed: 1 },
      roleSelections: [{ sopClassUid: "1.2.840.10008.5.1.4.1.1.2", scuRole: true, scpRole: true }],
      sopClassExtendedNegotiations: [{ sopClassUid: "1.2.3", applicationInformation: new Uint8Array([1, 0, 1]) }],
      sopClassCommonExtendedNegotiations: [
        { sopClassUid: "1.2.3", serviceClassUid: "1.2.4", relatedGeneralSopClassUids: ["1.2.5"] },
      ],
      userIdentityRq: {
        identityType: 2,
        positiveResponseRequested: true,
        primaryField: enc("user"),
        secondaryField: enc("pass"),
      },
    },
  }),
  encodePdu({
    type: PduType.AAssociateAc,
    protocolVersion: 1,
    calledAeTitle: "STORE_SCP",
    callingAeTitle: "FUZZ",
    applicationContextName: "1.2.840.10008.3.1.1.1",
    presentationContexts: [
      { contextId: 1, result: 0, transferSyntax: "1.2.840.10008.1.2" },
      { contextId: 3, result: 3, transferSyntax: "1.2.840.10008.1.2" },
    ],
    userInformation: {
      maximumLength: 0,
      implementationClassUid: "1.2.3",
      userIdentityAc: { serverResponse: enc("ok") },
    },
  }),
  encodePdu({ type: PduType.AAssociateRj, result: 1, source: 1, reason: 7 }),
  encodePdu({
    type: PduType.PDataTf,
    values: [
      { contextId: 1, isCommand: true, isLast: true, data: new Uint8Array([1, 2, 3, 4]) },
      { contextId: 1, isCommand: false, isLast: false, data: new Uint8Array([5, 6]) },
    ],
  }),
  encodePdu({ type: PduType.AReleaseRq }),
  encodePdu({ type: PduType.AReleaseRp }),
  encodePdu({ type: PduType.AAbort, source: 2, reason: 6 }),
];

const commandSeeds: readonly Uint8Array[] = [
  encodeCommand(cEchoRq({ messageId: 1 })),
  encodeCommand(cEchoRsp({ messageIdBeingRespondedTo: 1, status: 0 })),
  encodeCommand(
    cStoreRq({
      messageId: 7,
      affectedSopClassUid: "1.2.840.10008.5.1.4.1.1.2",
      affectedSopInstanceUid: "2.25.1234567890",
      moveOriginatorApplicationEntityTitle: "MOVER",
      moveOriginatorMessageId: 3,
    }),
  ),
  encodeCommand(
    cStoreRsp({
      messageIdBeingRespondedTo: 7,
      status: 0xb000,
      affectedSopClassUid: "1.2.840.10008.5.1.4.1.1.2",
      affectedSopInstanceUid: "2.25.1",
      offendingElement: [0x00100010],
      errorComment: "coerced",
    }),
  ),
  encodeCommand(cFindRq({ messageId: 2, affectedSopClassUid: "1.2.840.10008.5.1.4.1.2.2.1" })),
  encodeCommand(cFindRsp({ messageIdBeingRespondedTo: 2, status: 0xff00, hasDataset: true })),
  encodeCommand(
    nActionRq({
      messageId: 9,
      requestedSopClassUid: "1.2.840.10008.1.20.1",
      requestedSopInstanceUid: "1.2.840.10008.1.20.1.1",
      actionTypeId: 1,
      hasDataset: true,
    }),
  ),
];

function sampleDataset(): Dataset {
  const ds = vrSampleDataset();
  ds.set("SpecificCharacterSet", ["ISO 2022 IR 6", "ISO 2022 IR 87"]);
  ds.set("SOPClassUID", "1.2.840.10008.5.1.4.1.1.7");
  ds.set("SOPInstanceUID", "2.25.99");
  ds.set("PatientName", new PersonName("Yamada^Tarou=\u5c71\u7530^\u592a\u90ce"));
  ds.set("ReferencedSeriesSequence", [
    { SeriesInstanceUID: "2.25.5", ReferencedInstanceSequence: [{ ReferencedSOPInstanceUID: "2.25.6" }] },
  ]);
  ds.set("Rows", 2);
  ds.set("Columns", 2);
  ds.set("PixelData", new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), "OW");
  return ds;
}

const encodings = [
  { name: "implicit-le", explicitVr: false, littleEndian: true, uid: ts.ImplicitVRLittleEndian },
  { name: "explicit-le", explicitVr: true, littleEndian: true, uid: ts.ExplicitVRLittleEndian },
  { name: "explicit-be", explicitVr: true, littleEndian: false, uid: ts.ExplicitVRBigEndian },
] as const;

let seedsCache: { datasets: Uint8Array[][]; part10: Uint8Array[]; json: unknown[] } | undefined;

/** Valid encodings of the sample data sets, built once per process. */
function datasetSeeds(): { datasets: Uint8Array[][]; part10: Uint8Array[]; json: unknown[] } {
  if (seedsCache) return seedsCache;
  const samples = [sampleDataset(), new Dataset({ PatientID: "X", StudyDate: "20240101", NumberOfFrames: 3 })];
  const datasets = encodings.map((e) => samples.map((ds) => writeDataset(ds, e)));
  const part10 = [...encodings.map((e) => e.uid), ts.DeflatedExplicitVRLittleEndian].map((uid) =>
    writePart10(samples[0]!, { transferSyntaxUid: uid }),
  );
  const json = samples.map((ds) => datasetToJson(ds));
  seedsCache = { datasets, part10, json };
  return seedsCache;
}

// ---- exercising what comes back ----

/** Decodes every value of `ds`, recursing into items: values are decoded lazily, so reading alone is not enough. */
export function touchDataset(ds: Dataset, depth = 0): number {
  let n = 0;
  const charsets = ds.charsets;
  for (const el of ds) {
    const v = el.value(el.vr === "SQ" ? [] : charsets);
    n++;
    if (el.vr === "SQ" && depth < 64) for (const item of v as Dataset[]) n += touchDataset(item, depth + 1);
  }
  for (const tag of ds.tags()) {
    ds.strings(tag);
    ds.numbers(tag);
    ds.personName(tag);
  }
  return n;
}

/** Random bytes, or a mutation of one seed: half and half. */
function bytesFrom(rng: Rng, seeds: readonly Uint8Array[]): Uint8Array {
  if (rng.chance(0.15)) return rng.bytes(rng.below(256));
  return mutate(rng, rng.pick(seeds), MAX_INPUT);
}

/** Cuts `bytes` into 1–8 chunks at random offsets. */
function splits(rng: Rng, bytes: Uint8Array): number[] {
  const cuts = new Set<number>();
  const n = rng.below(8);
  for (let i = 0; i < n; i++) cuts.add(rng.below(bytes.byteLength + 1));
  return [...cuts].sort((a, b) => a - b);
}

function chunked(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  for (const c of cuts) {
    out.push(bytes.subarray(at, c));
    at = c;
  }
  out.push(bytes.subarray(at));
  return out;
}

// ---- random JSON ----

const jsonKeys = ["00100010", "00080005", "00081115", "7FE00010", "0020000D", "00280010", "Value", "vr", "xx"];
const jsonVrs = ["PN", "SQ", "CS", "US", "DS", "IS", "OB", "AT", "UI", "FD", "SV", "UV", "ZZ", ""];

function randomJson(rng: Rng, depth: number): unknown {
  switch (rng.below(depth > 3 ? 5 : 8)) {
    case 0:
      return null;
    case 1:
      return rng.pick([0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER, 65536, -0]);
    case 2:
      return rng.pick(["", "a", "\\", "1.2.3", "Doe^John", "AAAA", "=", "00100010", "x".repeat(70)]);
    case 3:
      return rng.chance(0.5);
    case 4:
      return rng.pick(jsonVrs);
    case 5: {
      const n = rng.below(4);
      return Array.from({ length: n }, () => randomJson(rng, depth + 1));
    }
    case 6:
      return {
        vr: rng.pick(jsonVrs),
        ...(rng.chance(0.8) ? { Value: Array.from({ length: rng.below(3) }, () => randomJson(rng, depth + 1)) } : {}),
        ...(rng.chance(0.1) ? { InlineBinary: rng.pick(["AAEC", "!!", "QQ==", ""]) } : {}),
        ...(rng.chance(0.1) ? { BulkDataURI: "http://x/1" } : {}),
      };
    default: {
      const o: Record<string, unknown> = {};
      const n = rng.below(4);
      for (let i = 0; i < n; i++) o[rng.pick(jsonKeys)] = randomJson(rng, depth + 1);
      return o;
    }
  }
}

/** Replaces one random node of `json` (a deep copy) with random JSON. */
function mutateJson(rng: Rng, json: unknown): unknown {
  const copy = structuredClone(json);
  let node: unknown = copy;
  for (let i = 0; i < 6; i++) {
    if (node === null || typeof node !== "object") break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = rng.pick(keys);
    if (rng.chance(0.3)) {
      (node as Record<string, unknown>)[key] = randomJson(rng, 2);
      return copy;
    }
    node = (node as Record<string, unknown>)[key];
  }
  return rng.chance(0.5) ? copy : randomJson(rng, 0);
}

// ---- charsets ----

const charsetTerms = [
  "",
  "ISO_IR 100",
  "ISO_IR 192",
  "ISO_IR 13",
  "GB18030",
  "GBK",
  "ISO 2022 IR 6",
  "ISO 2022 IR 87",
  "ISO 2022 IR 159",
  "ISO 2022 IR 13",
  "ISO 2022 IR 149",
  "ISO 2022 IR 58",
  "ISO_IR 144",
  "ISO_IR 166",
  "NOT A TERM",
];
// ISO 2022 escape sequences of PS3.3 C.12.1.1.2, plus broken ones.
const escapes = ["\x1b$B", "\x1b(B", "\x1b(J", "\x1b)I", "\x1b$(D", "\x1b$)C", "\x1b$)A", "\x1b-A", "\x1b", "\x1b$"];

function charsetInput(rng: Rng): Uint8Array {
  const parts: Uint8Array[] = [];
  const n = 1 + rng.below(6);
  for (let i = 0; i < n; i++) {
    if (rng.chance(0.4)) parts.push(enc(rng.pick(escapes)));
    else if (rng.chance(0.2)) parts.push(enc(rng.pick(["^", "=", "\\", "\r\n", "\t"])));
    else parts.push(rng.bytes(rng.below(12)));
  }
  return concat(...parts);
}

// ---- the targets ----

/** Every decoder under fuzz, in a fixed order (case `i` runs target `i % length`). */
export const fuzzTargets: readonly FuzzTarget[] = [
  {
    name: "decodePdu",
    generate(rng) {
      const bytes = bytesFrom(rng, pduSeeds);
      return { bytes, run: () => decodePdu(bytes) };
    },
  },
  {
    name: "PduFramer",
    generate(rng) {
      // Several PDUs back to back, mutated as one stream, then cut at random points.
      const count = 1 + rng.below(3);
      const stream = mutate(rng, concat(...Array.from({ length: count }, () => rng.pick(pduSeeds))), MAX_INPUT);
      const cuts = splits(rng, stream);
      const maxPduLength = rng.pick([16, 200, 1024, 16382]);
      return {
        bytes: stream,
        note: `maxPduLength ${maxPduLength}, cuts ${cuts.join(",")}`,
        run: () => {
          const framer = new PduFramer({ maxPduLength });
          let n = 0;
          for (const chunk of chunked(stream, cuts))
            for (const pdu of framer.push(chunk)) {
              n++;
              decodePdu(pdu.bytes);
            }
          return n;
        },
      };
    },
  },
  {
    name: "PduReadBuffer",
    generate(rng) {
      // The same streams as PduFramer's, read the way a socket fills the reusable buffer (each
      // chunk copied into readTarget(), as many reads as it needs): the PDUs must be those
      // PduFramer cuts, byte for byte, and a stream one refuses the other must refuse too.
      const count = 1 + rng.below(3);
      const once = mutate(rng, concat(...Array.from({ length: count }, () => rng.pick(pduSeeds))), MAX_INPUT);
      // Repeated past the buffer's 32 KiB read size, so that it must move bytes and grow.
      const reps = Math.min(1 + rng.below(400), Math.max(1, Math.floor((256 * 1024) / Math.max(1, once.byteLength))));
      const stream = concat(...Array.from({ length: reps }, () => once));
      const cuts = splits(rng, stream);
      const maxPduLength = rng.pick([16, 200, 1024, 16382, 70000]);
      return {
        bytes: stream,
        note: `maxPduLength ${maxPduLength}, cuts ${cuts.join(",")}`,
        run: () => {
          const cut = (push: (chunk: Uint8Array) => Uint8Array[]): { pdus: Uint8Array[]; error?: unknown } => {
            const pdus: Uint8Array[] = [];
            try {
              for (const chunk of chunked(stream, cuts)) pdus.push(...push(chunk).map((b) => b.slice()));
            } catch (error) {
              return { pdus, error };
            }
            return { pdus };
          };
          const framer = new PduFramer({ maxPduLength });
          const expected = cut((chunk) => framer.push(chunk).map((p) => p.bytes));
          const reader = new PduReadBuffer({ maxPduLength });
          const got = cut((chunk) => {
            const out: Uint8Array[] = [];
            for (let at = 0; at < chunk.byteLength; ) {
              const target = reader.readTarget();
              const n = Math.min(target.byteLength, chunk.byteLength - at);
              target.set(chunk.subarray(at, at + n));
              at += n;
              // Copied before the next readTarget(), which may move what is left in the buffer.
              out.push(...reader.push(target.subarray(0, n)).map((p) => p.bytes.slice()));
            }
            return out;
          });
          if ((expected.error === undefined) !== (got.error === undefined))
            throw new Error(
              `PduReadBuffer ${got.error ? "refused" : "accepted"} a stream PduFramer ${expected.error ? "refused" : "accepted"}`,
            );
          if (got.error !== undefined) throw got.error;
          if (got.pdus.length !== expected.pdus.length) throw new Error("PduReadBuffer cut a different number of PDUs");
          got.pdus.forEach((b, i) => {
            if (Buffer.compare(b, expected.pdus[i] as Uint8Array) !== 0)
              throw new Error(`PDU ${i} differs from PduFramer's`);
            decodePdu(b);
          });
          return got.pdus.length;
        },
      };
    },
  },
  {
    name: "decodeCommand",
    generate(rng) {
      const bytes = bytesFrom(rng, commandSeeds);
      return { bytes, run: () => decodeCommand(bytes) };
    },
  },
  {
    name: "MessageReassembler",
    generate(rng) {
      // A sequence of PDVs (header: length, context ID, control header) cut from mutated commands
      // and data; the PDU codec is not in the way, so the reassembler sees any PDV sequence.
      const pdvs: Uint8Array[] = [];
      const n = 1 + rng.below(6);
      for (let i = 0; i < n; i++) {
        const data = rng.chance(0.6) ? mutate(rng, rng.pick(commandSeeds), 512) : rng.bytes(rng.below(32));
        const ctx = rng.pick([1, 1, 1, 3, 255]);
        const mch = rng.chance(0.9) ? rng.below(4) : rng.below(256);
        pdvs.push(concat(pDataTfHeader(ctx, (mch & 1) === 1, (mch & 2) === 2, data.byteLength).subarray(6), data));
        // pDataTfHeader writes the control header from the flags; put the raw one back.
        pdvs[i]![5] = mch;
      }
      const bytes = concat(...pdvs);
      return {
        bytes,
        run: () => {
          const r = new MessageReassembler({ maxCommandBytes: 1024 });
          for (const p of pdvs) {
            const mch = p[5]!;
            const events = r.push({
              contextId: p[4]!,
              isCommand: (mch & 1) === 1,
              isLast: (mch & 2) === 2,
              data: p.subarray(6),
            });
            for (const e of events) if (e.kind === "command") encodeCommand(e.command);
          }
        },
      };
    },
  },
  ...encodings.map(
    (e, i): FuzzTarget => ({
      name: `readDataset(${e.name})`,
      generate(rng) {
        const bytes = bytesFrom(rng, datasetSeeds().datasets[i]!);
        const partial = rng.chance(0.2);
        return {
          bytes,
          note: partial ? "partial" : "",
          run: () => touchDataset(readDataset(bytes, { ...e, partial, maxDepth: 16 }).dataset),
        };
      },
    }),
  ),
  {
    name: "readPart10",
    generate(rng) {
      const bytes = bytesFrom(rng, datasetSeeds().part10);
      return {
        bytes,
        run: () => {
          const p = readPart10(bytes, { maxInflatedBytes: 1 << 20, maxDepth: 16 });
          return touchDataset(p.meta) + touchDataset(p.dataset);
        },
      };
    },
  },
  {
    name: "DatasetStreamReader",
    generate(rng) {
      const i = rng.below(encodings.length);
      const e = encodings[i]!;
      const bytes = bytesFrom(rng, datasetSeeds().datasets[i]!);
      const cuts = splits(rng, bytes);
      return {
        bytes,
        note: `${e.name}, cuts ${cuts.join(",")}`,
        run: () => {
          const r = new DatasetStreamReader({ ...e, maxDepth: 16, maxBufferedBytes: 1 << 16 });
          for (const chunk of chunked(bytes, cuts)) if (r.push(chunk)) break;
          return touchDataset(r.end());
        },
      };
    },
  },
  {
    name: "datasetFromJson",
    generate(rng) {
      const json = rng.chance(0.5) ? mutateJson(rng, rng.pick(datasetSeeds().json)) : randomJson(rng, 0);
      const text = JSON.stringify(json) ?? "null";
      return {
        bytes: enc(text),
        run: () => {
          const ds = datasetFromJson(JSON.parse(text));
          touchDataset(ds);
          // What came in must also go out again, or be refused with a typed error.
          return writeDataset(ds, { explicitVr: true, littleEndian: true }).byteLength;
        },
      };
    },
  },
  {
    name: "decodeText",
    generate(rng) {
      const bytes = charsetInput(rng);
      const charsets = Array.from({ length: 1 + rng.below(3) }, () => rng.pick(charsetTerms));
      const vr = rng.pick([undefined, "PN", "LO", "SH", "LT", "UT", "CS", "ST", "UC"]);
      return {
        bytes,
        note: `charsets ${JSON.stringify(charsets)}, vr ${vr ?? "-"}`,
        run: () => {
          // Documented to never throw: even a typed error is a failure here.
          let s: unknown;
          try {
            s = decodeText(bytes, charsets, vr === undefined ? undefined : { vr });
          } catch (e) {
            throw new TypeError(`decodeText threw ${String(e)}`);
          }
          if (typeof s !== "string") throw new TypeError("decodeText returned a non-string");
          return s;
        },
      };
    },
  },
];
