/**
 * Telling the client's attempt listeners about the requests an attempt sends. A listener never
 * breaks a request: what it throws is dropped. With no listener nothing here runs (the caller
 * checks the list's length first).
 */
import type { AttemptListener, HopEnd, HopObserver, HopStart } from "./attempt-events.js";

/** Calls `fn` on each item; what it throws is dropped. */
function each<T>(items: readonly T[], fn: (item: T) => void): void {
  for (const item of items) {
    try {
      fn(item);
    } catch {
      /* a listener's error is its own */
    }
  }
}

/** Calls each listener's `hop()`; what `end()` later reaches: the observers they returned. */
export function startHop(listeners: readonly AttemptListener[], start: HopStart): HopObserver[] {
  const observers: HopObserver[] = [];
  each(listeners, (listener) => {
    const observer = listener.hop(start);
    if (observer) observers.push(observer);
  });
  return observers;
}

/** Ends a hop for each observer (once: the caller forgets them after). */
export const endHop = (observers: readonly HopObserver[], outcome: HopEnd): void => each(observers, (observer) => observer.end(outcome));

/** Tells the listeners a retry was scheduled. */
export const retryScheduled = (listeners: readonly AttemptListener[], attempt: number, delay: number, status: number | undefined): void =>
  each(listeners, (listener) => listener.retry?.(status === undefined ? { attempt, delay } : { attempt, delay, status }));
