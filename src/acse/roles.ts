// PS3.7 D.3.3.4: SCP/SCU role selection, the outcome of a proposal and an answer.

/** A pair of roles, either side possibly unspecified. */
export interface RolePair {
  readonly scuRole: boolean | undefined;
  readonly scpRole: boolean | undefined;
}

/** Which roles each side of the association may take for one presentation context. */
export interface RoleOutcome {
  readonly requestorScu: boolean;
  readonly requestorScp: boolean;
  readonly acceptorScu: boolean;
  readonly acceptorScp: boolean;
}

type Key = "11" | "10" | "01" | "00";

/** Requestor SCU, acceptor SCP: what holds when no role selection is negotiated. */
export const defaultRole: RoleOutcome = Object.freeze({
  requestorScu: true,
  requestorScp: false,
  acceptorScu: false,
  acceptorScp: true,
});
const both: RoleOutcome = Object.freeze({
  requestorScu: true,
  requestorScp: true,
  acceptorScu: true,
  acceptorScp: true,
});
const inverted: RoleOutcome = Object.freeze({
  requestorScu: false,
  requestorScp: true,
  acceptorScu: true,
  acceptorScp: false,
});
/** Neither side may use the context: the acceptor rejects it (user rejection). */
export const contextRejected: RoleOutcome = Object.freeze({
  requestorScu: false,
  requestorScp: false,
  acceptorScu: false,
  acceptorScp: false,
});

/**
 * The outcome table (requestor proposal → acceptor answer → outcome), pynetdicom's. The
 * acceptor cannot grant a role that was not proposed (PS3.7 D.3.3.4), so an answer granting one
 * counts as declining it; the requestor ends up with the roles both proposed and granted, the
 * acceptor with the opposite ones, and none at all rejects the context.
 */
const table: Readonly<Record<Key, Readonly<Record<Key, RoleOutcome>>>> = {
  "11": { "11": both, "10": defaultRole, "01": inverted, "00": contextRejected },
  "10": { "11": defaultRole, "10": defaultRole, "01": contextRejected, "00": contextRejected },
  "01": { "11": inverted, "10": contextRejected, "01": inverted, "00": contextRejected },
  "00": { "11": contextRejected, "10": contextRejected, "01": contextRejected, "00": contextRejected },
};

function key(pair: RolePair | undefined): Key | undefined {
  if (pair?.scuRole === undefined || pair.scpRole === undefined) return undefined;
  return `${pair.scuRole ? 1 : 0}${pair.scpRole ? 1 : 0}` as Key;
}

/**
 * The roles of each side given the requestor's proposal and the acceptor's answer. When either
 * is missing or incomplete (a role left undefined), no role selection took place and the
 * default roles hold.
 */
export function roleOutcome(proposed: RolePair | undefined, answered: RolePair | undefined): RoleOutcome {
  const p = key(proposed);
  const a = key(answered);
  if (p === undefined || a === undefined) return defaultRole;
  return table[p][a];
}
