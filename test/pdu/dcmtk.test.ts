import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { test } from "node:test";
import { type AAssociateRq, decodePdu, encodePdu, PduFramer, PduType } from "../../src/pdu/index.js";
import { hex } from "./hex.js";

const verification = "1.2.840.10008.1.1";
const implicitLe = "1.2.840.10008.1.2";

/**
 * Re-encodes a DCMTK A-ASSOCIATE-RQ and returns the offsets where our bytes differ from DCMTK's.
 * The only expected difference is DCMTK's 0xFF in a reserved byte of each presentation context item.
 */
function differences(original: Uint8Array): number[] {
  const ours = encodePdu(decodePdu(original));
  assert.equal(ours.byteLength, original.byteLength, "same length, same item order");
  const diffs: number[] = [];
  for (let i = 0; i < ours.byteLength; i++) if (ours[i] !== original[i]) diffs.push(i);
  return diffs;
}

function assertEchoscuRequest(pdu: AAssociateRq): void {
  assert.equal(pdu.callingAeTitle, "SCU");
  assert.equal(pdu.calledAeTitle, "ANY");
  assert.equal(pdu.protocolVersion, 1);
  assert.equal(pdu.applicationContextName, "1.2.840.10008.3.1.1.1");
  const pc = pdu.presentationContexts.find((p) => p.abstractSyntax === verification);
  assert.ok(pc, "a Verification presentation context");
  assert.ok(pc.transferSyntaxes.includes(implicitLe), "Implicit VR Little Endian offered");
  assert.equal(pdu.userInformation.maximumLength, 16384);
  assert.match(pdu.userInformation.implementationClassUid ?? "", /^1\.2\.276\.0\.7230010\.3/);
}

test("DCMTK fixture: echoscu's A-ASSOCIATE-RQ decodes and re-encodes (no DCMTK needed)", () => {
  const text = readFileSync(
    new URL("../../../test/fixtures/pdu/dcmtk-3.6.7-echoscu-a-associate-rq.hex", import.meta.url),
    "utf8",
  );
  const bytes = hex(text);
  const pdu = decodePdu(bytes);
  assert.equal(pdu.type, PduType.AAssociateRq);
  if (pdu.type !== PduType.AAssociateRq) return;
  assertEchoscuRequest(pdu);
  assert.equal(pdu.userInformation.implementationVersionName, "OFFIS_DCMTK_367");
  assert.equal(pdu.userInformation.implementationClassUid, "1.2.276.0.7230010.3.0.3.6.7"); // 27 bytes, no NUL pad
  assert.deepEqual(differences(bytes), [105]);
  assert.equal(bytes[105], 0xff);
});

function hasEchoscu(): boolean {
  const r = spawnSync("echoscu", ["--version"], { encoding: "utf8" });
  return r.error === undefined && r.status === 0;
}

test("DCMTK echoscu: its A-ASSOCIATE-RQ decodes, re-encodes, and our A-ASSOCIATE-RJ is understood", async (t) => {
  if (!hasEchoscu()) {
    t.skip("dcmtk not installed");
    return;
  }
  const sockets = new Set<Socket>();
  let onFirstPdu: (bytes: Uint8Array) => void = () => {};
  let onFailure: (err: unknown) => void = () => {};
  const received = new Promise<Uint8Array>((resolve, reject) => {
    onFirstPdu = resolve;
    onFailure = reject;
  });
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", onFailure);
    const framer = new PduFramer();
    socket.on("data", (chunk: Uint8Array) => {
      let framed: ReturnType<PduFramer["push"]>;
      try {
        framed = framer.push(chunk);
      } catch (e) {
        onFailure(e);
        socket.destroy();
        return;
      }
      const first = framed[0];
      if (!first) return;
      onFirstPdu(first.bytes);
      // Rejected-permanent, service-user, called AE title not recognized (PS3.8 Table 9-21).
      socket.end(encodePdu({ type: PduType.AAssociateRj, result: 1, source: 1, reason: 7 }));
    });
  });
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  assert.ok(address !== null && typeof address !== "string");
  const exited = runEchoscu(address.port);
  // If echoscu exits without ever sending a PDU, fail instead of waiting forever.
  exited.then(({ output }) => onFailure(new Error(`echoscu exited before sending a PDU:\n${output}`)), onFailure);

  const bytes = await received;
  const pdu = decodePdu(bytes);
  assert.equal(pdu.type, PduType.AAssociateRq);
  if (pdu.type === PduType.AAssociateRq) assertEchoscuRequest(pdu);
  // DCMTK orders items as we do; it differs only in one reserved byte per presentation context.
  for (const at of differences(bytes)) {
    assert.equal(bytes[at], 0xff, `byte ${at} differs and is not DCMTK's reserved 0xFF`);
  }

  const { code, output } = await exited;
  assert.notEqual(code, 0, `echoscu should fail on rejection; output:\n${output}`);
  assert.match(output, /Association Rejected/i);
  assert.match(output, /Called AE Title Not Recognized/i);
});

async function runEchoscu(port: number): Promise<{ code: number | null; output: string }> {
  const child = spawn("echoscu", ["-aet", "SCU", "-aec", "ANY", "127.0.0.1", String(port)], { timeout: 20_000 });
  let output = "";
  child.stdout.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, output };
}
