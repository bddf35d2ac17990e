// `--async N` of storescu and storescp (PS3.7 D.3.3.3): storescu keeps N C-STOREs outstanding,
// storescp accepts N at once; each against the library on 127.0.0.1.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runStorescp } from "../../src/apps/storescp.js";
import { runStorescu } from "../../src/apps/storescu.js";
import { AE, Event, sop, writeDicomFile } from "../../src/index.js";
import { smallImage } from "../helpers/images.js";

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "netdicom-async-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function bufferIo(): { io: { stdout(s: string): void; stderr(s: string): void }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s) => out.push(s), stderr: (s) => err.push(s) }, out, err };
}

async function files(dir: string, count: number): Promise<string[]> {
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const path = join(dir, `img${i}.dcm`);
    await writeDicomFile(path, smallImage(sop.CTImageStorage, { patientName: `ASYNC^${i}`, pixelByte: (b) => b + i }));
    paths.push(path);
  }
  return paths;
}

test("storescu --async 4: up to 4 C-STOREs outstanding on one association, all stored", async (t) => {
  const seen = { now: 0, max: 0, stored: 0, associations: 0 };
  const waiting: (() => void)[] = [];
  const scp = new AE({ aeTitle: "SCP", maxAsyncOperations: { invoked: 1, performed: 8 }, storageFsync: false });
  scp.addSupportedContext(sop.CTImageStorage);
  const server = await scp.startServer({
    host: "127.0.0.1",
    handlers: {
      [Event.ESTABLISHED]: () => void seen.associations++,
      [Event.C_STORE]: async () => {
        seen.now++;
        seen.max = Math.max(seen.max, seen.now);
        for (const w of waiting.splice(0)) w();
        // The first waits (1 s at most) for a second beside it, so a slow read cannot hide it.
        if (seen.now === 1 && seen.max === 1) {
          await new Promise<void>((r) => {
            const timer = setTimeout(r, 1000);
            waiting.push(() => {
              clearTimeout(timer);
              r();
            });
          });
        }
        await new Promise((r) => setTimeout(r, 20));
        seen.now--;
        seen.stored++;
        return 0x0000;
      },
    },
  });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  const paths = await files(tempDir(t), 12);
  const { io, out } = bufferIo();
  assert.equal(await runStorescu(["--async", "4", "127.0.0.1", String(server.port), ...paths], io), 0);
  assert.match(out.join(""), /sent 12 of 12, warnings 0, failures 0/);
  assert.equal(seen.stored, 12);
  assert.equal(seen.associations, 1);
  assert.ok(seen.max >= 2 && seen.max <= 4, `${seen.max} C-STOREs were served at once`);
});

test("storescp --async 3: answers a window of 3 and stores what a pipelining SCU sends", async (t) => {
  const dir = tempDir(t);
  const out = join(dir, "out");
  const { io } = bufferIo();
  const stop = new AbortController();
  let port = -1;
  let exit: Promise<number> | undefined;
  await new Promise<void>((ok) => {
    exit = runStorescp(["--async", "3", "--no-fsync", "-od", out, "-ba", "127.0.0.1", "0"], io, {
      signal: stop.signal,
      onListening: (p) => {
        port = p;
        ok();
      },
    });
    exit.then(
      () => ok(),
      () => ok(),
    );
  });
  t.after(() => stop.abort());
  assert.ok(port > 0);
  const scu = new AE({ aeTitle: "SCU", maxAsyncOperations: { invoked: 8, performed: 1 } });
  scu.addRequestedContext(sop.CTImageStorage);
  const assoc = await scu.associate("127.0.0.1", port, { aeTitle: "STORESCP" });
  assert.deepEqual(assoc.asyncOperationsWindow, { invoked: 3, performed: 1 });
  const paths = await files(dir, 6);
  const results = await Promise.all(paths.map((p) => assoc.sendCStore(p)));
  assert.deepEqual(
    results.map((r) => r.status),
    Array(6).fill(0),
  );
  await assoc.release();
  assert.equal(readdirSync(out).length, 6);
  stop.abort();
  assert.equal(await exit, 0);
});

test("--async takes an integer 0-65535", async () => {
  for (const bad of ["-1", "1.5", "x", "70000"]) {
    const { io } = bufferIo();
    assert.equal(await runStorescu(["--async", bad, "127.0.0.1", "1", "x.dcm"], io), 2, bad);
    assert.equal(await runStorescp(["--async", bad, "0"], io), 2, bad);
  }
});
