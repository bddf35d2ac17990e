// Sending DIMSE messages (PS3.8 9.3.5): the command set, then the data set, each
// cut into PDVs that fit the peer's maximum PDU length, one message after the other.
import { type DimseCommand, describeCommand, encodeCommand, fragment, maxPdvDataLength } from "./dimse/index.js";
import { AbortSource } from "./dul/errors.js";
import type { UpperLayer } from "./dul/provider.js";
import type { EventPayloads, NotificationEventName } from "./events.js";
import type { OutgoingDataset } from "./services/channel.js";
import { AssociationNotEstablishedError } from "./services/errors.js";
import { isTracing, type Logger, trace } from "./util/logger.js";

/** In-memory data sets up to this size go out in one burst with their command (see `#sendBurst`). */
const BURST_BYTES = 1024 * 1024;
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
    const run = async () => {
      const bytes = encodeCommand(command);
      logDimse(host.logger(), command, "outbound");
      host.fire("DIMSE_SENT", { message: command, contextId });
      const max = host.peerMaxPduLength();
      const data = command.hasDataset ? dataset : undefined;
      if (data === undefined || (data instanceof Uint8Array && data.byteLength <= BURST_BYTES)) {
        return this.#sendBurst(ul, contextId, fragment(bytes, max), data && fragment(data, max));
      }
      await this.#sendPieces(ul, contextId, true, fragment(bytes, max));
      if (dataset === undefined || !command.hasDataset) return;
      if (dataset instanceof Uint8Array) await this.#sendPieces(ul, contextId, false, fragment(dataset, max));
      else {
        try {
          await this.#sendStream(ul, contextId, dataset.chunks(maxPdvDataLength(max)), maxPdvDataLength(max));
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
    this.#chain = p.catch(() => {});
    return p;
  }

  /**
   * Sends a whole small message, command and data set PDUs, in one burst: written back to back
   * into the corked socket, they leave in one system call and reach the peer together, instead
   * of one wake-up of each side per PDU (measured: see the commit).
   */
  async #sendBurst(ul: UpperLayer, contextId: number, command: Uint8Array[], data: Uint8Array[] | undefined) {
    const fire = this.host.firesDataSent();
    const writes = ul.batch(() => {
      const out: Promise<void>[] = [];
      for (const [isCommand, pieces] of [
        [true, command],
        [false, data],
      ] as const) {
        if (pieces === undefined) continue;
        // An empty data set is still one (empty, last) fragment.
        const list = pieces.length === 0 ? [new Uint8Array(0)] : pieces;
        for (let i = 0; i < list.length; i++) {
          const piece = list[i]!;
          if (fire) this.host.fire("DATA_SENT", { data: piece, contextId, isCommand });
          out.push(ul.sendPDataValue(contextId, isCommand, i === list.length - 1, piece));
        }
      }
      return out;
    });
    await Promise.all(writes);
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
