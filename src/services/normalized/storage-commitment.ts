// Storage Commitment Push Model (PS3.4 J) data sets: the N-ACTION request's Action Information
// (J.3.2.1.1) and the N-EVENT-REPORT result's Event Information (J.3.3.1), built and read.
import { Dataset } from "../../dataset/dataset.js";

/** One instance of a commitment request or result. */
export interface CommitmentReference {
  /** Referenced SOP Class UID (0008,1150). */
  readonly sopClassUid: string;
  /** Referenced SOP Instance UID (0008,1155). */
  readonly sopInstanceUid: string;
}

/** An instance the SCP could not commit, with its Failure Reason (PS3.4 J.3.3.1.1, e.g. 0x0112). */
export interface CommitmentFailure extends CommitmentReference {
  /** Failure Reason (0008,1197): 0x0110 processing failure, 0x0112 no such object instance, 0x0122… */
  readonly failureReason: number | undefined;
}

/** A Storage Commitment result, read from the N-EVENT-REPORT's Event Information. */
export interface CommitmentResult {
  /** Transaction UID (0008,1195): the request's, to match the result to it. */
  readonly transactionUid: string | undefined;
  /** The Referenced SOP Sequence: the instances committed (of a request: the instances asked for). */
  readonly committed: CommitmentReference[];
  /** The Failed SOP Sequence: the instances not committed, with why. */
  readonly failed: CommitmentFailure[];
}

/** PS3.4 J.3.2.1.1: Action Type ID 1, Request Storage Commitment. */
export const STORAGE_COMMITMENT_REQUEST = 1;
/** PS3.4 J.3.3.1: Event Type ID 1, every instance committed. */
export const STORAGE_COMMITMENT_SUCCESS = 1;
/** PS3.4 J.3.3.1: Event Type ID 2, some instances not committed (Failed SOP Sequence). */
export const STORAGE_COMMITMENT_FAILURES = 2;

function refItem(r: CommitmentReference): Dataset {
  return new Dataset({ ReferencedSOPClassUID: r.sopClassUid, ReferencedSOPInstanceUID: r.sopInstanceUid });
}

function readRefs(ds: Dataset, keyword: string): CommitmentReference[] {
  return ds.sequence(keyword).map((item) => ({
    sopClassUid: item.string("ReferencedSOPClassUID") ?? "",
    sopInstanceUid: item.string("ReferencedSOPInstanceUID") ?? "",
  }));
}

/** The Action Information of a commitment request: Transaction UID and Referenced SOP Sequence (PS3.4 J.3.2.1.1). */
export function storageCommitmentRequest(transactionUid: string, instances: readonly CommitmentReference[]): Dataset {
  return new Dataset({ TransactionUID: transactionUid, ReferencedSOPSequence: instances.map(refItem) });
}

/**
 * The Event Information of a result and its Event Type ID (PS3.4 J.3.3.1): 1 when nothing
 * failed, else 2 with the Failed SOP Sequence. An empty list is left out, as J.3.3.1 requires
 * each sequence only when it has items.
 */
export function storageCommitmentResult(
  transactionUid: string,
  committed: readonly CommitmentReference[],
  failed: readonly CommitmentFailure[] = [],
): {
  /** 1 (`STORAGE_COMMITMENT_SUCCESS`) when nothing failed, else 2 (`STORAGE_COMMITMENT_FAILURES`). */
  eventTypeId: number;
  /** The Event Information: Transaction UID, Referenced and Failed SOP Sequences. */
  eventInformation: Dataset;
} {
  const info = new Dataset({ TransactionUID: transactionUid });
  if (committed.length > 0) info.set("ReferencedSOPSequence", committed.map(refItem));
  if (failed.length > 0) {
    info.set(
      "FailedSOPSequence",
      failed.map((f) => {
        const item = refItem(f);
        if (f.failureReason !== undefined) item.set("FailureReason", f.failureReason);
        return item;
      }),
    );
  }
  return {
    eventTypeId: failed.length > 0 ? STORAGE_COMMITMENT_FAILURES : STORAGE_COMMITMENT_SUCCESS,
    eventInformation: info,
  };
}

/** Reads a commitment request (N-ACTION) or result (N-EVENT-REPORT) data set. */
export function readStorageCommitment(ds: Dataset): CommitmentResult {
  return {
    transactionUid: ds.string("TransactionUID"),
    committed: readRefs(ds, "ReferencedSOPSequence"),
    failed: ds.sequence("FailedSOPSequence").map((item) => ({
      sopClassUid: item.string("ReferencedSOPClassUID") ?? "",
      sopInstanceUid: item.string("ReferencedSOPInstanceUID") ?? "",
      failureReason: item.number("FailureReason"),
    })),
  };
}
