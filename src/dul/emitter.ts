import { getLogger } from "../util/logger.js";

/**
 * A minimal typed event emitter. A listener that throws is logged and skipped, so a user's bug
 * can never break the state machine that is notifying it.
 */
export class TypedEmitter<E extends { [K in keyof E]: unknown[] }> {
  // Each event's listeners as an array replaced (never changed) on `on`/`off`: `emit` walks the
  // array it found, so a listener added or removed during an emit takes effect from the next
  // one, without a copy per emit (an association emits a few dozen events).
  // Made with the first listener: an upper layer and its association are made per connection,
  // and most of their events are never listened to.
  private listeners: Map<keyof E, readonly unknown[]> | undefined;

  /** Adds a listener (once: adding the same one again changes nothing). */
  on<K extends keyof E>(event: K, listener: (...args: E[K]) => void): this {
    const listeners = (this.listeners ??= new Map());
    const list = listeners.get(event);
    if (!list) listeners.set(event, [listener]);
    else if (!list.includes(listener)) listeners.set(event, [...list, listener]);
    return this;
  }

  /** Adds a listener that is removed after its first call. */
  once<K extends keyof E>(event: K, listener: (...args: E[K]) => void): this {
    const wrapper = (...args: E[K]) => {
      this.off(event, wrapper);
      listener(...args);
    };
    return this.on(event, wrapper);
  }

  /** Removes a listener. */
  off<K extends keyof E>(event: K, listener: (...args: E[K]) => void): this {
    const list = this.listeners?.get(event);
    if (list?.includes(listener)) {
      this.listeners?.set(
        event,
        list.filter((l) => l !== listener),
      );
    }
    return this;
  }

  /** How many listeners `event` has. */
  listenerCount(event: keyof E): number {
    return this.listeners?.get(event)?.length ?? 0;
  }

  /** Calls every listener of `event`; returns false when there was none. */
  protected emit<K extends keyof E>(event: K, ...args: E[K]): boolean {
    const list = this.listeners?.get(event);
    if (!list || list.length === 0) return false;
    for (const l of list) {
      try {
        (l as (...a: E[K]) => void)(...args);
      } catch (err) {
        getLogger().warn?.(`a '${String(event)}' listener threw`, err);
      }
    }
    return true;
  }
}
