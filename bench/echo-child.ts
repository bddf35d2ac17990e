// Child process of the echo benchmark, so that SCU and SCP each have their own event loop and
// the numbers are the process's own.
//   node echo-child.js scp PORT               a Verification SCP on 127.0.0.1:PORT until SIGTERM
//   node echo-child.js scu HOST PORT N W    W warm-up then N associations, one C-ECHO each
//   node echo-child.js scu-one HOST PORT N W  one association, W warm-up then N C-ECHOs
import { performance } from "node:perf_hooks";
import { AE, sop } from "../src/index.js";

/** What the SCU modes print, as one line of JSON. */
export interface EchoChildReport {
  readonly mode: string;
  /** Measured operations (associations or C-ECHOs), warm-up excluded. */
  readonly count: number;
  /** Operations whose C-ECHO did not answer Success (0x0000). */
  readonly failed: number;
  readonly seconds: number;
  /** CPU time of this process over the measured part (user + system). */
  readonly cpuSeconds: number;
}

function scuAe(): AE {
  const ae = new AE({ aeTitle: "BENCH_SCU" });
  ae.addRequestedContext(sop.Verification);
  return ae;
}

async function oneAssociation(ae: AE, host: string, port: number): Promise<boolean> {
  const assoc = await ae.associate(host, port, { aeTitle: "ANY-SCP" });
  try {
    const { status } = await assoc.sendCEcho();
    return status === 0x0000;
  } finally {
    await assoc.release();
  }
}

async function measured(mode: string, count: number, step: () => Promise<boolean>): Promise<EchoChildReport> {
  let failed = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) if (!(await step())) failed++;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { mode, count, failed, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

async function scu(host: string, port: number, count: number, warmup: number): Promise<EchoChildReport> {
  const ae = scuAe();
  for (let i = 0; i < warmup; i++) await oneAssociation(ae, host, port);
  return measured("scu", count, () => oneAssociation(ae, host, port));
}

async function scuOne(host: string, port: number, count: number, warmup: number): Promise<EchoChildReport> {
  const assoc = await scuAe().associate(host, port, { aeTitle: "ANY-SCP" });
  try {
    for (let i = 0; i < warmup; i++) await assoc.sendCEcho();
    return await measured("scu-one", count, async () => (await assoc.sendCEcho()).status === 0x0000);
  } finally {
    await assoc.release();
  }
}

async function scp(port: number): Promise<void> {
  const ae = new AE({ aeTitle: "BENCH_SCP" });
  ae.addSupportedContext(sop.Verification);
  const server = await ae.startServer({ port, host: "127.0.0.1" });
  process.once("SIGTERM", () => {
    server.shutdown().then(
      () => undefined,
      (e: unknown) => console.error(e),
    );
  });
}

async function main(argv: readonly string[]): Promise<void> {
  const [mode, host = "127.0.0.1", port = "0", count = "200", warmup = "0"] = argv;
  if (mode === "scp") return scp(Number(argv[1]));
  const args = [host, Number(port), Number(count), Number(warmup)] as const;
  if (mode === "scu") console.log(JSON.stringify(await scu(...args)));
  else if (mode === "scu-one") console.log(JSON.stringify(await scuOne(...args)));
  else throw new Error(`unknown mode ${mode}`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
