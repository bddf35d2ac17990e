import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { test } from "node:test";
import { TimeoutError, TransportClosedError } from "../../../src/dul/errors.js";
import { SocketTransport } from "../../../src/dul/transport/socket-transport.js";
import { connectTcp, createTcpServer } from "../../../src/dul/transport/tcp.js";
import { findTool } from "../../helpers/dcmtk.js";

async function listen(server: Server, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, resolve);
  });
  const a = server.address();
  return typeof a === "object" && a ? a.port : 0;
}

async function ipv6Available(): Promise<boolean> {
  const s = createServer();
  try {
    await listen(s, "::1");
    return true;
  } catch {
    return false;
  } finally {
    s.close();
  }
}

for (const host of ["127.0.0.1", "::1"]) {
  test(`TCP on ${host}: connect, write both ways, half-close reported`, async (t) => {
    if (host === "::1" && !(await ipv6Available())) {
      t.skip("IPv6 loopback (::1) unavailable on this machine");
      return;
    }
    let onAccept: (x: SocketTransport) => void = () => {};
    const got = new Promise<SocketTransport>((resolve) => {
      onAccept = resolve;
    });
    const server = createTcpServer((x) => onAccept(x));
    t.after(() => server.close());
    const port = await listen(server, host);
    const client = await connectTcp({ host, port, family: host === "::1" ? 6 : 4 });
    t.after(() => client.destroy());
    assert.equal(client.remotePort, port);
    assert.equal(client.remoteAddress, host);
    assert.equal(client.peerCertificate(), undefined);
    const srv = await got;
    const received: number[] = [];
    const gotData = new Promise<void>((resolve) =>
      srv.onData((c) => {
        received.push(...c);
        if (received.length >= 5) resolve();
      }),
    );
    await client.write([new Uint8Array([1, 2]), new Uint8Array([3, 4, 5])]);
    await gotData;
    assert.deepEqual(received, [1, 2, 3, 4, 5]);
    // The client half-closes: the server sees the close indication without an error...
    const closed = new Promise<Error | undefined>((resolve) => srv.onClose(resolve));
    client.end();
    assert.equal(await closed, undefined);
    assert.equal(srv.closed, true);
    await assert.rejects(srv.write(new Uint8Array([1])), TransportClosedError);
    srv.end();
  });
}

test("SocketTransport turns Nagle off (setNoDelay(true)) and keep-alive on", async (t) => {
  const server = createServer((s) => s.end());
  t.after(() => server.close());
  const port = await listen(server, "127.0.0.1");
  const { connect } = await import("node:net");
  const socket: Socket = connect({ port, host: "127.0.0.1" });
  t.after(() => socket.destroy());
  const calls: string[] = [];
  socket.setNoDelay = ((v?: boolean) => {
    calls.push(`noDelay:${v}`);
    return socket;
  }) as Socket["setNoDelay"];
  socket.setKeepAlive = ((v?: boolean) => {
    calls.push(`keepAlive:${v}`);
    return socket;
  }) as Socket["setKeepAlive"];
  const tr = new SocketTransport(socket);
  assert.deepEqual(calls, ["noDelay:true", "keepAlive:true"]);
  tr.destroy();
});

test("write awaits 'drain' when the peer does not read", async (t) => {
  let serverSocket: Socket | undefined;
  const server = createServer((s) => {
    s.pause();
    serverSocket = s;
  });
  t.after(() => server.close());
  const port = await listen(server, "127.0.0.1");
  const client = await connectTcp({ host: "127.0.0.1", port });
  t.after(() => client.destroy());
  const big = new Uint8Array(32 * 1024 * 1024);
  let settled = false;
  const p = client.write(big).then(() => {
    settled = true;
  });
  // Give the event loop a few turns: the kernel buffers fill, the write stays pending.
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  assert.equal(settled, false, "write resolved although the peer never read");
  let total = 0;
  serverSocket!.on("data", (c: Buffer) => {
    total += c.byteLength;
  });
  serverSocket!.resume();
  await p;
  assert.equal(settled, true);
  serverSocket!.destroy();
  assert.ok(total > 0);
});

test("connect timeout: a server that never completes the TLS handshake", async (t) => {
  // A plain TCP server that accepts and stays silent: the TCP connect succeeds, TLS never does.
  const sockets: Socket[] = [];
  const server = createServer((s) => sockets.push(s));
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const port = await listen(server, "127.0.0.1");
  const { connectTls } = await import("../../../src/dul/transport/tls.js");
  const started = performance.now();
  await assert.rejects(connectTls({ host: "127.0.0.1", port, connectTimeoutMs: 150 }), (e: unknown) => {
    assert.ok(e instanceof TimeoutError);
    assert.equal(e.timer, "connect");
    return true;
  });
  assert.ok(performance.now() - started >= 140);
});

test("connection refused becomes TransportClosedError", async () => {
  const server = createServer();
  const port = await listen(server, "127.0.0.1");
  await new Promise<void>((r) => server.close(() => r()));
  await assert.rejects(connectTcp({ host: "127.0.0.1", port, connectTimeoutMs: 2000 }), TransportClosedError);
});

test("an invalid port is a rejection, not a synchronous throw", async () => {
  let promise: Promise<unknown> | undefined;
  assert.doesNotThrow(() => {
    promise = connectTcp({ host: "127.0.0.1", port: 70000 });
  });
  await assert.rejects(promise!, { code: "ERR_SOCKET_BAD_PORT" });
});

test("a connection reset is reported through onClose, and the idle timer closes a silent one", async (t) => {
  let serverSocket: Socket | undefined;
  const server = createServer((s) => {
    serverSocket = s;
    s.on("error", () => {});
  });
  t.after(() => server.close());
  const port = await listen(server, "127.0.0.1");
  const a = await connectTcp({ host: "127.0.0.1", port });
  t.after(() => a.destroy());
  const closedA = new Promise<Error | undefined>((resolve) => a.onClose(resolve));
  for (let i = 0; i < 100 && !serverSocket; i++) await new Promise((r) => setImmediate(r));
  serverSocket!.resetAndDestroy();
  await closedA;
  assert.equal(a.closed, true);

  const b = await connectTcp({ host: "127.0.0.1", port, idleTimeoutMs: 100 });
  t.after(() => b.destroy());
  const err = await new Promise<Error | undefined>((resolve) => b.onClose(resolve));
  assert.ok(err instanceof TimeoutError);
  assert.equal(err.timer, "idle");
});

test("readInto on an accepted socket: bytes arrive in the reader's memory, intact across pause/resume, then the close", async (t) => {
  let onAccept: (x: SocketTransport) => void = () => {};
  const got = new Promise<SocketTransport>((resolve) => {
    onAccept = resolve;
  });
  const memory = new Uint8Array(256 * 1024);
  let used = 0;
  let engaged = false;
  const server = createTcpServer((x) => {
    // The reader hands out the rest of its memory, starting over once the data has been copied.
    engaged = x.readInto(() => {
      if (memory.byteLength - used < 64 * 1024) used = 0;
      return memory.subarray(used);
    });
    onAccept(x);
  });
  t.after(() => server.close());
  const port = await listen(server, "127.0.0.1");
  const client = await connectTcp({ host: "127.0.0.1", port });
  t.after(() => client.destroy());
  const acceptor = await got;
  assert.equal(engaged, true, "a plain TCP socket reads into the reader's memory");
  const total = 8 * 1024 * 1024;
  const received = new Uint8Array(total);
  let at = 0;
  let chunks = 0;
  let inReaderMemory = 0;
  const closed = new Promise<void>((resolve) => acceptor.onClose(() => resolve()));
  acceptor.onData((chunk) => {
    chunks++;
    if (chunk.buffer === memory.buffer && chunk.byteOffset === used) inReaderMemory++;
    received.set(chunk, at);
    at += chunk.byteLength;
    used += chunk.byteLength;
    // Pause now and then, as a slow consumer does, and resume on a later turn.
    if (chunks % 5 === 0) {
      acceptor.pause();
      setImmediate(() => acceptor.resume());
    }
  });
  const sent = Uint8Array.from({ length: total }, (_, i) => (i * 7 + (i >> 13)) & 0xff);
  for (let i = 0; i < total; i += 100_000) await client.write(sent.subarray(i, i + 100_000));
  client.end();
  await closed;
  assert.equal(at, total);
  assert.equal(inReaderMemory, chunks, "every chunk was the start of the memory handed out");
  assert.ok(Buffer.from(received).equals(Buffer.from(sent)), "every byte intact, in order");
});

test("once its socket has closed, a transport that read into given memory holds nothing of its user", async (t) => {
  // Node keeps such a closed socket reachable for a while (until a full collection): whatever
  // the socket still refers to then lives as long. Here the socket is kept on purpose and the
  // handlers must not be reachable from it.
  const server = createServer((s) => {
    s.on("error", () => {});
    s.end("x");
  });
  t.after(() => server.close());
  const port = await listen(server, "127.0.0.1");
  const client = await connectTcp({ host: "127.0.0.1", port });
  let received = 0;
  const memory = new Uint8Array(64 * 1024);
  assert.equal(
    client.readInto(
      () => memory,
      () => {},
    ),
    true,
  );
  client.onData((chunk) => {
    received += chunk.byteLength;
  });
  const closed = new Promise<void>((resolve) => client.socket.once("close", () => resolve()));
  client.onClose(() => client.end());
  await closed;
  assert.equal(received, 1);
  const socket = client.socket as unknown as Record<symbol, unknown>;
  const slots = Object.getOwnPropertySymbols(socket).filter((s) =>
    ["kBuffer", "kBufferCb", "kBufferGen"].includes(s.description ?? ""),
  );
  assert.equal(slots.length, 3);
  for (const s of slots) assert.equal(socket[s], null, String(s.description));
  // The handlers given to the transport are dropped: a late chunk reaches none of them.
  const handlers = client as unknown as { dataHandler: (c: Uint8Array) => void; closeHandler: () => void };
  handlers.dataHandler(new Uint8Array(5));
  handlers.closeHandler();
  assert.equal(received, 1);
});

/** A plain socket server whose one connection collects every byte and reports its end. */
async function collectingServer(t: { after: (fn: () => void) => void }): Promise<{
  port: number;
  received: Promise<{ bytes: number; ended: boolean }>;
  peer: Promise<Socket>;
}> {
  let resolveReceived: (r: { bytes: number; ended: boolean }) => void = () => {};
  let resolvePeer: (s: Socket) => void = () => {};
  const received = new Promise<{ bytes: number; ended: boolean }>((resolve) => {
    resolveReceived = resolve;
  });
  const peer = new Promise<Socket>((resolve) => {
    resolvePeer = resolve;
  });
  const server = createServer({ allowHalfOpen: true }, (s) => {
    let bytes = 0;
    let ended = false;
    s.on("data", (c: Buffer) => {
      bytes += c.byteLength;
    });
    s.on("end", () => {
      ended = true;
    });
    s.on("error", () => {});
    s.on("close", () => resolveReceived({ bytes, ended }));
    resolvePeer(s);
  });
  t.after(() => server.close());
  return { port: await listen(server, "127.0.0.1"), received, peer };
}

test("close(): on plain TCP with nothing left in the stream the socket closes at once, and the peer still gets every byte, then its FIN", async (t) => {
  const { port, received, peer } = await collectingServer(t);
  const client = await connectTcp({ host: "127.0.0.1", port });
  t.after(() => client.destroy());
  const server = await peer;
  t.after(() => server.destroy());
  await client.write(new Uint8Array(1000).fill(7));
  assert.equal(client.socket.writableLength, 0);
  client.close();
  assert.equal(client.socket.destroyed, true, "closed without a half-close first");
  server.end();
  assert.deepEqual(await received, { bytes: 1000, ended: true });
});

test("close(): with bytes still queued in the stream it ends instead, so none of them is lost", async (t) => {
  const { port, received, peer } = await collectingServer(t);
  const client = await connectTcp({ host: "127.0.0.1", port });
  t.after(() => client.destroy());
  const server = await peer;
  t.after(() => server.destroy());
  // The server reads nothing for now: the kernel buffers fill and the rest waits in the stream.
  server.pause();
  const total = 8 * 1024 * 1024;
  void client.write(new Uint8Array(total)).catch(() => {});
  assert.ok(client.socket.writableLength > 0, "part of the write is still queued in the stream");
  client.close();
  assert.equal(client.socket.destroyed, false, "not closed at once: the queued bytes must go first");
  server.resume();
  server.on("end", () => server.end());
  assert.deepEqual(await received, { bytes: total, ended: true });
});

test("end() after the peer's FIN closes the socket at once (no half-close round); the peer gets our bytes and our FIN", async (t) => {
  const { port, received, peer } = await collectingServer(t);
  const client = await connectTcp({ host: "127.0.0.1", port });
  t.after(() => client.destroy());
  const server = await peer;
  t.after(() => server.destroy());
  const closed = new Promise<void>((resolve) => client.onClose(() => resolve()));
  await client.write(new Uint8Array(300).fill(1));
  server.end();
  await closed;
  client.end();
  assert.equal(client.socket.destroyed, true);
  assert.deepEqual(await received, { bytes: 300, ended: true });
});

/** The keep-alive timer `ss` shows for the accepted end of a connection from `clientPort`, e.g. "timer:(keepalive,59sec,0)". */
async function keepAliveTimer(ss: string, serverPort: number, clientPort: number): Promise<string> {
  const { execFile } = await import("node:child_process");
  const out = await new Promise<string>((resolve, reject) =>
    execFile(
      ss,
      ["-tnoH", "state", "established", `( sport = :${serverPort} and dport = :${clientPort} )`],
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    ),
  );
  return /timer:\(keepalive,[^)]*\)/.exec(out)?.[0] ?? `no keep-alive timer in: ${out.trim()}`;
}

test("accepted sockets have keep-alive with the configured delay (Linux: inherited from the listening socket)", async (t) => {
  const ss = findTool("ss");
  if (ss === undefined) return t.skip("ss (iproute2) not installed");
  for (const [delayMs, seconds] of [
    [undefined, 60],
    [120_000, 120],
  ] as const) {
    const accepted: SocketTransport[] = [];
    let onAccepted: () => void = () => {};
    const server = createTcpServer(
      (tr) => {
        accepted.push(tr);
        onAccepted();
      },
      delayMs === undefined ? {} : { keepAliveInitialDelayMs: delayMs },
    );
    const port = await listen(server, "127.0.0.1");
    const got = new Promise<void>((resolve) => {
      onAccepted = resolve;
    });
    const client = await connectTcp({ host: "127.0.0.1", port });
    await got;
    try {
      const timer = await keepAliveTimer(ss, port, client.localPort ?? 0);
      // ss shows the time left, so a second or so less than the delay.
      const m = /keepalive,(?:(\d+)min)?(\d+)sec/.exec(timer);
      const left = Number(m?.[1] ?? 0) * 60 + Number(m?.[2]);
      assert.ok(left > seconds - 5 && left <= seconds, `${timer} (delay ${seconds} s)`);
    } finally {
      client.destroy();
      for (const tr of accepted) tr.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  }
});
