// Runs the built `netdicom echoscu` as a child process against a library SCP on port 0.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { AE, type AssociationServer, Event, type Handlers, sop, ts } from "../../src/index.js";
import { runTool } from "../helpers/dcmtk.js";

// The compiled test lives at build/test/apps/, three levels below the repo root.
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const cli = join(root, "build/netdicom.cjs");

const echoscu = (...args: string[]) => runTool(process.execPath, [cli, "echoscu", ...args], { cwd: root });

async function scp(
  t: { after(fn: () => Promise<unknown>): void },
  handlers: Handlers = {},
  options: { requireCalledAet?: boolean } = {},
): Promise<AssociationServer> {
  const ae = new AE({ aeTitle: "LIB_SCP", ...options });
  ae.addSupportedContext(sop.Verification, [
    ts.ExplicitVRLittleEndian,
    ts.ImplicitVRLittleEndian,
    ts.ExplicitVRBigEndian,
  ]);
  const server = await ae.startServer({ host: "127.0.0.1", handlers });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  return server;
}

/** A port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

test("echoscu: one echo against a library SCP, exit 0, pynetdicom's -v summary", async (t) => {
  let echoes = 0;
  const server = await scp(t, { [Event.C_ECHO]: () => void echoes++ });
  const r = await echoscu("-v", "127.0.0.1", String(server.port));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(echoes, 1);
  const lines = r.stderr.trim().split("\n");
  assert.deepEqual(lines, [
    "I: Requesting Association",
    "I: Association Accepted",
    "I: Sending Echo Request: MsgID 1",
    "I: Received Echo Response (Status: Success)",
    "I: Releasing Association",
  ]);
});

test("echoscu: silent by default on success", async (t) => {
  const server = await scp(t);
  const r = await echoscu("127.0.0.1", String(server.port));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  assert.equal(r.stdout, "");
});

test("echoscu --repeat 3 sends three echoes on one association, with message IDs 1, 2, 3", async (t) => {
  const ids: number[] = [];
  const associations = new Set<unknown>();
  const server = await scp(t, {
    [Event.C_ECHO]: (e) => {
      ids.push(e.messageId);
      associations.add(e.assoc);
    },
  });
  const r = await echoscu("--repeat", "3", "127.0.0.1", String(server.port));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(ids, [1, 2, 3]);
  assert.equal(associations.size, 1);
});

test("echoscu --abort aborts the association: the server sees an abort, not a release", async (t) => {
  let seen: (outcome: string) => void = () => {};
  const outcome = new Promise<string>((done) => {
    seen = done;
  });
  let echoes = 0;
  const server = await scp(t, {
    [Event.C_ECHO]: () => void echoes++,
    [Event.ABORTED]: () => seen("aborted"),
    [Event.RELEASED]: () => seen("released"),
  });
  const r = await echoscu("-v", "--abort", "127.0.0.1", String(server.port));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /I: Aborting Association/);
  assert.doesNotMatch(r.stderr, /Releasing/);
  assert.equal(echoes, 1);
  assert.equal(await outcome, "aborted");
});

test("echoscu without --abort releases: the server sees a release", async (t) => {
  let seen: (outcome: string) => void = () => {};
  const outcome = new Promise<string>((done) => {
    seen = done;
  });
  const server = await scp(t, {
    [Event.ABORTED]: () => seen("aborted"),
    [Event.RELEASED]: () => seen("released"),
  });
  const r = await echoscu("127.0.0.1", String(server.port));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await outcome, "released");
});

test("echoscu: a wrong called AE title with requireCalledAet is rejected: exit 1 and the reason on stderr", async (t) => {
  let echoes = 0;
  const server = await scp(t, { [Event.C_ECHO]: () => void echoes++ }, { requireCalledAet: true });
  const r = await echoscu("-aec", "NOT_THE_SCP", "127.0.0.1", String(server.port));
  assert.equal(r.code, 1);
  assert.equal(echoes, 0);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] ?? "", /^E: Association Rejected: rejected-permanent by service-user: .*called AE title/i);
  // ...and the right called AE title gets through
  const ok = await echoscu("-aec", "LIB_SCP", "127.0.0.1", String(server.port));
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(echoes, 1);
});

test("echoscu -q: a failure still exits 1 but prints nothing", async (t) => {
  const server = await scp(t, {}, { requireCalledAet: true });
  const r = await echoscu("-q", "127.0.0.1", String(server.port));
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "");
});

test("echoscu: connection refused → exit 1 with one clear line", async () => {
  const port = await closedPort();
  const r = await echoscu("127.0.0.1", String(port));
  assert.equal(r.code, 1);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] ?? "", /^E: Association request failed: unable to connect to 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
});

test("echoscu: a non-success C-ECHO status → exit 1, the status on stderr", async (t) => {
  const server = await scp(t, { [Event.C_ECHO]: () => 0x0110 });
  const r = await echoscu("127.0.0.1", String(server.port));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /E: Received Echo Response \(Status: 0x0110 failure/i);
});

test("echoscu: a peer that supports no Verification context rejects the association → exit 1", async (t) => {
  const ae = new AE({ aeTitle: "NO_ECHO" });
  ae.addSupportedContext(sop.CTImageStorage);
  const server = await ae.startServer({ host: "127.0.0.1" });
  t.after(() => server.shutdown({ deadlineMs: 1000 }));
  const r = await echoscu("127.0.0.1", String(server.port));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^E: Association Rejected/m);
});

test("echoscu: AE titles, max PDU and -xi reach the peer", async (t) => {
  const seen: { calling?: string; called?: string; maxPdu?: number; syntax?: string } = {};
  const server = await scp(t, {
    [Event.C_ECHO]: (e) => {
      seen.calling = e.assoc.requestor.aeTitle;
      const rq = e.assoc.requestor.primitive;
      seen.called = rq && "calledAeTitle" in rq ? rq.calledAeTitle.trim() : undefined;
      seen.maxPdu = e.assoc.requestor.maximumLength;
      seen.syntax = e.context.transferSyntax;
    },
  });
  const r = await echoscu(
    "-aet",
    "MY_SCU",
    "--called-aet",
    "THE_SCP",
    "-pdu",
    "32768",
    "-xi",
    "127.0.0.1",
    String(server.port),
  );
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(seen, {
    calling: "MY_SCU",
    called: "THE_SCP",
    maxPdu: 32768,
    syntax: ts.ImplicitVRLittleEndian,
  });
  // by default Explicit VR Little Endian is proposed first, so it is the one accepted
  const dflt = await echoscu("127.0.0.1", String(server.port));
  assert.equal(dflt.code, 0, dflt.stderr);
  assert.equal(seen.syntax, ts.ExplicitVRLittleEndian);
});

test("echoscu -d dumps every PDU and DIMSE message", async (t) => {
  const server = await scp(t);
  const r = await echoscu("-d", "127.0.0.1", String(server.port));
  assert.equal(r.code, 0, r.stderr);
  for (const re of [/A-ASSOCIATE-RQ/, /A-ASSOCIATE-AC/, /C-ECHO-RQ/, /C-ECHO-RSP/, /A-RELEASE/, /^D: /m]) {
    assert.match(r.stderr, re);
  }
});

test("echoscu: usage errors exit 2 with the usage on stderr", async () => {
  for (const args of [
    [],
    ["127.0.0.1"],
    ["127.0.0.1", "notaport"],
    ["127.0.0.1", "70000"],
    ["127.0.0.1", "104", "extra"],
    ["--repeat", "0", "127.0.0.1", "104"],
    ["-ta", "soon", "127.0.0.1", "104"],
    ["--no-such-flag", "127.0.0.1", "104"],
    ["-aet", "A_TITLE_LONGER_THAN_16", "127.0.0.1", "104"],
    ["-xe", "-xi", "127.0.0.1", "104"],
    ["--tls-ca", "ca.pem", "127.0.0.1", "104"],
    ["-ll", "loud", "127.0.0.1", "104"],
  ]) {
    const r = await echoscu(...args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /usage: netdicom echoscu/, args.join(" "));
  }
});

test("echoscu --help and --version exit 0 on stdout", async () => {
  const help = await echoscu("--help");
  assert.equal(help.code, 0);
  for (const flag of [
    "-aet, --calling-aet",
    "-aec, --called-aet",
    "-ta, --acse-timeout",
    "--repeat",
    "--abort",
    "--tls",
  ]) {
    assert.ok(help.stdout.includes(flag), flag);
  }
  const version = await echoscu("--version");
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^echoscu \(netdicom\) v\d+\.\d+\.\d+/);
});
