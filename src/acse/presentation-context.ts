// PS3.8 9.3.2.2, 9.3.3.2 and PS3.7 Annex D.3.3.4: a presentation context as the negotiation sees it.
import { ts, uidName } from "../dataset/uids.js";
import type { PresentationContextAcItem, PresentationContextRqItem } from "../pdu/index.js";
import { SCPSCURoleSelectionNegotiation } from "./negotiation-items.js";
import { checkUid, NegotiationValueError } from "./uid.js";

/**
 * The transfer syntaxes {@link buildContext} offers when given none: pynetdicom's
 * `DEFAULT_TRANSFER_SYNTAXES`, in its order (checked against its 2.1 and stable reference).
 */
export const defaultTransferSyntaxes: readonly string[] = Object.freeze([
  ts.ImplicitVRLittleEndian,
  ts.ExplicitVRLittleEndian,
  ts.DeflatedExplicitVRLittleEndian,
  ts.ExplicitVRBigEndian,
]);

/** The values a {@link PresentationContext} can be created with; every one is optional. */
export interface PresentationContextInit {
  /** The Presentation Context ID: odd, 1-255 (PS3.8 9.3.2.2); assigned when proposed if absent. */
  readonly contextId?: number | undefined;
  /** The abstract syntax: a SOP class (or meta SOP class) UID. */
  readonly abstractSyntax?: string | undefined;
  /** The transfer syntaxes proposed (in order of preference), or the one accepted. */
  readonly transferSyntaxes?: readonly string[] | undefined;
  /** 0 acceptance … 4 transfer syntaxes not supported (PS3.8 Table 9-18); absent while proposed. */
  readonly result?: number | undefined;
  /** SCP/SCU Role Selection: the SCU role proposed or granted (PS3.7 D.3.3.4). */
  readonly scuRole?: boolean | undefined;
  /** SCP/SCU Role Selection: the SCP role proposed or granted (PS3.7 D.3.3.4). */
  readonly scpRole?: boolean | undefined;
  /** Negotiated: whether this side may act as SCU for the context. */
  readonly asScu?: boolean | undefined;
  /** Negotiated: whether this side may act as SCP for the context. */
  readonly asScp?: boolean | undefined;
}

/** The text of each presentation context result, as pynetdicom's `status` gives it. */
const statusText: Readonly<Record<number, string>> = {
  0: "Accepted",
  1: "User Rejected",
  2: "Provider Rejected",
  3: "Abstract Syntax Not Supported",
  4: "Transfer Syntax(es) Not Supported",
};

/** Throws unless `id` is an odd integer 1–255 (PS3.8 9.3.2.2). */
export function checkContextId(id: number): number {
  if (!Number.isInteger(id) || id < 1 || id > 255 || id % 2 === 0) {
    throw new NegotiationValueError(`presentation context ID ${id} is not an odd integer between 1 and 255`);
  }
  return id;
}

/** Set by {@link PresentationContext}'s static block: see {@link answerContext}. */
let answerOf: (
  contextId: number | undefined,
  abstractSyntax: string | undefined,
  transferSyntax: string | undefined,
  result: number,
  asScu: boolean,
  asScp: boolean,
  scuRole?: boolean,
  scpRole?: boolean,
) => PresentationContext;

/**
 * One presentation context: an abstract syntax, the transfer syntaxes for it and, once
 * negotiated, the result and the roles each side may take.
 *
 * As requestor, `scuRole`/`scpRole` are the roles proposed for the requestor in an SCP/SCU Role
 * Selection item. As acceptor, they say whether a proposed role is accepted; when either is
 * undefined the acceptor sends no role reply and the default roles apply (PS3.7 D.3.3.4).
 * `asScu`/`asScp` are the negotiated outcome for the side that holds the context.
 */
export class PresentationContext {
  #contextId: number | undefined;
  #abstractSyntax: string | undefined;
  #transferSyntaxes: string[] = [];
  /** The negotiation result (PS3.8 Table 9-18); undefined while only proposed. */
  readonly result: number | undefined;
  #scuRole: boolean | undefined;
  #scpRole: boolean | undefined;
  /** Negotiated: this side may act as SCU for the context; undefined before negotiation. */
  readonly asScu: boolean | undefined;
  /** Negotiated: this side may act as SCP for the context; undefined before negotiation. */
  readonly asScp: boolean | undefined;

  /** Creates a context; every value given is validated as its setter would. */
  constructor(init?: PresentationContextInit) {
    // Nothing given (the negotiation's answers, a peer's proposals): the fields' undefined and [] stand.
    if (init === undefined) return;
    if (init.contextId !== undefined) this.contextId = init.contextId;
    if (init.abstractSyntax !== undefined) this.abstractSyntax = init.abstractSyntax;
    if (init.transferSyntaxes !== undefined) this.transferSyntaxes = init.transferSyntaxes;
    // Undefined is what the fields hold already, and always valid.
    if (init.scuRole !== undefined) this.scuRole = init.scuRole;
    if (init.scpRole !== undefined) this.scpRole = init.scpRole;
    this.result = init.result;
    this.asScu = init.asScu;
    this.asScp = init.asScp;
  }

  /** Odd integer 1–255 (PS3.8 9.3.2.2); undefined until assigned. */
  get contextId(): number | undefined {
    return this.#contextId;
  }
  /** Sets the context ID: an odd integer 1–255 (PS3.8 9.3.2.2). */
  set contextId(id: number | undefined) {
    this.#contextId = id === undefined ? undefined : checkContextId(id);
  }

  /** The abstract syntax (SOP class) UID. */
  get abstractSyntax(): string | undefined {
    return this.#abstractSyntax;
  }
  /** Sets the abstract syntax UID (validated). */
  set abstractSyntax(uid: string | undefined) {
    this.#abstractSyntax = uid === undefined ? undefined : checkUid(uid, "abstract syntax");
  }

  /** The transfer syntax UIDs in order of preference; after acceptance, just the accepted one. */
  get transferSyntaxes(): readonly string[] {
    return this.#transferSyntaxes;
  }
  /** Replaces the transfer syntax UIDs (each validated; a duplicate is an error). */
  set transferSyntaxes(uids: readonly string[]) {
    const seen = new Set<string>();
    for (const uid of uids) {
      checkUid(uid, "transfer syntax");
      if (seen.has(uid)) throw new NegotiationValueError(`transfer syntax ${uid} is listed twice`);
      seen.add(uid);
    }
    this.#transferSyntaxes = [...uids];
  }

  /** Appends a transfer syntax; one already present is left where it is. */
  addTransferSyntax(uid: string): void {
    checkUid(uid, "transfer syntax");
    if (!this.#transferSyntaxes.includes(uid)) this.#transferSyntaxes.push(uid);
  }

  /** Requestor: propose the SCU role. Acceptor: accept a proposed SCU role. Undefined: no role selection. */
  get scuRole(): boolean | undefined {
    return this.#scuRole;
  }
  /** Sets the proposed SCU role (requestor) or whether to accept it (acceptor); undefined: no role selection. */
  set scuRole(value: boolean | undefined) {
    this.#scuRole = checkRole(value, "scuRole");
  }

  /** Requestor: propose the SCP role. Acceptor: accept a proposed SCP role. Undefined: no role selection. */
  get scpRole(): boolean | undefined {
    return this.#scpRole;
  }
  /** Sets the proposed SCP role (requestor) or whether to accept it (acceptor); undefined: no role selection. */
  set scpRole(value: boolean | undefined) {
    this.#scpRole = checkRole(value, "scpRole");
  }

  /** The result as text ("Accepted", "Abstract Syntax Not Supported"…), "Pending" before negotiation. */
  get status(): string {
    if (this.result === undefined) return "Pending";
    return statusText[this.result] ?? "Unknown";
  }

  /** The accepted transfer syntax (the first one listed), or undefined. */
  get transferSyntax(): string | undefined {
    return this.#transferSyntaxes[0];
  }

  /**
   * A proposed context exactly as a peer sent it, without the checks the setters make (a peer's
   * odd values must survive to be answered and logged).
   */
  static fromPeer(contextId: number, abstractSyntax: string, transferSyntaxes: readonly string[]): PresentationContext {
    const cx = new PresentationContext();
    cx.#contextId = contextId;
    cx.#abstractSyntax = abstractSyntax;
    cx.#transferSyntaxes = [...transferSyntaxes];
    return cx;
  }

  static {
    answerOf = (contextId, abstractSyntax, transferSyntax, result, asScu, asScp, scuRole, scpRole) => {
      const cx = new PresentationContext();
      cx.#contextId = contextId;
      cx.#abstractSyntax = abstractSyntax;
      if (transferSyntax !== undefined) cx.#transferSyntaxes = [transferSyntax];
      cx.#scuRole = scuRole;
      cx.#scpRole = scpRole;
      const negotiated = cx as { result: number | undefined; asScu: boolean | undefined; asScp: boolean | undefined };
      negotiated.result = result;
      negotiated.asScu = asScu;
      negotiated.asScp = asScp;
      return cx;
    };
  }

  /** A copy, with `changes` applied (and validated); values kept from this one are copied as they are. */
  with(changes: PresentationContextInit): PresentationContext {
    const cx = new PresentationContext({
      result: "result" in changes ? changes.result : this.result,
      scuRole: "scuRole" in changes ? changes.scuRole : this.scuRole,
      scpRole: "scpRole" in changes ? changes.scpRole : this.scpRole,
      asScu: "asScu" in changes ? changes.asScu : this.asScu,
      asScp: "asScp" in changes ? changes.asScp : this.asScp,
    });
    if ("contextId" in changes) cx.contextId = changes.contextId;
    else cx.#contextId = this.#contextId;
    if ("abstractSyntax" in changes) cx.abstractSyntax = changes.abstractSyntax;
    else cx.#abstractSyntax = this.#abstractSyntax;
    if (changes.transferSyntaxes !== undefined) cx.transferSyntaxes = changes.transferSyntaxes;
    else cx.#transferSyntaxes = [...this.#transferSyntaxes];
    return cx;
  }

  /** Lines for logs: ID, abstract syntax, transfer syntaxes, result and role when known. */
  toString(): string {
    const lines: string[] = [];
    if (this.contextId !== undefined) lines.push(`ID: ${this.contextId}`);
    if (this.abstractSyntax !== undefined) lines.push(`Abstract Syntax: ${uidName(this.abstractSyntax)}`);
    lines.push("Transfer Syntax(es):");
    if (this.#transferSyntaxes.length === 0) lines.push("    (none)");
    for (const uid of this.#transferSyntaxes) lines.push(`    =${uidName(uid)}`);
    if (this.result !== undefined) lines.push(`Result: ${this.status}`);
    if (this.asScu !== undefined && this.asScp !== undefined) lines.push(`Role: ${roleText(this.asScu, this.asScp)}`);
    return lines.join("\n");
  }
}

/**
 * @internal The acceptor's answer to the proposed context `rq` (see `negotiateAsAcceptor`): its
 * ID and abstract syntax as proposed, `transferSyntax`, the result and the acceptor's roles, no
 * role selection. As `rq.with(…)` would make it, without the setters' checks: the transfer
 * syntax is one of the acceptor's own supported contexts', already checked, and the rest are
 * constants. With 100-odd contexts proposed, the checks cost about as much as the rest of the
 * negotiation.
 */
export function answerContext(
  rq: PresentationContext,
  transferSyntax: string,
  result: number,
  asScu: boolean,
  asScp: boolean,
): PresentationContext {
  return answerOf(rq.contextId, rq.abstractSyntax, transferSyntax, result, asScu, asScp);
}

/**
 * @internal The requestor's view of the answer to its proposed context `rq` (see
 * `negotiateAsRequestor`): as `rq.with({ transferSyntaxes, result, asScu, asScp })` would make
 * it (the proposed roles kept), without the checks: `transferSyntax` was checked by the caller
 * (undefined: none, for a rejected context whose answer had no valid one).
 */
export function requestorAnswer(
  rq: PresentationContext,
  transferSyntax: string | undefined,
  result: number,
  asScu: boolean,
  asScp: boolean,
): PresentationContext {
  return answerOf(rq.contextId, rq.abstractSyntax, transferSyntax, result, asScu, asScp, rq.scuRole, rq.scpRole);
}

/** @internal {@link answerContext} for the proposed context `item` of an A-ASSOCIATE-RQ, as `fromRqItem(item)` would give it. */
export function answerRqItem(
  item: PresentationContextRqItem,
  transferSyntax: string,
  result: number,
  asScu: boolean,
  asScp: boolean,
): PresentationContext {
  return answerOf(item.contextId, item.abstractSyntax, transferSyntax, result, asScu, asScp);
}

function checkRole(value: unknown, what: string): boolean | undefined {
  if (value !== undefined && typeof value !== "boolean") {
    throw new NegotiationValueError(`${what} must be a boolean or undefined, got ${typeof value}`);
  }
  return value;
}

function roleText(scu: boolean, scp: boolean): string {
  if (scu && scp) return "SCU and SCP";
  if (scu) return "SCU only";
  return scp ? "SCP only" : "(none)";
}

/**
 * A context for `abstractSyntax` offering `transferSyntaxes` (one UID or a list; default
 * pynetdicom's `DEFAULT_TRANSFER_SYNTAXES`). The context ID is left for the association to assign.
 */
export function buildContext(
  abstractSyntax: string,
  transferSyntaxes: string | readonly string[] = defaultTransferSyntaxes,
): PresentationContext {
  const list = typeof transferSyntaxes === "string" ? [transferSyntaxes] : transferSyntaxes;
  return new PresentationContext({ abstractSyntax, transferSyntaxes: list });
}

/** The A-ASSOCIATE-RQ item for a proposed context; it needs a context ID, an abstract syntax and a transfer syntax. */
export function toRqItem(cx: PresentationContext): PresentationContextRqItem {
  if (cx.contextId === undefined) throw new NegotiationValueError("a proposed presentation context has no ID");
  if (cx.abstractSyntax === undefined) {
    throw new NegotiationValueError(`presentation context ${cx.contextId} has no abstract syntax`);
  }
  if (cx.transferSyntaxes.length === 0) {
    // PS3.8 9.3.2.2: one or more Transfer Syntax sub-items.
    throw new NegotiationValueError(`presentation context ${cx.contextId} has no transfer syntax`);
  }
  return { contextId: cx.contextId, abstractSyntax: cx.abstractSyntax, transferSyntaxes: [...cx.transferSyntaxes] };
}

/**
 * A context from a received A-ASSOCIATE-RQ item. Values that break the UID or ID rules are kept
 * as received, not thrown on: they are the peer's, and negotiation decides what to answer.
 */
export function fromRqItem(item: PresentationContextRqItem): PresentationContext {
  return PresentationContext.fromPeer(item.contextId, item.abstractSyntax, item.transferSyntaxes);
}

/** The A-ASSOCIATE-AC item for a negotiated context; a rejected one repeats its first transfer syntax or "". */
export function toAcItem(cx: PresentationContext): PresentationContextAcItem {
  if (cx.contextId === undefined || cx.result === undefined) {
    throw new NegotiationValueError("a presentation context answer needs a context ID and a result");
  }
  return { contextId: cx.contextId, result: cx.result, transferSyntax: cx.transferSyntax ?? "" };
}

/** An SCP/SCU Role Selection item proposing `roles` for the requestor (both default to false), as pynetdicom's `build_role`. */
export function buildRole(
  sopClassUid: string,
  roles: { readonly scuRole?: boolean; readonly scpRole?: boolean } = {},
): SCPSCURoleSelectionNegotiation {
  return new SCPSCURoleSelectionNegotiation(sopClassUid, roles);
}
