// The Application Entity (pynetdicom's AE): its title, the contexts it proposes and supports,
// its limits and timeouts; it requests associations and runs servers that accept them.
import { connect as netConnect } from "node:net";
import {
  AsynchronousOperationsWindowNegotiation,
  buildContext,
  checkContextLimit,
  type ExtendedNegotiationItem,
  maxPresentationContexts,
  type PresentationContext,
  TooManyContextsError,
} from "./acse/index.js";
import { Association } from "./association.js";
import { requestAssociation } from "./association-requestor.js";
import { type AsyncOperationsWindow, checkWindow, proposalItem, SYNCHRONOUS_WINDOW } from "./async-window.js";
import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from "./dataset/part10.js";
import { storageSopClasses } from "./dataset/uids.js";
import { UpperLayer } from "./dul/provider.js";
import { receiveLimit } from "./dul/receive-limit.js";
import { SocketTransport } from "./dul/transport/socket-transport.js";
import { awaitConnected } from "./dul/transport/tcp.js";
import type { TlsOptions } from "./dul/transport/tls.js";
import { type Handlers, HandlerTable } from "./events.js";
import {
  AssociationServer,
  addShutdownReports,
  emptyShutdownReport,
  type ServerOptions,
  type ShutdownOptions,
  type ShutdownReport,
} from "./server.js";
import type { StorageSettings } from "./services/channel.js";
import { DEFAULT_MAX_DATASET_BYTES } from "./services/storage/memory-sink.js";
import { storageTransferSyntaxes } from "./services/storage/transfer-syntaxes.js";
import { NetdicomError } from "./util/errors.js";
import { getLogger, type Logger } from "./util/logger.js";

/** Options of an {@link AE}; every one has a default, pynetdicom's unless said otherwise. */
export interface AEOptions {
  /** The AE title (default "NETDICOM"). */
  readonly aeTitle?: string;
  /** The largest P-DATA-TF variable field this AE receives, announced as Maximum Length (default 16382; 0 = no limit). */
  readonly maximumPduSize?: number;
  /** How long to wait for an A-ASSOCIATE or A-RELEASE answer, and ARTIM (ms; default 30000). */
  readonly acseTimeoutMs?: number;
  /** How long to wait for a DIMSE response before aborting (ms; default 30000; 0 = forever). */
  readonly dimseTimeoutMs?: number;
  /** Abort an association when nothing arrives for this long (ms; default 60000; 0 = never). */
  readonly networkTimeoutMs?: number;
  /** How long a TCP connect may take (ms; default 30000). */
  readonly connectionTimeoutMs?: number;
  /** The most associations accepted at once; beyond it requests are rejected (2,3,2) (default 10). */
  readonly maximumAssociations?: number;
  /** Reject requests whose called AE title is not ours (1,1,7) (default false). */
  readonly requireCalledAet?: boolean;
  /** When not empty, reject calling AE titles not listed (1,1,3) (default []). */
  readonly requireCallingAet?: readonly string[];
  /**
   * Reject every association request without a User Identity item (PS3.7 D.3.3.7), or whose
   * identity the `USER_ID` handler does not verify, or when no `USER_ID` handler is bound; the
   * check runs before any other handler (default false).
   */
  readonly requireUserIdentity?: boolean;
  /** Implementation Class UID (default netdicom's). */
  readonly implementationClassUid?: string;
  /** Implementation Version Name (default netdicom's). */
  readonly implementationVersionName?: string;
  /** Where this AE's associations log, e.g. `consoleLogger("debug")` for PDU and DIMSE dumps (default: the global logger, silent unless set). */
  readonly logger?: Logger;
  /**
   * Accept every Storage SOP class (`storageSopClasses()`) proposed, in the uncompressed and
   * common compressed transfer syntaxes (`storageTransferSyntaxes`), besides the supported
   * contexts (default false).
   */
  readonly acceptAnyStorage?: boolean;
  /**
   * Directory for the temporary files of received instances; put it on the file system of the
   * final destination so that `saveTo` is a rename (default: a `netdicom-*` folder in `os.tmpdir()`).
   */
  readonly storageDirectory?: string;
  /**
   * Make each received instance durable before it is acknowledged (default true): its temporary
   * file is fsynced before the C_STORE handler runs, and `saveTo` fsyncs the directory after
   * renaming it into place (on Linux that makes the rename itself durable). false is faster, but
   * an acknowledged instance may be lost on power failure.
   */
  readonly storageFsync?: boolean;
  /** Largest data set held in memory, for requests other than C-STORE (bytes; default 64 MiB; larger ones are refused with 0xA700/0x0213). */
  readonly maxDatasetBytes?: number;
  /**
   * The Asynchronous Operations Window this AE offers (PS3.7 D.3.3.3): how many requests it keeps
   * outstanding on one association (`invoked`) and serves at once (`performed`); 0 = unlimited.
   * A requestor proposes it, an acceptor answers at most it; the association works in what both
   * allow (`assoc.asyncOperationsWindow`). Default (1, 1), the synchronous mode, sends no item.
   */
  readonly maxAsyncOperations?: AsyncOperationsWindow;
}

/** Options of {@link AE.associate}. */
export interface AssociateOptions {
  /** The called AE title (default "ANY-SCP"). */
  readonly aeTitle?: string;
  /** Maximum Length to announce for this association (default the AE's `maximumPduSize`). */
  readonly maxPdu?: number;
  /** Contexts to propose instead of the AE's requested contexts (e.g. one group of `splitContexts`). */
  readonly contexts?: readonly PresentationContext[];
  /** Extended negotiation items (role selection, user identity, async ops, SOP class (common) extended). */
  readonly extendedNegotiation?: readonly ExtendedNegotiationItem[];
  /** Cancels the connection attempt and negotiation. */
  readonly signal?: AbortSignal;
  /** Connect with TLS using these options. */
  readonly tls?: TlsOptions;
  /** Handlers bound to the association from the start. */
  readonly handlers?: Handlers;
  /** The local address to connect from (TCP only). */
  readonly bindAddress?: string;
  /** The Asynchronous Operations Window to propose instead of the AE's `maxAsyncOperations`. */
  readonly maxAsyncOperations?: AsyncOperationsWindow;
}

function checkTitle(title: string): string {
  const t = typeof title === "string" ? title.trim() : "";
  // PS3.5 Table 6.2-1 (AE): 1-16 characters of the default repertoire, no backslash or controls.
  if (t.length === 0 || t.length > 16 || !/^[\x20-\x5b\x5d-\x7e]+$/.test(t)) {
    throw new NetdicomError("ERR_AE_TITLE", `AE title "${title}" is not 1-16 printable characters without "\\"`);
  }
  return t;
}

/**
 * An Application Entity. Requests associations with {@link associate} and accepts them with
 * {@link startServer}. Settings are read when an association starts.
 */
export class AE {
  #aeTitle: string;
  /** Maximum Length announced (bytes; 0 = no limit). */
  maximumPduSize: number;
  /** ACSE timeout (ms). */
  acseTimeoutMs: number;
  /** DIMSE timeout (ms; 0 = none). */
  dimseTimeoutMs: number;
  /** Network (idle) timeout (ms; 0 = none). */
  networkTimeoutMs: number;
  /** TCP connect timeout (ms). */
  connectionTimeoutMs: number;
  /** The most associations accepted at once. */
  maximumAssociations: number;
  /** Reject requests whose called AE title is not ours. */
  requireCalledAet: boolean;
  /** Calling AE titles accepted (empty: any). */
  requireCallingAet: readonly string[];
  /** Reject requests without a verified user identity (see {@link AEOptions.requireUserIdentity}). */
  requireUserIdentity: boolean;
  /** Implementation Class UID sent in A-ASSOCIATE. */
  implementationClassUid: string;
  /** Implementation Version Name sent in A-ASSOCIATE (undefined: none). */
  implementationVersionName: string | undefined;
  /** Accept every Storage SOP class proposed (see {@link AEOptions.acceptAnyStorage}). */
  acceptAnyStorage: boolean;
  /** Directory for received instances' temporary files (undefined: a `netdicom-*` folder in `os.tmpdir()`). */
  storageDirectory: string | undefined;
  /** fsync received files before the C_STORE handler runs, and their directory after `saveTo` (see {@link AEOptions.storageFsync}). */
  storageFsync: boolean;
  /** Largest data set held in memory for requests other than C-STORE (bytes). */
  maxDatasetBytes: number;
  /** The Asynchronous Operations Window offered (see {@link AEOptions.maxAsyncOperations}). */
  maxAsyncOperations: AsyncOperationsWindow;
  readonly #logger: Logger | undefined;
  #requested: PresentationContext[] = [];
  #supported: PresentationContext[] = [];
  /** What {@link acceptorContexts} gave last; dropped when the supported contexts change. */
  #acceptorCache: { readonly acceptAny: boolean; readonly contexts: readonly PresentationContext[] } | undefined;
  readonly #active = new Set<Association>();
  readonly #servers = new Set<AssociationServer>();
  readonly #observers = new Set<(assoc: Association) => void>();

  constructor(options: AEOptions = {}) {
    this.#aeTitle = checkTitle(options.aeTitle ?? "NETDICOM");
    this.maximumPduSize = options.maximumPduSize ?? 16382;
    this.acseTimeoutMs = options.acseTimeoutMs ?? 30_000;
    this.dimseTimeoutMs = options.dimseTimeoutMs ?? 30_000;
    this.networkTimeoutMs = options.networkTimeoutMs ?? 60_000;
    this.connectionTimeoutMs = options.connectionTimeoutMs ?? 30_000;
    this.maximumAssociations = options.maximumAssociations ?? 10;
    this.requireCalledAet = options.requireCalledAet ?? false;
    this.requireCallingAet = options.requireCallingAet ?? [];
    this.requireUserIdentity = options.requireUserIdentity ?? false;
    this.implementationClassUid = options.implementationClassUid ?? IMPLEMENTATION_CLASS_UID;
    this.implementationVersionName = options.implementationVersionName ?? IMPLEMENTATION_VERSION_NAME;
    this.#logger = options.logger;
    this.acceptAnyStorage = options.acceptAnyStorage ?? false;
    this.storageDirectory = options.storageDirectory;
    this.storageFsync = options.storageFsync ?? true;
    this.maxDatasetBytes = options.maxDatasetBytes ?? DEFAULT_MAX_DATASET_BYTES;
    this.maxAsyncOperations = options.maxAsyncOperations ?? SYNCHRONOUS_WINDOW;
    checkWindow(this.maxAsyncOperations, "maxAsyncOperations");
  }

  /** @internal The storage settings given to each new association. */
  storageSettings(overrides: { storageDirectory?: string | undefined } = {}): StorageSettings {
    return {
      storageDirectory: overrides.storageDirectory ?? this.storageDirectory,
      storageFsync: this.storageFsync,
      maxDatasetBytes: this.maxDatasetBytes,
    };
  }

  /**
   * @internal The contexts a server accepts: the supported ones, plus (when `acceptAny`) every
   * Storage SOP class not already supported, in {@link storageTransferSyntaxes}.
   */
  acceptorContexts(acceptAny = this.acceptAnyStorage): readonly PresentationContext[] {
    // Made once per change of the supported contexts, not per connection: copying a storescp's
    // 200-odd contexts cost about 0.1 ms of each of its first few hundred associations. Shared,
    // read-only: the negotiation only reads them and service users hand out copies.
    const cached = this.#acceptorCache;
    if (cached?.acceptAny === acceptAny) return cached.contexts;
    const supported = this.supportedContexts;
    if (acceptAny) {
      const have = new Set(supported.map((cx) => cx.abstractSyntax));
      for (const uid of storageSopClasses()) {
        if (!have.has(uid)) supported.push(buildContext(uid, storageTransferSyntaxes));
      }
    }
    const contexts = Object.freeze(supported);
    this.#acceptorCache = { acceptAny, contexts };
    return contexts;
  }

  /** The AE title (validated; surrounding spaces removed). */
  get aeTitle(): string {
    return this.#aeTitle;
  }
  /** Sets the AE title: 1 to 16 printable characters without a backslash (PS3.5 6.2, AE), surrounding spaces removed; throws a `NetdicomError` otherwise. */
  set aeTitle(title: string) {
    this.#aeTitle = checkTitle(title);
  }

  /** The logger of this AE's associations (the global one unless the `logger` option was given). */
  get logger(): Logger {
    return this.#logger ?? getLogger();
  }

  // ---- contexts ----

  /** The contexts proposed by {@link associate} (copies). */
  get requestedContexts(): PresentationContext[] {
    return this.#requested.map((cx) => cx.with({}));
  }

  /** The contexts accepted by servers (copies). */
  get supportedContexts(): PresentationContext[] {
    return this.#supported.map((cx) => cx.with({}));
  }

  /**
   * Adds a context to propose (default transfer syntaxes: pynetdicom's four uncompressed ones).
   * One association carries at most 128: beyond that this throws `TooManyContextsError`; give
   * many contexts to `splitContexts()`/`prioritiseContexts()` and each group to
   * `associate(…, { contexts })`.
   */
  addRequestedContext(abstractSyntax: string, transferSyntaxes?: string | readonly string[]): void {
    if (this.#requested.length >= maxPresentationContexts) {
      throw new TooManyContextsError(this.#requested.length + 1, maxPresentationContexts);
    }
    this.#requested.push(buildContext(abstractSyntax, transferSyntaxes));
  }

  /** Removes the requested contexts of `abstractSyntax`, or only the given transfer syntaxes of them. */
  removeRequestedContext(abstractSyntax: string, transferSyntaxes?: string | readonly string[]): void {
    this.#requested = removeFrom(this.#requested, abstractSyntax, transferSyntaxes);
  }

  /**
   * Adds (or extends) a supported context. `scuRole`/`scpRole` answer a requestor's role
   * selection (PS3.7 D.3.3.4); leave them undefined to answer none (default roles).
   */
  addSupportedContext(
    abstractSyntax: string,
    transferSyntaxes?: string | readonly string[],
    scuRole?: boolean,
    scpRole?: boolean,
  ): void {
    const fresh = buildContext(abstractSyntax, transferSyntaxes);
    this.#acceptorCache = undefined;
    const at = this.#supported.findIndex((cx) => cx.abstractSyntax === abstractSyntax);
    if (at < 0) {
      fresh.scuRole = scuRole;
      fresh.scpRole = scpRole;
      this.#supported.push(fresh);
      return;
    }
    const cx = this.#supported[at]!;
    for (const uid of fresh.transferSyntaxes) cx.addTransferSyntax(uid);
    cx.scuRole = scuRole;
    cx.scpRole = scpRole;
  }

  /** Removes the supported context of `abstractSyntax`, or only the given transfer syntaxes of it. */
  removeSupportedContext(abstractSyntax: string, transferSyntaxes?: string | readonly string[]): void {
    this.#supported = removeFrom(this.#supported, abstractSyntax, transferSyntaxes);
    this.#acceptorCache = undefined;
  }

  // ---- associations ----

  /** Every association of this AE whose connection is open (requested and accepted). */
  get activeAssociations(): Association[] {
    return [...this.#active];
  }

  /**
   * Calls `observer` with every association of this AE created from now on, requested or
   * accepted, before any of its events fires: metrics and statistics subscribe this way
   * (`collectMetrics(ae)`). Returns a function that stops the calls.
   */
  onAssociation(observer: (assoc: Association) => void): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  /**
   * @internal Counts an association as active until its connection closes, then calls
   * `onClosed` (the server's own bookkeeping, in the same reaction: one promise less each).
   */
  track(assoc: Association, onClosed?: () => void): void {
    for (const observe of this.#observers) {
      try {
        observe(assoc);
      } catch (err) {
        this.logger.error?.("an association observer threw", err);
      }
    }
    this.#active.add(assoc);
    // `closed` never rejects: no catch (a promise less per association).
    void assoc.closed.then(() => {
      this.#active.delete(assoc);
      onClosed?.();
    });
  }

  /**
   * Requests an association with the AE at `address`:`port`. Resolves with the association
   * established, rejected (see `rejection`) or aborted (see `abortError`); rejects only when no
   * connection could be made or the request cannot be built (no contexts, more than 128, invalid
   * values).
   */
  async associate(address: string, port: number, options: AssociateOptions = {}): Promise<Association> {
    const contexts = options.contexts ? [...options.contexts] : this.#requested;
    if (contexts.length === 0) {
      throw new NetdicomError("ERR_NO_CONTEXTS", "no presentation contexts to propose: call addRequestedContext()");
    }
    checkContextLimit(contexts);
    const assoc = new Association(
      this,
      "requestor",
      {
        acseTimeoutMs: this.acseTimeoutMs,
        dimseTimeoutMs: this.dimseTimeoutMs,
        logger: this.logger,
        storage: this.storageSettings(),
      },
      new HandlerTable(options.handlers ?? {}),
    );
    const upper = {
      artimTimeoutMs: this.acseTimeoutMs,
      idleTimeoutMs: this.networkTimeoutMs,
      // Read no PDU much larger than the Maximum Length we announce (PS3.8 D.1.1).
      maxPduLength: receiveLimit(options.maxPdu ?? this.maximumPduSize),
    };
    const target = { host: address, port, connectTimeoutMs: this.connectionTimeoutMs, signal: options.signal };
    let ul: UpperLayer;
    if (options.bindAddress !== undefined && !options.tls) {
      const socket = netConnect({ host: address, port, localAddress: options.bindAddress, allowHalfOpen: true });
      socket.on("error", () => {}); // reported through awaitConnected / the transport
      await awaitConnected(socket, "connect", this.connectionTimeoutMs, options.signal);
      ul = new UpperLayer(new SocketTransport(socket), { ...upper, role: "requestor" });
    } else {
      ul = await UpperLayer.connect(options.tls ? { ...target, tls: options.tls } : target, upper);
    }
    this.track(assoc);
    return requestAssociation(assoc, ul, {
      callingAeTitle: this.#aeTitle,
      calledAeTitle: options.aeTitle ?? "ANY-SCP",
      address,
      port,
      contexts,
      maximumLength: options.maxPdu ?? this.maximumPduSize,
      implementationClassUid: this.implementationClassUid,
      implementationVersionName: this.implementationVersionName,
      extendedNegotiation: withWindowProposal(
        options.extendedNegotiation ?? [],
        options.maxAsyncOperations ?? this.maxAsyncOperations,
      ),
      acseTimeoutMs: this.acseTimeoutMs,
      signal: options.signal,
    });
  }

  /** Listens for association requests; resolves once listening. Stop it with `server.shutdown()`. */
  async startServer(options: ServerOptions = {}): Promise<AssociationServer> {
    const server = new AssociationServer(this, options);
    await server.listen(options.port ?? 0, options.host);
    this.#servers.add(server);
    return server;
  }

  /**
   * Shuts down every server of this AE gracefully (see `AssociationServer.shutdown`), then aborts
   * its requested associations still open; resolves with the servers' reports added up, the
   * aborted requested associations counted as aborted.
   */
  async shutdown(options: ShutdownOptions = {}): Promise<ShutdownReport> {
    const started = performance.now();
    const reports = await Promise.all([...this.#servers].map((s) => s.shutdown(options)));
    this.#servers.clear();
    let report = reports.reduce(addShutdownReports, emptyShutdownReport());
    const left = [...this.#active].filter((a) => a.isRequestor);
    await Promise.all(left.map((a) => a.abort()));
    report = addShutdownReports(report, {
      ...emptyShutdownReport(),
      associations: { released: 0, aborted: left.length },
    });
    return { ...report, durationMs: Math.round(performance.now() - started) };
  }
}

/** The extended items plus the window proposal, unless the caller gave a window item of its own. */
function withWindowProposal(
  items: readonly ExtendedNegotiationItem[],
  window: AsyncOperationsWindow,
): readonly ExtendedNegotiationItem[] {
  if (items.some((i) => i instanceof AsynchronousOperationsWindowNegotiation)) return items;
  checkWindow(window, "maxAsyncOperations");
  const item = proposalItem(window);
  return item ? [...items, item] : items;
}

function removeFrom(
  list: readonly PresentationContext[],
  abstractSyntax: string,
  transferSyntaxes: string | readonly string[] | undefined,
): PresentationContext[] {
  if (transferSyntaxes === undefined) return list.filter((cx) => cx.abstractSyntax !== abstractSyntax);
  const drop = new Set(typeof transferSyntaxes === "string" ? [transferSyntaxes] : transferSyntaxes);
  const out: PresentationContext[] = [];
  for (const cx of list) {
    if (cx.abstractSyntax !== abstractSyntax) out.push(cx);
    else {
      const left = cx.transferSyntaxes.filter((t) => !drop.has(t));
      if (left.length > 0) out.push(cx.with({ transferSyntaxes: left }));
    }
  }
  return out;
}
