// A TCP proxy on 127.0.0.1 that holds every chunk for a fixed time in each direction: a link
// with latency for the asynchronous operations benchmark, without root or `tc netem`.
import { createServer, connect as netConnect, type Server, type Socket } from "node:net";

/** A running proxy; {@link DelayProxy.target} may change between connections. */
export class DelayProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  /** The port connections are forwarded to (on 127.0.0.1). */
  target = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Starts a proxy that delays each direction by `delayMs`. */
  static async start(delayMs: number): Promise<DelayProxy> {
    const server = createServer();
    const proxy = new DelayProxy(server);
    server.on("connection", (client) => proxy.#pair(client, delayMs));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  /** The port the proxy listens on. */
  get port(): number {
    const a = this.#server.address();
    return typeof a === "object" && a ? a.port : 0;
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #pair(client: Socket, delayMs: number): void {
    const upstream = netConnect({ host: "127.0.0.1", port: this.target });
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      this.#sockets.add(s);
      s.on("close", () => this.#sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    // Timers of equal duration fire in the order they were set, so bytes keep their order; the
    // end is delayed like the data before it.
    const forward = (from: Socket, to: Socket) => {
      from.on("data", (chunk: Buffer) => setTimeout(() => to.destroyed || to.write(chunk), delayMs));
      from.on("end", () => setTimeout(() => to.end(), delayMs));
    };
    forward(client, upstream);
    forward(upstream, client);
  }
}
