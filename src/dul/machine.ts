import { type Action, actionDefinitions, type Evt, type Sta, transitions } from "./transitions.js";

/** What a conditional action needs to pick its next state (PS3.8 Tables 9-6 and 9-8). */
export interface StepContext {
  /** AE-6: the A-ASSOCIATE-RQ is acceptable to the service-provider (Sta3), else it is rejected (Sta13). */
  readonly rqAcceptable?: boolean;
  /** AR-8: this side is the association-requestor (Sta9), else the acceptor (Sta10). */
  readonly isRequestor?: boolean;
}

/**
 * How an empty cell of Table 9-10 is handled:
 * - `"refuse"`: a local service-user primitive issued in a state where the protocol does not allow
 *   it (e.g. P-DATA before the association is established, PS3.8 7.1.2.1 and 7.2); the caller gets
 *   an error, nothing is sent and the state does not change;
 * - `"ignore"`: a transport or timer indication that cannot occur in that state (a stale ARTIM
 *   expiry, a second close, a PDU with no connection open); it is dropped.
 */
export type InvalidEvent = "refuse" | "ignore";

/** The result of one step: the next state and the actions to perform, in order. */
export interface StepResult {
  readonly next: Sta;
  /** The action of the cell (one), or none for an empty cell. */
  readonly actions: readonly Action[];
  /** Set when the cell is empty; see {@link InvalidEvent}. */
  readonly invalid?: InvalidEvent;
}

// Events that are primitives issued by the local service-user (PS3.8 Table 9-10 first column).
const userPrimitives: ReadonlySet<Evt> = new Set<Evt>(["Evt1", "Evt7", "Evt8", "Evt9", "Evt11", "Evt14", "Evt15"]);

/**
 * Advances the upper-layer state machine by one event. Pure: no I/O, no timers; the caller
 * performs the returned actions (see `provider.ts`).
 *
 * Every PDU event has a cell in every state where a transport connection is open (an unexpected
 * PDU gets AA-1 in Sta2, AA-8 in Sta3-Sta12, AA-6 or AA-7 in Sta13), so the empty cells of
 * Table 9-10 are either local primitives issued out of turn or indications that cannot happen;
 * PS3.8 9.2.3 gives them no action, and {@link StepResult.invalid} says how they are treated.
 * Evt15 (A-ABORT request) in Sta1, Sta2 or Sta13 is ignored rather than refused: aborting is
 * idempotent, and with no association there is nothing to abort.
 */
export function step(state: Sta, event: Evt, context?: StepContext): StepResult {
  const cell = cells.get(event)?.get(state);
  if (cell !== undefined) return cell;
  const action = transitions.get(`${event}:${state}`);
  if (action === undefined) {
    const invalid: InvalidEvent = userPrimitives.has(event) && event !== "Evt15" ? "refuse" : "ignore";
    return { next: state, actions: [], invalid };
  }
  return { next: nextState(action, context), actions: [action] };
}

// The results of the cells whose next state does not depend on the context (all but AE-6 and
// AR-8), made once: a step is two lookups by interned strings, with no key built and nothing
// allocated (the provider steps a dozen times per association).
const cells = new Map<Evt, Map<Sta, StepResult>>();
for (const [key, action] of transitions) {
  if (typeof actionDefinitions[action].next !== "string") continue;
  const [event, state] = key.split(":") as [Evt, Sta];
  let byState = cells.get(event);
  if (!byState) cells.set(event, (byState = new Map()));
  byState.set(state, Object.freeze({ next: nextState(action), actions: Object.freeze([action]) }));
}

/** The state an action leads to, resolving AE-6 and AR-8 from `context`. */
export function nextState(action: Action, context: StepContext = {}): Sta {
  const n = actionDefinitions[action].next;
  if (typeof n === "string") return n;
  const flag = n.when === "rqAcceptable" ? (context.rqAcceptable ?? true) : (context.isRequestor ?? false);
  return flag ? n.ifTrue : n.ifFalse;
}
