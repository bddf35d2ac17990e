// Interoperability with DCMTK: echoscu and storescu talk to a raw-socket SCP built from src/pdu
// and src/dimse. Their C-ECHO-RQ and C-STORE-RQ command sets must be byte-identical to what
// encodeCommand makes of the decoded command, and our responses must satisfy them.
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type Socket } from "node:net";
import { test } from "node:test";
import {
  CommandField,
  cEchoRsp,
  cStoreRsp,
  type DimseCommand,
  encodeCommand,
  MessageReassembler,
} from "../../src/dimse/index.js";
import { decodePdu, encodePdu, PduFramer, PduType } from "../../src/pdu/index.js";
import { findTool, runTool } from "../helpers/dcmtk.js";

interface Captured {
  readonly command: DimseCommand;
  readonly raw: Uint8Array;
  readonly dataBytes: number;
}

/** A one-association SCP: accepts every proposed context with its first transfer syntax, answers C-ECHO and C-STORE. */
async function startScp(t: { after(fn: () => void): void }): Promise<{ port: number; captured: Captured[] }> {
  const captured: Captured[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    const framer = new PduFramer();
    const reassembler = new MessageReassembler();
    let current: { command: DimseCommand; raw: Uint8Array; contextId: number; dataBytes: number } | undefined;
    const respond = (contextId: number, rsp: DimseCommand) => {
      socket.write(
        encodePdu({
          type: PduType.PDataTf,
          values: [{ contextId, isCommand: true, isLast: true, data: encodeCommand(rsp) }],
        }),
      );
    };
    const finish = () => {
      if (current === undefined) return;
      const { command, raw, contextId, dataBytes } = current;
      captured.push({ command, raw, dataBytes });
      current = undefined;
      const id = command.messageId ?? 0;
      if (command.commandField === CommandField.C_ECHO_RQ)
        respond(
          contextId,
          cEchoRsp({ messageIdBeingRespondedTo: id, status: 0, affectedSopClassUid: command.affectedSopClassUid }),
        );
      else
        respond(
          contextId,
          cStoreRsp({
            messageIdBeingRespondedTo: id,
            status: 0,
            affectedSopClassUid: command.affectedSopClassUid,
            affectedSopInstanceUid: command.affectedSopInstanceUid,
          }),
        );
    };
    socket.on("data", (chunk: Uint8Array) => {
      for (const framed of framer.push(chunk)) {
        const pdu = decodePdu(framed.bytes);
        if (pdu.type === PduType.AAssociateRq) {
          socket.write(
            encodePdu({
              type: PduType.AAssociateAc,
              protocolVersion: 1,
              calledAeTitle: pdu.calledAeTitle,
              callingAeTitle: pdu.callingAeTitle,
              applicationContextName: pdu.applicationContextName,
              presentationContexts: pdu.presentationContexts.map((pc) => ({
                contextId: pc.contextId,
                result: 0,
                transferSyntax: pc.transferSyntaxes[0] ?? "1.2.840.10008.1.2",
              })),
              userInformation: { maximumLength: 16384, implementationClassUid: "1.2.826.0.1.3680043.9.7433.1" },
            }),
          );
        } else if (pdu.type === PduType.PDataTf) {
          for (const v of pdu.values) {
            for (const ev of reassembler.push(v)) {
              if (ev.kind === "command") {
                current = { command: ev.command, raw: ev.raw.slice(), contextId: ev.contextId, dataBytes: 0 };
                if (!ev.command.hasDataset) finish();
              } else if (current !== undefined) {
                current.dataBytes += ev.chunk.length;
                if (ev.isLast) finish();
              }
            }
          }
        } else if (pdu.type === PduType.AReleaseRq) {
          socket.end(encodePdu({ type: PduType.AReleaseRp }));
        }
      }
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
  return { port: address.port, captured };
}

test("DCMTK echoscu: its C-ECHO-RQ equals our encoding byte for byte; it accepts our C-ECHO-RSP", async (t) => {
  if (findTool("echoscu") === undefined) {
    t.skip("dcmtk not installed");
    return;
  }
  const { port, captured } = await startScp(t);
  const result = await runTool("echoscu", ["-aet", "SCU", "-aec", "ANY", "127.0.0.1", String(port)], {
    timeoutMs: 20_000,
  });
  assert.equal(result.code, 0, `echoscu failed:\n${result.stdout}${result.stderr}`);
  assert.equal(captured.length, 1);
  const [echo] = captured;
  assert.ok(echo);
  assert.equal(echo.command.commandField, CommandField.C_ECHO_RQ);
  assert.equal(echo.command.affectedSopClassUid, "1.2.840.10008.1.1");
  assert.deepEqual(Buffer.from(encodeCommand(echo.command)), Buffer.from(echo.raw));
});

test("DCMTK storescu: its C-STORE-RQ equals our encoding byte for byte; it accepts our C-STORE-RSP", async (t) => {
  if (findTool("storescu") === undefined) {
    t.skip("dcmtk not installed");
    return;
  }
  const { port, captured } = await startScp(t);
  const file = new URL("../../../fixtures/sample-ct.dcm", import.meta.url).pathname;
  const result = await runTool("storescu", ["-aet", "SCU", "-aec", "ANY", "127.0.0.1", String(port), file], {
    timeoutMs: 20_000,
  });
  assert.equal(result.code, 0, `storescu failed:\n${result.stdout}${result.stderr}`);
  assert.equal(captured.length, 1);
  const [store] = captured;
  assert.ok(store);
  assert.equal(store.command.commandField, CommandField.C_STORE_RQ);
  assert.equal(store.command.affectedSopClassUid, "1.2.840.10008.5.1.4.1.1.2");
  assert.ok(store.dataBytes > 1000, "the data set arrived");
  assert.deepEqual(Buffer.from(encodeCommand(store.command)), Buffer.from(store.raw));
});
