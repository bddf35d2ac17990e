// The two archives the Query/Retrieve benchmark compares, as child processes: netdicom's qrscp
// (SQLite index) and DCMTK's dcmqrscp (its own index.dat), each with its own folder and the same
// C-MOVE destination; and how much CPU and memory a server spends on one operation.
import { existsSync, writeFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { childrenOf, childrenReaped, freePort, Receiver, readProcUsage } from "./procs.js";
import { MAX_PDU } from "./storage-impls.js";

/** DCMTK sets TCP_NODELAY only when this is in its environment (see storage-impls.ts). */
export const DCMTK_ENV = { TCP_NODELAY: "1" } as const;

/** The AE title of the C-MOVE destination both archives know. */
export const MOVE_DESTINATION = "STORESCP";

/** The path of DCMTK tool `name` on PATH, or undefined. */
export function dcmtkTool(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir !== "" && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** The DCMTK tools the section runs, and which of them are missing. */
export const QR_TOOLS = ["dcmqrscp", "storescu", "storescp", "findscu", "getscu", "movescu"] as const;

/** A running archive. */
export interface QrServer {
  /** "netdicom qrscp" or "DCMTK dcmqrscp". */
  readonly name: string;
  readonly family: "netdicom" | "dcmtk";
  readonly aeTitle: string;
  readonly port: number;
  readonly process: Receiver;
}

const CLI = fileURLToPath(new URL("../netdicom.cjs", import.meta.url));

/**
 * netdicom qrscp on a free port: SQLite index and instances under `dir`, max PDU 131072, the
 * move destination at `destPort`, with `--no-fsync` (dcmqrscp does not fsync what it stores
 * either; qrscp flushes each instance before acknowledging it by default).
 */
export async function startQrscp(dir: string, destPort: number): Promise<QrServer> {
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const ini = join(dir, "qrscp.ini");
  await writeFile(
    ini,
    [
      "[DEFAULT]",
      "    ae_title: QRSCP",
      `    port: ${port}`,
      "    bind_address: 127.0.0.1",
      `    maximum_pdu_size: ${MAX_PDU}`,
      "    maximum_associations: 16",
      "    instance_location: instances",
      "    database_location: index.sqlite",
      "",
      `[${MOVE_DESTINATION}]`,
      "    address: 127.0.0.1",
      `    port: ${destPort}`,
      "",
    ].join("\n"),
  );
  // --no-fsync: dcmqrscp does not fsync what it stores either (qrscp does by default).
  const process_ = await Receiver.start(process.execPath, [CLI, "qrscp", "-c", ini, "--no-fsync"], port);
  return { name: "netdicom qrscp", family: "netdicom", aeTitle: "QRSCP", port, process: process_ };
}

/**
 * DCMTK dcmqrscp on a free port, in its default forking mode (DCMTK 3.6.7's single-process mode
 * stops after one association): one storage area under `dir` with room for `studies` studies,
 * max PDU 131072, the move destination in its HostTable.
 */
export async function startDcmqrscp(dir: string, destPort: number, studies: number): Promise<QrServer> {
  const area = join(dir, "area");
  await mkdir(area, { recursive: true });
  const port = await freePort();
  const cfg = join(dir, "dcmqrscp.cfg");
  await writeFile(
    cfg,
    [
      `NetworkTCPPort = ${port}`,
      `MaxPDUSize = ${MAX_PDU}`,
      "MaxAssociations = 16",
      "HostTable BEGIN",
      `${MOVE_DESTINATION.toLowerCase()} = (${MOVE_DESTINATION}, 127.0.0.1, ${destPort})`,
      "HostTable END",
      "VendorTable BEGIN",
      "VendorTable END",
      "AETable BEGIN",
      // (maximum studies, maximum bytes per study): past either, dcmqrscp deletes old studies.
      `DCMQRSCP ${area} RW (${studies + 10}, 4096mb) ANY`,
      "AETable END",
      "",
    ].join("\n"),
  );
  const command = dcmtkTool("dcmqrscp") ?? "dcmqrscp";
  // -q: past ~4,000 instances DCMTK 3.6.7 logs "DB ALERT: attempt to seek beyond 33554432 bytes"
  // many times per query (the answers stay complete); tens of MB of it would cost both dcmqrscp
  // and the bench, which reads its output, CPU that has nothing to do with the queries.
  const process_ = await Receiver.start(command, ["-q", "-c", cfg, String(port)], port, { env: DCMTK_ENV });
  return { name: "DCMTK dcmqrscp", family: "dcmtk", aeTitle: "DCMQRSCP", port, process: process_ };
}

/** DCMTK storescp +B on a free port writing into `outDir`: the C-MOVE destination. */
export async function startMoveDestination(outDir: string): Promise<{ port: number; process: Receiver }> {
  await mkdir(outDir, { recursive: true });
  const port = await freePort();
  const command = dcmtkTool("storescp") ?? "storescp";
  const args = ["+B", "-pdu", String(MAX_PDU), "-aet", MOVE_DESTINATION, "-od", outDir, String(port)];
  return { port, process: await Receiver.start(command, args, port, { env: DCMTK_ENV }) };
}

/** What a server spent on one operation. */
export interface ServerCost {
  /** User + system CPU of the server and of the children it reaped meanwhile (dcmqrscp forks one per association). */
  readonly cpuSeconds: number;
  /** The largest VmHWM seen: the server's own since the operation began, or one of its children's. */
  readonly peakRssBytes: number | undefined;
}

/**
 * Watches a server through one operation: resets its VmHWM (proc(5) clear_refs "5"), samples
 * its and its children's VmHWM every 10 ms, and reads its CPU time before and after.
 */
export class ServerWatch {
  readonly #pid: number | undefined;
  readonly #cpu0: number;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #reapWaitMs: number;
  #peak: number | undefined;

  /**
   * `reapWaitMs`: how long {@link ServerWatch.stop} may wait for a forking server to reap its
   * workers (dcmqrscp checks about once a second); 0 skips the wait, and CPU of workers not yet
   * reaped is then missed.
   */
  constructor(server: QrServer, reapWaitMs: number) {
    this.#reapWaitMs = reapWaitMs;
    this.#pid = server.process.pid;
    const pid = this.#pid;
    if (pid !== undefined) {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, "5");
      } catch {
        // Older kernels or another owner: the peak then covers the server's whole life.
      }
    }
    this.#cpu0 = pid === undefined ? Number.NaN : (readProcUsage(pid)?.cpuSeconds ?? Number.NaN);
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), 10);
  }

  #sample(): void {
    if (this.#pid === undefined) return;
    for (const pid of [this.#pid, ...childrenOf(this.#pid)]) {
      const rss = readProcUsage(pid)?.peakRssBytes;
      if (rss !== undefined) this.#peak = Math.max(this.#peak ?? 0, rss);
    }
  }

  /** Stops sampling; waits for a forking server to reap its workers, so that their CPU counts. */
  async stop(): Promise<ServerCost> {
    this.#sample();
    clearInterval(this.#timer);
    if (this.#pid === undefined) return { cpuSeconds: Number.NaN, peakRssBytes: undefined };
    if (this.#reapWaitMs > 0) await childrenReaped(this.#pid, this.#reapWaitMs);
    const cpu1 = readProcUsage(this.#pid)?.cpuSeconds ?? Number.NaN;
    return { cpuSeconds: cpu1 - this.#cpu0, peakRssBytes: this.#peak };
  }
}
