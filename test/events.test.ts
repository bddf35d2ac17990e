// The handler table: binding rules of notifications and interventions, and failure isolation.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Association } from "../src/association.js";
import { Event, type EventOf, HandlerTable, isIntervention, notificationAlias } from "../src/events.js";

const assoc = {} as Association;
const established = (): EventOf<"ESTABLISHED"> => ({ name: "ESTABLISHED", assoc, timestamp: new Date() });

test("Event mirrors pynetdicom's evt names: 15 notifications, 15 interventions", () => {
  const names = Object.keys(Event);
  assert.equal(names.length, 30);
  assert.equal(Event.C_ECHO, "C_ECHO");
  assert.equal(isIntervention(Event.C_ECHO), true);
  assert.equal(isIntervention(Event.USER_ID), true);
  assert.equal(isIntervention(Event.ESTABLISHED), false);
  assert.equal(notificationAlias.PDU_RECV, "pduReceived");
});

test("notifications take many handlers; an intervention's handler replaces the previous one", () => {
  const table = new HandlerTable();
  const a = () => {};
  const b = () => {};
  table.bind(Event.ESTABLISHED, a);
  table.bind(Event.ESTABLISHED, b);
  assert.equal(table.get(Event.ESTABLISHED).length, 2);
  const e1 = () => 0;
  const e2 = () => 1;
  table.bind(Event.C_ECHO, e1);
  table.bind(Event.C_ECHO, e2);
  assert.deepEqual(table.get(Event.C_ECHO), [e2]);
  table.unbind(Event.C_ECHO, e1); // not the bound one: no change
  assert.deepEqual(table.get(Event.C_ECHO), [e2]);
  table.unbind(Event.ESTABLISHED, a);
  assert.deepEqual(table.get(Event.ESTABLISHED), [b]);
  assert.deepEqual(table.events().sort(), ["C_ECHO", "ESTABLISHED"]);
  table.unbind(Event.ESTABLISHED);
  assert.equal(table.has(Event.ESTABLISHED), false);
});

test("a table built on a base copies its handlers; later changes stay apart", () => {
  const base = new HandlerTable({ [Event.C_ECHO]: () => 5 });
  const child = new HandlerTable({ [Event.RELEASED]: () => {} }, base);
  assert.equal(child.get(Event.C_ECHO).length, 1);
  child.unbind(Event.C_ECHO);
  assert.equal(base.get(Event.C_ECHO).length, 1);
  assert.equal(base.has(Event.RELEASED), false);
});

test("bad binds are refused", () => {
  const table = new HandlerTable();
  assert.throws(() => table.bind("NOPE" as "C_ECHO", () => 0), /unknown event/);
  assert.throws(() => table.bind(Event.C_ECHO, 5 as unknown as () => 0), /not a function/);
});

test("a notification handler that throws or rejects is logged; the others still run", async () => {
  const logged: string[] = [];
  const logger = { error: (m: string) => void logged.push(m) };
  const ran: string[] = [];
  const table = new HandlerTable();
  table.bind(Event.ESTABLISHED, () => {
    throw new Error("sync bug");
  });
  table.bind(Event.ESTABLISHED, () => Promise.reject(new Error("async bug")));
  table.bind(Event.ESTABLISHED, () => void ran.push("third"));
  table.notify(established(), logger);
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.deepEqual(ran, ["third"]);
  assert.equal(logged.length, 2);
});

test("HandlerTable: a table made from a base shares nothing that either side changes later (copy on write)", () => {
  const echo = () => 0;
  const seen = () => {};
  const base = new HandlerTable({ [Event.C_ECHO]: echo, [Event.ESTABLISHED]: seen });
  const child = new HandlerTable({}, base);
  const sibling = new HandlerTable({}, base);
  // The base (a server's handlers) changes after the children (its associations) were made.
  const later = () => {};
  base.bind(Event.RELEASED, later);
  base.bind(Event.ESTABLISHED, later);
  base.unbind(Event.C_ECHO);
  assert.equal(child.get(Event.RELEASED).length, 0);
  assert.deepEqual(child.get(Event.ESTABLISHED), [seen]);
  assert.deepEqual(child.get(Event.C_ECHO), [echo]);
  // A child changes: neither the base nor a sibling sees it.
  const mine = () => {};
  child.bind(Event.ESTABLISHED, mine);
  child.bind(Event.C_ECHO, () => 1);
  assert.deepEqual(child.get(Event.ESTABLISHED), [seen, mine]);
  assert.deepEqual(sibling.get(Event.ESTABLISHED), [seen]);
  assert.deepEqual(sibling.get(Event.C_ECHO), [echo]);
  assert.deepEqual(base.get(Event.ESTABLISHED), [seen, later]);
  assert.equal(base.get(Event.C_ECHO).length, 0);
  sibling.unbind(Event.ESTABLISHED, seen);
  assert.deepEqual(child.get(Event.ESTABLISHED), [seen, mine]);
  assert.deepEqual(base.get(Event.ESTABLISHED), [seen, later]);
});
