// PS3.8 9.3.3.2 and PS3.7 D.3.3.4: presentation context negotiation as pure functions.
import type { PresentationContextAcItem, PresentationContextRqItem, RoleSelectionItem } from "../pdu/index.js";
import { SCPSCURoleSelectionNegotiation } from "./negotiation-items.js";
import {
  answerContext,
  answerRqItem,
  fromRqItem,
  type PresentationContext,
  requestorAnswer,
} from "./presentation-context.js";
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

/** What a proposed context needs to be negotiated: a {@link PresentationContext} or an A-ASSOCIATE-RQ item. */
interface Proposed {
  readonly contextId?: number | undefined;
  readonly abstractSyntax?: string | undefined;
  readonly transferSyntaxes: readonly string[];
}

/** The answer to one proposed context, before it is made a {@link PresentationContext}. */
interface Step {
  /** Index of the proposed context in the requested list. */
  readonly index: number;
  readonly result: number;
  /** Accepted (or user-rejected by roles): the transfer syntax chosen; undefined for results 3 and 4. */
  readonly transferSyntax: string | undefined;
  readonly asScu: boolean;
  readonly asScp: boolean;
}

/** The outcome of {@link plan}: one step per answered context, by increasing context ID, and the role items. */
interface Plan {
  readonly steps: readonly Step[];
  readonly roles: SCPSCURoleSelectionNegotiation[];
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
  const { steps, roles } = plan(requested, supported, roleSelections, options);
  const contexts: PresentationContext[] = [];
  for (const step of steps) {
    const rq = requested[step.index] as PresentationContext;
    contexts.push(
      step.transferSyntax === undefined
        ? rejected(rq, step.result)
        : // One of the supported context's transfer syntaxes: checked when that was made.
          answerContext(rq, step.transferSyntax, step.result, step.asScu, step.asScp),
    );
  }
  return { contexts, roles };
}

/** The plans made for frozen A-ASSOCIATE-RQ context lists (see {@link negotiateRqItemsAsAcceptor}). */
const plans = new WeakMap<
  readonly PresentationContextRqItem[],
  { readonly supported: readonly PresentationContext[]; readonly plan: Plan }
>();

/**
 * @internal {@link negotiateAsAcceptor} (requestor's transfer syntax order) straight from the
 * A-ASSOCIATE-RQ's items, with no {@link PresentationContext} made for the proposal. A frozen
 * item list (`decodePdu` gives the same one for the same request bytes) with a frozen supported
 * list (a server's) and no role selection is negotiated once: later associations only make
 * their answers. A storescu proposing 120-odd contexts made a storage SCP redo it all each time.
 */
export function negotiateRqItemsAsAcceptor(
  items: readonly PresentationContextRqItem[],
  supported: readonly PresentationContext[],
  roleSelections: readonly RoleSelectionItem[] = [],
): AcceptorNegotiation {
  const reusable = roleSelections.length === 0 && Object.isFrozen(items) && Object.isFrozen(supported);
  const known = reusable ? plans.get(items) : undefined;
  let made: Plan;
  if (known !== undefined && known.supported === supported) made = known.plan;
  else {
    made = plan(items, supported, roleSelections, {});
    // Without role selection there are no role items, the only objects a plan holds.
    if (reusable) plans.set(items, { supported, plan: made });
  }
  const contexts: PresentationContext[] = [];
  for (const step of made.steps) {
    const item = items[step.index] as PresentationContextRqItem;
    contexts.push(
      step.transferSyntax === undefined
        ? rejected(fromRqItem(item), step.result)
        : answerRqItem(item, step.transferSyntax, step.result, step.asScu, step.asScp),
    );
  }
  // A copy: a reused plan's list (empty) is shared, the caller's answer is its own.
  return { contexts, roles: [...made.roles] };
}

/** The answer to a context rejected with `result` (3 or 4): its first transfer syntax, no roles. */
function rejected(rq: PresentationContext, result: number): PresentationContext {
  return rq.with({
    transferSyntaxes: firstTransferSyntax(rq),
    result,
    asScu: false,
    asScp: false,
    scuRole: undefined,
    scpRole: undefined,
  });
}

/** The negotiation itself (see {@link negotiateAsAcceptor}), as steps. */
function plan(
  requested: readonly Proposed[],
  supported: readonly PresentationContext[],
  roleSelections: readonly RoleSelectionItem[],
  options: AcceptorNegotiationOptions,
): Plan {
  const byAbstractSyntax = supportedIndex(supported);
  const proposedRoles = rolesBySopClass(roleSelections);
  const seenIds = new Set<number | undefined>();
  const steps: Step[] = [];
  let roles: Map<string, SCPSCURoleSelectionNegotiation> | undefined;

  for (let index = 0; index < requested.length; index++) {
    const rq = requested[index] as Proposed;
    if (seenIds.has(rq.contextId)) continue;
    seenIds.add(rq.contextId);
    const abstractSyntax = rq.abstractSyntax ?? "";
    const ac = byAbstractSyntax.get(abstractSyntax);
    if (ac === undefined) {
      steps.push({
        index,
        result: ContextResult.AbstractSyntaxNotSupported,
        transferSyntax: undefined,
        asScu: false,
        asScp: false,
      });
      continue;
    }
    const chosen =
      options.transferSyntaxOrder === "acceptor"
        ? firstCommon(ac.transferSyntaxes, rq.transferSyntaxes)
        : firstCommon(rq.transferSyntaxes, ac.transferSyntaxes);
    if (chosen === undefined) {
      steps.push({
        index,
        result: ContextResult.TransferSyntaxesNotSupported,
        transferSyntax: undefined,
        asScu: false,
        asScp: false,
      });
      continue;
    }
    const proposal = proposedRoles.get(abstractSyntax);
    const answerable = ac.scuRole !== undefined && ac.scpRole !== undefined;
    const outcome = roleOutcome(proposal, answerable ? ac : undefined);
    const usable = outcome.acceptorScu || outcome.acceptorScp;
    steps.push({
      index,
      result: usable ? ContextResult.Acceptance : ContextResult.UserRejection,
      transferSyntax: chosen,
      asScu: outcome.acceptorScu,
      asScp: outcome.acceptorScp,
    });
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
  // Proposed in increasing order as a rule: sorted only when not. Stable, as the sort of the
  // answers by ID it stands for (an undefined ID counts as 0).
  const idOf = (step: Step) => (requested[step.index] as Proposed).contextId ?? 0;
  if (!byIncreasingId(steps, idOf)) steps.sort((a, b) => idOf(a) - idOf(b));
  const sortedRoles = roles ? [...roles.values()].sort((a, b) => (a.sopClassUid < b.sopClassUid ? -1 : 1)) : [];
  return { steps, roles: sortedRoles };
}

/** The first of `preferred` that `other` lists too. */
function firstCommon(preferred: readonly string[], other: readonly string[]): string | undefined {
  for (let i = 0; i < preferred.length; i++) {
    const uid = preferred[i] as string;
    if (other.includes(uid)) return uid;
  }
  return undefined;
}

/** True when the IDs never decrease (a stable sort by ID would leave the list as it is). */
function byIncreasingId<T>(list: readonly T[], idOf: (x: T) => number): boolean {
  let previous = -1;
  for (let i = 0; i < list.length; i++) {
    const id = idOf(list[i] as T);
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
    // missing or malformed one is dropped rather than thrown on. Checked here, so the answers
    // below are made without the setters' checks (requestorAnswer).
    const transferSyntax = isValidUid(answer.transferSyntax) ? answer.transferSyntax : undefined;
    if (answer.result !== ContextResult.Acceptance) {
      out.push(requestorAnswer(rq, transferSyntax, answer.result, false, false));
      continue;
    }
    if (transferSyntax === undefined) {
      throw new NegotiationValueError(
        `the acceptor accepted presentation context ${answer.contextId} with transfer syntax "${answer.transferSyntax}"`,
      );
    }
    const abstractSyntax = rq.abstractSyntax ?? "";
    const proposal = proposals ? proposals.get(abstractSyntax) : rq;
    const outcome = roleOutcome(proposal, answeredRoles.get(abstractSyntax));
    out.push(requestorAnswer(rq, transferSyntax, ContextResult.Acceptance, outcome.requestorScu, outcome.requestorScp));
  }
  return out.sort((a, b) => (a.contextId ?? 0) - (b.contextId ?? 0));
}
