// The measured operations of the Query/Retrieve benchmark, each against one running archive:
// loading a folder with DCMTK storescu, C-FIND with DCMTK findscu and with netdicom's library,
// C-GET with getscu and C-MOVE with movescu (to a DCMTK storescp).
import { execFile } from "node:child_process";
import { mkdir, readdir, rm } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { AE, sop } from "../src/index.js";
import { type Finished, runMeasured } from "./procs.js";
import type { QrQuery } from "./qr-corpus.js";
import { DCMTK_ENV, dcmtkTool, MOVE_DESTINATION, type QrServer, type ServerCost, ServerWatch } from "./qr-servers.js";
import { MAX_PDU } from "./storage-impls.js";

/** One measured operation; `failure` set means its numbers are not a speed. */
export interface QrRun {
  readonly failure: string | undefined;
  /** Client side, from spawn to exit (process start-up included). */
  readonly wallMs: number;
  /** The client's user + system CPU. */
  readonly clientCpuSeconds: number;
  readonly serverCpuSeconds: number;
  readonly serverPeakRssBytes: number | undefined;
  /** Instances stored or retrieved, or C-FIND requests answered. */
  readonly count: number;
}

const HOST = "127.0.0.1";

/** How each operation runs. */
export interface QrOpOptions {
  /** Passed to {@link ServerWatch}: how long to wait for dcmqrscp's workers to be reaped. */
  readonly reapWaitMs: number;
  /** DIMSE timeout of every client, in seconds: a silent server fails the run instead of hanging it. */
  readonly dimseTimeoutS: number;
}
/** Bound on a verification run of findscu. */
const VERIFY_TIMEOUT_MS = 120_000;

function tail(text: string): string {
  const lines = text.trim().split("\n").slice(-3).join(" | ");
  return lines.length > 300 ? `…${lines.slice(-300)}` : lines;
}

/** Runs DCMTK `tool` against `server` under GNU time while watching the server. */
async function measured(
  server: QrServer,
  options: QrOpOptions,
  tool: string,
  args: readonly string[],
  check: (done: Finished) => Promise<{ count: number; failure?: string }>,
): Promise<QrRun> {
  const watch = new ServerWatch(server, options.reapWaitMs);
  let done: Finished;
  let cost: ServerCost;
  try {
    const timeouts = ["-ta", String(options.dimseTimeoutS), "-td", String(options.dimseTimeoutS)];
    done = await runMeasured(dcmtkTool(tool) ?? tool, [...timeouts, ...args], { env: DCMTK_ENV });
  } finally {
    cost = await watch.stop();
  }
  let failure: string | undefined;
  let count = 0;
  if (done.code !== 0) {
    failure = `${tool} exited with ${done.signal ?? `status ${done.code}`}: ${tail(done.output)}`;
  } else if (/^E: /m.test(done.output)) {
    failure = `${tool}: ${tail(done.output)}`;
  } else {
    ({ count, failure } = await check(done));
  }
  return {
    failure,
    wallMs: done.wallMs,
    clientCpuSeconds: done.cpuSeconds,
    serverCpuSeconds: cost.cpuSeconds,
    serverPeakRssBytes: cost.peakRssBytes,
    count,
  };
}

/** Sends every file under `dir` to `server` with `storescu +sd` on one association. */
export function load(server: QrServer, options: QrOpOptions, dir: string, expected: number): Promise<QrRun> {
  const args = ["-aec", server.aeTitle, "-pdu", String(MAX_PDU), "+sd", HOST, String(server.port), dir];
  return measured(server, options, "storescu", args, async (done) =>
    // storescu says "Store Failed" (a warning or an error, by version) for each refused instance.
    /Store Failed/i.test(done.output) ? { count: 0, failure: tail(done.output) } : { count: expected },
  );
}

/** findscu's study-root C-FIND once, with the responses printed: how many pending responses came. */
function findscuResponses(server: QrServer, options: QrOpOptions, query: QrQuery): Promise<number> {
  const args = [
    "-td",
    String(options.dimseTimeoutS),
    "-S",
    "-aec",
    server.aeTitle,
    ...query.keys,
    HOST,
    String(server.port),
  ];
  return new Promise((resolve, reject) => {
    execFile(
      dcmtkTool("findscu") ?? "findscu",
      args,
      {
        env: { ...process.env, ...DCMTK_ENV },
        encoding: "latin1",
        maxBuffer: 64 * 2 ** 20,
        timeout: VERIFY_TIMEOUT_MS,
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`findscu failed: ${tail(stderr || error.message)}`));
        else resolve((`${stdout}\n${stderr}`.match(/Find Response: \d+ \(Pending\)/g) ?? []).length);
      },
    );
  });
}

/**
 * DCMTK findscu asks `query` `n` times on one association (`--repeat`), quiet (`-q`: printing
 * each response would cost the client more than the server). Then an unmeasured run with the
 * responses printed checks that the server finds `query.expected` matches.
 */
export async function findscu(server: QrServer, options: QrOpOptions, query: QrQuery, n: number): Promise<QrRun> {
  const args = ["-S", "-q", "--repeat", String(n), "-aec", server.aeTitle, ...query.keys, HOST, String(server.port)];
  const run = await measured(server, options, "findscu", args, async () => ({ count: n }));
  if (run.failure !== undefined) return run;
  const got = await findscuResponses(server, options, query).catch((e: unknown) => (e as Error).message);
  if (got === query.expected) return run;
  return { ...run, failure: `findscu got ${got} responses, not the ${query.expected} expected` };
}

/**
 * netdicom's library as the SCU, in the bench process: one association, `query` sent `n` times,
 * every response counted. Client CPU is the bench process's own over the run.
 */
export async function libraryFind(server: QrServer, options: QrOpOptions, query: QrQuery, n: number): Promise<QrRun> {
  const model = sop.StudyRootQueryRetrieveInformationModelFind;
  const ae = new AE({
    aeTitle: "NETDICOM_FIND",
    maximumPduSize: MAX_PDU,
    acseTimeoutMs: options.dimseTimeoutS * 1000,
    dimseTimeoutMs: options.dimseTimeoutS * 1000,
  });
  ae.addRequestedContext(model);
  const watch = new ServerWatch(server, options.reapWaitMs);
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let failure: string | undefined;
  let answered = 0;
  try {
    const assoc = await ae.associate(HOST, server.port, { aeTitle: server.aeTitle });
    try {
      for (let i = 0; i < n && failure === undefined; i++) {
        let pending = 0;
        let final: number | undefined;
        for await (const rsp of assoc.sendCFind(query.identifier, model)) {
          if (rsp.status === 0xff00 || rsp.status === 0xff01) pending++;
          else final = rsp.status;
        }
        if (final !== 0x0000) failure = `C-FIND ended with status 0x${(final ?? 0).toString(16).padStart(4, "0")}`;
        else if (pending !== query.expected) failure = `got ${pending} responses, not the ${query.expected} expected`;
        else answered++;
      }
      await assoc.release();
    } finally {
      if (assoc.isEstablished) await assoc.abort();
    }
  } catch (e) {
    failure ??= (e as Error).message;
  }
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const cost = await watch.stop();
  return {
    failure,
    wallMs,
    clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
    serverCpuSeconds: cost.cpuSeconds,
    serverPeakRssBytes: cost.peakRssBytes,
    count: answered,
  };
}

/** Files in `dir` (DCMTK names them by SOP class and instance; no temporary names are left at exit). */
async function countFiles(dir: string): Promise<number> {
  return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).length;
}

async function emptyDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
}

/** The PATIENT-level retrieve keys of the patient root model (both studies of the patient). */
function retrieveKeys(patientId: string): string[] {
  return ["-P", "-k", "QueryRetrieveLevel=PATIENT", "-k", `PatientID=${patientId}`];
}

/** DCMTK getscu retrieves the patient's instances into `outDir` (bit-preserving, `+B`). */
export async function getscu(
  server: QrServer,
  options: QrOpOptions,
  patientId: string,
  expected: number,
  outDir: string,
): Promise<QrRun> {
  await emptyDir(outDir);
  const args = [
    ...["-aec", server.aeTitle, "-pdu", String(MAX_PDU), "+B", "-od", outDir],
    ...retrieveKeys(patientId),
    ...[HOST, String(server.port)],
  ];
  return measured(server, options, "getscu", args, async () => stored(await countFiles(outDir), expected));
}

/**
 * DCMTK movescu moves the patient's instances to the storescp titled {@link MOVE_DESTINATION},
 * which writes them into `destDir`; movescu exits after the final response, which the archive
 * sends once every sub-operation's C-STORE response is in.
 */
export async function movescu(
  server: QrServer,
  options: QrOpOptions,
  patientId: string,
  expected: number,
  destDir: string,
): Promise<QrRun> {
  await emptyDir(destDir);
  const args = [
    ...["-aec", server.aeTitle, "-aem", MOVE_DESTINATION, "-pdu", String(MAX_PDU)],
    ...retrieveKeys(patientId),
    ...[HOST, String(server.port)],
  ];
  return measured(server, options, "movescu", args, async () => stored(await countFiles(destDir), expected));
}

function stored(count: number, expected: number): { count: number; failure?: string } {
  return count === expected ? { count } : { count, failure: `${count} of ${expected} instances arrived` };
}
