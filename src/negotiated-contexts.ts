// The presentation contexts an association negotiated (PS3.8 9.3.3.2), and the choice of the one
// a message goes on: for its abstract syntax, in the role this side plays (PS3.7 D.3.3.4).
import type { PresentationContext } from "./acse/index.js";
import { uidName } from "./dataset/uids.js";
import { NoPresentationContextError } from "./services/errors.js";

/** The accepted and rejected presentation contexts of one association. */
export class NegotiatedContexts {
  #accepted: PresentationContext[] = [];
  #rejected: PresentationContext[] = [];

  /** The accepted contexts, by increasing ID. */
  get accepted(): readonly PresentationContext[] {
    return this.#accepted;
  }
  /** The rejected contexts. */
  get rejected(): readonly PresentationContext[] {
    return this.#rejected;
  }

  /** Records the outcome of negotiation (result 0 is acceptance, PS3.8 Table 9-18). */
  set(contexts: readonly PresentationContext[]): void {
    this.#accepted = contexts.filter((cx) => cx.result === 0);
    this.#rejected = contexts.filter((cx) => cx.result !== 0);
  }

  /** The accepted context with this ID (undefined: none was accepted with it). */
  byId(contextId: number): PresentationContext | undefined {
    return this.#accepted.find((cx) => cx.contextId === contextId);
  }

  /**
   * The accepted context for `abstractSyntax` in which this side may act as `role`, the one with
   * `transferSyntax` when there is one; throws {@link NoPresentationContextError} when none fits.
   */
  select(abstractSyntax: string, role: "scu" | "scp", transferSyntax?: string): PresentationContext {
    const usable = this.#accepted.filter(
      (cx) => cx.abstractSyntax === abstractSyntax && (role === "scu" ? cx.asScu : cx.asScp) !== false,
    );
    const pick =
      (transferSyntax === undefined ? undefined : usable.find((cx) => cx.transferSyntax === transferSyntax)) ??
      usable[0];
    if (pick) return pick;
    const offered = this.#accepted.some((cx) => cx.abstractSyntax === abstractSyntax);
    throw new NoPresentationContextError(
      abstractSyntax,
      role,
      `${uidName(abstractSyntax)}${offered ? " (accepted, but not in this role)" : ""}`,
    );
  }
}
