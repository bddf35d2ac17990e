// A peer may answer a C-STORE before its data set has all arrived, and the call then resolves at
// once. The read buffers of that streamed file must not serve the next C-STOREs until its last
// bytes have been written: the file still streams into them. A scripted SCP answers a large file
// at its command while it stops reading; two more C-STOREs start meanwhile; every data set
// arrives unchanged.
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { AE } from "../../../src/ae.js";
import { Dataset } from "../../../src/dataset/dataset.js";
import { writePart10 } from "../../../src/dataset/part10.js";
import { sop, ts } from "../../../src/dataset/uids.js";
import { cStoreRsp, decodeCommand, encodeCommand } from "../../../src/dimse/index.js";
import { decodePdu, encodePdu, PduType } from "../../../src/pdu/index.js";
import { datasetBytes, tempDir } from "./helpers.js";

const CT = sop.CTImageStorage;
const IMPLICIT = ts.ImplicitVRLittleEndian;
const MiB = 1024 * 1024;
/** The largest PDU the scripted SCP takes (its A-ASSOCIATE-AC's Maximum Length). */
const MAX_PDU = 65_536;

/** A Part 10 file of about `size` bytes in Implicit VR Little Endian, its pixel data a pattern. */
function fileOfSize(size: number, index: number): Uint8Array {
  const ds = new Dataset({ SOPClassUID: CT, SOPInstanceUID: `2.25.77${index}`, PatientID: "P" });
  const pixels = new Uint8Array(size);
  for (let i = 0; i < size; i++) pixels[i] = (i * 7 + (i >>> 12) + index * 31) & 0xff;
  ds.set("PixelData", pixels, "OW");
  return writePart10(ds, { transferSyntaxUid: IMPLICIT });
}

/** One DIMSE message as the scripted SCP received it. */
interface Received {
  messageId: number;
  dataset: Uint8Array[];
  complete: boolean;
}

/**
 * A scripted Storage SCP on one connection: accepts every context in Implicit VR Little Endian,
 * collects each message's data set, and calls `onCommand` for each command set.
 */
class ScriptedScp {
  readonly messages: Received[] = [];
  #pending: Buffer = Buffer.alloc(0);
  #command: Uint8Array[] = [];
  readonly #waiters = new Set<() => void>();

  constructor(
    readonly socket: Socket,
    readonly onCommand: (m: Received) => void,
  ) {
    socket.on("data", (chunk: Buffer) => {
      // Only a partial PDU is ever kept between reads: bounded by MAX_PDU.
      this.#pending = this.#pending.byteLength === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
      while (this.#pending.byteLength >= 6) {
        const length = this.#pending.readUInt32BE(2);
        if (this.#pending.byteLength < 6 + length) break;
        this.#pdu(this.#pending.subarray(0, 6 + length));
        this.#pending = this.#pending.subarray(6 + length);
      }
      for (const w of [...this.#waiters]) w();
    });
    socket.on("error", () => {});
  }

  /** Resolves once `predicate` holds (checked on every arrival). */
  until(predicate: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!predicate()) return;
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
      check();
    });
  }

  answer(m: Received): void {
    const rsp = cStoreRsp({
      messageIdBeingRespondedTo: m.messageId,
      affectedSopClassUid: CT,
      affectedSopInstanceUid: "2.25.1",
      status: 0x0000,
    });
    this.socket.write(
      encodePdu({
        type: PduType.PDataTf,
        values: [{ contextId: 1, isCommand: true, isLast: true, data: encodeCommand(rsp) }],
      }),
    );
  }

  #pdu(bytes: Uint8Array): void {
    const pdu = decodePdu(bytes);
    if (pdu.type === PduType.AAssociateRq) {
      this.socket.write(
        encodePdu({
          type: PduType.AAssociateAc,
          protocolVersion: 1,
          calledAeTitle: pdu.calledAeTitle,
          callingAeTitle: pdu.callingAeTitle,
          applicationContextName: "1.2.840.10008.3.1.1.1",
          presentationContexts: pdu.presentationContexts.map((c) => ({
            contextId: c.contextId,
            result: 0,
            transferSyntax: IMPLICIT,
          })),
          userInformation: { maximumLength: MAX_PDU, implementationClassUid: "1.2.3.4" },
        }),
      );
    } else if (pdu.type === PduType.AReleaseRq) {
      this.socket.end(encodePdu({ type: PduType.AReleaseRp }));
    } else if (pdu.type === PduType.PDataTf) {
      for (const v of pdu.values) {
        if (v.isCommand) {
          this.#command.push(v.data);
          if (!v.isLast) continue;
          const command = decodeCommand(Buffer.concat(this.#command));
          this.#command = [];
          const m: Received = { messageId: command.messageId ?? 0, dataset: [], complete: false };
          this.messages.push(m);
          this.onCommand(m);
        } else {
          const m = this.messages.at(-1)!;
          m.dataset.push(v.data);
          if (v.isLast) m.complete = true;
        }
      }
    }
  }
}

test("an SCP that answers a streamed C-STORE at its command: that data set and the next ones arrive unchanged", async (t) => {
  const dir = await tempDir(t);
  const paths: string[] = [];
  // 24 MiB: far more than the loopback socket buffers hold, so the first file is still being
  // read and sent when its answer comes.
  for (const [i, size] of [24 * MiB, 6 * MiB, 6 * MiB].entries()) {
    const path = join(dir, `f${i}.dcm`);
    await writeFile(path, fileOfSize(size, i));
    paths.push(path);
  }
  let scp: ScriptedScp | undefined;
  let answerAtCommand = true;
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    scp = new ScriptedScp(socket, (m) => {
      if (!answerAtCommand) return;
      // Answer before the data set, then stop reading: the SCU's writes back up.
      socket.pause();
      scp?.answer(m);
    });
  });
  t.after(() => server.close());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;

  const ae = new AE({ aeTitle: "EARLY_SCU" });
  ae.addRequestedContext(CT, IMPLICIT);
  const assoc = await ae.associate("127.0.0.1", port, { aeTitle: "EARLY_SCP" });
  t.after(() => assoc.abort());
  assert.equal(assoc.isEstablished, true, assoc.reason);

  const first = await assoc.sendCStore(paths[0]!);
  assert.equal(first.status, 0x0000);
  assert.equal(scp?.messages[0]?.complete, false, "answered before its data set arrived");
  // Two more C-STOREs read their files (one takes the window slot, one reads ahead behind it)
  // while the first file's data set is still being streamed.
  answerAtCommand = false;
  const rest = paths.slice(1).map((p) => assoc.sendCStore(p));
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  scp!.socket.resume();
  for (let i = 1; i < paths.length; i++) {
    await scp!.until(() => scp!.messages[i]?.complete === true);
    scp!.answer(scp!.messages[i]!);
    assert.equal((await rest[i - 1])?.status, 0x0000);
  }
  for (const [i, path] of paths.entries()) {
    const sent = await datasetBytes(path);
    const got = Buffer.concat(scp!.messages[i]!.dataset);
    assert.equal(got.byteLength, sent.bytes.byteLength, `file ${i} length`);
    assert.ok(got.equals(Buffer.from(sent.bytes)), `file ${i} arrives unchanged`);
  }
  await assoc.release();
});
