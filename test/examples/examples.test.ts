// Runs each SCU example against its SCP example, as `npx tsx examples/NAME.ts` users would (the
// compiled form of the same files, build/examples/*.js, so the suite does not pay tsx's start-up
// for each; one pair also runs through tsx itself). Each SCU exits 0 only when every exchange
// gave the statuses the standard prescribes.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot as root } from "../helpers/cli.js";
import { freePort } from "../helpers/net.js";

const built = (name: string) => join(root, "build/examples", `${name}.js`);
const tsx = join(root, "node_modules/.bin/tsx");

type T = { after(fn: () => unknown): void };

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function collect(child: ChildProcess): { out: () => string; err: () => string; done: Promise<Finished> } {
  let out = "";
  let err = "";
  child.stdout?.on("data", (b: Buffer) => (out += b.toString("utf8")));
  child.stderr?.on("data", (b: Buffer) => (err += b.toString("utf8")));
  const done = new Promise<Finished>((resolve) =>
    child.once("exit", (code) => resolve({ code, stdout: out, stderr: err })),
  );
  return { out: () => out, err: () => err, done };
}

/** Starts an SCP example on port 0 and resolves with the port it prints; stopped after the test. */
async function startScp(
  t: T,
  command: string[],
  extra: string[] = [],
): Promise<{ port: number; output: () => string }> {
  const [bin, ...args] = command;
  const child = spawn(bin!, [...args, "0", ...extra], { cwd: root });
  const io = collect(child);
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await io.done;
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" in 20 s: ${io.err()}`)), 20_000);
    const look = () => {
      const m = /listening on (\d+)/.exec(io.out());
      if (m) {
        clearTimeout(timer);
        child.stdout?.off("data", look);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on("data", look);
    io.done.then(() => {
      clearTimeout(timer);
      reject(new Error(`the SCP exited before listening: ${io.err()}`));
    }, reject);
  });
  return { port, output: io.out };
}

/** Runs an SCU example to its end (bounded: killed after 30 s). */
async function runScu(command: string[], args: string[]): Promise<Finished> {
  const [bin, ...rest] = command;
  const child = spawn(bin!, [...rest, ...args], { cwd: root });
  const io = collect(child);
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const r = await io.done;
  clearTimeout(timer);
  return r;
}

const node = (name: string) => [process.execPath, built(name)];

const pairs: { name: string; expect: RegExp[] }[] = [
  { name: "mpps", expect: [/N-SET \(COMPLETED\): 0x0000/, /status read back: COMPLETED/] },
  { name: "storage-commitment", expect: [/result on the same association: event type 1, 2 committed, 0 failed/] },
  { name: "ups", expect: [/state reports: IN PROGRESS, COMPLETED/, /claim again.*0xc302/, /worklist: 1 scheduled/] },
  { name: "print", expect: [/N-ACTION print film box: 0x0000/, /image boxes: 2/] },
  { name: "display-system", expect: [/display: netdicom Loopback Display/] },
  { name: "event-logging", expect: [/N-ACTION without a study: 0xc103/] },
  { name: "instance-availability", expect: [/again: 0x0111/] },
  { name: "media-creation", expect: [/initiate again: 0xa510/, /execution status: DONE/] },
  { name: "rt-machine-verification", expect: [/status: VERIFIED/, /N-DELETE again: 0xc112/] },
  { name: "relevant-patient-query", expect: [/C-FIND: 0x0000, match: Doe\^Jane/] },
  { name: "substance-administration-query", expect: [/product: Contrast 350/] },
  {
    name: "inventory",
    expect: [/C-FIND: 0x0000, inventories: migration check/, /C-GET: 0x0000, received 1 inventory/],
  },
  {
    name: "storage-management",
    expect: [
      /status reports: PROCESSING/,
      /terminated: event type 11, COMPLETE, 2 study records/,
      /status now COMPLETE/,
    ],
  },
];

for (const p of pairs) {
  test(`examples: ${p.name}-scu against ${p.name}-scp`, async (t) => {
    const scp = await startScp(t, node(`${p.name}-scp`));
    const r = await runScu(node(`${p.name}-scu`), ["127.0.0.1", String(scp.port)]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    for (const re of p.expect) assert.match(r.stdout, re);
  });
}

test("examples: storage commitment with the result on a new association (--listen / --return-port)", async (t) => {
  const back = await freePort();
  const scp = await startScp(t, node("storage-commitment-scp"), ["--return-port", String(back)]);
  const r = await runScu(node("storage-commitment-scu"), ["127.0.0.1", String(scp.port), "--listen", String(back)]);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /result on a new association: event type 1, 2 committed/);
});

test("examples: an SCU exits non-zero when the exchange fails (nothing listening)", async () => {
  const port = await freePort();
  const r = await runScu(node("mpps-scu"), ["127.0.0.1", String(port)]);
  assert.notEqual(r.code, 0);
});

test("examples: run through tsx from their TypeScript source", async (t) => {
  if (!existsSync(tsx)) {
    t.skip("tsx not installed (npm install)");
    return;
  }
  const scp = await startScp(t, [tsx, join(root, "examples/mpps-scp.ts")]);
  const r = await runScu([tsx, join(root, "examples/mpps-scu.ts")], ["127.0.0.1", String(scp.port)]);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /status read back: COMPLETED/);
});
