// qrscp's service handlers: C-STORE files the instance and indexes it; C-FIND answers from the
// index; C-GET and C-MOVE send the files the index names (C-MOVE to a destination from the config).
import { readFileSync } from "node:fs";
import { unlink } from "node:fs/promises";
import { join } from "node:path";
import {
  buildResponse,
  type CFindEvent,
  type CGetEvent,
  type CMoveEvent,
  type CStoreEvent,
  type Dataset,
  type InformationModel,
  type QueryRetrieveLevel,
  type QueryStatusResult,
  readPart10,
  sanitiseFileName,
  validateIdentifier,
} from "../../index.js";
import { dumpDataset } from "../dump-format.js";
import { type AppLogger, describeError } from "../net-options.js";
import type { MoveDestination } from "./config.js";
import type { InstanceIndex } from "./index/index.js";

/** What the handlers need. */
export interface QrscpContext {
  readonly index: InstanceIndex;
  /** The folder instances are filed in, one sub-folder per study. */
  readonly instanceLocation: string;
  readonly aeTitle: string;
  readonly moveDestinations: ReadonlyMap<string, MoveDestination>;
  readonly log: AppLogger;
}

/** Matches answered between two turns given to the event loop. */
const YIELD_EVERY = 16;
/** PS3.4 C.4.1.1.4: "Unable to process". */
const UNABLE_TO_PROCESS = 0xc000;
/** PS3.4 B.2.3: "Error: Cannot understand" (the data set cannot be parsed). */
const CANNOT_UNDERSTAND = 0xc000;
/** PS3.4 B.2.3: "Refused: Out of Resources". */
const OUT_OF_RESOURCES = 0xa700;

/** (7FE0,0010) Pixel Data: indexing reads the data set up to it. */
const PIXEL_DATA = 0x7fe00010;
/**
 * Received files up to this size are read and parsed in one synchronous call: the file was just
 * written, so it is in the page cache, and `event.dataset()` would read it through four or more
 * thread-pool round trips (open, stat, read, close), which cost more CPU than the parse itself
 * for the small instances an archive mostly receives (see the commit). Larger ones go through
 * `event.dataset()`, which never reads the pixel data.
 */
const SYNC_PARSE_BYTES = 256 * 1024;

/** The received data set up to its Pixel Data, as `event.dataset()` gives it. */
async function receivedDataset(event: CStoreEvent): Promise<Dataset> {
  if (event.fileSize > SYNC_PARSE_BYTES) return event.dataset();
  return readPart10(readFileSync(event.path), { stopAtTag: PIXEL_DATA }).dataset;
}

/** The C_STORE handler: file under <instance location>/<Study Instance UID>/<SOP Instance UID>.dcm, then index. */
export function storeHandler(ctx: QrscpContext): (event: CStoreEvent) => Promise<number> {
  return async (event) => {
    let dataset: Dataset;
    try {
      dataset = await receivedDataset(event);
    } catch (e) {
      ctx.log.error?.(`cannot parse ${event.sopInstanceUid}: ${describeError(e)}`);
      return CANNOT_UNDERSTAND;
    }
    try {
      const study = sanitiseFileName(dataset.string("StudyInstanceUID")?.trim() || "no-study");
      const path = await event.saveTo(join(ctx.instanceLocation, study), { filename: `${event.sopInstanceUid}.dcm` });
      const { replacedPath } = await ctx.index.add(dataset, path);
      // PS3.4 B.4.1: a re-sent SOP Instance UID replaces the instance; its old file goes.
      if (replacedPath !== undefined) await unlink(replacedPath).catch(() => {});
      ctx.log.info?.(`stored ${path}`);
      return 0x0000;
    } catch (e) {
      ctx.log.error?.(`cannot store ${event.sopInstanceUid}: ${describeError(e)}`);
      return OUT_OF_RESOURCES;
    }
  };
}

/** A checked request: the model with levels, the level, and the identifier to match. */
type Checked =
  | { ok: true; model: InformationModel; level: QueryRetrieveLevel; identifier: Dataset }
  | { ok: false; failure: QueryStatusResult };

function check(
  event: CFindEvent | CGetEvent | CMoveEvent,
  operation: "FIND" | "GET" | "MOVE",
  log: AppLogger,
): Checked {
  const model = event.model;
  let identifier: Dataset;
  try {
    identifier = event.identifier();
  } catch {
    return { ok: false, failure: { status: UNABLE_TO_PROCESS, errorComment: "cannot decode the identifier" } };
  }
  if (model?.levels === undefined) {
    return { ok: false, failure: { status: 0xa900, errorComment: "unsupported information model" } };
  }
  const problems = validateIdentifier(identifier, model, operation);
  // Keys below the level are not allowed (PS3.4 C.4.1.2.1), but many SCUs send them: they are
  // left out of the match rather than refused.
  const serious = problems.filter((p) => p.code !== "key-below-level");
  for (const p of problems) if (p.code === "key-below-level" && p.tag !== undefined) identifier.delete(p.tag);
  const first = serious[0];
  if (first !== undefined) {
    log.warn?.(`C-${operation} refused: ${first.message}`);
    return { ok: false, failure: { status: first.status, errorComment: first.message.slice(0, 64) } };
  }
  const level = identifier.string("QueryRetrieveLevel")?.trim() as QueryRetrieveLevel;
  // pynetdicom's qrscp logs each request identifier (its log_identifier setting); ours at -d.
  if (log.level === "debug") log.debug?.(`C-${operation} identifier:\n${dumpDataset(identifier).join("\n")}`);
  return { ok: true, model, level, identifier };
}

/** The C_FIND handler: each matching entity of the index, answered with the query's keys. */
export function findHandler(ctx: QrscpContext) {
  return async function* (event: CFindEvent): AsyncGenerator<Dataset | QueryStatusResult> {
    const c = check(event, "FIND", ctx.log);
    if (!c.ok) {
      yield c.failure;
      return;
    }
    ctx.log.info?.(`C-FIND at ${c.level} level (${c.model.name})`);
    try {
      let n = 0;
      for await (const entity of ctx.index.query(c.model, c.level, c.identifier)) {
        // SQLite answers synchronously, so a long scan would never give the event loop a turn:
        // a C-CANCEL (PS3.4 C.4.1.3.1) or another association would wait for its end.
        if (++n % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
        if (event.isCancelled) return;
        yield buildResponse(c.identifier, entity, { retrieveAeTitle: ctx.aeTitle });
      }
    } catch (e) {
      ctx.log.error?.(`C-FIND failed: ${describeError(e)}`);
      yield { status: UNABLE_TO_PROCESS, errorComment: "index query failed" };
    }
  };
}

async function* retrieve(
  ctx: QrscpContext,
  c: Extract<Checked, { ok: true }>,
  signal: AbortSignal,
): AsyncGenerator<number | string | QueryStatusResult> {
  let paths: string[];
  try {
    paths = (await ctx.index.retrieve(c.model, c.level, c.identifier)).map((i) => i.path);
  } catch (e) {
    ctx.log.error?.(`retrieve failed: ${describeError(e)}`);
    yield { status: UNABLE_TO_PROCESS, errorComment: "index query failed" };
    return;
  }
  yield paths.length;
  for (const path of paths) {
    if (signal.aborted) return;
    yield path;
  }
}

/** The C_GET handler: the count, then the file of each matching instance. */
export function getHandler(ctx: QrscpContext) {
  return async function* (event: CGetEvent): AsyncGenerator<number | string | QueryStatusResult> {
    const c = check(event, "GET", ctx.log);
    if (!c.ok) {
      yield c.failure;
      return;
    }
    ctx.log.info?.(`C-GET at ${c.level} level (${c.model.name})`);
    yield* retrieve(ctx, c, event.signal);
  };
}

/** The C_MOVE handler: the destination from the config (unknown: 0xA801), the count, the files. */
export function moveHandler(ctx: QrscpContext) {
  return async function* (
    event: CMoveEvent,
  ): AsyncGenerator<{ address: string; port: number } | null | number | string | QueryStatusResult> {
    const destination = ctx.moveDestinations.get(event.moveDestination.trim());
    if (destination === undefined) {
      // null: the library answers 0xA801 Refused: Move Destination unknown (PS3.4 C.4.2.1.5).
      ctx.log.warn?.(`C-MOVE to unknown destination ${JSON.stringify(event.moveDestination)}`);
      yield null;
      return;
    }
    yield { address: destination.address, port: destination.port };
    const c = check(event, "MOVE", ctx.log);
    if (!c.ok) {
      yield c.failure;
      return;
    }
    ctx.log.info?.(`C-MOVE at ${c.level} level to ${event.moveDestination}`);
    yield* retrieve(ctx, c, event.signal);
  };
}
