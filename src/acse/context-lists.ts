// Ready-made context lists, and what to do when more than 128 contexts are wanted
// (PS3.8 9.3.2.2: context IDs are odd numbers 1-255, so one association proposes at most 128).
import { sop, storageSopClasses, uidEntry } from "../dataset/uids.js";
import { NetdicomError } from "../util/errors.js";
import { buildContext, type PresentationContext } from "./presentation-context.js";

/** The most presentation contexts one A-ASSOCIATE-RQ can carry. */
export const maxPresentationContexts = 128;

/** More contexts were asked for than one association can carry. */
export class TooManyContextsError extends NetdicomError {
  /** "TooManyContextsError": the name of this error class. */
  override readonly name = "TooManyContextsError";
  constructor(
    /** How many contexts were asked for. */
    readonly wanted: number,
    /** The most one association carries here. */
    readonly max: number,
  ) {
    super(
      "ERR_TOO_MANY_CONTEXTS",
      `${wanted} presentation contexts were requested but one association carries at most ${max}; ` +
        "use splitContexts() to spread them over several associations or prioritiseContexts() to choose",
    );
  }
}

/** A fresh Verification context with the default transfer syntaxes. */
export function verificationPresentationContexts(): PresentationContext[] {
  return [buildContext(sop.Verification)];
}

/**
 * Fresh contexts for every Storage SOP class of the registry (PS3.4 Annex B), in registry
 * order: about 190, more than one association can carry. Retired classes are left out unless
 * `includeRetired`. Give the result to {@link splitContexts} or {@link prioritiseContexts}.
 */
export function storagePresentationContexts(
  options: { readonly includeRetired?: boolean } = {},
): PresentationContext[] {
  return storageSopClasses()
    .filter((uid) => options.includeRetired === true || uidEntry(uid)?.retired !== true)
    .map((uid) => buildContext(uid));
}

/** The SOP classes of the Query/Retrieve information models (PS3.4 Annex C and Z): FIND, MOVE, GET. */
export const queryRetrieveSopClasses: readonly string[] = [
  sop.PatientRootQueryRetrieveInformationModelFind,
  sop.PatientRootQueryRetrieveInformationModelMove,
  sop.PatientRootQueryRetrieveInformationModelGet,
  sop.StudyRootQueryRetrieveInformationModelFind,
  sop.StudyRootQueryRetrieveInformationModelMove,
  sop.StudyRootQueryRetrieveInformationModelGet,
  sop.PatientStudyOnlyQueryRetrieveInformationModelFind,
  sop.PatientStudyOnlyQueryRetrieveInformationModelMove,
  sop.PatientStudyOnlyQueryRetrieveInformationModelGet,
  sop.CompositeInstanceRootRetrieveMove,
  sop.CompositeInstanceRootRetrieveGet,
  sop.CompositeInstanceRetrieveWithoutBulkDataGet,
];

/** Fresh contexts for the Query/Retrieve information models (PS3.4 Annex C and Z): FIND, MOVE, GET. */
export function queryRetrievePresentationContexts(): PresentationContext[] {
  return queryRetrieveSopClasses.map((uid) => buildContext(uid));
}

/** Fresh contexts for Modality Worklist (PS3.4 Annex K). */
export function basicWorklistManagementPresentationContexts(): PresentationContext[] {
  return [buildContext(sop.ModalityWorklistInformationModelFind)];
}

/** Throws {@link TooManyContextsError} when `contexts` do not fit one association of `max` contexts. */
export function checkContextLimit(contexts: readonly PresentationContext[], max = maxPresentationContexts): void {
  checkMax(max);
  if (contexts.length > max) throw new TooManyContextsError(contexts.length, max);
}

function checkMax(max: number): void {
  if (!Number.isInteger(max) || max < 1 || max > maxPresentationContexts) {
    throw new RangeError(`max ${max} is not an integer between 1 and ${maxPresentationContexts}`);
  }
}

/** Options of {@link splitContexts}. */
export interface SplitOptions {
  /** The most contexts per group, 1–128 (default 128), counting `shared`. */
  readonly max?: number;
  /** Contexts repeated at the head of every group, e.g. Verification. */
  readonly shared?: readonly PresentationContext[];
}

/**
 * Spreads `contexts` over as few groups (one association each) as fit `max`, keeping their order
 * and putting `shared` at the head of each group. Context IDs are left for each association to
 * assign (`assignContextIds`).
 */
export function splitContexts(
  contexts: readonly PresentationContext[],
  options: SplitOptions = {},
): PresentationContext[][] {
  const max = options.max ?? maxPresentationContexts;
  checkMax(max);
  const shared = options.shared ?? [];
  const room = max - shared.length;
  if (room < 1) throw new TooManyContextsError(shared.length + 1, max);
  const groups: PresentationContext[][] = [];
  for (let i = 0; i < contexts.length; i += room) {
    groups.push([...shared, ...contexts.slice(i, i + room)]);
  }
  return groups;
}

/** What {@link prioritiseContexts} kept and what it left out; nothing is dropped silently. */
export interface PrioritisedContexts {
  /** The contexts that fit the limit, most important first. */
  readonly kept: PresentationContext[];
  /** The contexts left out. */
  readonly dropped: PresentationContext[];
}

/**
 * Keeps the `max` most wanted contexts: first those whose abstract syntax appears in `priority`
 * (in that order), then the others in their given order.
 */
export function prioritiseContexts(
  contexts: readonly PresentationContext[],
  priority: readonly string[],
  max = maxPresentationContexts,
): PrioritisedContexts {
  checkMax(max);
  const rank = new Map(priority.map((uid, i) => [uid, i]));
  const ordered = contexts
    .map((cx, i) => ({ cx, i, r: rank.get(cx.abstractSyntax ?? "") ?? priority.length }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((e) => e.cx);
  return { kept: ordered.slice(0, max), dropped: ordered.slice(max) };
}

/** Copies of `contexts` numbered 1, 3, 5… in order (PS3.8 9.3.2.2); throws when there are more than 128. */
export function assignContextIds(contexts: readonly PresentationContext[]): PresentationContext[] {
  checkContextLimit(contexts);
  return contexts.map((cx, i) => cx.with({ contextId: 2 * i + 1 }));
}
