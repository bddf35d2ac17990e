// C-FIND end to end on 127.0.0.1: our SCU against our SCP, matches streamed as pending responses,
// cancellation by signal and by leaving the loop, handler failures.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AE } from "../../../src/ae.js";
import { Dataset } from "../../../src/dataset/dataset.js";
import { sop, ts, uidName } from "../../../src/dataset/uids.js";
import { CommandField, cCancelRq, cFindRq } from "../../../src/dimse/index.js";
import { Event, type EventOf } from "../../../src/events.js";
import { DimseTimeoutError, NoPresentationContextError } from "../../../src/services/errors.js";
import { matches } from "../../../src/services/query-retrieve/matching.js";
import { buildResponse } from "../../../src/services/query-retrieve/response.js";
import { sopClassForOperation } from "../../../src/services/query-retrieve/scu.js";
import type { QueryResponse } from "../../../src/services/query-retrieve/types.js";
import { studies } from "./fixtures.js";
import { collect, qrClient, qrServer } from "./qr-helpers.js";

const FIND = sop.StudyRootQueryRetrieveInformationModelFind;

/** A C_FIND handler over the fixture studies, recording the events it saw. */
function studyFinder(seen: EventOf<"C_FIND">[]) {
  return {
    [Event.C_FIND]: async function* (event: EventOf<"C_FIND">) {
      seen.push(event);
      const query = event.identifier();
      for (const study of studies) if (matches(query, study)) yield buildResponse(query, study);
    },
  };
}

/** A handler that yields one match, then waits (bounded) for the C-CANCEL; resolves `cancelled` with what it saw. */
function slowFinder() {
  let seen: (v: { aborted: boolean; isCancelled: boolean }) => void = () => {};
  const cancelled = new Promise<{ aborted: boolean; isCancelled: boolean }>((resolve) => {
    seen = resolve;
  });
  const handlers = {
    [Event.C_FIND]: async function* (event: EventOf<"C_FIND">) {
      yield new Dataset({ QueryRetrieveLevel: "STUDY", StudyInstanceUID: "1.2.3.1" });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        event.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        });
      });
      seen({ aborted: event.signal.aborted, isCancelled: event.isCancelled });
      // Yields after the cancel are not sent: the SCP answers Cancel.
      yield new Dataset({ QueryRetrieveLevel: "STUDY", StudyInstanceUID: "1.2.3.2" });
    },
  };
  return { handlers, cancelled };
}

test("C-FIND: each match is a pending response with its identifier, then 0x0000 without one", async (t) => {
  const seen: EventOf<"C_FIND">[] = [];
  const { server } = await qrServer(t, studyFinder(seen));
  const assoc = await qrClient(t, server.port);
  const query = { QueryRetrieveLevel: "STUDY", PatientID: "PID-001", StudyInstanceUID: "", StudyDescription: "" };
  const rsps = await collect(assoc.sendCFind(query, FIND));
  const expected = studies.filter((s) => s.string("PatientID") === "PID-001");
  assert.equal(expected.length, 2);
  assert.deepEqual(
    rsps.map((r) => r.status),
    [0xff00, 0xff00, 0x0000],
  );
  assert.deepEqual(
    rsps.slice(0, 2).map((r) => r.identifier?.string("StudyInstanceUID")),
    expected.map((s) => s.string("StudyInstanceUID")),
  );
  assert.deepEqual(
    rsps.slice(0, 2).map((r) => r.identifier?.string("StudyDescription")),
    expected.map((s) => s.string("StudyDescription")),
  );
  assert.equal(rsps[2]?.identifier, undefined);
  assert.equal(rsps[2]?.command.commandField, CommandField.C_FIND_RSP);
  // The SCP saw the decoded identifier and the model of the SOP class.
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.identifier().string("PatientID"), "PID-001");
  assert.equal(seen[0]?.model?.name, "studyRoot");
  assert.equal(seen[0]?.isCancelled, false);
  await assoc.release();
});

test("C-FIND by model name, with a sync iterable handler and a Dataset identifier", async (t) => {
  const { server } = await qrServer(t, {
    [Event.C_FIND]: (event) => [
      new Dataset({ QueryRetrieveLevel: "PATIENT", PatientID: event.identifier().string("PatientID") ?? "" }),
      { status: 0xff01, identifier: new Dataset({ QueryRetrieveLevel: "PATIENT", PatientID: "X" }) },
    ],
  });
  const assoc = await qrClient(t, server.port);
  const rsps = await collect(
    assoc.sendCFind(new Dataset({ QueryRetrieveLevel: "PATIENT", PatientID: "PID-9" }), "patientRoot", {
      priority: 1,
    }),
  );
  assert.deepEqual(
    rsps.map((r) => [r.status, r.identifier?.string("PatientID")]),
    [
      [0xff00, "PID-9"],
      [0xff01, "X"],
      [0x0000, undefined],
    ],
  );
  await assoc.release();
});

test("C-FIND cancelled by its signal: C-CANCEL-RQ, the handler's signal aborts, final 0xFE00, association usable", async (t) => {
  const { handlers, cancelled } = slowFinder();
  const { server } = await qrServer(t, handlers);
  const assoc = await qrClient(t, server.port);
  const controller = new AbortController();
  const rsps: QueryResponse[] = [];
  for await (const r of assoc.sendCFind({ QueryRetrieveLevel: "STUDY" }, FIND, { signal: controller.signal })) {
    rsps.push(r);
    if (r.status === 0xff00) controller.abort();
    assert.ok(rsps.length < 10, "bounded");
  }
  assert.deepEqual(
    rsps.map((r) => r.status),
    [0xff00, 0xfe00],
  );
  assert.deepEqual(await cancelled, { aborted: true, isCancelled: true });
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
  await assoc.release();
});

test("C-FIND left by break: C-CANCEL-RQ sent, the final 0xFE00 awaited before the loop ends, association usable", async (t) => {
  const { handlers, cancelled } = slowFinder();
  const { server } = await qrServer(t, handlers);
  const assoc = await qrClient(t, server.port);
  const received: number[] = [];
  const sent: number[] = [];
  assoc.on("dimseReceived", (e) => received.push(e.message.status ?? -1));
  assoc.on("dimseSent", (e) => sent.push(e.message.commandField));
  for await (const r of assoc.sendCFind({ QueryRetrieveLevel: "STUDY" }, FIND)) {
    assert.equal(r.status, 0xff00);
    break;
  }
  assert.ok(sent.includes(CommandField.C_CANCEL_RQ), "C-CANCEL-RQ sent");
  assert.deepEqual(received, [0xff00, 0xfe00], "the Cancel response arrived before the loop returned");
  assert.deepEqual(await cancelled, { aborted: true, isCancelled: true });
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
  await assoc.release();
});

test("C-FIND: a handler that throws answers 0xC311 with an Error Comment, no handler 0xC311 too", async (t) => {
  const { server } = await qrServer(t, {
    [Event.C_FIND]: async function* () {
      yield new Dataset({ QueryRetrieveLevel: "STUDY" });
      throw new Error("index offline");
    },
  });
  const assoc = await qrClient(t, server.port);
  const rsps = await collect(assoc.sendCFind({ QueryRetrieveLevel: "STUDY" }, FIND));
  assert.deepEqual(
    rsps.map((r) => r.status),
    [0xff00, 0xc311],
  );
  assert.equal(rsps[1]?.command.errorComment, "index offline");
  await assoc.release();

  const { server: bare } = await qrServer(t, {});
  const other = await qrClient(t, bare.port);
  const none = await collect(other.sendCFind({ QueryRetrieveLevel: "STUDY" }, FIND));
  assert.equal(none.length, 1);
  assert.equal(none[0]?.status, 0xc311);
  assert.equal((await other.sendCEcho()).status, 0x0000);
  await other.release();
});

test("C-FIND: a handler's final status ends the operation; a yield that is not a match answers 0xC312", async (t) => {
  let calls = 0;
  const { server } = await qrServer(t, {
    [Event.C_FIND]: async function* () {
      calls++;
      if (calls === 1) {
        yield { status: 0xa700, errorComment: "out of resources" };
        yield new Dataset({ QueryRetrieveLevel: "STUDY" });
      } else yield 42 as unknown as Dataset;
    },
  });
  const assoc = await qrClient(t, server.port);
  const first = await collect(assoc.sendCFind({ QueryRetrieveLevel: "STUDY" }, FIND));
  assert.deepEqual(
    first.map((r) => [r.status, r.command.errorComment]),
    [[0xa700, "out of resources"]],
  );
  const second = await collect(assoc.sendCFind({ QueryRetrieveLevel: "STUDY" }, FIND));
  assert.deepEqual(
    second.map((r) => r.status),
    [0xc312],
  );
  await assoc.release();
});

test("C-FIND with no accepted context throws NoPresentationContextError on the first next()", async (t) => {
  const { server } = await qrServer(t, {});
  const assoc = await qrClient(t, server.port, { contexts: [sop.PatientRootQueryRetrieveInformationModelFind] });
  const it = assoc.sendCFind({ QueryRetrieveLevel: "STUDY" }, FIND)[Symbol.asyncIterator]();
  await assert.rejects(it.next(), NoPresentationContextError);
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
  await assoc.release();
});

test("sopClassForOperation: model names and any of a model's UIDs give the operation's class", () => {
  assert.equal(sopClassForOperation("studyRoot", "FIND"), FIND);
  assert.equal(sopClassForOperation("studyRoot", "MOVE"), sop.StudyRootQueryRetrieveInformationModelMove);
  assert.equal(sopClassForOperation(FIND, "GET"), sop.StudyRootQueryRetrieveInformationModelGet);
  assert.equal(sopClassForOperation("modalityWorklist", "FIND"), sop.ModalityWorklistInformationModelFind);
  assert.equal(sopClassForOperation("1.2.3.4.5", "FIND"), "1.2.3.4.5");
  assert.throws(() => sopClassForOperation("modalityWorklist", "GET"), /no C-GET/);
  assert.throws(() => sopClassForOperation("nope", "FIND"), /unknown information model/);
});

test("C-FIND-RQ whose identifier cannot be decoded: 0xC310, the handler is not called", async (t) => {
  let called = false;
  const { server } = await qrServer(t, {
    [Event.C_FIND]: () => {
      called = true;
      return [];
    },
  });
  const assoc = await qrClient(t, server.port);
  const cx = assoc.contextFor(FIND, "scu");
  // An element header announcing 0x10000 bytes of a value that is not there.
  const garbage = new Uint8Array([0x10, 0x00, 0x10, 0x00, 0x50, 0x4e, 0xff, 0xff, 0x41]);
  const messageId = assoc.nextMessageId();
  const rq = cFindRq({ messageId, affectedSopClassUid: FIND });
  const rsps = await collect(assoc.requestMany(cx.contextId ?? 0, rq, { dataset: garbage }));
  assert.deepEqual(
    rsps.map((m) => [m.command.status, m.command.messageIdBeingRespondedTo]),
    [[0xc310, messageId]],
  );
  assert.equal(called, false);
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
  await assoc.release();
});

test("C-FIND: no response within the DIMSE timeout after a pending one fails the iteration and aborts", async (t) => {
  const { handlers, cancelled } = slowFinder();
  const { server } = await qrServer(t, handlers);
  const assoc = await qrClient(t, server.port);
  assoc.settings.dimseTimeoutMs = 200;
  const it = assoc.sendCFind({ QueryRetrieveLevel: "STUDY" }, FIND)[Symbol.asyncIterator]();
  assert.equal((await it.next()).value?.status, 0xff00);
  await assert.rejects(it.next(), DimseTimeoutError);
  await assoc.closed;
  assert.equal(assoc.isAborted, true);
  // The SCP's handler sees its signal abort when the association goes.
  assert.equal((await cancelled).aborted, true);
});

for (const syntax of [
  ts.ImplicitVRLittleEndian,
  ts.ExplicitVRLittleEndian,
  ts.ExplicitVRBigEndian,
  ts.DeflatedExplicitVRLittleEndian,
]) {
  test(`C-FIND identifiers travel in the context's transfer syntax: ${uidName(syntax)}`, async (t) => {
    const seen: EventOf<"C_FIND">[] = [];
    const { server } = await qrServer(t, studyFinder(seen));
    const ae = new AE({ aeTitle: "QR_SCU" });
    ae.addRequestedContext(FIND, [syntax]);
    const assoc = await ae.associate("127.0.0.1", server.port, { aeTitle: "QR_SCP" });
    t.after(() => assoc.abort());
    assert.equal(assoc.contextFor(FIND, "scu").transferSyntax, syntax);
    const query = { QueryRetrieveLevel: "STUDY", PatientName: "Doe*", StudyInstanceUID: "", StudyDate: "" };
    const rsps = await collect(assoc.sendCFind(query, FIND));
    const want = studies.filter((s) => s.string("PatientID") === "PID-001");
    assert.deepEqual(
      rsps.map((r) => r.status),
      [...want.map(() => 0xff00), 0x0000],
    );
    assert.deepEqual(
      rsps.slice(0, -1).map((r) => [r.identifier?.string("StudyInstanceUID"), r.identifier?.string("StudyDate")]),
      want.map((s) => [s.string("StudyInstanceUID"), s.string("StudyDate")]),
    );
    assert.equal(seen[0]?.identifier().string("PatientName"), "Doe*");
    await assoc.release();
  });
}

test("C-FIND: a match that cannot be encoded (no Specific Character Set for its name) ends with 0xC312, the SCP stays up", async (t) => {
  const { server } = await qrServer(t, {
    [Event.C_FIND]: () => [new Dataset({ QueryRetrieveLevel: "PATIENT", PatientName: "山田^太郎" })],
  });
  const assoc = await qrClient(t, server.port);
  const rsps = await collect(assoc.sendCFind({ QueryRetrieveLevel: "PATIENT", PatientName: "" }, "patientRoot"));
  assert.deepEqual(
    rsps.map((r) => r.status),
    [0xc312],
  );
  assert.match(rsps[0]?.command.errorComment ?? "", /repertoire/);
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
  await assoc.release();
});

test("a C-CANCEL-RQ for a message nobody serves is ignored (PS3.7 9.3.2.3: no response)", async (t) => {
  const { server } = await qrServer(t, studyFinder([]));
  const assoc = await qrClient(t, server.port);
  const received: number[] = [];
  assoc.on("dimseReceived", (e) => received.push(e.message.commandField));
  await assoc.send(assoc.contextFor(FIND, "scu").contextId ?? 0, cCancelRq({ messageIdBeingRespondedTo: 999 }));
  assert.equal((await assoc.sendCEcho()).status, 0x0000);
  assert.deepEqual(received, [CommandField.C_ECHO_RSP]);
  const rsps = await collect(assoc.sendCFind({ QueryRetrieveLevel: "STUDY", PatientID: "PID-003" }, FIND));
  assert.deepEqual(
    rsps.map((r) => r.status),
    [0x0000],
  );
  await assoc.release();
});
