/**
 * `maxConcurrent`: at most N attempts of a client family in flight, the rest waiting in order
 * (FIFO). An attempt holds its slot until it finishes: for a body the caller reads, until that
 * body is read, cancelled, or dropped (collected unread); a backoff sleep holds none. A wait is
 * bounded by the request's signal, close() and the time left before the retry deadline, and a
 * wait that ended never takes a slot.
 */
import { checkNumber } from "../options/option-error.js";
import { bounded, type Bounds } from "../pipeline/bounded.js";

/** A slot held; `release()` frees it (once: a later call does nothing). */
export interface Lease {
  release(): void;
}

/** Takes an attempt's slot: at once, or after waiting in line. */
export type SlotTaker = () => Lease | Promise<Lease>;

/** The slots of a client family. */
export interface Limiter {
  /** A slot now if one is free (the hot path: no promise), else undefined. */
  tryAcquire(): Lease | undefined;
  /** Waits in line for a slot, within `bounds`. A wait they end leaves the line (and a slot granted meanwhile is given back). */
  acquire(bounds: Bounds): Promise<Lease>;
}

/** Validates `maxConcurrent` (a whole number >= 1) and makes the slots of a client family: at most `max` held, the rest waiting in line. */
export function resolveMaxConcurrent(value: unknown): Limiter {
  checkNumber(value, "maxConcurrent", 1, true);
  const max = value as number;
  let active = 0;
  /** Waiters, oldest first: each is given a lease when a slot frees. */
  const queue: ((lease: Lease) => void)[] = [];
  const lease = (): Lease => {
    active++;
    let held = true;
    return {
      release() {
        if (!held) return;
        held = false;
        active--;
        // Freed slots go to the waiters, oldest first.
        while (active < max && queue.length) queue.shift()!(lease());
      },
    };
  };
  return {
    tryAcquire: () => (active < max && !queue.length ? lease() : undefined),
    async acquire(bounds) {
      let granted: Lease | undefined;
      let grant!: (lease: Lease) => void;
      try {
        return await bounded(bounds, () => new Promise<Lease>((resolve) => queue.push((grant = (l) => resolve((granted = l))))));
      } catch (error) {
        const i = queue.indexOf(grant);
        if (i >= 0) queue.splice(i, 1);
        granted?.release();
        throw error;
      }
    },
  };
}
