// The C-FIND, C-GET and C-MOVE operations an SCP is serving, by association and Message ID, so
// that a C-CANCEL-RQ (PS3.7 9.3.2.3: it names the request by Message ID Being Responded To)
// reaches the right one.

/** One operation being served: its signal aborts on C-CANCEL or when the association ends. */
export interface ServedOperation {
  readonly signal: AbortSignal;
  /** Stops tracking the operation (its final response is sent). */
  done(): void;
}

const served = new WeakMap<object, Map<number, AbortController>>();

/** Starts tracking the operation with `messageId` on `channel` (the association). */
export function trackOperation(channel: object, messageId: number): ServedOperation {
  let ops = served.get(channel);
  if (ops === undefined) served.set(channel, (ops = new Map()));
  const controller = new AbortController();
  ops.set(messageId, controller);
  return {
    signal: controller.signal,
    done: () => {
      if (ops.get(messageId) === controller) ops.delete(messageId);
    },
  };
}

/**
 * A C-CANCEL-RQ arrived for `messageId`: aborts that operation's signal. False when no such
 * operation is being served (PS3.7 9.3.2.3: the SCP then has nothing to do; it may already have
 * answered).
 */
export function cancelOperation(channel: object, messageId: number): boolean {
  const controller = served.get(channel)?.get(messageId);
  if (controller === undefined) return false;
  controller.abort(new Error(`C-CANCEL-RQ received for message ${messageId}`));
  return true;
}

/**
 * The association ended: aborts the signal of every operation it was serving (`reason` is made
 * only if there is one).
 */
export function cancelAllOperations(channel: object, reason: Error | (() => Error)): void {
  const ops = served.get(channel);
  if (ops === undefined) return;
  served.delete(channel);
  if (ops.size === 0) return;
  const error = typeof reason === "function" ? reason() : reason;
  for (const controller of ops.values()) controller.abort(error);
}
