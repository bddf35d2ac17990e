// Any bytes a peer sends as a DIMSE-N data set, in any transfer syntax: the SCP answers exactly
// once, with the handler's status or 0x0110, and never throws (DESIGN.md principle 5).
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { PresentationContext } from "../../../src/acse/index.js";
import { ts } from "../../../src/dataset/uids.js";
import type { DimseCommand } from "../../../src/dimse/index.js";
import type { DimseChannel } from "../../../src/services/channel.js";
import { serveN } from "../../../src/services/normalized/index.js";

const syntaxes = [
  ts.ImplicitVRLittleEndian,
  ts.ExplicitVRLittleEndian,
  ts.ExplicitVRBigEndian,
  ts.DeflatedExplicitVRLittleEndian,
];
const requests: DimseCommand[] = [
  {
    commandField: 0x0100,
    hasDataset: true,
    messageId: 1,
    affectedSopClassUid: "1.2.3",
    affectedSopInstanceUid: "1.2.3.4",
    eventTypeId: 1,
  },
  {
    commandField: 0x0120,
    hasDataset: true,
    messageId: 1,
    requestedSopClassUid: "1.2.3",
    requestedSopInstanceUid: "1.2.3.4",
  },
  {
    commandField: 0x0130,
    hasDataset: true,
    messageId: 1,
    requestedSopClassUid: "1.2.3",
    requestedSopInstanceUid: "1.2.3.4",
    actionTypeId: 1,
  },
  { commandField: 0x0140, hasDataset: true, messageId: 1, affectedSopClassUid: "1.2.3" },
];
const accessors = ["eventInformation", "modificationList", "actionInformation", "attributeList"];

test("DIMSE-N SCP: random data sets are answered once, 0x0000 or 0x0110, never a throw", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: requests.length - 1 }),
      fc.constantFrom(...syntaxes),
      fc.uint8Array({ maxLength: 300 }),
      async (which, syntax, bytes) => {
        const statuses: number[] = [];
        const channel: DimseChannel = {
          logger: {},
          contextFor: () => {
            throw new Error("unused");
          },
          nextMessageId: () => 1,
          request: () => Promise.reject(new Error("unused")),
          async send(_id, command) {
            statuses.push(command.status ?? -1);
          },
          storageSettings: { maxDatasetBytes: 4096 },
        };
        const context = new PresentationContext({
          contextId: 1,
          abstractSyntax: "1.2.3",
          transferSyntaxes: [syntax],
          result: 0,
        });
        const rq = requests[which]!;
        await serveN(channel, { contextId: 1, command: rq, dataset: [bytes], context }, async (extra) => {
          const ds = (extra as Record<string, () => unknown>)[accessors[which]!]!();
          return ds === undefined ? 0x0001 : 0x0000;
        });
        assert.equal(statuses.length, 1);
        assert.ok(statuses[0] === 0x0000 || statuses[0] === 0x0110, `status ${statuses[0]}`);
      },
    ),
    { numRuns: 300 },
  );
});
