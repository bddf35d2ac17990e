// What a service class half needs from an association: the small seam that keeps services/ free
// of sockets and of the upper layer (they may import dimse, acse, dataset, util only).
import type { PresentationContext } from "../acse/index.js";
import type { DimseCommand } from "../dimse/index.js";
import type { Logger } from "../util/logger.js";

/**
 * Where a received data set goes, fragment by fragment, as it arrives (PS3.8 9.3.5). The receive
 * loop awaits a returned promise before reading the next PDV, so a slow sink pauses the socket.
 */
export interface DatasetSink {
  /**
   * One fragment. It may alias the read buffer, which the next read reuses: use or copy it before
   * returning (a returned promise does not extend its life).
   */
  write(chunk: Uint8Array): void | Promise<void>;
  /**
   * Optional: a sink that has it may keep the fragments `write` was given (views of the read
   * buffer) instead of using them at once, to write several together; this is called after the
   * fragments of each read, before the buffer is reused, and they must then be written or copied.
   */
  releaseViews?(): void;
  /** The last fragment has been written. */
  end(): void | Promise<void>;
  /** The association ended before the last fragment: release what the sink holds (temporary files). */
  abort(error: Error): void | Promise<void>;
}

/** One DIMSE message as received: its command set and data set bytes, if any. */
export interface DimseMessage {
  /** The presentation context ID it came on. */
  readonly contextId: number;
  /** The command set. */
  readonly command: DimseCommand;
  /**
   * The data set as it arrived, fragment by fragment (copies made by the memory sink);
   * empty when the command says there is none, or when a service's {@link sink} took it.
   */
  readonly dataset: readonly Uint8Array[];
  /** The sink that received the data set, when a service streamed it (e.g. C-STORE to a file). */
  readonly sink?: DatasetSink | undefined;
}

/**
 * A data set to send that is produced piece by piece (e.g. read from a file). `chunks` is called
 * once with the largest PDV data length the peer accepts; pieces whose length is a multiple of it
 * (all but the last) give full PDVs with no small ones in between.
 */
export interface DatasetSource {
  /** Yields the data set's bytes in pieces (see above). */
  readonly chunks: (maxPdvLength: number) => AsyncIterable<Uint8Array>;
}

/** A data set to send: encoded bytes, or a {@link DatasetSource} streamed as it is produced. */
export type OutgoingDataset = Uint8Array | DatasetSource;

/** Options of {@link DimseChannel.request}. */
export interface RequestOptions {
  /** Stops waiting for the response (the call rejects with the signal's reason). */
  readonly signal?: AbortSignal | undefined;
  /** The data set to send after the command set (already encoded in the context's transfer syntax). */
  readonly dataset?: OutgoingDataset | undefined;
  /**
   * Gives up waiting for a slot of the asynchronous operations window (the call then rejects with
   * the signal's reason, nothing sent); once the request is sent it has no effect. For requests
   * whose own cancellation is a message (C-CANCEL), which therefore cannot pass `signal`.
   */
  readonly windowSignal?: AbortSignal | undefined;
  /**
   * Called once when the request is done with its data set: without an argument after the command
   * and data set have all been written to the transport, or with the error that stopped the
   * sending or refused the request before it was sent. A peer may answer before then (the call
   * then resolves at once): what the data set is read from (a file, buffers) may be released
   * only after this call.
   */
  readonly onSent?: ((error?: unknown) => void) | undefined;
}

/**
 * A request with several responses (C-FIND, C-GET, C-MOVE): every response as it arrives,
 * pending ones included, ending after the final one. Reading stops early with `return()`: the
 * request stays outstanding no longer (later responses to it are dropped).
 */
export type ResponseStream = AsyncIterableIterator<DimseMessage>;

/** Where a C-MOVE's sub-operations go (PS3.4 C.4.2.2.1: a separate association to the Move Destination). */
export interface SubAssociationTarget {
  /** The destination's host name or IP address. */
  readonly address: string;
  /** The destination's port. */
  readonly port: number;
  /** The called AE title. */
  readonly aeTitle: string;
}

/** An association a service opened itself (C-MOVE sub-operations), released by the service. */
export interface SubAssociation extends DimseChannel {
  /** Whether the association was established. */
  readonly isEstablished: boolean;
  /** Why it is not established (rejection or abort), when it is not. */
  readonly reason?: string | undefined;
  /** Releases it (A-RELEASE). */
  release(): Promise<void>;
  /** Aborts it (A-ABORT). */
  abort(): Promise<void>;
}

/** Where and how received instances are stored (the association's settings, from its AE or server). */
export interface StorageSettings {
  /** Directory of the temporary files received instances are written to (default: a `netdicom-*` folder in `os.tmpdir()`). */
  readonly storageDirectory?: string | undefined;
  /** fsync each received file before its handler runs, and its directory after `saveTo` (the AE defaults this to true). */
  readonly storageFsync?: boolean | undefined;
  /** Largest data set held in memory for requests other than C-STORE (bytes). */
  readonly maxDatasetBytes: number;
}

/** An association as the service classes see it; `Association` implements it. */
export interface DimseChannel {
  /**
   * The accepted context for `abstractSyntax` in which this side may act as `role`, preferring
   * `transferSyntax` when given. Throws `NoPresentationContextError` when there is none.
   */
  contextFor(abstractSyntax: string, role: "scu" | "scp", transferSyntax?: string): PresentationContext;
  /** The accepted presentation contexts (empty before establishment; optional for test doubles). */
  readonly acceptedContexts?: readonly PresentationContext[];
  /** A fresh Message ID for a request (PS3.7 9.3.1.1: unique among outstanding requests; wraps at 65535). */
  nextMessageId(): number;
  /**
   * Sends a request and resolves with its final response (the first non-pending one). Rejects
   * only when no answer can come: abort, DIMSE timeout (`DimseTimeoutError`), the signal, or an
   * association that is not established.
   */
  request(contextId: number, command: DimseCommand, options?: RequestOptions): Promise<DimseMessage>;
  /**
   * Sends a request that is answered by pending responses then a final one, and yields each as
   * it arrives. The DIMSE timeout runs from the end of the request and restarts on every
   * response; when it expires the stream fails with `DimseTimeoutError` and the association is
   * aborted. Fails on abort, or when the association is not established.
   */
  requestMany?(contextId: number, command: DimseCommand, options?: RequestOptions): ResponseStream;
  /**
   * Opens a new association from the same AE to `target`, proposing `contexts` (C-MOVE
   * sub-operations). Resolves with it established or not (check `isEstablished`); rejects when no
   * connection could be made. Optional for test doubles.
   */
  associateForMove?(target: SubAssociationTarget, contexts: readonly PresentationContext[]): Promise<SubAssociation>;
  /** Sends a response (or any message) on `contextId`. */
  send(contextId: number, command: DimseCommand, dataset?: OutgoingDataset): Promise<void>;
  /** Where service classes log (silent unless the user asked). */
  readonly logger: Logger;
  /** The peer's AE title (the calling AE title on an acceptor); optional for test doubles. */
  readonly peerAeTitle?: string;
  /** Storage settings for received data sets (defaults apply when absent). */
  readonly storageSettings?: StorageSettings;
}
