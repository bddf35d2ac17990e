// Several operations one after the other on one association: each C-FIND, C-GET or C-MOVE gives
// its slot of the invoke window back with its final response, so the next request goes out.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Dataset } from "../../../src/dataset/dataset.js";
import { sop } from "../../../src/dataset/uids.js";
import { Event, type EventOf } from "../../../src/events.js";
import { matches } from "../../../src/services/query-retrieve/matching.js";
import { buildResponse } from "../../../src/services/query-retrieve/response.js";
import { studies } from "./fixtures.js";
import { collect, qrClient, qrServer } from "./qr-helpers.js";

const FIND = sop.StudyRootQueryRetrieveInformationModelFind;

test("three C-FINDs, then a C-ECHO, on one association (window of one): each is answered", async (t) => {
  const { server } = await qrServer(t, {
    [Event.C_FIND]: async function* (event: EventOf<"C_FIND">) {
      const query = event.identifier();
      for (const study of studies) if (matches(query, study)) yield buildResponse(query, study);
    },
    [Event.C_ECHO]: () => 0x0000,
  });
  const assoc = await qrClient(t, server.port);
  const query = { QueryRetrieveLevel: "STUDY", StudyInstanceUID: "" };
  const expected = studies.filter((s) => matches(new Dataset(query), s)).length;
  assert.ok(expected > 1, "the query matches several studies");
  for (let i = 0; i < 3; i++) {
    // Bounded: a request stuck behind a slot never given back fails here instead of hanging.
    const rsps = await collect(assoc.sendCFind(query, FIND, { signal: AbortSignal.timeout(5000) }));
    assert.equal(rsps.at(-1)?.status, 0x0000, `C-FIND ${i + 1}`);
    assert.equal(rsps.length - 1, expected, `C-FIND ${i + 1}: one pending response per study`);
  }
  assert.equal((await assoc.sendCEcho({ signal: AbortSignal.timeout(5000) })).status, 0x0000);
  await assoc.release();
});

test("a C-FIND waiting for the window's only slot gives up when its signal aborts, and sends nothing", async (t) => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let finds = 0;
  const { server } = await qrServer(t, {
    [Event.C_FIND]: async function* (event: EventOf<"C_FIND">) {
      finds++;
      // The first C-FIND answers only when the test lets it, holding the requestor's only slot.
      if (finds === 1) await held;
      const query = event.identifier();
      for (const study of studies) if (matches(query, study)) yield buildResponse(query, study);
    },
  });
  const assoc = await qrClient(t, server.port);
  const query = { QueryRetrieveLevel: "STUDY", StudyInstanceUID: "" };
  const first = collect(assoc.sendCFind(query, FIND, { signal: AbortSignal.timeout(10_000) }));
  const controller = new AbortController();
  const second = collect(assoc.sendCFind(query, FIND, { signal: controller.signal }));
  controller.abort(new Error("gave up waiting"));
  await assert.rejects(second, /gave up waiting/);
  release();
  assert.equal((await first).at(-1)?.status, 0x0000);
  assert.equal(finds, 1, "the abandoned C-FIND never reached the SCP");
  await assoc.release();
});
