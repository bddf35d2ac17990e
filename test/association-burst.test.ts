// A small message leaves in one burst: the command set's and the data set's P-DATA-TF PDUs are
// written into the corked socket back to back (one system call, one wake-up of the peer); a
// large in-memory data set goes in corked groups of PDUs of about 1 MiB, awaiting the socket
// between groups.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AE } from "../src/ae.js";
import type { Association } from "../src/association.js";
import { Dataset } from "../src/dataset/dataset.js";
import { sop } from "../src/dataset/uids.js";
import { Event } from "../src/events.js";

/** Records the transport's writes, grouped by cork/uncork (a write outside a cork is its own group). */
function spy(assoc: Association): { groups: number[][]; writes: number[] } {
  const t = assoc.upperLayer?.transport;
  assert.ok(t?.cork && t.uncork);
  const groups: number[][] = [];
  const writes: number[] = [];
  let open: number[] | undefined;
  const { cork, uncork, write } = t;
  t.cork = () => {
    open = [];
    cork.call(t);
  };
  t.uncork = () => {
    if (open) groups.push(open);
    open = undefined;
    uncork.call(t);
  };
  t.write = (data) => {
    // A write may carry several whole PDUs back to back (a small message in one buffer): each is
    // recorded. The first byte of a PDU is its type; P-DATA-TF is 0x04, and the PDV's control
    // header ends its 12-byte headers.
    const bytes = Buffer.concat(data instanceof Uint8Array ? [data] : [...data]);
    writes.push(bytes.byteLength);
    for (let at = 0; at + 6 <= bytes.byteLength; at += 6 + bytes.readUInt32BE(at + 2)) {
      const pdu = bytes[at] === 0x04 && at + 12 <= bytes.byteLength ? bytes[at + 11]! : -1;
      if (open) open.push(pdu);
      else groups.push([pdu]);
    }
    return write.call(t, data);
  };
  return { groups, writes };
}

async function pair(t: { after: (fn: () => Promise<unknown>) => void }) {
  const scp = new AE({ aeTitle: "SCP", storageFsync: false });
  scp.addSupportedContext(sop.CTImageStorage);
  const server = await scp.startServer({ host: "127.0.0.1", handlers: { [Event.C_STORE]: () => 0x0000 } });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  const scu = new AE({ aeTitle: "SCU", maximumPduSize: 16384 });
  scu.addRequestedContext(sop.CTImageStorage);
  const assoc = await scu.associate("127.0.0.1", server.port, { aeTitle: "SCP", maxPdu: 16384 });
  t.after(() => assoc.abort());
  return assoc;
}

test("a small C-STORE: command PDU and data set PDU written in one corked burst", async (t) => {
  const assoc = await pair(t);
  const { groups, writes } = spy(assoc);
  const ds = new Dataset({ SOPClassUID: sop.CTImageStorage, SOPInstanceUID: "2.25.1234", PatientID: "P" });
  assert.equal((await assoc.sendCStore(ds)).status, 0x0000);
  // Message control header (PS3.8 E.2): bit 0 command, bit 1 last fragment.
  assert.deepEqual(groups, [[0x03, 0x02]]);
  // Both PDUs in one buffer: one write.
  assert.equal(writes.length, 1);
});

test("a large in-memory data set: the command, then its PDUs in corked groups of about 1 MiB, awaited group by group", async (t) => {
  const assoc = await pair(t);
  const { groups } = spy(assoc);
  const ds = new Dataset({ SOPClassUID: sop.CTImageStorage, SOPInstanceUID: "2.25.1235", PatientID: "P" });
  ds.set("PixelData", new Uint8Array(2 * 1024 * 1024), "OW");
  assert.equal((await assoc.sendCStore(ds)).status, 0x0000);
  // The command set's PDU leads (it may share the first batch); the data set follows in groups.
  const flags = groups.flat();
  assert.equal(flags[0], 0x03);
  // 2 MiB and a header in PDVs of 16378 bytes: 129 PDUs, in groups of at most 65 (1 MiB / 16378 rounded up).
  const perGroup = Math.ceil((1024 * 1024) / (16384 - 6));
  assert.ok(groups.length >= 2 && groups.length <= 4, `${groups.length} groups`);
  assert.ok(
    groups.every((g) => g.length > 1 && g.length <= perGroup + 1),
    `group sizes ${groups.map((g) => g.length).join(",")}`,
  );
  const data = flags.slice(1);
  assert.ok(data.length > 100, `${data.length} PDUs`);
  assert.deepEqual(data.slice(0, -1), new Array(data.length - 1).fill(0x00), "no PDU before the last is marked last");
  assert.equal(flags.at(-1), 0x02);
});

test("C-STOREs sent in the same turn (an asynchronous window) leave in one corked batch, in order", async (t) => {
  const window = { invoked: 4, performed: 4 };
  const scp = new AE({ aeTitle: "SCP", storageFsync: false, maxAsyncOperations: window });
  scp.addSupportedContext(sop.CTImageStorage);
  const server = await scp.startServer({ host: "127.0.0.1", handlers: { [Event.C_STORE]: () => 0x0000 } });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  const scu = new AE({ aeTitle: "SCU", maxAsyncOperations: window });
  scu.addRequestedContext(sop.CTImageStorage);
  const assoc = await scu.associate("127.0.0.1", server.port, { aeTitle: "SCP" });
  t.after(() => assoc.abort());
  assert.equal(assoc.asyncOperationsWindow.invoked, 4);
  const { groups } = spy(assoc);
  const sent = ["2.25.1301", "2.25.1302", "2.25.1303"].map((uid) =>
    assoc.sendCStore(new Dataset({ SOPClassUID: sop.CTImageStorage, SOPInstanceUID: uid, PatientID: "P" })),
  );
  const results = await Promise.all(sent);
  assert.deepEqual(
    results.map((r) => [r.status, r.sopInstanceUid]),
    [
      [0x0000, "2.25.1301"],
      [0x0000, "2.25.1302"],
      [0x0000, "2.25.1303"],
    ],
  );
  // Three messages, command then data set each, one system call.
  assert.deepEqual(groups, [[0x03, 0x02, 0x03, 0x02, 0x03, 0x02]]);
});
