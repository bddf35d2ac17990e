// Storage Service Class, SCP half (PS3.4 Annex B; C-STORE, PS3.7 9.1.1): the data set is written
// to a temporary Part 10 file as it arrives, then the C_STORE handler decides the status.
import type { PresentationContext } from "../../acse/index.js";
import type { Dataset } from "../../dataset/dataset.js";
import { FileMetaTemplate, fileMetaDataset } from "../../dataset/file-meta.js";
import { cStoreRsp, type DimseCommand } from "../../dimse/index.js";
import type { DimseChannel, StorageSettings } from "../channel.js";
import type { IncomingRequest, InvokeHandler } from "../dispatch.js";
import { makeStoreEvent } from "./event.js";
import { FileSink } from "./file-sink.js";

/**
 * PS3.4 B.2.3: 0xC211 is in the "Error: Cannot understand" range (0xCxxx). pynetdicom answers it
 * when no C_STORE handler is bound and when the handler raises; netdicom does the same, so that
 * an SCP never claims to have stored what nobody stored.
 */
export const StoreHandlerFailure = 0xc211;
/** PS3.4 B.2.3: 0xA700 Refused: Out of Resources (the file could not be written). */
export const StoreOutOfResources = 0xa700;

/** The File Meta Information for an instance received on `context` from `sourceAeTitle` (PS3.10 7.1). */
export function receivedFileMeta(command: DimseCommand, context: PresentationContext, sourceAeTitle: string): Dataset {
  return fileMetaDataset(
    command.affectedSopClassUid ?? context.abstractSyntax ?? "",
    command.affectedSopInstanceUid ?? "",
    context.transferSyntax ?? "",
    sourceAeTitle,
  );
}

/** Encoded file meta groups by SOP class, transfer syntax and source AE (a handful per SCP). */
const templates = new Map<string, FileMetaTemplate>();
const MAX_TEMPLATES = 256;

let lastTemplate: FileMetaTemplate | undefined;

function templateFor(sopClassUid: string, transferSyntaxUid: string, sourceAeTitle: string): FileMetaTemplate {
  // Instances mostly come in runs of one SOP class from one peer.
  const last = lastTemplate;
  if (
    last !== undefined &&
    last.sopClassUid === sopClassUid &&
    last.transferSyntaxUid === transferSyntaxUid &&
    last.sourceAeTitle === sourceAeTitle
  ) {
    return last;
  }
  const key = `${sopClassUid}\0${transferSyntaxUid}\0${sourceAeTitle}`;
  let t = templates.get(key);
  if (t === undefined) {
    // Peers choose these values: keep the cache bounded however many they make up.
    if (templates.size >= MAX_TEMPLATES) templates.clear();
    t = new FileMetaTemplate(sopClassUid, transferSyntaxUid, sourceAeTitle);
    templates.set(key, t);
  }
  lastTemplate = t;
  return t;
}

/** A C-STORE-RQ's file sink, which knows the file meta it starts with. */
class StoreSink extends FileSink {
  constructor(
    meta: Uint8Array,
    settings: StorageSettings | undefined,
    readonly template: FileMetaTemplate,
    readonly instanceUid: string,
  ) {
    super(meta, settings);
  }

  /** The file meta as a Dataset, built only when the handler reads `fileMeta`. */
  fileMeta(): Dataset {
    const t = this.template;
    return fileMetaDataset(t.sopClassUid, this.instanceUid, t.transferSyntaxUid, t.sourceAeTitle);
  }
}

/** The sink a C-STORE-RQ's data set is written to: a temporary file starting with its file meta. */
export function openStoreSink(channel: DimseChannel, command: DimseCommand, context: PresentationContext): FileSink {
  const instanceUid = command.affectedSopInstanceUid ?? "";
  // The bytes come from a template; the Dataset form is built only if the handler reads `fileMeta`.
  const template = templateFor(
    command.affectedSopClassUid ?? context.abstractSyntax ?? "",
    context.transferSyntax ?? "",
    channel.peerAeTitle ?? "",
  );
  return new StoreSink(template.encode(instanceUid), channel.storageSettings, template, instanceUid);
}

/** The status (and Error Comment) a C_STORE handler's answer gives; undefined when it is not one. */
export function storeAnswer(answer: unknown): { status: number; errorComment?: string } | undefined {
  const ok = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 0xffff;
  if (ok(answer)) return { status: answer };
  if (typeof answer === "object" && answer !== null && ok((answer as { status?: unknown }).status)) {
    const a = answer as { status: number; errorComment?: unknown };
    return typeof a.errorComment === "string"
      ? { status: a.status, errorComment: a.errorComment }
      : { status: a.status };
  }
  return undefined;
}

/**
 * Answers a C-STORE-RQ whose data set is in a temporary file: runs the C_STORE handler (none bound:
 * 0xC211), deletes the file unless the handler saved it, then answers with the handler's status. A handler
 * that throws or answers something that is not a status is logged and answered with 0xC211; a file
 * that could not be written is answered with 0xA700 without calling the handler.
 */
export async function serveCStore(channel: DimseChannel, req: IncomingRequest, invoke: InvokeHandler): Promise<void> {
  const rq = req.command;
  const sink = req.sink instanceof FileSink ? req.sink : undefined;
  const received = sink?.received;
  const respond = (status: number, errorComment?: string) =>
    channel.send(
      req.contextId,
      cStoreRsp({
        messageIdBeingRespondedTo: rq.messageId ?? 0,
        affectedSopClassUid: rq.affectedSopClassUid ?? req.context.abstractSyntax ?? "",
        affectedSopInstanceUid: rq.affectedSopInstanceUid ?? "",
        status,
        errorComment: errorComment?.slice(0, 64),
      }),
    );
  if (!sink || !received) {
    channel.logger.error?.("a received instance could not be written", sink?.error);
    await sink?.discard();
    return respond(StoreOutOfResources, "could not write the data set");
  }
  const { payload, kept } = makeStoreEvent({
    sopClassUid: rq.affectedSopClassUid ?? "",
    sopInstanceUid: rq.affectedSopInstanceUid ?? "",
    transferSyntax: req.context.transferSyntax ?? "",
    fileMeta: sink instanceof StoreSink ? () => sink.fileMeta() : () => fileMetaDataset("", "", "", ""),
    path: received.path,
    fileSize: received.fileBytes,
    datasetBytes: received.datasetBytes,
  });
  let answer: { status: number; errorComment?: string } = { status: StoreHandlerFailure };
  if (!invoke) {
    channel.logger.warn?.("no C_STORE handler is bound; answering 0xC211");
  } else {
    try {
      const a = storeAnswer(await invoke(payload));
      if (a === undefined) channel.logger.error?.("the C_STORE handler returned something that is not a status");
      else answer = a;
    } catch (err) {
      channel.logger.error?.("the C_STORE handler threw; answering 0xC211", err);
    }
  }
  // The temporary file goes before the answer does: once the peer has its response, nothing of
  // an instance the handler did not keep is left on disk.
  if (!kept()) await sink.discard();
  // Awaited rather than returned: an async function that returns a promise adopts it in two more
  // turns of the microtask queue (a thenable job, then its reaction), once per instance.
  await respond(answer.status, answer.errorComment);
}
