// PS3.7 6.3.1 and PS3.8 Annex E: a message is its command set's fragments, then (when the
// command says so) its data set's fragments, all on one presentation context, never interleaved
// with another message's.
import type { PresentationDataValue } from "../pdu/p-data-tf.js";
import type { DimseCommand } from "./command.js";
import { decodeCommand } from "./decode.js";
import { DimseDecodeError, ReassemblyError } from "./errors.js";

/** What {@link MessageReassembler.push} reports: a complete command, or a data set fragment. */
export type ReassemblyEvent =
  | {
      readonly kind: "command";
      readonly contextId: number;
      readonly command: DimseCommand;
      /** The command set's bytes (a view of the PDV when it came in one fragment). */
      readonly raw: Uint8Array;
    }
  | {
      readonly kind: "data";
      readonly contextId: number;
      /** Aliases the PDV's data: consume or copy it before the next read. */
      readonly chunk: Uint8Array;
      readonly isLast: boolean;
    };

/** Options of {@link MessageReassembler}. */
export interface MessageReassemblerOptions {
  /** Largest command set accepted, in bytes (default 64 KiB); real ones are a few hundred. */
  readonly maxCommandBytes?: number;
}

type State = "idle" | "command" | "dataset" | "discard";

/**
 * Reassembles incoming PDVs into messages, streaming. The command set is buffered (at most
 * `maxCommandBytes`) and decoded when its last fragment arrives; data set fragments are passed
 * through as they arrive and never concatenated. PDVs out of order throw {@link ReassemblyError}
 * (answer with A-ABORT). A command that decodes but is invalid throws the {@link DimseDecodeError}
 * of {@link decodeCommand} with `contextId` set; when it is answerable (`abort` false) and announced
 * a data set, that data set's fragments are then swallowed so the next message reassembles cleanly.
 */
export class MessageReassembler {
  private state: State = "idle";
  private contextId = 0;
  private pieces: Uint8Array[] = [];
  private commandBytes = 0;
  private readonly maxCommandBytes: number;

  constructor(options: MessageReassemblerOptions = {}) {
    this.maxCommandBytes = options.maxCommandBytes ?? 64 * 1024;
  }

  /** True between a command that announced a data set and that data set's last fragment. */
  get expectingDataset(): boolean {
    return this.state === "dataset";
  }

  /**
   * Takes `pdv` when it is the next fragment of the data set being received (what {@link push}
   * would report as a data event, without building one): returns true, and the caller uses
   * `pdv.data` and `pdv.isLast` itself. Returns false, changing nothing, for any other PDV, which
   * then goes to {@link push}.
   */
  takeDataFragment(pdv: PresentationDataValue): boolean {
    if (this.state !== "dataset" || pdv.isCommand || pdv.contextId !== this.contextId) return false;
    if (pdv.isLast) this.state = "idle";
    return true;
  }

  /** Feeds one PDV; returns what it completes (zero or one event). */
  push(pdv: PresentationDataValue): ReassemblyEvent[] {
    if (this.state === "idle") {
      if (!pdv.isCommand)
        throw new ReassemblyError(
          `data set fragment on context ${pdv.contextId} with no command announcing a data set (PS3.7 6.3.1)`,
        );
      this.state = "command";
      this.contextId = pdv.contextId;
      this.pieces = [];
      this.commandBytes = 0;
    } else if (pdv.contextId !== this.contextId) {
      throw new ReassemblyError(
        `fragment on context ${pdv.contextId} in the middle of a message on context ${this.contextId} (PS3.8 Annex E)`,
      );
    }
    switch (this.state) {
      case "command":
        return this.pushCommand(pdv);
      case "dataset":
        if (pdv.isCommand) throw new ReassemblyError("command fragment while a data set is expected (PS3.7 6.3.1)");
        if (pdv.isLast) this.state = "idle";
        return [{ kind: "data", contextId: pdv.contextId, chunk: pdv.data, isLast: pdv.isLast }];
      default:
        // "discard": the data set of a request already answered with a failure status.
        if (pdv.isCommand) throw new ReassemblyError("command fragment while a data set is expected (PS3.7 6.3.1)");
        if (pdv.isLast) this.state = "idle";
        return [];
    }
  }

  private pushCommand(pdv: PresentationDataValue): ReassemblyEvent[] {
    if (!pdv.isCommand) throw new ReassemblyError("data set fragment before the command set is complete (PS3.7 6.3.1)");
    this.commandBytes += pdv.data.byteLength;
    if (this.commandBytes > this.maxCommandBytes)
      throw new ReassemblyError(`command set exceeds ${this.maxCommandBytes} bytes`);
    if (!pdv.isLast) {
      // Kept past this PDV, whose data may alias a read buffer that the next read reuses.
      this.pieces.push(new Uint8Array(pdv.data));
      return [];
    }
    this.pieces.push(pdv.data);
    const raw = this.pieces.length === 1 ? (this.pieces[0] as Uint8Array) : concat(this.pieces, this.commandBytes);
    this.pieces = [];
    let command: DimseCommand;
    try {
      command = decodeCommand(raw);
    } catch (e) {
      if (e instanceof DimseDecodeError) {
        e.contextId = this.contextId;
        this.state = !e.abort && e.hasDataset === true ? "discard" : "idle";
      }
      throw e;
    }
    this.state = command.hasDataset ? "dataset" : "idle";
    return [{ kind: "command", contextId: this.contextId, command, raw }];
  }
}

function concat(pieces: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
