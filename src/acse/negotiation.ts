// PS3.8 9.3.3.2 and PS3.7 D.3.3.4: presentation context negotiation as pure functions.
import type { PresentationContextAcItem, RoleSelectionItem } from "../pdu/index.js";
import { SCPSCURoleSelectionNegotiation } from "./negotiation-items.js";
import { answerContext, type PresentationContext } from "./presentation-context.js";
import { type RolePair, roleOutcome } from "./roles.js";
import { isValidUid, NegotiationValueError } from "./uid.js";

/** PS3.8 Table 9-18: the result of one presentation context. */
export const ContextResult = {
  Acceptance: 0,
  UserRejection: 1,
  NoReason: 2,
  AbstractSyntaxNotSupported: 3,
  TransferSyntaxesNotSupported: 4,
} as const;

/** Options of {@link negotiateAsAcceptor}. */
export interface AcceptorNegotiationOptions {
  /**
   * Whose preference picks the transfer syntax among those both sides support: `"requestor"`
   * (default) takes the first of the requestor's list the acceptor supports; `"acceptor"` the
   * first of the acceptor's own list the requestor proposed, which is what pynetdicom does.
   */
  readonly transferSyntaxOrder?: "requestor" | "acceptor";
}

/** What {@link negotiateAsAcceptor} decides. */
export interface AcceptorNegotiation {
  /** One answer per requested context, by increasing context ID, with `asScu`/`asScp` for the acceptor. */
  readonly contexts: PresentationContext[];
  /** The SCP/SCU Role Selection items to send back, by SOP class UID. */
  readonly roles: SCPSCURoleSelectionNegotiation[];
}

function firstTransferSyntax(cx: PresentationContext): string[] {
  const first = cx.transferSyntaxes[0];
  return first === undefined ? [] : [first];
}

function rolesBySopClass(items: readonly RoleSelectionItem[]): ReadonlyMap<string, RolePair> {
  // Most requests carry no role selection: one shared empty map rather than a new one each time.
  if (items.length === 0) return noRoles;
  // A repeated item for one SOP class is out of rule (PS3.7 D.3.3.4); the last one counts.
  return new Map(items.map((r) => [r.sopClassUid, { scuRole: r.scuRole, scpRole: r.scpRole }]));
}

const noRoles: ReadonlyMap<string, RolePair> = new Map();

// A frozen supported list (a server's, see AE.acceptorContexts) is indexed once, not per request.
const indexes = new WeakMap<readonly PresentationContext[], ReadonlyMap<string, PresentationContext>>();

/** The supported contexts by abstract syntax, the first one winning. */
function supportedIndex(supported: readonly PresentationContext[]): ReadonlyMap<string, PresentationContext> {
  const known = indexes.get(supported);
  if (known) return known;
  const index = new Map<string, PresentationContext>();
  for (const cx of supported) {
    if (cx.abstractSyntax !== undefined && !index.has(cx.abstractSyntax)) index.set(cx.abstractSyntax, cx);
  }
  // Only a frozen list cannot change under the index; any other is indexed each time.
  if (Object.isFrozen(supported)) indexes.set(supported, index);
  return index;
}

/**
 * The acceptor's answer to each context of an A-ASSOCIATE-RQ (PS3.8 9.3.3.2):
 * abstract syntax not among `supported` → 3; supported but no transfer syntax in common → 4;
 * otherwise acceptance with one transfer syntax (see {@link AcceptorNegotiationOptions}), then
 * role selection (PS3.7 D.3.3.4): when the supported context leaves `scuRole` or `scpRole`
 * undefined no role answer is sent and the default roles hold; otherwise the outcome table
 * applies, and an outcome that leaves neither side a role turns the acceptance into a user
 * rejection (1). A role answer never grants a role that was not proposed.
 *
 * Supported contexts are keyed by abstract syntax, the first one winning. A repeated context
 * ID among `requested` (out of rule, PS3.8 9.3.2.2) is answered once, for its first context.
 */
export function negotiateAsAcceptor(
  requested: readonly PresentationContext[],
  supported: readonly PresentationContext[],
  roleSelections: readonly RoleSelectionItem[] = [],
  options: AcceptorNegotiationOptions = {},
): AcceptorNegotiation {
  const byAbstractSyntax = supportedIndex(supported);
  const proposedRoles = rolesBySopClass(roleSelections);
  const seenIds = new Set<number | undefined>();
  const contexts: PresentationContext[] = [];
  let roles: Map<string, SCPSCURoleSelectionNegotiation> | undefined;

  for (const rq of requested) {
    if (seenIds.has(rq.contextId)) continue;
    seenIds.add(rq.contextId);
    const abstractSyntax = rq.abstractSyntax ?? "";
    const ac = byAbstractSyntax.get(abstractSyntax);
    const rejected = (result: number): PresentationContext =>
      rq.with({
        transferSyntaxes: firstTransferSyntax(rq),
        result,
        asScu: false,
        asScp: false,
        scuRole: undefined,
        scpRole: undefined,
      });
    if (ac === undefined) {
      contexts.push(rejected(ContextResult.AbstractSyntaxNotSupported));
      continue;
    }
    const chosen =
      options.transferSyntaxOrder === "acceptor"
        ? firstCommon(ac.transferSyntaxes, rq.transferSyntaxes)
        : firstCommon(rq.transferSyntaxes, ac.transferSyntaxes);
    if (chosen === undefined) {
      contexts.push(rejected(ContextResult.TransferSyntaxesNotSupported));
      continue;
    }
    const proposal = proposedRoles.get(abstractSyntax);
    const answerable = ac.scuRole !== undefined && ac.scpRole !== undefined;
    const outcome = roleOutcome(proposal, answerable ? ac : undefined);
    const usable = outcome.acceptorScu || outcome.acceptorScp;
    // `chosen` is one of the supported context's transfer syntaxes: checked when that was made.
    contexts.push(
      answerContext(
        rq,
        chosen,
        usable ? ContextResult.Acceptance : ContextResult.UserRejection,
        outcome.acceptorScu,
        outcome.acceptorScp,
      ),
    );
    if (usable && proposal !== undefined && answerable) {
      // PS3.7 D.3.3.4: the acceptor may not answer 1 for a role proposed as 0.
      (roles ??= new Map()).set(
        abstractSyntax,
        new SCPSCURoleSelectionNegotiation(abstractSyntax, {
          scuRole: proposal.scuRole === true && ac.scuRole === true,
          scpRole: proposal.scpRole === true && ac.scpRole === true,
        }),
      );
    }
  }
  // Proposed in increasing order as a rule: sorted only when not (the comparisons read getters).
  if (!byIncreasingId(contexts)) contexts.sort((a, b) => (a.contextId ?? 0) - (b.contextId ?? 0));
  const sortedRoles = roles ? [...roles.values()].sort((a, b) => (a.sopClassUid < b.sopClassUid ? -1 : 1)) : [];
  return { contexts, roles: sortedRoles };
}

/** The first of `preferred` that `other` lists too. */
function firstCommon(preferred: readonly string[], other: readonly string[]): string | undefined {
  for (let i = 0; i < preferred.length; i++) {
    const uid = preferred[i] as string;
    if (other.includes(uid)) return uid;
  }
  return undefined;
}

/** True when the context IDs increase (as `sort` by ID, undefined counting as 0, would leave them). */
function byIncreasingId(contexts: readonly PresentationContext[]): boolean {
  let previous = -1;
  for (let i = 0; i < contexts.length; i++) {
    const id = (contexts[i] as PresentationContext).contextId ?? 0;
    if (id < previous) return false;
    previous = id;
  }
  return true;
}

/**
 * The requestor's view of the A-ASSOCIATE-AC answers: every requested context, by increasing
 * ID, with its abstract syntax, the result, the accepted transfer syntax and the requestor's
 * negotiated `asScu`/`asScp`. A context the acceptor did not answer counts as rejected without
 * reason (2); an answer for a context ID that was not requested is ignored. The roles proposed
 * are the requested contexts' `scuRole`/`scpRole`, unless `proposedRoles` (the RQ's role items)
 * is given. Rejected contexts get no role at all (pynetdicom marks them SCU).
 */
export function negotiateAsRequestor(
  requested: readonly PresentationContext[],
  acItems: readonly PresentationContextAcItem[],
  roleItems: readonly RoleSelectionItem[] = [],
  proposedRoles?: readonly RoleSelectionItem[],
): PresentationContext[] {
  if (requested.length === 0) throw new NegotiationValueError("negotiation as requestor needs the requested contexts");
  const answers = new Map<number, PresentationContextAcItem>();
  for (const item of acItems) if (!answers.has(item.contextId)) answers.set(item.contextId, item);
  const answeredRoles = rolesBySopClass(roleItems);
  const proposals = proposedRoles ? rolesBySopClass(proposedRoles) : undefined;
  const out: PresentationContext[] = [];
  const seenIds = new Set<number | undefined>();
  for (const rq of requested) {
    if (seenIds.has(rq.contextId)) continue;
    seenIds.add(rq.contextId);
    const answer = rq.contextId === undefined ? undefined : answers.get(rq.contextId);
    if (answer === undefined) {
      out.push(
        rq.with({
          transferSyntaxes: firstTransferSyntax(rq),
          result: ContextResult.NoReason,
          asScu: false,
          asScp: false,
        }),
      );
      continue;
    }
    // PS3.8 9.3.3.2: the transfer syntax of a rejected context is not significant, so a
    // missing or malformed one is dropped rather than thrown on.
    const transferSyntaxes = isValidUid(answer.transferSyntax) ? [answer.transferSyntax] : [];
    if (answer.result !== ContextResult.Acceptance) {
      out.push(rq.with({ transferSyntaxes, result: answer.result, asScu: false, asScp: false }));
      continue;
    }
    if (transferSyntaxes.length === 0) {
      throw new NegotiationValueError(
        `the acceptor accepted presentation context ${answer.contextId} with transfer syntax "${answer.transferSyntax}"`,
      );
    }
    const abstractSyntax = rq.abstractSyntax ?? "";
    const proposal = proposals ? proposals.get(abstractSyntax) : rq;
    const outcome = roleOutcome(proposal, answeredRoles.get(abstractSyntax));
    out.push(
      rq.with({
        transferSyntaxes,
        result: ContextResult.Acceptance,
        asScu: outcome.requestorScu,
        asScp: outcome.requestorScp,
      }),
    );
  }
  return out.sort((a, b) => (a.contextId ?? 0) - (b.contextId ?? 0));
}
