// Loopback plumbing for the DIMSE-N tests: an SCP AE supporting some SOP classes with handlers,
// and an SCU associated with it; both closed when the test ends.
import assert from "node:assert/strict";
import type { PresentationContext } from "../../../src/acse/index.js";
import { AE } from "../../../src/ae.js";
import type { Association } from "../../../src/association.js";
import type { Handlers } from "../../../src/events.js";
import type { AssociationServer } from "../../../src/server.js";

/** What a test context gives the helpers. */
export type T = { after: (fn: () => Promise<unknown>) => void };

/** Starts an SCP on 127.0.0.1 port 0 supporting `sopClasses` (with the given transfer syntaxes). */
export async function nServer(
  t: T,
  sopClasses: readonly string[],
  handlers: Handlers,
  transferSyntaxes?: readonly string[],
): Promise<AssociationServer> {
  const ae = new AE({ aeTitle: "N_SCP" });
  for (const uid of sopClasses) ae.addSupportedContext(uid, transferSyntaxes);
  const server = await ae.startServer({ host: "127.0.0.1", handlers });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  return server;
}

/** Associates with `port` proposing `sopClasses` (or the given contexts); asserts it is established. */
export async function nClient(
  t: T,
  port: number,
  sopClasses: readonly string[],
  options: { handlers?: Handlers; transferSyntaxes?: readonly string[]; contexts?: PresentationContext[] } = {},
): Promise<Association> {
  const ae = new AE({ aeTitle: "N_SCU" });
  for (const uid of sopClasses) ae.addRequestedContext(uid, options.transferSyntaxes);
  const assoc = await ae.associate("127.0.0.1", port, {
    aeTitle: "N_SCP",
    handlers: options.handlers ?? {},
    ...(options.contexts ? { contexts: options.contexts } : {}),
  });
  t.after(() => assoc.abort());
  assert.equal(assoc.isEstablished, true);
  return assoc;
}
