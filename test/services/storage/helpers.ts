// Shared set-up of the Storage loopback tests: an SCP on 127.0.0.1 port 0, an SCU associated
// with it, temporary directories, and reading a Part 10 file's data set bytes.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AE, type AEOptions } from "../../../src/ae.js";
import type { Association } from "../../../src/association.js";
import { readFileMeta } from "../../../src/dataset/part10.js";
import type { Handlers } from "../../../src/events.js";
import type { AssociationServer, ServerOptions } from "../../../src/server.js";

/** The part of a node:test context the helpers use. */
export type T = { after: (fn: () => unknown) => void };

/** A context: SOP class and transfer syntaxes. */
export type Cx = readonly [string, readonly string[]];

/** A fresh temporary directory, removed after the test. */
export async function tempDir(t: T, prefix = "netdicom-storage-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A storage SCP supporting `contexts`, its temporary files in a directory of its own. */
export async function storeServer(
  t: T,
  contexts: readonly Cx[],
  handlers: Handlers,
  options: { ae?: AEOptions; server?: ServerOptions } = {},
): Promise<{ server: AssociationServer; ae: AE; temp: string }> {
  const temp = await tempDir(t, "netdicom-scp-temp-");
  const ae = new AE({ aeTitle: "STORE_SCP", storageDirectory: temp, ...options.ae });
  for (const [sopClass, tss] of contexts) ae.addSupportedContext(sopClass, tss);
  const server = await ae.startServer({ host: "127.0.0.1", handlers, ...options.server });
  t.after(() => server.shutdown({ deadlineMs: 2000 }));
  return { server, ae, temp };
}

/** An established association proposing `contexts`. */
export async function storeClient(
  t: T,
  port: number,
  contexts: readonly Cx[],
  options: { ae?: AEOptions; maxPdu?: number } = {},
): Promise<Association> {
  const ae = new AE({ aeTitle: "STORE_SCU", ...options.ae });
  for (const [sopClass, tss] of contexts) ae.addRequestedContext(sopClass, tss);
  const assoc = await ae.associate("127.0.0.1", port, {
    aeTitle: "STORE_SCP",
    ...(options.maxPdu === undefined ? {} : { maxPdu: options.maxPdu }),
  });
  t.after(() => assoc.abort());
  assert.equal(assoc.isEstablished, true, assoc.reason);
  return assoc;
}

/** A Part 10 file's data set bytes (what follows the file meta) and transfer syntax. */
export async function datasetBytes(path: string): Promise<{ bytes: Uint8Array; transferSyntax: string }> {
  const file = await readFile(path);
  const meta = readFileMeta(file);
  return { bytes: file.subarray(meta.datasetOffset), transferSyntax: meta.transferSyntaxUid };
}
