// Per-association statistics, like dcmjs-dimse's: bytes, PDUs and DIMSE messages each way, and
// how long the connection lasted. Gathered from the association's notification events by
// whoever starts tracking it (`trackStatistics`, `collectStatistics(ae)`, `collectMetrics`).
import type { AE } from "./ae.js";
import type { Association } from "./association.js";
import { encodePdu, type Pdu, PduType } from "./pdu/index.js";

/** What one association has carried so far. */
export interface AssociationStatistics {
  /** PDU bytes written to the connection (headers included). */
  readonly bytesSent: number;
  /** PDU bytes read from the connection (headers included). */
  readonly bytesReceived: number;
  /** PDUs written to the connection. */
  readonly pdusSent: number;
  /** PDUs read from the connection. */
  readonly pdusReceived: number;
  /** DIMSE messages (command sets) sent. */
  readonly dimseSent: number;
  /** DIMSE messages (command sets) received. */
  readonly dimseReceived: number;
  /** When tracking started (for `collectStatistics(ae)` and `collectMetrics(ae)`: when the association was created). */
  readonly startedAt: Date;
  /** When the connection closed; undefined while it is open. */
  readonly endedAt: Date | undefined;
  /** From `startedAt` to `endedAt` (or to now while open), in milliseconds. */
  readonly durationMs: number;
}

/** The bytes a PDU takes on the wire: computed for P-DATA-TF (PS3.8 9.3.5), encoded for the rest (rare, small). */
export function pduLength(pdu: Pdu): number {
  if (pdu.type === PduType.PDataTf) {
    // PDU header 6, then per PDV: item length 4, context ID 1, message control header 1, data
    let n = 6;
    for (const v of pdu.values) n += 6 + v.data.byteLength;
    return n;
  }
  return encodePdu(pdu).byteLength;
}

class Tracker {
  bytesSent = 0;
  bytesReceived = 0;
  pdusSent = 0;
  pdusReceived = 0;
  dimseSent = 0;
  dimseReceived = 0;
  readonly startedAt = new Date();
  endedAt: Date | undefined;

  snapshot(): AssociationStatistics {
    const end = this.endedAt ?? new Date();
    return {
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      pdusSent: this.pdusSent,
      pdusReceived: this.pdusReceived,
      dimseSent: this.dimseSent,
      dimseReceived: this.dimseReceived,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      durationMs: end.getTime() - this.startedAt.getTime(),
    };
  }
}

const trackers = new WeakMap<Association, Tracker>();

/**
 * Starts gathering statistics of `assoc` (once; tracking twice changes nothing). What happened
 * before the call is not counted: call it from `ae.onAssociation` (see {@link collectStatistics})
 * to count from the first PDU.
 */
export function trackStatistics(assoc: Association): void {
  if (trackers.has(assoc)) return;
  const t = new Tracker();
  trackers.set(assoc, t);
  assoc.on("pduSent", (e) => {
    t.pdusSent++;
    t.bytesSent += pduLength(e.pdu);
  });
  assoc.on("pduReceived", (e) => {
    t.pdusReceived++;
    t.bytesReceived += pduLength(e.pdu);
  });
  assoc.on("dimseSent", () => {
    t.dimseSent++;
  });
  assoc.on("dimseReceived", () => {
    t.dimseReceived++;
  });
  assoc.closed
    .then(() => {
      t.endedAt = new Date();
    })
    .catch(() => {});
}

/** Gathers statistics of every association `ae` creates from now on; returns a function that stops it. */
export function collectStatistics(ae: AE): () => void {
  return ae.onAssociation(trackStatistics);
}

/**
 * The statistics of `assoc` so far, or undefined when nothing tracks it (see
 * {@link trackStatistics}, {@link collectStatistics}; `collectMetrics` tracks too).
 */
export function getStatistics(assoc: Association): AssociationStatistics | undefined {
  return trackers.get(assoc)?.snapshot();
}
