// PS3.7 Annex E, Table E.1-1: the Command Field (0000,0100) values of every DIMSE message.

/** Command Field (0000,0100) values (PS3.7 E.1). Responses have bit 15 set. */
export const CommandField = {
  /** C-STORE-RQ. */
  C_STORE_RQ: 0x0001,
  /** C-STORE-RSP. */
  C_STORE_RSP: 0x8001,
  /** C-GET-RQ. */
  C_GET_RQ: 0x0010,
  /** C-GET-RSP. */
  C_GET_RSP: 0x8010,
  /** C-FIND-RQ. */
  C_FIND_RQ: 0x0020,
  /** C-FIND-RSP. */
  C_FIND_RSP: 0x8020,
  /** C-MOVE-RQ. */
  C_MOVE_RQ: 0x0021,
  /** C-MOVE-RSP. */
  C_MOVE_RSP: 0x8021,
  /** C-ECHO-RQ. */
  C_ECHO_RQ: 0x0030,
  /** C-ECHO-RSP. */
  C_ECHO_RSP: 0x8030,
  /** N-EVENT-REPORT-RQ. */
  N_EVENT_REPORT_RQ: 0x0100,
  /** N-EVENT-REPORT-RSP. */
  N_EVENT_REPORT_RSP: 0x8100,
  /** N-GET-RQ. */
  N_GET_RQ: 0x0110,
  /** N-GET-RSP. */
  N_GET_RSP: 0x8110,
  /** N-SET-RQ. */
  N_SET_RQ: 0x0120,
  /** N-SET-RSP. */
  N_SET_RSP: 0x8120,
  /** N-ACTION-RQ. */
  N_ACTION_RQ: 0x0130,
  /** N-ACTION-RSP. */
  N_ACTION_RSP: 0x8130,
  /** N-CREATE-RQ. */
  N_CREATE_RQ: 0x0140,
  /** N-CREATE-RSP. */
  N_CREATE_RSP: 0x8140,
  /** N-DELETE-RQ. */
  N_DELETE_RQ: 0x0150,
  /** N-DELETE-RSP. */
  N_DELETE_RSP: 0x8150,
  /** C-CANCEL-RQ. */
  C_CANCEL_RQ: 0x0fff,
} as const;

/** One of the {@link CommandField} values. */
export type CommandFieldValue = (typeof CommandField)[keyof typeof CommandField];

/** Priority (0000,0700) values (PS3.7 9.1.1.1.5 / E.1). */
export const Priority = { Medium: 0x0000, High: 0x0001, Low: 0x0002 } as const;

/** One of the {@link Priority} values. */
export type PriorityValue = (typeof Priority)[keyof typeof Priority];

const names: ReadonlyMap<number, string> = new Map(
  Object.entries(CommandField).map(([key, value]) => [value, key.replaceAll("_", "-")]),
);

/** The standard's name of a command field ("C-ECHO-RQ"), or "unknown command 0x1234". */
export function commandName(field: number): string {
  return names.get(field) ?? `unknown command 0x${field.toString(16).padStart(4, "0")}`;
}

/** True when `field` is one of the {@link CommandField} values. */
export function isCommandField(field: number): field is CommandFieldValue {
  return names.has(field);
}

/** True for a response command field (PS3.7 E.1: bit 15 set). C-CANCEL-RQ counts as a request. */
export function isResponse(field: number): boolean {
  return (field & 0x8000) !== 0;
}
