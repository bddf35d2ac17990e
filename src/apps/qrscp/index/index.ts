// The index of the instances qrscp holds: one interface, two backends (embedded SQLite, and
// PostgreSQL for several qrscp processes sharing one index and one storage folder).
import type { Dataset, InformationModel, QueryRetrieveLevel } from "../../../index.js";

/** A stored instance a C-GET or C-MOVE sends. */
export interface StoredInstance {
  readonly sopInstanceUid: string;
  readonly sopClassUid: string;
  /** The Part 10 file, absolute. */
  readonly path: string;
}

/** What {@link InstanceIndex.add} did. */
export interface AddResult {
  /** The file of the entry this one replaced (same SOP Instance UID), when it was elsewhere. */
  readonly replacedPath?: string;
}

/**
 * The index of stored instances. Queries stream: their rows are read a page at a time, so a
 * C-FIND over a million instances holds one page and one entity in memory, not the result.
 */
export interface InstanceIndex {
  /** Which backend this is ("sqlite" or "postgres"). */
  readonly kind: "sqlite" | "postgres";
  /**
   * Adds the instance whose attributes are `dataset` (its Pixel Data need not be loaded), stored
   * at `path`. A SOP Instance UID already indexed is replaced (PS3.4 B.4.1: the SCP keeps one
   * instance per UID).
   */
  add(dataset: Dataset, path: string): Promise<AddResult>;
  /**
   * The entities at `level` of `model` (patients, studies, series or instances) that match
   * `identifier` under PS3.4 C.2.2.2, each as a dataset of its attributes plus the computed
   * ones (NumberOfStudyRelatedInstances, ModalitiesInStudy…), in index order.
   */
  query(model: InformationModel, level: QueryRetrieveLevel, identifier: Dataset): AsyncIterable<Dataset>;
  /** The instances below the entities at `level` that match `identifier` (a C-GET or C-MOVE). */
  retrieve(model: InformationModel, level: QueryRetrieveLevel, identifier: Dataset): Promise<StoredInstance[]>;
  /** Removes one instance by SOP Instance UID; resolves with its path when it was indexed. */
  remove(sopInstanceUid: string): Promise<string | undefined>;
  /** Removes every entry and resolves with the paths they had (the caller deletes the files). */
  clean(): Promise<string[]>;
  /** How many instances are indexed. */
  count(): Promise<number>;
  close(): Promise<void>;
}

/** The index could not be opened or used (missing driver, unreachable database…). */
export class IndexError extends Error {
  override readonly name = "IndexError";
}
