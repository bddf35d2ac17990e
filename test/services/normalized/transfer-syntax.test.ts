// DIMSE-N data sets in the context's transfer syntax, both ways (PS3.7 10.3), and the limits on
// what a peer may send (a data set beyond maxDatasetBytes is refused, never held).
import assert from "node:assert/strict";
import { test } from "node:test";
import { AE } from "../../../src/ae.js";
import { Dataset } from "../../../src/dataset/dataset.js";
import { sop, ts } from "../../../src/dataset/uids.js";
import { Event } from "../../../src/events.js";
import { decodeNDataset, encodeNDataset } from "../../../src/services/normalized/codec.js";
import { nClient, nServer } from "./helpers.js";

const MPPS = sop.ModalityPerformedProcedureStep;

for (const syntax of [
  ts.ImplicitVRLittleEndian,
  ts.ExplicitVRLittleEndian,
  ts.DeflatedExplicitVRLittleEndian,
  ts.ExplicitVRBigEndian,
]) {
  test(`N-CREATE and its reply round-trip in ${syntax}`, async (t) => {
    let seen: string | undefined;
    let contextSyntax: string | undefined;
    const server = await nServer(
      t,
      [MPPS],
      {
        [Event.N_CREATE]: (e) => {
          seen = e.attributeList()?.personName("PatientName")?.toString();
          contextSyntax = e.context.transferSyntax;
          const reply = new Dataset({
            SpecificCharacterSet: "ISO_IR 192",
            PatientID: "ID-β",
            StudyDescription: "x".repeat(300),
          });
          return { status: 0, attributeList: reply };
        },
      },
      [syntax],
    );
    const assoc = await nClient(t, server.port, [MPPS], { transferSyntaxes: [syntax] });
    const rsp = await assoc.sendNCreate(
      new Dataset({
        SpecificCharacterSet: "ISO_IR 192",
        PatientName: "Müller^Jörg",
        PerformedProcedureStepStatus: "IN PROGRESS",
      }),
      MPPS,
      "1.2.3",
    );
    assert.equal(contextSyntax, syntax);
    assert.equal(rsp.status, 0, rsp.response.errorComment);
    assert.equal(seen, "Müller^Jörg");
    assert.equal(rsp.attributeList?.string("StudyDescription"), "x".repeat(300));
    assert.equal(rsp.attributeList?.string("PatientID"), "ID-β");
  });
}

test("a reply data set that cannot be encoded turns the answer into 0x0110", async (t) => {
  // "β" is outside the default repertoire and no Specific Character Set says otherwise.
  const server = await nServer(t, [MPPS], {
    [Event.N_CREATE]: () => ({ status: 0, attributeList: new Dataset({ PatientID: "β" }) }),
  });
  const assoc = await nClient(t, server.port, [MPPS]);
  const rsp = await assoc.sendNCreate(undefined, MPPS, "1.2.3");
  assert.equal(rsp.status, 0x0110);
  assert.equal(rsp.response.errorComment, "the reply data set could not be encoded");
  assert.equal(rsp.attributeList, undefined);
});

test("codec: a deflated data set inflates only up to the limit", () => {
  const big = encodeNDataset(new Dataset({ StudyDescription: "a".repeat(60) }), ts.DeflatedExplicitVRLittleEndian);
  assert.equal(decodeNDataset([big], ts.DeflatedExplicitVRLittleEndian).string("StudyDescription"), "a".repeat(60));
  assert.throws(() => decodeNDataset([big], ts.DeflatedExplicitVRLittleEndian, 16), { name: "DicomParseError" });
});

test("a request data set beyond maxDatasetBytes is refused with 0x0213 before any handler runs", async (t) => {
  let called = false;
  const ae = new AE({ aeTitle: "N_SCP", maxDatasetBytes: 1024 });
  ae.addSupportedContext(MPPS);
  const server = await ae.startServer({
    host: "127.0.0.1",
    handlers: {
      [Event.N_SET]: () => {
        called = true;
        return 0;
      },
    },
  });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  const assoc = await nClient(t, server.port, [MPPS]);
  const rsp = await assoc.sendNSet(new Dataset({ StudyDescription: "y".repeat(2000) }), MPPS, "1.2.3");
  assert.equal(rsp.status, 0x0213);
  assert.equal(called, false);
  assert.equal((await assoc.sendNSet(new Dataset({ StudyDescription: "ok" }), MPPS, "1.2.3")).status, 0);
  assert.equal(called, true);
});
