// The acceptor's listening side (pynetdicom's AssociationServer): one upper layer and one
// Association per incoming connection, handlers bound per server, and an orderly shutdown.
import type { AddressInfo, Server } from "node:net";
import type { AE } from "./ae.js";
import { Association } from "./association.js";
import { type AssociationRequestHook, acceptAssociation } from "./association-acceptor.js";
import { UpperLayer } from "./dul/provider.js";
import { receiveLimit } from "./dul/receive-limit.js";
import { createTcpServer } from "./dul/transport/tcp.js";
import { createTlsServer, type TlsOptions } from "./dul/transport/tls.js";
import type { Transport } from "./dul/transport/transport.js";
import { type EventName, type Handler, type Handlers, HandlerTable } from "./events.js";

/** Options of `AE.startServer`. */
export interface ServerOptions {
  /** TCP port; 0 (the default) picks a free one, see {@link AssociationServer.port}. */
  readonly port?: number;
  /** Address to listen on (default: every interface, as `net.Server.listen`). */
  readonly host?: string;
  /** Listen with TLS (PS3.15 B.1) using these options (key, cert, ca, requestCert…). */
  readonly tls?: TlsOptions;
  /** Handlers bound to every association of this server. */
  readonly handlers?: Handlers;
  /** Decides, after the standard checks, whether to accept each request. */
  readonly onAssociationRequest?: AssociationRequestHook;
  /** Accept every Storage SOP class proposed (default: the AE's `acceptAnyStorage`). */
  readonly acceptAnyStorage?: boolean;
  /** Directory for received instances' temporary files (default: the AE's `storageDirectory`). */
  readonly storageDirectory?: string;
}

/** Options of {@link AssociationServer.shutdown}. */
export interface ShutdownOptions {
  /**
   * How long in-flight requests and then releases may take, in all, before what is left is
   * aborted (ms; default 5000).
   */
  readonly deadlineMs?: number;
}

/** What a graceful shutdown did; see {@link AssociationServer.shutdown}. */
export interface ShutdownReport {
  /** How the associations open when the shutdown began ended. */
  readonly associations: {
    /** Ended by an A-RELEASE (ours, or the peer's while we waited). */
    readonly released: number;
    /** Aborted: still negotiating, cut at the deadline, or aborted by the peer. */
    readonly aborted: number;
  };
  /** The requests served while shutting down (in flight when it began, or arriving before the release). */
  readonly operations: {
    /** Answered (a response was sent, whatever its status). */
    readonly completed: number;
    /** Failed before an answer could be sent. */
    readonly failed: number;
    /** Cut when their association was aborted (not acknowledged; a data set still arriving left no file). */
    readonly abortedInFlight: number;
  };
  /** True when the deadline passed and something was aborted because of it. */
  readonly deadlineReached: boolean;
  /** How long the shutdown took (ms). */
  readonly durationMs: number;
}

/** A report of nothing: the sum's neutral element. */
export function emptyShutdownReport(): ShutdownReport {
  return {
    associations: { released: 0, aborted: 0 },
    operations: { completed: 0, failed: 0, abortedInFlight: 0 },
    deadlineReached: false,
    durationMs: 0,
  };
}

/** Adds two reports (durations: the longer one, as shutdowns run side by side). */
export function addShutdownReports(a: ShutdownReport, b: ShutdownReport): ShutdownReport {
  return {
    associations: {
      released: a.associations.released + b.associations.released,
      aborted: a.associations.aborted + b.associations.aborted,
    },
    operations: {
      completed: a.operations.completed + b.operations.completed,
      failed: a.operations.failed + b.operations.failed,
      abortedInFlight: a.operations.abortedInFlight + b.operations.abortedInFlight,
    },
    deadlineReached: a.deadlineReached || b.deadlineReached,
    durationMs: Math.max(a.durationMs, b.durationMs),
  };
}

/** How long a peer has, after our A-ABORT, to close its end before the connection is destroyed (ms). */
const ABORT_GRACE_MS = 1000;

/**
 * Aborts at a shutdown deadline. PS3.8 Sta13 would wait, up to ARTIM, for the peer to close the
 * connection after the A-ABORT; a deadline cannot: our side is ended at once (the A-ABORT is
 * flushed first) and the connection destroyed if the peer has not closed its end within
 * {@link ABORT_GRACE_MS}.
 */
async function abortNow(assoc: Association): Promise<void> {
  const aborting = assoc.abort();
  const transport = assoc.upperLayer?.transport;
  transport?.end();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ABORT_GRACE_MS);
  });
  await Promise.race([aborting, grace]);
  if (timer !== undefined) clearTimeout(timer);
  if (transport && !transport.closed) transport.destroy();
  await aborting;
}

/** How one association ended during a shutdown. */
interface Ending {
  readonly released: boolean;
  readonly cutByDeadline: boolean;
  readonly completed: number;
  readonly failed: number;
  readonly abortedInFlight: number;
}

/** A listening acceptor. Create it with `AE.startServer`; stop it with {@link shutdown}. */
export class AssociationServer {
  readonly #ae: AE;
  readonly #server: Server;
  readonly #handlers: HandlerTable;
  readonly #hook: AssociationRequestHook | undefined;
  readonly #acceptAnyStorage: boolean | undefined;
  readonly #storageDirectory: string | undefined;
  readonly #all = new Set<Association>();
  readonly #admitted = new Set<Association>();
  #closing = false;
  #listenPort: number | undefined;
  #closed: Promise<ShutdownReport> | undefined;

  /** @internal Use `AE.startServer`. */
  constructor(ae: AE, options: ServerOptions) {
    this.#ae = ae;
    this.#handlers = new HandlerTable(options.handlers ?? {});
    this.#hook = options.onAssociationRequest;
    this.#acceptAnyStorage = options.acceptAnyStorage;
    this.#storageDirectory = options.storageDirectory;
    const onTransport = (t: Transport) => this.#onTransport(t);
    this.#server = options.tls ? createTlsServer(onTransport, { tls: options.tls }) : createTcpServer(onTransport);
    this.#server.on("error", (err) => ae.logger.error?.("server error", err));
  }

  /** @internal Starts listening. */
  listen(port: number, host: string | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.#server.once("error", onError);
      this.#server.listen(port, host, () => {
        this.#server.off("error", onError);
        this.#listenPort = this.port;
        resolve();
      });
    });
  }

  /** The address and port listened on. */
  address(): AddressInfo {
    return this.#server.address() as AddressInfo;
  }

  /** The port listened on (the one picked when 0 was asked for). */
  get port(): number {
    return this.address().port;
  }

  /** The associations of this server whose connection is still open. */
  get activeAssociations(): Association[] {
    return [...this.#all];
  }

  /** Binds a handler for associations accepted from now on (bind on an association to change a running one). */
  bind<K extends EventName>(event: K, handler: Handler<K>): void {
    this.#handlers.bind(event, handler);
  }

  /** Unbinds a handler for associations accepted from now on. */
  unbind<K extends EventName>(event: K, handler?: Handler<K>): void {
    this.#handlers.unbind(event, handler);
  }

  /**
   * Shuts down gracefully: stops accepting connections at once, lets the requests in flight on
   * each established association finish (a C-STORE whose data set is still arriving, a handler
   * running, an answer being sent), then releases it (either AE may release, PS3.8 7.2). An
   * association still negotiating is aborted. At the deadline whatever is left is aborted: a
   * data set cut short is discarded (no file under its final name) and never acknowledged.
   * Resolves, once every connection and the listener are closed, with what happened.
   */
  shutdown(options: ShutdownOptions = {}): Promise<ShutdownReport> {
    if (this.#closed) return this.#closed;
    this.#closing = true;
    const started = performance.now();
    const listenerClosed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    const deadlineMs = options.deadlineMs ?? 5000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<"deadline">((resolve) => {
      timer = setTimeout(() => resolve("deadline"), deadlineMs);
    });
    const ends = [...this.#all].map((assoc) => this.#end(assoc, deadline));
    this.#closed = Promise.all(ends).then(async (endings) => {
      if (timer !== undefined) clearTimeout(timer);
      await listenerClosed;
      let report = emptyShutdownReport();
      for (const e of endings) {
        report = addShutdownReports(report, {
          associations: { released: e.released ? 1 : 0, aborted: e.released ? 0 : 1 },
          operations: { completed: e.completed, failed: e.failed, abortedInFlight: e.abortedInFlight },
          deadlineReached: e.cutByDeadline,
          durationMs: 0,
        });
      }
      return { ...report, durationMs: Math.round(performance.now() - started) };
    });
    return this.#closed;
  }

  /** Drains, then releases (or aborts) one association; the deadline is shared by all. */
  async #end(assoc: Association, deadline: Promise<"deadline">): Promise<Ending> {
    const before = assoc.operationCounts;
    let cutByDeadline = false;
    if (!assoc.isEstablished) {
      await abortNow(assoc);
    } else {
      // Whatever arrives until the release is served too: the peer may send before it sees our A-RELEASE-RQ.
      const drained = await Promise.race([assoc.whenIdle().then(() => "idle" as const), deadline]);
      if (drained === "idle") {
        const released = await Promise.race([assoc.release().then(() => "released" as const), deadline]);
        if (released === "deadline") cutByDeadline = true;
      } else {
        cutByDeadline = true;
      }
      if (cutByDeadline) await abortNow(assoc);
    }
    await assoc.closed;
    // A data set cut short is deleted by the receive loop: wait for it, so nothing is left behind.
    await assoc.receiveEnded;
    const after = assoc.operationCounts;
    return {
      released: assoc.isReleased,
      cutByDeadline: cutByDeadline && !assoc.isReleased,
      completed: after.completed - before.completed,
      failed: after.failed - before.failed,
      abortedInFlight: after.abortedInFlight - before.abortedInFlight,
    };
  }

  #onTransport(t: Transport): void {
    if (this.#closing) {
      t.destroy();
      return;
    }
    const ae = this.#ae;
    const ul = new UpperLayer(t, {
      role: "acceptor",
      artimTimeoutMs: ae.acseTimeoutMs,
      idleTimeoutMs: ae.networkTimeoutMs,
      // Read no PDU much larger than the Maximum Length we announce (PS3.8 D.1.1).
      maxPduLength: receiveLimit(ae.maximumPduSize),
      // Every check of the request is the association's, so that each one fires REJECTED.
      checkAssociateRq: () => undefined,
    });
    const assoc = new Association(
      ae,
      "acceptor",
      {
        acseTimeoutMs: ae.acseTimeoutMs,
        dimseTimeoutMs: ae.dimseTimeoutMs,
        logger: ae.logger,
        storage: ae.storageSettings({ storageDirectory: this.#storageDirectory }),
      },
      new HandlerTable({}, this.#handlers),
    );
    this.#all.add(assoc);
    ae.track(assoc, () => {
      this.#all.delete(assoc);
      this.#admitted.delete(assoc);
    });
    assoc.attach(ul);
    // The peer's address costs a system call: read only for someone listening.
    if (assoc.isObserved("CONN_OPEN")) assoc.fire("CONN_OPEN", { address: t.remoteAddress ?? "", port: t.remotePort });
    acceptAssociation(assoc, ul, {
      aeTitle: ae.aeTitle,
      requireCalledAet: ae.requireCalledAet,
      requireCallingAet: ae.requireCallingAet,
      maximumAssociations: ae.maximumAssociations,
      admitted: () => this.#admitted.size,
      admit: () => this.#admitted.add(assoc),
      supportedContexts: ae.acceptorContexts(this.#acceptAnyStorage ?? ae.acceptAnyStorage),
      listenPort: this.#listenPort,
      maximumLength: ae.maximumPduSize,
      implementationClassUid: ae.implementationClassUid,
      implementationVersionName: ae.implementationVersionName,
      onAssociationRequest: this.#hook,
    }).catch((err: unknown) => ae.logger.error?.("association negotiation failed", err));
  }
}
