import assert from "node:assert/strict";
import { test } from "node:test";
import { nextState, step } from "../../src/dul/machine.js";
import {
  type Action,
  actionDefinitions,
  type Evt,
  eventDescriptions,
  events,
  type Sta,
  stateDescriptions,
  states,
  transitions,
} from "../../src/dul/transitions.js";

// PS3.8 Table 9-10 transcribed independently of src/dul/transitions.ts, as one row per event:
// the cells of Sta1..Sta13 in order, "" for an empty cell, and the expected next state after "/".
const row = (cells: string): string[] => cells.split(",").map((c) => c.trim());
const table: Record<Evt, string[]> = {
  Evt1: row("AE-1/Sta4,,,,,,,,,,,,"),
  Evt2: row(",,,AE-2/Sta5,,,,,,,,,"),
  Evt3: row(
    ",AA-1/Sta13,AA-8/Sta13,,AE-3/Sta6,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-6/Sta13",
  ),
  Evt4: row(
    ",AA-1/Sta13,AA-8/Sta13,,AE-4/Sta1,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-6/Sta13",
  ),
  Evt5: row("AE-5/Sta2,,,,,,,,,,,,"),
  Evt6: row(
    ",AE-6/Sta3|Sta13,AA-8/Sta13,,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-7/Sta13",
  ),
  Evt7: row(",,AE-7/Sta6,,,,,,,,,,"),
  Evt8: row(",,AE-8/Sta13,,,,,,,,,,"),
  Evt9: row(",,,,,DT-1/Sta6,,AR-7/Sta8,,,,,"),
  Evt10: row(
    ",AA-1/Sta13,AA-8/Sta13,,AA-8/Sta13,DT-2/Sta6,AR-6/Sta7,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-6/Sta13",
  ),
  Evt11: row(",,,,,AR-1/Sta7,,,,,,,"),
  Evt12: row(
    ",AA-1/Sta13,AA-8/Sta13,,AA-8/Sta13,AR-2/Sta8,AR-8/Sta9|Sta10,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-6/Sta13",
  ),
  Evt13: row(
    ",AA-1/Sta13,AA-8/Sta13,,AA-8/Sta13,AA-8/Sta13,AR-3/Sta1,AA-8/Sta13,AA-8/Sta13,AR-10/Sta12,AR-3/Sta1,AA-8/Sta13,AA-6/Sta13",
  ),
  Evt14: row(",,,,,,,AR-4/Sta13,AR-9/Sta11,,,AR-4/Sta13,"),
  Evt15: row(
    ",,AA-1/Sta13,AA-2/Sta1,AA-1/Sta13,AA-1/Sta13,AA-1/Sta13,AA-1/Sta13,AA-1/Sta13,AA-1/Sta13,AA-1/Sta13,AA-1/Sta13,",
  ),
  Evt16: row(
    ",AA-2/Sta1,AA-3/Sta1,,AA-3/Sta1,AA-3/Sta1,AA-3/Sta1,AA-3/Sta1,AA-3/Sta1,AA-3/Sta1,AA-3/Sta1,AA-3/Sta1,AA-2/Sta1",
  ),
  Evt17: row(
    ",AA-5/Sta1,AA-4/Sta1,AA-4/Sta1,AA-4/Sta1,AA-4/Sta1,AA-4/Sta1,AA-4/Sta1,AA-4/Sta1,AA-4/Sta1,AA-4/Sta1,AA-4/Sta1,AR-5/Sta1",
  ),
  Evt18: row(",AA-2/Sta1,,,,,,,,,,,AA-2/Sta1"),
  Evt19: row(
    ",AA-1/Sta13,AA-8/Sta13,,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-8/Sta13,AA-7/Sta13",
  ),
};

const cells: { evt: Evt; sta: Sta; action: Action; next: string }[] = [];
for (const evt of events) {
  const r = table[evt];
  assert.equal(r.length, 13, `${evt} row has 13 cells`);
  r.forEach((cell, i) => {
    if (cell === "") return;
    const [action, next] = cell.split("/") as [Action, string];
    cells.push({ evt, sta: states[i]!, action, next });
  });
}

test("Table 9-10 has 123 non-empty cells, 13 states, 19 events, 28 actions", () => {
  assert.equal(cells.length, 123);
  assert.equal(transitions.size, 123);
  assert.equal(states.length, 13);
  assert.equal(events.length, 19);
  assert.equal(Object.keys(actionDefinitions).length, 28);
  assert.equal(Object.keys(stateDescriptions).length, 13);
  assert.equal(Object.keys(eventDescriptions).length, 19);
});

test("the table is in the standard's order (event rows, then state columns)", () => {
  const order = [...transitions.keys()];
  const expected = cells.map((c) => `${c.evt}:${c.sta}`);
  assert.deepEqual(order, expected);
});

for (const c of cells) {
  test(`${c.sta} + ${c.evt} -> ${c.action} -> ${c.next}`, () => {
    assert.equal(transitions.get(`${c.evt}:${c.sta}`), c.action);
    if (c.next.includes("|")) {
      const [ifTrue, ifFalse] = c.next.split("|");
      const flag = c.action === "AE-6" ? "rqAcceptable" : "isRequestor";
      const yes = step(c.sta, c.evt, { [flag]: true });
      const no = step(c.sta, c.evt, { [flag]: false });
      assert.deepEqual(yes, { next: ifTrue, actions: [c.action] });
      assert.deepEqual(no, { next: ifFalse, actions: [c.action] });
    } else {
      assert.deepEqual(step(c.sta, c.evt, { rqAcceptable: true, isRequestor: true }), {
        next: c.next,
        actions: [c.action],
      });
      assert.deepEqual(step(c.sta, c.evt, { rqAcceptable: false, isRequestor: false }), {
        next: c.next,
        actions: [c.action],
      });
    }
  });
}

test("empty cells: local primitives are refused, everything else ignored; the state never changes", () => {
  const userPrimitives = new Set<Evt>(["Evt1", "Evt7", "Evt8", "Evt9", "Evt11", "Evt14"]);
  let empty = 0;
  for (const evt of events) {
    for (const sta of states) {
      if (transitions.has(`${evt}:${sta}`)) continue;
      empty++;
      const r = step(sta, evt);
      assert.equal(r.next, sta, `${sta}+${evt}`);
      assert.deepEqual(r.actions, []);
      assert.equal(r.invalid, userPrimitives.has(evt) ? "refuse" : "ignore", `${sta}+${evt}`);
    }
  }
  assert.equal(empty, 13 * 19 - 123);
});

test("specific empty cells", () => {
  assert.equal(step("Sta5", "Evt9").invalid, "refuse"); // P-DATA before AC
  assert.equal(step("Sta13", "Evt11").invalid, "refuse"); // release after abort
  assert.equal(step("Sta13", "Evt15").invalid, "ignore"); // abort twice
  assert.equal(step("Sta6", "Evt18").invalid, "ignore"); // stale ARTIM
  assert.equal(step("Sta1", "Evt17").invalid, "ignore"); // second close
});

test("conditional actions default sensibly and only AE-6/AR-8 are conditional", () => {
  assert.equal(nextState("AE-6"), "Sta3");
  assert.equal(nextState("AR-8"), "Sta10");
  const conditional = Object.entries(actionDefinitions)
    .filter(([, d]) => typeof d.next !== "string")
    .map(([a]) => a);
  assert.deepEqual(conditional.sort(), ["AE-6", "AR-8"]);
});
