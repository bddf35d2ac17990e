// Child process of the lazy-reading benchmark: reads one file in the way asked and reports its
// own peak RSS, so the parent's memory (the corpus, the other cases) does not blur the number.
//   node lazy-child.js head|full|baseline FILE
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { readDicomFile, readDicomFileHead } from "../src/index.js";

/** What the child prints, as one line of JSON. */
export interface LazyChildReport {
  readonly mode: string;
  readonly ms: number;
  /** process.resourceUsage().maxRSS, in bytes. */
  readonly maxRssBytes: number;
  /**
   * Peak RSS of this process image alone (Linux VmHWM), in bytes; undefined elsewhere. On Linux
   * maxRSS also counts the parent's resident set at fork time, because the child's high-water
   * mark is carried across execve; VmHWM starts afresh with the new image.
   */
  readonly peakRssBytes: number | undefined;
  readonly elements: number;
  readonly pixelDataLength: number | undefined;
}

function vmHwmBytes(): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "latin1"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const [mode = "", path = ""] = process.argv.slice(2);
  const start = performance.now();
  let elements = 0;
  let pixelDataLength: number | undefined;
  if (mode === "head") {
    const head = await readDicomFileHead(path);
    elements = head.dataset.size;
    pixelDataLength = head.pixelData?.length;
  } else if (mode === "full") {
    const file = await readDicomFile(path);
    elements = file.dataset.size;
    pixelDataLength = file.dataset.bytes("PixelData")?.byteLength;
  } else if (mode !== "baseline") {
    throw new Error(`unknown mode ${mode}`);
  }
  const ms = performance.now() - start;
  // maxRSS is in kilobytes (getrusage ru_maxrss on Linux)
  const report: LazyChildReport = {
    mode,
    ms,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    peakRssBytes: vmHwmBytes(),
    elements,
    pixelDataLength,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
