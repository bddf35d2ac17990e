// PS3.8 9.3.4 (Table 9-21): A-ASSOCIATE-RJ result, source and reason, and the acceptor's
// checks of an A-ASSOCIATE-RQ that come before presentation context negotiation.
import type { AAssociateRj, AAssociateRq } from "../pdu/index.js";
import { PduType, rejectReasonName } from "../pdu/index.js";

/** The DICOM application context name (PS3.7 Annex A.2.1), the only one DICOM defines. */
export const dicomApplicationContextName = "1.2.840.10008.3.1.1.1";

/** A-ASSOCIATE-RJ result (PS3.8 Table 9-21). */
export const RejectResult = { Permanent: 1, Transient: 2 } as const;

/** A-ASSOCIATE-RJ source (PS3.8 Table 9-21). */
export const RejectSource = { ServiceUser: 1, ServiceProviderAcse: 2, ServiceProviderPresentation: 3 } as const;

/** The result, source and reason of one rejection. */
export interface Rejection {
  /** 1 rejected-permanent, 2 rejected-transient. */
  readonly result: number;
  /** 1 service-user, 2 service-provider (ACSE), 3 service-provider (presentation). */
  readonly source: number;
  /** The diagnostic; its meaning depends on `source` (PS3.8 Table 9-21). */
  readonly reason: number;
}

function rejection(result: number, source: number, reason: number): Rejection {
  return Object.freeze({ result, source, reason });
}

/** The rejections PS3.8 Table 9-21 defines, by what they mean. */
export const Rejections = Object.freeze({
  /** Service user, no reason given. */
  NoReasonGiven: rejection(1, 1, 1),
  /** Service user: the application context name is not supported. */
  ApplicationContextNameNotSupported: rejection(1, 1, 2),
  /** Service user: the calling AE title is not recognised. */
  CallingAeTitleNotRecognised: rejection(1, 1, 3),
  /** Service user: the called AE title is not recognised. */
  CalledAeTitleNotRecognised: rejection(1, 1, 7),
  /** Service provider (ACSE), no reason given; pynetdicom sends it transient for a failed user identity. */
  ProviderNoReasonGiven: rejection(1, 2, 1),
  /** Service provider (ACSE): protocol version not supported. */
  ProtocolVersionNotSupported: rejection(1, 2, 2),
  /** Service provider (presentation): temporary congestion. */
  TemporaryCongestion: rejection(2, 3, 1),
  /** Service provider (presentation): local limit exceeded, e.g. too many associations. */
  LocalLimitExceeded: rejection(2, 3, 2),
});

const resultText: Readonly<Record<number, string>> = { 1: "rejected-permanent", 2: "rejected-transient" };
const sourceText: Readonly<Record<number, string>> = {
  1: "service-user",
  2: "service-provider (ACSE)",
  3: "service-provider (presentation)",
};

/** One line saying what a rejection means, e.g. `rejected-permanent by service-user: Called AE title not recognised`. */
export function describeRejection(r: Rejection): string {
  const result = resultText[r.result] ?? `unknown result ${r.result}`;
  const source = sourceText[r.source] ?? `unknown source ${r.source}`;
  return `${result} by ${source}: ${rejectReasonName(r.source, r.reason)}`;
}

/** The A-ASSOCIATE-RJ PDU carrying `r`. */
export function assembleAAssociateRj(r: Rejection): AAssociateRj {
  return { type: PduType.AAssociateRj, result: r.result, source: r.source, reason: r.reason };
}

/** What the acceptor checks before negotiating contexts. */
export interface AssociationPolicy {
  /** Our AE title. */
  readonly aeTitle: string;
  /** Reject a request whose called AE title is not ours. Default false. */
  readonly requireCalledAet?: boolean;
  /** When not empty, reject a calling AE title not in this list. Default empty. */
  readonly requireCallingAet?: readonly string[];
  /** Associations already active, not counting this request. Default 0. */
  readonly activeAssociations?: number;
  /** The most associations at once; with `activeAssociations` at or above it, reject. Default no limit. */
  readonly maximumAssociations?: number;
}

/** The verdict of {@link evaluateAssociationRequest}. */
export type AssociationVerdict = { readonly accept: true } | { readonly accept: false; readonly rejection: Rejection };

// PS3.8 9.3.2: AE titles are padded with spaces, which are not significant.
function aet(title: string): string {
  return title.trim();
}

/**
 * Decides whether to go on with an A-ASSOCIATE-RQ, in this order: protocol version (PS3.8 9.3.2:
 * only bit 0, version 1, is tested), application context name (PS3.7 A.2.1), association limit
 * (transient, local limit exceeded), called AE title, calling AE title.
 */
export function evaluateAssociationRequest(rq: AAssociateRq, policy: AssociationPolicy): AssociationVerdict {
  const reject = (rejection: Rejection): AssociationVerdict => ({ accept: false, rejection });
  if ((rq.protocolVersion & 1) === 0) return reject(Rejections.ProtocolVersionNotSupported);
  if (rq.applicationContextName !== dicomApplicationContextName) {
    return reject(Rejections.ApplicationContextNameNotSupported);
  }
  const max = policy.maximumAssociations;
  if (max !== undefined && (policy.activeAssociations ?? 0) >= max) return reject(Rejections.LocalLimitExceeded);
  if (policy.requireCalledAet === true && aet(rq.calledAeTitle) !== aet(policy.aeTitle)) {
    return reject(Rejections.CalledAeTitleNotRecognised);
  }
  const calling = policy.requireCallingAet ?? [];
  if (calling.length > 0 && !calling.some((t) => aet(t) === aet(rq.callingAeTitle))) {
    return reject(Rejections.CallingAeTitleNotRecognised);
  }
  return { accept: true };
}
