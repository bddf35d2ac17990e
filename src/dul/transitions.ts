// PS3.8 9.2: the DICOM Upper Layer protocol state machine, as data.
// States (Tables 9-1..9-5), actions (Tables 9-6..9-9) and the transition table (Table 9-10).

/** The 13 states of PS3.8 9.2.1. */
export type Sta =
  | "Sta1"
  | "Sta2"
  | "Sta3"
  | "Sta4"
  | "Sta5"
  | "Sta6"
  | "Sta7"
  | "Sta8"
  | "Sta9"
  | "Sta10"
  | "Sta11"
  | "Sta12"
  | "Sta13";

/** The 19 events of PS3.8 Table 9-10. */
export type Evt =
  | "Evt1"
  | "Evt2"
  | "Evt3"
  | "Evt4"
  | "Evt5"
  | "Evt6"
  | "Evt7"
  | "Evt8"
  | "Evt9"
  | "Evt10"
  | "Evt11"
  | "Evt12"
  | "Evt13"
  | "Evt14"
  | "Evt15"
  | "Evt16"
  | "Evt17"
  | "Evt18"
  | "Evt19";

/** The 28 actions of PS3.8 Tables 9-6 (AE), 9-7 (DT), 9-8 (AR) and 9-9 (AA). */
export type Action =
  | "AE-1"
  | "AE-2"
  | "AE-3"
  | "AE-4"
  | "AE-5"
  | "AE-6"
  | "AE-7"
  | "AE-8"
  | "DT-1"
  | "DT-2"
  | "AR-1"
  | "AR-2"
  | "AR-3"
  | "AR-4"
  | "AR-5"
  | "AR-6"
  | "AR-7"
  | "AR-8"
  | "AR-9"
  | "AR-10"
  | "AA-1"
  | "AA-2"
  | "AA-3"
  | "AA-4"
  | "AA-5"
  | "AA-6"
  | "AA-7"
  | "AA-8";

/** Every state, in order. */
export const states: readonly Sta[] = [
  "Sta1",
  "Sta2",
  "Sta3",
  "Sta4",
  "Sta5",
  "Sta6",
  "Sta7",
  "Sta8",
  "Sta9",
  "Sta10",
  "Sta11",
  "Sta12",
  "Sta13",
];

/** Every event, in order. */
export const events: readonly Evt[] = [
  "Evt1",
  "Evt2",
  "Evt3",
  "Evt4",
  "Evt5",
  "Evt6",
  "Evt7",
  "Evt8",
  "Evt9",
  "Evt10",
  "Evt11",
  "Evt12",
  "Evt13",
  "Evt14",
  "Evt15",
  "Evt16",
  "Evt17",
  "Evt18",
  "Evt19",
];

/** What each state means (PS3.8 Tables 9-1..9-5), for logs. */
export const stateDescriptions: Readonly<Record<Sta, string>> = {
  Sta1: "Idle",
  Sta2: "Transport connection open (awaiting A-ASSOCIATE-RQ PDU)",
  Sta3: "Awaiting local A-ASSOCIATE response primitive (from local user)",
  Sta4: "Awaiting transport connection opening to complete (from local transport service)",
  Sta5: "Awaiting A-ASSOCIATE-AC or A-ASSOCIATE-RJ PDU",
  Sta6: "Association established and ready for data transfer",
  Sta7: "Awaiting A-RELEASE-RP PDU",
  Sta8: "Awaiting local A-RELEASE response primitive (from local user)",
  Sta9: "Release collision requestor side; awaiting A-RELEASE response (from local user)",
  Sta10: "Release collision acceptor side; awaiting A-RELEASE-RP PDU",
  Sta11: "Release collision requestor side; awaiting A-RELEASE-RP PDU",
  Sta12: "Release collision acceptor side; awaiting A-RELEASE response primitive (from local user)",
  Sta13: "Awaiting transport connection close indication (association no longer exists)",
};

/** What each event means (PS3.8 Table 9-10, first column), for logs. */
export const eventDescriptions: Readonly<Record<Evt, string>> = {
  Evt1: "A-ASSOCIATE request (local user)",
  Evt2: "Transport connect confirmation (local transport service)",
  Evt3: "A-ASSOCIATE-AC PDU received",
  Evt4: "A-ASSOCIATE-RJ PDU received",
  Evt5: "Transport connection indication (local transport service)",
  Evt6: "A-ASSOCIATE-RQ PDU received",
  Evt7: "A-ASSOCIATE response primitive (accept)",
  Evt8: "A-ASSOCIATE response primitive (reject)",
  Evt9: "P-DATA request primitive",
  Evt10: "P-DATA-TF PDU received",
  Evt11: "A-RELEASE request primitive",
  Evt12: "A-RELEASE-RQ PDU received",
  Evt13: "A-RELEASE-RP PDU received",
  Evt14: "A-RELEASE response primitive",
  Evt15: "A-ABORT request primitive",
  Evt16: "A-ABORT PDU received",
  Evt17: "Transport connection closed indication (local transport service)",
  Evt18: "ARTIM timer expired",
  Evt19: "Unrecognized or invalid PDU received",
};

/**
 * One action of PS3.8 Tables 9-6..9-9: what it does and where it leads. Two actions have a
 * conditional next state: AE-6 (Sta3 if the A-ASSOCIATE-RQ is acceptable to the service-provider,
 * else Sta13) and AR-8 (Sta9 on the association-requestor's side, else Sta10). Every other action
 * has one next state (AA-3's condition only picks which indication is issued, not the state).
 */
export interface ActionDefinition {
  readonly description: string;
  /** The next state, or the two alternatives of a conditional action. */
  readonly next: Sta | { readonly when: "rqAcceptable" | "isRequestor"; readonly ifTrue: Sta; readonly ifFalse: Sta };
}

/** The actions, their descriptions and next states (PS3.8 Tables 9-6..9-9). */
export const actionDefinitions: Readonly<Record<Action, ActionDefinition>> = {
  "AE-1": { description: "Issue TRANSPORT CONNECT request primitive to local transport service", next: "Sta4" },
  "AE-2": { description: "Send A-ASSOCIATE-RQ PDU", next: "Sta5" },
  "AE-3": { description: "Issue A-ASSOCIATE confirmation (accept) primitive", next: "Sta6" },
  "AE-4": {
    description: "Issue A-ASSOCIATE confirmation (reject) primitive and close transport connection",
    next: "Sta1",
  },
  "AE-5": { description: "Issue transport connection response primitive; start ARTIM timer", next: "Sta2" },
  "AE-6": {
    description:
      "Stop ARTIM timer; if the A-ASSOCIATE-RQ is acceptable by the service-provider issue A-ASSOCIATE indication primitive, otherwise send A-ASSOCIATE-RJ PDU and start ARTIM timer",
    next: { when: "rqAcceptable", ifTrue: "Sta3", ifFalse: "Sta13" },
  },
  "AE-7": { description: "Send A-ASSOCIATE-AC PDU", next: "Sta6" },
  "AE-8": { description: "Send A-ASSOCIATE-RJ PDU and start ARTIM timer", next: "Sta13" },
  "DT-1": { description: "Send P-DATA-TF PDU", next: "Sta6" },
  "DT-2": { description: "Send P-DATA indication primitive", next: "Sta6" },
  "AR-1": { description: "Send A-RELEASE-RQ PDU", next: "Sta7" },
  "AR-2": { description: "Issue A-RELEASE indication primitive", next: "Sta8" },
  "AR-3": { description: "Issue A-RELEASE confirmation primitive and close transport connection", next: "Sta1" },
  "AR-4": { description: "Send A-RELEASE-RP PDU and start ARTIM timer", next: "Sta13" },
  "AR-5": { description: "Stop ARTIM timer", next: "Sta1" },
  "AR-6": { description: "Issue P-DATA indication", next: "Sta7" },
  "AR-7": { description: "Send P-DATA-TF PDU", next: "Sta8" },
  "AR-8": {
    description: "Issue A-RELEASE indication (release collision)",
    next: { when: "isRequestor", ifTrue: "Sta9", ifFalse: "Sta10" },
  },
  "AR-9": { description: "Send A-RELEASE-RP PDU", next: "Sta11" },
  "AR-10": { description: "Issue A-RELEASE confirmation primitive", next: "Sta12" },
  "AA-1": {
    description: "Send A-ABORT PDU (service-user source) and start (or restart) ARTIM timer",
    next: "Sta13",
  },
  "AA-2": { description: "Stop ARTIM timer if running; close transport connection", next: "Sta1" },
  "AA-3": {
    description:
      "Issue A-ABORT indication (service-user initiated) or A-P-ABORT indication (service-provider initiated) and close transport connection",
    next: "Sta1",
  },
  "AA-4": { description: "Issue A-P-ABORT indication primitive", next: "Sta1" },
  "AA-5": { description: "Stop ARTIM timer", next: "Sta1" },
  "AA-6": { description: "Ignore PDU", next: "Sta13" },
  "AA-7": { description: "Send A-ABORT PDU", next: "Sta13" },
  "AA-8": {
    description: "Send A-ABORT PDU (service-provider source), issue A-P-ABORT indication and start ARTIM timer",
    next: "Sta13",
  },
};

/** A key of the transition table: event and state. */
export type TransitionKey = `${Evt}:${Sta}`;

/**
 * PS3.8 Table 9-10, one entry per non-empty cell, in the standard's order (event rows, state
 * columns). 123 cells; every pair not listed is an empty cell (see `machine.ts`).
 */
export const transitions: ReadonlyMap<TransitionKey, Action> = new Map<TransitionKey, Action>([
  ["Evt1:Sta1", "AE-1"],

  ["Evt2:Sta4", "AE-2"],

  ["Evt3:Sta2", "AA-1"],
  ["Evt3:Sta3", "AA-8"],
  ["Evt3:Sta5", "AE-3"],
  ["Evt3:Sta6", "AA-8"],
  ["Evt3:Sta7", "AA-8"],
  ["Evt3:Sta8", "AA-8"],
  ["Evt3:Sta9", "AA-8"],
  ["Evt3:Sta10", "AA-8"],
  ["Evt3:Sta11", "AA-8"],
  ["Evt3:Sta12", "AA-8"],
  ["Evt3:Sta13", "AA-6"],

  ["Evt4:Sta2", "AA-1"],
  ["Evt4:Sta3", "AA-8"],
  ["Evt4:Sta5", "AE-4"],
  ["Evt4:Sta6", "AA-8"],
  ["Evt4:Sta7", "AA-8"],
  ["Evt4:Sta8", "AA-8"],
  ["Evt4:Sta9", "AA-8"],
  ["Evt4:Sta10", "AA-8"],
  ["Evt4:Sta11", "AA-8"],
  ["Evt4:Sta12", "AA-8"],
  ["Evt4:Sta13", "AA-6"],

  ["Evt5:Sta1", "AE-5"],

  ["Evt6:Sta2", "AE-6"],
  ["Evt6:Sta3", "AA-8"],
  ["Evt6:Sta5", "AA-8"],
  ["Evt6:Sta6", "AA-8"],
  ["Evt6:Sta7", "AA-8"],
  ["Evt6:Sta8", "AA-8"],
  ["Evt6:Sta9", "AA-8"],
  ["Evt6:Sta10", "AA-8"],
  ["Evt6:Sta11", "AA-8"],
  ["Evt6:Sta12", "AA-8"],
  ["Evt6:Sta13", "AA-7"],

  ["Evt7:Sta3", "AE-7"],

  ["Evt8:Sta3", "AE-8"],

  ["Evt9:Sta6", "DT-1"],
  ["Evt9:Sta8", "AR-7"],

  ["Evt10:Sta2", "AA-1"],
  ["Evt10:Sta3", "AA-8"],
  ["Evt10:Sta5", "AA-8"],
  ["Evt10:Sta6", "DT-2"],
  ["Evt10:Sta7", "AR-6"],
  ["Evt10:Sta8", "AA-8"],
  ["Evt10:Sta9", "AA-8"],
  ["Evt10:Sta10", "AA-8"],
  ["Evt10:Sta11", "AA-8"],
  ["Evt10:Sta12", "AA-8"],
  ["Evt10:Sta13", "AA-6"],

  ["Evt11:Sta6", "AR-1"],

  ["Evt12:Sta2", "AA-1"],
  ["Evt12:Sta3", "AA-8"],
  ["Evt12:Sta5", "AA-8"],
  ["Evt12:Sta6", "AR-2"],
  ["Evt12:Sta7", "AR-8"],
  ["Evt12:Sta8", "AA-8"],
  ["Evt12:Sta9", "AA-8"],
  ["Evt12:Sta10", "AA-8"],
  ["Evt12:Sta11", "AA-8"],
  ["Evt12:Sta12", "AA-8"],
  ["Evt12:Sta13", "AA-6"],

  ["Evt13:Sta2", "AA-1"],
  ["Evt13:Sta3", "AA-8"],
  ["Evt13:Sta5", "AA-8"],
  ["Evt13:Sta6", "AA-8"],
  ["Evt13:Sta7", "AR-3"],
  ["Evt13:Sta8", "AA-8"],
  ["Evt13:Sta9", "AA-8"],
  ["Evt13:Sta10", "AR-10"],
  ["Evt13:Sta11", "AR-3"],
  ["Evt13:Sta12", "AA-8"],
  ["Evt13:Sta13", "AA-6"],

  ["Evt14:Sta8", "AR-4"],
  ["Evt14:Sta9", "AR-9"],
  ["Evt14:Sta12", "AR-4"],

  ["Evt15:Sta3", "AA-1"],
  ["Evt15:Sta4", "AA-2"],
  ["Evt15:Sta5", "AA-1"],
  ["Evt15:Sta6", "AA-1"],
  ["Evt15:Sta7", "AA-1"],
  ["Evt15:Sta8", "AA-1"],
  ["Evt15:Sta9", "AA-1"],
  ["Evt15:Sta10", "AA-1"],
  ["Evt15:Sta11", "AA-1"],
  ["Evt15:Sta12", "AA-1"],

  ["Evt16:Sta2", "AA-2"],
  ["Evt16:Sta3", "AA-3"],
  ["Evt16:Sta5", "AA-3"],
  ["Evt16:Sta6", "AA-3"],
  ["Evt16:Sta7", "AA-3"],
  ["Evt16:Sta8", "AA-3"],
  ["Evt16:Sta9", "AA-3"],
  ["Evt16:Sta10", "AA-3"],
  ["Evt16:Sta11", "AA-3"],
  ["Evt16:Sta12", "AA-3"],
  ["Evt16:Sta13", "AA-2"],

  ["Evt17:Sta2", "AA-5"],
  ["Evt17:Sta3", "AA-4"],
  ["Evt17:Sta4", "AA-4"],
  ["Evt17:Sta5", "AA-4"],
  ["Evt17:Sta6", "AA-4"],
  ["Evt17:Sta7", "AA-4"],
  ["Evt17:Sta8", "AA-4"],
  ["Evt17:Sta9", "AA-4"],
  ["Evt17:Sta10", "AA-4"],
  ["Evt17:Sta11", "AA-4"],
  ["Evt17:Sta12", "AA-4"],
  ["Evt17:Sta13", "AR-5"],

  ["Evt18:Sta2", "AA-2"],
  ["Evt18:Sta13", "AA-2"],

  ["Evt19:Sta2", "AA-1"],
  ["Evt19:Sta3", "AA-8"],
  ["Evt19:Sta5", "AA-8"],
  ["Evt19:Sta6", "AA-8"],
  ["Evt19:Sta7", "AA-8"],
  ["Evt19:Sta8", "AA-8"],
  ["Evt19:Sta9", "AA-8"],
  ["Evt19:Sta10", "AA-8"],
  ["Evt19:Sta11", "AA-8"],
  ["Evt19:Sta12", "AA-8"],
  ["Evt19:Sta13", "AA-7"],
]);
