// A scripted fake DICOM peer over a raw socket: sends canned bytes, records what it receives.
import { connect, createServer, type Server, type Socket } from "node:net";

/** One PDU as seen on the wire: type byte and the bytes after the 6-byte header. */
export interface RawPdu {
  readonly type: number;
  readonly body: Uint8Array;
}

/** One end of a raw connection, recording every byte it receives. */
export class FakePeer {
  private buf = new Uint8Array(0);
  private readonly waiters = new Set<() => void>();
  /** Resolves when the socket has closed. */
  readonly closed: Promise<void>;
  /** True once the other side has sent FIN or the socket closed. */
  ended = false;

  constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      const next = new Uint8Array(this.buf.byteLength + chunk.byteLength);
      next.set(this.buf);
      next.set(chunk, this.buf.byteLength);
      this.buf = next;
      this.wake();
    });
    socket.on("error", () => {});
    // The other side closed: close ours too (a real peer would), after anything already queued.
    socket.on("end", () => {
      this.ended = true;
      socket.end();
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      socket.on("close", () => {
        this.ended = true;
        this.wake();
        resolve();
      }),
    );
  }

  /** Every byte received so far. */
  get received(): Uint8Array {
    return this.buf;
  }

  /** The whole PDUs received so far (a trailing partial one is left out). */
  pdus(): RawPdu[] {
    const out: RawPdu[] = [];
    const view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    let at = 0;
    while (at + 6 <= this.buf.byteLength) {
      const len = view.getUint32(at + 2);
      if (at + 6 + len > this.buf.byteLength) break;
      out.push({ type: this.buf[at]!, body: this.buf.subarray(at + 6, at + 6 + len) });
      at += 6 + len;
    }
    return out;
  }

  /** Resolves once `predicate` holds (checked on every arrival); rejects if the socket ends first. */
  waitFor(predicate: (peer: FakePeer) => boolean, what = "condition"): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (predicate(this)) {
          this.waiters.delete(check);
          resolve();
        } else if (this.ended) {
          this.waiters.delete(check);
          reject(new Error(`peer closed before ${what}`));
        }
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Resolves with the first received PDU of `type`. */
  async waitForPdu(type: number): Promise<RawPdu> {
    await this.waitFor((p) => p.pdus().some((x) => x.type === type), `PDU type ${type}`);
    return this.pdus().find((x) => x.type === type)!;
  }

  send(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

/** Connects a fake peer to `host:port`. */
export function connectPeer(port: number, host = "127.0.0.1"): Promise<FakePeer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host, allowHalfOpen: true });
    socket.once("connect", () => resolve(new FakePeer(socket)));
    socket.once("error", reject);
  });
}

/** A listening fake peer server: each accepted connection becomes a FakePeer. */
export async function listenPeer(
  host = "127.0.0.1",
): Promise<{ server: Server; port: number; next: () => Promise<FakePeer> }> {
  const pending: FakePeer[] = [];
  const takers: ((p: FakePeer) => void)[] = [];
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    const peer = new FakePeer(socket);
    const t = takers.shift();
    if (t) t(peer);
    else pending.push(peer);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const next = () => {
    const p = pending.shift();
    return p ? Promise.resolve(p) : new Promise<FakePeer>((resolve) => takers.push(resolve));
  };
  return { server, port, next };
}

/** Parses space-separated hex ("07 00 00000004 ..."). */
export function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, "");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}
