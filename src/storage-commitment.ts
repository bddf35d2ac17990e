// Sending a Storage Commitment result on a new association (PS3.4 J.3.3): the SCP of Storage
// Commitment becomes the association requestor but keeps the SCP role, which it proposes with
// SCP/SCU Role Selection (PS3.7 D.3.3.4); the peer accepts it as SCU.
import { buildContext, buildRole } from "./acse/index.js";
import type { AE } from "./ae.js";
import type { Dataset } from "./dataset/dataset.js";
import { sop, wellKnown } from "./dataset/uids.js";
import type { NServiceResult } from "./services/normalized/scu.js";
import { NetdicomError } from "./util/errors.js";

/** Options of {@link sendStorageCommitmentResult}. */
export interface StorageCommitmentResultOptions {
  /** The called AE title: the SCU that requested the commitment. */
  readonly aeTitle: string;
  /** The Event Type ID: 1 all committed, 2 some failed (see `storageCommitmentResult`). */
  readonly eventTypeId: number;
  /** The Event Information (Transaction UID, Referenced and Failed SOP Sequences). */
  readonly eventInformation: Dataset;
  /** Transfer syntaxes to propose (default: the defaults of `buildContext`). */
  readonly transferSyntaxes?: readonly string[];
  /** Cancels the connection attempt and the wait for the answer. */
  readonly signal?: AbortSignal;
}

/**
 * Associates from `ae` to the SCU at `address`:`port`, proposing Storage Commitment Push Model
 * with this side in the SCP role only, sends the N-EVENT-REPORT and releases; resolves with the
 * SCU's answer. Rejects when the association is not established or the role is refused.
 */
export async function sendStorageCommitmentResult(
  ae: AE,
  address: string,
  port: number,
  options: StorageCommitmentResultOptions,
): Promise<NServiceResult> {
  const SC = sop.StorageCommitmentPushModel;
  const assoc = await ae.associate(address, port, {
    aeTitle: options.aeTitle,
    contexts: [buildContext(SC, options.transferSyntaxes)],
    extendedNegotiation: [buildRole(SC, { scuRole: false, scpRole: true })],
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (!assoc.isEstablished) {
    throw new NetdicomError(
      "ERR_NOT_ESTABLISHED",
      `could not associate with ${options.aeTitle}: ${assoc.reason ?? ""}`,
    );
  }
  try {
    return await assoc.sendNEventReport(
      options.eventInformation,
      options.eventTypeId,
      SC,
      wellKnown.StorageCommitmentPushModelInstance,
      options.signal === undefined ? {} : { signal: options.signal },
    );
  } finally {
    if (assoc.isEstablished) await assoc.release();
    else await assoc.abort();
  }
}
