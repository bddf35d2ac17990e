// The presentation contexts an association negotiated (PS3.8 9.3.3.2), and the choice of the one
// a message goes on: for its abstract syntax, in the role this side plays (PS3.7 D.3.3.4).
import type { PresentationContext } from "./acse/index.js";
import { uidName } from "./dataset/uids.js";
import { NoPresentationContextError } from "./services/errors.js";

/** The accepted and rejected presentation contexts of one association. */
export class NegotiatedContexts {
  #accepted: PresentationContext[] = [];
  #rejected: PresentationContext[] = [];
  /**
   * The accepted contexts by ID (PS3.8 9.3.2.2: 1 to 255). Every PDV and message looks its context
   * up, and a storage SCP accepts a hundred or more: a scan per look-up showed in its profile.
   */
  #byId: (PresentationContext | undefined)[] = [];

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
    // As long as the largest accepted ID needs, not 256 entries: most associations accept one
    // or two contexts with small IDs, and filling 256 slots went through the runtime each time.
    let last = -1;
    for (const cx of this.#accepted) {
      const id = cx.contextId;
      if (id !== undefined && id > last && id <= 0xff) last = id;
    }
    const byId: (PresentationContext | undefined)[] = [];
    for (let i = 0; i <= last; i++) byId.push(undefined);
    // The first of a repeated ID wins, as a scan would find it.
    for (const cx of this.#accepted) {
      const id = cx.contextId;
      if (id !== undefined && id >= 0 && id <= 0xff && byId[id] === undefined) byId[id] = cx;
    }
    this.#byId = byId;
  }

  /** The accepted context with this ID (undefined: none was accepted with it). */
  byId(contextId: number): PresentationContext | undefined {
    // An ID outside the table was never accepted (and reads no array hole).
    const byId = this.#byId;
    return contextId >= 0 && contextId < byId.length ? byId[contextId] : undefined;
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
