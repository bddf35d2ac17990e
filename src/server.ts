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
  /** How long releases may take before what is left is aborted (ms; default 5000). */
  readonly deadlineMs?: number;
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
  #closed: Promise<void> | undefined;

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
   * Stops accepting connections, releases the established associations (either AE may release,
   * PS3.8 7.2), aborts the ones still negotiating, aborts whatever is left at the deadline, and
   * resolves once every connection and the listener are closed.
   */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    if (this.#closed) return this.#closed;
    this.#closing = true;
    const listenerClosed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    const deadlineMs = options.deadlineMs ?? 5000;
    const ends = [...this.#all].map(async (assoc) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, deadlineMs);
      });
      const end = assoc.isEstablished ? assoc.release() : assoc.abort();
      await Promise.race([end, deadline]);
      if (timer !== undefined) clearTimeout(timer);
      await assoc.abort();
      await assoc.closed;
    });
    this.#closed = Promise.all(ends).then(() => listenerClosed);
    return this.#closed;
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
    ae.track(assoc);
    assoc.attach(ul);
    assoc.fire("CONN_OPEN", { address: t.remoteAddress ?? "", port: t.remotePort });
    assoc.closed
      .then(() => {
        this.#all.delete(assoc);
        this.#admitted.delete(assoc);
      })
      .catch(() => {});
    acceptAssociation(assoc, ul, {
      aeTitle: ae.aeTitle,
      requireCalledAet: ae.requireCalledAet,
      requireCallingAet: ae.requireCallingAet,
      maximumAssociations: ae.maximumAssociations,
      admitted: () => this.#admitted.size,
      admit: () => this.#admitted.add(assoc),
      supportedContexts: ae.acceptorContexts(this.#acceptAnyStorage ?? ae.acceptAnyStorage),
      maximumLength: ae.maximumPduSize,
      implementationClassUid: ae.implementationClassUid,
      implementationVersionName: ae.implementationVersionName,
      onAssociationRequest: this.#hook,
    }).catch((err: unknown) => ae.logger.error?.("association negotiation failed", err));
  }
}
