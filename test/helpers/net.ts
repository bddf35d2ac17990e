// Loopback helpers for tests that start another program's server (DCMTK tools, our CLI).
import { connect, createServer } from "node:net";
import { setTimeout as delay } from "node:timers/promises";

/** A free port: bound on 127.0.0.1, then released for the tool to take. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/**
 * Resolves once something accepts connections on `port`; a bounded number of tries. Tools such
 * as DCMTK's storescp print nothing when they listen, and a refused connect returns at once, so
 * the tries are spaced while the tool starts.
 */
export async function waitForListener(port: number, attempts = 250): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    const ok = await new Promise<boolean>((done) => {
      const s = connect({ port, host: "127.0.0.1" });
      s.once("connect", () => {
        s.destroy();
        done(true);
      });
      s.once("error", () => done(false));
    });
    if (ok) return;
    await delay(20);
  }
  throw new Error(`nothing listens on port ${port}`);
}
