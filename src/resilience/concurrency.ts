/**
 * `maxConcurrent`: at most N attempts of a client family in flight, the rest waiting in order
 * (FIFO). An attempt holds its slot until it finishes: for a body the caller reads, until that
 * body is read, cancelled, or dropped (collected unread); a backoff sleep holds none. A wait is
 * bounded by the request's signal, close() and the time left before the retry deadline, and a
 * wait that ended never takes a slot.
 */
import { check } from "../options/option-error.js";
import { bounded, type Bounds } from "../pipeline/bounded.js";

/** A slot held; `release()` frees it (once: a later call does nothing). */
export interface Lease {
  release(): void;
}

/** Validates `maxConcurrent`: a positive integer. */
export function resolveMaxConcurrent(value: unknown): number {
  check(Number.isSafeInteger(value) && (value as number) > 0, "maxConcurrent", "must be a positive integer");
  return value as number;
}

interface Waiter {
  grant(lease: Lease): void;
  lease?: Lease;
}

/** The slots of a client family. */
export class Limiter {
  readonly max: number;
  #active = 0;
  readonly #queue: Waiter[] = [];

  constructor(max: number) {
    this.max = max;
  }

  /** A slot now if one is free (the hot path: no promise), else undefined. */
  tryAcquire(): Lease | undefined {
    if (this.#active >= this.max || this.#queue.length) return undefined;
    this.#active++;
    return this.#lease();
  }

  /** Waits in line for a slot, within `bounds`. A wait they end leaves the line (and a slot granted meanwhile is given back). */
  async acquire(bounds: Bounds): Promise<Lease> {
    const waiter: Waiter = { grant: () => {} };
    try {
      return await bounded(bounds, () => new Promise<Lease>((resolve) => ((waiter.grant = (lease) => resolve((waiter.lease = lease))), this.#queue.push(waiter))));
    } catch (error) {
      const i = this.#queue.indexOf(waiter);
      if (i >= 0) this.#queue.splice(i, 1);
      waiter.lease?.release();
      throw error;
    }
  }

  #lease(): Lease {
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.#active--;
        this.#next();
      },
    };
  }

  /** Hands freed slots to the waiters, oldest first. */
  #next(): void {
    while (this.#active < this.max && this.#queue.length) {
      this.#active++;
      this.#queue.shift()!.grant(this.#lease());
    }
  }
}
