// What a service class half needs from an association: the small seam that keeps services/ free
// of sockets and of the upper layer (they may import dimse, acse, dataset, util only).
import type { PresentationContext } from "../acse/index.js";
import type { DimseCommand } from "../dimse/index.js";
import type { Logger } from "../util/logger.js";

/** One DIMSE message as received: its command set and data set bytes, if any. */
export interface DimseMessage {
  /** The presentation context ID it came on. */
  readonly contextId: number;
  readonly command: DimseCommand;
  /**
   * The data set as it arrived, fragment by fragment (views aliasing the PDVs, not copies);
   * empty when the command says there is none.
   */
  readonly dataset: readonly Uint8Array[];
}

/** Options of {@link DimseChannel.request}. */
export interface RequestOptions {
  /** Stops waiting for the response (the call rejects with the signal's reason). */
  readonly signal?: AbortSignal | undefined;
  /** The data set bytes to send after the command set (already encoded in the context's transfer syntax). */
  readonly dataset?: Uint8Array | undefined;
}

/** An association as the service classes see it; `Association` implements it. */
export interface DimseChannel {
  /**
   * The accepted context for `abstractSyntax` in which this side may act as `role`, preferring
   * `transferSyntax` when given. Throws `NoPresentationContextError` when there is none.
   */
  contextFor(abstractSyntax: string, role: "scu" | "scp", transferSyntax?: string): PresentationContext;
  /** A fresh Message ID for a request (PS3.7 9.3.1.1: unique among outstanding requests; wraps at 65535). */
  nextMessageId(): number;
  /**
   * Sends a request and resolves with its final response (the first non-pending one). Rejects
   * only when no answer can come: abort, DIMSE timeout (`DimseTimeoutError`), the signal, or an
   * association that is not established.
   */
  request(contextId: number, command: DimseCommand, options?: RequestOptions): Promise<DimseMessage>;
  /** Sends a response (or any message) on `contextId`. */
  send(contextId: number, command: DimseCommand, dataset?: Uint8Array): Promise<void>;
  /** Where service classes log (silent unless the user asked). */
  readonly logger: Logger;
}
