// Sending DIMSE messages (PS3.8 9.3.5): the command set, then the data set, each
// cut into PDVs that fit the peer's maximum PDU length, one message after the other.
import { type DimseCommand, describeCommand, encodeCommandPdus, fragment, maxPdvDataLength } from "./dimse/index.js";
import { AbortSource } from "./dul/errors.js";
import type { UpperLayer } from "./dul/provider.js";
import type { EventPayloads, NotificationEventName } from "./events.js";
import { pDataTfHeaderLength } from "./pdu/index.js";
import type { OutgoingDataset } from "./services/channel.js";
import { AssociationNotEstablishedError } from "./services/errors.js";
import { isTracing, type Logger, trace } from "./util/logger.js";

/** In-memory data sets up to this size go out in one burst with their command (see `#sendBurst`). */
const BURST_BYTES = 1024 * 1024;
/**
 * In-memory data sets up to this size that fit one PDV are copied into the command's buffer, so
 * that the whole message is one write (see `encodeCommandPdus`). Small: the copy and its buffer
 * cost ~1.4 us at 4 KiB and ~4 us at 64 KiB (warm microbenchmark), more than the writev it saves
 * for large ones; a 4 KiB C-STORE measured the same either way.
 */
const INLINE_BYTES = 16 * 1024;
/** Larger data sets go out in groups of PDUs of about this many bytes, one batch each (see `#sendPieces`). */
const GROUP_BYTES = 1024 * 1024;

/** What the sender needs from its association. */
export interface SenderHost {
  /** The connection's upper layer; undefined before it connects (a send then fails). */
  upperLayer(): UpperLayer | undefined;
  /** The state to name when there is no connection ("not yet requested"…). */
  stateName(): string;
  /** The peer's maximum PDU length (bytes; 0 = unlimited), read for each message. */
  peerMaxPduLength(): number;
  /** Where the DIMSE messages are logged. */
  logger(): Logger;
  /** True when DATA_SENT has a handler or a listener (it is fired for each PDV only then). */
  firesDataSent(): boolean;
  /** Fires a notification event (DIMSE_SENT, DATA_SENT). */
  fire<K extends NotificationEventName>(name: K, payload: EventPayloads[K]): void;
}

/**
 * Logs a command set on the association's debug logger, or on the `dimse` tracer when it is on
 * (the receive path logs inbound commands with it too).
 */
export function logDimse(logger: Logger, command: DimseCommand, direction: "inbound" | "outbound"): void {
  const debug = logger.debug;
  if (!debug && !isTracing("dimse")) return;
  for (const line of describeCommand(command, direction)) {
    if (isTracing("dimse")) trace("dimse", line);
    else debug?.call(logger, line);
  }
}

/** The DIMSE message sender of one association. */
export class DimseSender {
  #chain: Promise<void> = Promise.resolve();
  /** Messages on {@link #chain} not yet settled (see {@link send}). */
  #queued = 0;
  readonly #settle = (): void => {
    this.#queued--;
  };
  /** A message went out alone, uncorked, in the current run of promise reactions (see `#sendBurst`). */
  #wroteAlone = false;
  readonly #newRun = (): void => {
    this.#wroteAlone = false;
  };

  constructor(readonly host: SenderHost) {}

  /**
   * Sends one DIMSE message: the command set, then the data set, each cut into PDVs that fit the
   * peer's maximum PDU length (PS3.8 9.3.5). Messages are sent one after the other, never
   * interleaved.
   */
  send(contextId: number, command: DimseCommand, dataset?: OutgoingDataset): Promise<void> {
    const host = this.host;
    const ul = host.upperLayer();
    if (!ul) return Promise.reject(new AssociationNotEstablishedError(host.stateName()));
    const data = command.hasDataset ? dataset : undefined;
    const burst = data === undefined || (data instanceof Uint8Array && data.byteLength <= BURST_BYTES);
    // A message that goes out in one burst is written whole before this returns, so when no
    // streamed message is still being written (nothing queued) it cannot interleave with one: it
    // goes at once, with no promise chain, closure or microtask hop (most messages: every
    // response, every command without a data set, small C-STOREs).
    if (burst && this.#queued === 0) {
      let written: Promise<void>;
      try {
        written = this.#sendBurst(ul, contextId, command, data);
      } catch (err) {
        return Promise.reject(err);
      }
      // Backpressure: when the socket took this message past its high-water mark, the messages
      // after it wait (on the chain) until it drains, instead of piling up in the socket's
      // buffer; their senders keep what they hold (a C-STORE's read buffers) until then, so
      // without the wait a fast sender's memory grew with the files sent (seen: 116 MiB of read
      // buffers for 200 × 0.5 MB with a window of 16, 16 MiB with the wait).
      if (ul.transport.needsDrain === true) {
        this.#queued++;
        this.#chain = written.then(this.#settle, this.#settle);
      }
      return written;
    }
    this.#queued++;
    const run = async () => {
      if (burst) return this.#sendBurst(ul, contextId, command, data);
      const max = host.peerMaxPduLength();
      const pdus = this.#encode(contextId, command, max);
      const fire = host.firesDataSent();
      await ul.batch(() => Promise.all(this.#writeCommand(ul, contextId, pdus, fire, [])));
      if (data === undefined) return;
      if (data instanceof Uint8Array) await this.#sendPieces(ul, contextId, false, fragment(data, max));
      else {
        try {
          await this.#sendStream(ul, contextId, data.chunks(maxPdvDataLength(max)), maxPdvDataLength(max));
        } catch (err) {
          // The source failed (a file that cannot be read to its end) after the command set went
          // out: PDVs cannot be taken back, and the peer would read the next message's PDVs as the
          // rest of this data set. The association cannot go on: A-ABORT (PS3.8 7.3).
          ul.abort(AbortSource.ServiceUser, 0).catch(() => {});
          throw err;
        }
      }
    };
    const p = this.#chain.then(run);
    this.#chain = p.then(this.#settle, this.#settle);
    return p;
  }

  /**
   * Encodes the command set straight into its P-DATA-TF PDU(s) for the peer's maximum PDU length
   * (throws {@link DimseEncodeError} when it is not valid), then logs it and fires DIMSE_SENT.
   */
  #encode(contextId: number, command: DimseCommand, max: number, dataset?: Uint8Array): Uint8Array[] {
    const host = this.host;
    const pdus = encodeCommandPdus(command, contextId, max, dataset);
    logDimse(host.logger(), command, "outbound");
    host.fire("DIMSE_SENT", { message: command, contextId });
    return pdus;
  }

  /** Writes the command's PDUs (in a batch), adding their writes to `out`. */
  #writeCommand(
    ul: UpperLayer,
    contextId: number,
    pdus: readonly Uint8Array[],
    fire: boolean,
    out: Promise<void>[],
  ): Promise<void>[] {
    if (fire) {
      for (const pdu of pdus) {
        const isCommand = (pdu[pDataTfHeaderLength - 1]! & 1) !== 0;
        this.host.fire("DATA_SENT", { data: pdu.subarray(pDataTfHeaderLength), contextId, isCommand });
      }
    }
    out.push(ul.sendEncodedPData(pdus));
    return out;
  }

  /**
   * Sends a whole small message, command and data set PDUs, in one burst: written back to back
   * into the corked socket, they leave in one system call and reach the peer together, instead
   * of one wake-up of each side per PDU (measured: see the commit). Everything is written before
   * it returns; the promise is the writes' (resolved once the socket took them). Throws
   * {@link DimseEncodeError} (nothing written) when the command is not valid.
   */
  #sendBurst(ul: UpperLayer, contextId: number, command: DimseCommand, data: Uint8Array | undefined): Promise<void> {
    const max = this.host.peerMaxPduLength();
    // A small data set that fits one PDV is copied into the command's buffer: one write.
    const inline = data !== undefined && data.byteLength <= INLINE_BYTES && data.byteLength <= maxPdvDataLength(max);
    const pdus = this.#encode(contextId, command, max, inline ? data : undefined);
    const fire = this.host.firesDataSent();
    const pieces = inline ? undefined : data && fragment(data, max);
    if (pieces === undefined && pdus.length === 1 && !this.#wroteAlone) {
      // One write (a C-STORE-RSP, a C-ECHO-RQ…), the first of this run of promise reactions: it
      // goes at once, not corked until the next tick. An SCP answering one request at a time
      // answers each sooner (the peer waits on it), and spares the tick and uncork that cost
      // ~10 µs an instance in storescp's first hundreds (perf). Messages sent after it in the
      // same run are batched as before, so answers of an asynchronous window still share writes.
      this.#wroteAlone = true;
      void settled.then(this.#newRun);
      return this.#writeCommand(ul, contextId, pdus, fire, [])[0]!;
    }
    const writes = ul.batch(() => {
      const out = this.#writeCommand(ul, contextId, pdus, fire, []);
      if (pieces === undefined) return out;
      for (let i = 0; i < pieces.length; i++) {
        const piece = pieces[i]!;
        if (fire) this.host.fire("DATA_SENT", { data: piece, contextId, isCommand: false });
        out.push(ul.sendPDataValue(contextId, false, i === pieces.length - 1, piece));
      }
      return out;
    });
    // One write (a response, a command without data): its own promise, no Promise.all.
    if (writes.length === 1) return writes[0]!;
    return Promise.all(writes).then(nothing);
  }

  /**
   * Sends `pieces` as PDVs, a group of up to {@link GROUP_BYTES} at a time written in one batch
   * (one system call for the group, not one per PDU), awaiting each group's writes before the
   * next; the last piece is marked last.
   */
  async #sendPieces(ul: UpperLayer, contextId: number, isCommand: boolean, pieces: Uint8Array[]): Promise<void> {
    // An empty data set is still one (empty, last) fragment.
    if (pieces.length === 0) pieces = [new Uint8Array(0)];
    const fire = this.host.firesDataSent();
    let start = 0;
    while (start < pieces.length) {
      let end = start;
      let bytes = 0;
      do bytes += pieces[end++]!.byteLength;
      while (end < pieces.length && bytes < GROUP_BYTES);
      await this.#sendGroup(ul, contextId, isCommand, pieces.slice(start, end), end === pieces.length, fire);
      start = end;
    }
  }

  /**
   * Sends a streamed data set: each piece cut into PDVs of at most `size` bytes, the PDVs of each
   * piece written in one batch and awaited together; one PDV is held back so that only the very
   * last is marked last.
   */
  async #sendStream(ul: UpperLayer, contextId: number, chunks: AsyncIterable<Uint8Array>, size: number): Promise<void> {
    let held: Uint8Array | undefined;
    const fire = this.host.firesDataSent();
    for await (const chunk of chunks) {
      if (chunk.byteLength === 0) continue;
      const group: Uint8Array[] = held ? [held] : [];
      let at = 0;
      for (; at + size < chunk.byteLength; at += size) group.push(chunk.subarray(at, at + size));
      held = chunk.subarray(at);
      if (group.length > 0) await this.#sendGroup(ul, contextId, false, group, false, fire);
    }
    // An empty data set is still one (empty, last) fragment.
    await this.#sendGroup(ul, contextId, false, [held ?? new Uint8Array(0)], true, fire);
  }

  /**
   * Writes `pieces` as one PDU each in one batch (the socket corked: they leave together) and
   * resolves when all are written; the final one is marked last when `endsMessage`.
   */
  async #sendGroup(
    ul: UpperLayer,
    contextId: number,
    isCommand: boolean,
    pieces: readonly Uint8Array[],
    endsMessage: boolean,
    fire: boolean,
  ): Promise<void> {
    const writes = ul.batch(() => {
      const out: Promise<void>[] = [];
      for (let i = 0; i < pieces.length; i++) {
        const data = pieces[i]!;
        if (fire) this.host.fire("DATA_SENT", { data, contextId, isCommand });
        out.push(ul.sendPDataValue(contextId, isCommand, endsMessage && i === pieces.length - 1, data));
      }
      return out;
    });
    await Promise.all(writes);
  }
}

const nothing = (): void => {};
const settled = Promise.resolve();
