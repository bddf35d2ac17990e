// Shared set-up of the Query/Retrieve loopback tests: a Q/R SCP on 127.0.0.1 port 0 with the
// handlers a test gives, an SCU associated with it, small instances with fresh UIDs.
import assert from "node:assert/strict";
import type { ExtendedNegotiationItem } from "../../../src/acse/index.js";
import { AE } from "../../../src/ae.js";
import type { Association } from "../../../src/association.js";
import { Dataset } from "../../../src/dataset/dataset.js";
import { sop } from "../../../src/dataset/uids.js";
import type { Handlers } from "../../../src/events.js";
import type { AssociationServer } from "../../../src/server.js";
import { retrieveRoles } from "../../../src/services/query-retrieve/roles.js";
import { tempDir } from "../storage/helpers.js";

/** The part of a node:test context the helpers use. */
export type T = { after: (fn: () => unknown) => void };

/** The Q/R SOP classes the tests negotiate (Study Root and Patient Root, FIND/GET/MOVE). */
export const qrClasses = [
  sop.StudyRootQueryRetrieveInformationModelFind,
  sop.StudyRootQueryRetrieveInformationModelGet,
  sop.StudyRootQueryRetrieveInformationModelMove,
  sop.PatientRootQueryRetrieveInformationModelFind,
  sop.PatientRootQueryRetrieveInformationModelGet,
  sop.PatientRootQueryRetrieveInformationModelMove,
];

/** A Q/R SCP also able to act as C-STORE SCU for `storage` (C-GET sub-operations). */
export async function qrServer(
  t: T,
  handlers: Handlers,
  options: { storage?: readonly string[]; dimseTimeoutMs?: number } = {},
): Promise<{ server: AssociationServer; ae: AE }> {
  const temp = await tempDir(t, "netdicom-qr-scp-");
  const ae = new AE({ aeTitle: "QR_SCP", storageDirectory: temp });
  if (options.dimseTimeoutMs !== undefined) ae.dimseTimeoutMs = options.dimseTimeoutMs;
  ae.addSupportedContext(sop.Verification);
  for (const uid of qrClasses) ae.addSupportedContext(uid);
  // PS3.7 D.3.3.4: accept the requestor's proposal to be SCP of these storage classes (C-GET).
  for (const uid of options.storage ?? []) ae.addSupportedContext(uid, undefined, false, true);
  const server = await ae.startServer({ host: "127.0.0.1", handlers });
  t.after(() => server.shutdown({ deadlineMs: 2000 }));
  return { server, ae };
}

/** An established association to `port` proposing the Q/R classes, Verification and `storage` with the SCP role. */
export async function qrClient(
  t: T,
  port: number,
  options: {
    storage?: readonly string[];
    handlers?: Handlers;
    extendedNegotiation?: readonly ExtendedNegotiationItem[];
    contexts?: readonly string[];
  } = {},
): Promise<Association> {
  const ae = new AE({ aeTitle: "QR_SCU", storageDirectory: await tempDir(t, "netdicom-qr-scu-") });
  ae.addRequestedContext(sop.Verification);
  for (const uid of options.contexts ?? qrClasses) ae.addRequestedContext(uid);
  for (const uid of options.storage ?? []) ae.addRequestedContext(uid);
  const assoc = await ae.associate("127.0.0.1", port, {
    aeTitle: "QR_SCP",
    extendedNegotiation: options.extendedNegotiation ?? retrieveRoles(options.storage ?? []),
    ...(options.handlers === undefined ? {} : { handlers: options.handlers }),
  });
  t.after(() => assoc.abort());
  assert.equal(assoc.isEstablished, true, assoc.reason);
  return assoc;
}

let counter = 0;

/** A small instance of `sopClassUid` in study `studyUid`, with a fresh SOP Instance UID and 32 bytes of pixel data. */
export function instance(sopClassUid: string, studyUid: string, patientName = "Doe^Jane"): Dataset {
  counter++;
  const ds = new Dataset({
    SOPClassUID: sopClassUid,
    SOPInstanceUID: `2.25.${process.pid}${Date.now()}${counter}`,
    PatientName: patientName,
    PatientID: "PID-QR",
    StudyInstanceUID: studyUid,
    SeriesInstanceUID: `${studyUid}.1`,
    InstanceNumber: counter,
    Modality: "OT",
    SamplesPerPixel: 1,
    PhotometricInterpretation: "MONOCHROME2",
    Rows: 4,
    Columns: 4,
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 0,
  });
  ds.set(
    "PixelData",
    new Uint8Array(32).map((_, i) => (i * 7 + counter) & 0xff),
    "OW",
  );
  return ds;
}

/** Every response of an operation, in order. */
export async function collect<R>(responses: AsyncIterable<R>): Promise<R[]> {
  const out: R[] = [];
  for await (const r of responses) {
    out.push(r);
    assert.ok(out.length < 10_000, "bounded");
  }
  return out;
}
