/**
 * A client-wide retry budget over a sliding window, as Envoy and Finagle keep one: retries
 * may not exceed `ratio` of first attempts plus `minPerSecond` per second of the window.
 * A retry is taken atomically (`tryReserve`): the check and the hold are one step, so calls
 * failing in the same tick cannot all pass the check before any of them counts. A reservation
 * is then committed when the retry is sent, or released when it is not after all.
 */
import type { RetryBudgetOptions } from "../options/options.js";
import { checkBudgetOptions } from "./retry-budget-options.js";
import type { RetryDecision } from "./retry-decision.js";

/** One tenth of the window: what it counted, and for which tick. */
interface Slot {
  tick: number;
  calls: number;
  retries: number;
  /** Retries reserved in this tick and not settled yet. */
  reserved: number;
}

const SLOTS = 10;

/**
 * One retry held from the budget. `commit()` when the retry is sent (it then counts in the
 * window), `release()` when it is not after all (a veto, an abort, close()). Settles once: a
 * later call of either does nothing. Until then it counts as a retry of the tick it was taken
 * in, so one never settled (a stream dropped unread) leaves the window like any retry.
 */
export interface Reservation {
  commit(): void;
  release(): void;
}

/** The reservation of a client without a budget: nothing to hold. */
export const UNLIMITED: Reservation = { commit: () => {}, release: () => {} };

/** Counts first attempts and retries in ten slots of a sliding window. */
export class RetryBudget {
  readonly #ratio: number;
  /** Retries allowed over the window whatever the traffic: minPerSecond per second. */
  readonly #floor: number;
  /** Milliseconds per slot. */
  readonly #slotMs: number;
  readonly #slots: Slot[] = Array.from({ length: SLOTS }, () => ({ tick: -1, calls: 0, retries: 0, reserved: 0 }));

  constructor(options: RetryBudgetOptions) {
    const { ratio, minPerSecond, windowMs: ms } = checkBudgetOptions(options);
    this.#ratio = ratio;
    this.#floor = (minPerSecond * ms) / 1000;
    this.#slotMs = ms / SLOTS;
  }

  /** Records a first attempt. */
  recordCall(): void {
    this.#current().calls++;
  }

  /**
   * Takes one retry from the budget if it has room, counting those reserved and not yet settled.
   * Undefined when the budget is spent.
   */
  tryReserve(): Reservation | undefined {
    if (!this.#hasRoom()) return undefined;
    // The slot object of this tick: a later tick gets a new one, so a release after that changes
    // nothing that counts (not even when a clock stepped back and forth brings the tick back).
    const slot = this.#current();
    slot.reserved++;
    let open = true;
    const settle = (sent: boolean): void => {
      if (!open) return;
      open = false;
      slot.reserved--;
      if (sent) this.#current().retries++;
    };
    return { commit: () => settle(true), release: () => settle(false) };
  }

  /** Whether one more retry fits now, counting the reserved ones. */
  #hasRoom(): boolean {
    const now = this.#current();
    let calls = 0;
    let retries = 0;
    for (const slot of this.#slots) {
      if (slot.tick > now.tick - SLOTS) {
        calls += slot.calls;
        retries += slot.retries + slot.reserved;
      }
    }
    // A hair of slack: 0.7 · 90 is 62.99999999999999 in floating point, and must allow 63.
    return retries + 1 <= this.#ratio * calls + this.#floor + 1e-9;
  }

  /** The slot of this tick: a new one when the slot last counted another tick. */
  #current(): Slot {
    const tick = Math.floor(Date.now() / this.#slotMs);
    const i = tick % SLOTS;
    const slot = this.#slots[i]!;
    return slot.tick === tick ? slot : (this.#slots[i] = { tick, calls: 0, retries: 0, reserved: 0 });
  }
}

/** A decision after the budget had its say: a retry holds its reservation. */
export type BudgetedDecision = (RetryDecision & { retry: false }) | { retry: true; delay: number; reservation: Reservation };

/**
 * The budget's say, asked after every other rule: a retry the decision allows goes ahead
 * holding a reservation (`held`, taken earlier for this retry, or a new one), or stops with
 * "budget". A held reservation that a stop does not need is given back.
 */
export function takeRetry(decision: RetryDecision, budget: RetryBudget | undefined, held?: Reservation): BudgetedDecision {
  if (!decision.retry) {
    held?.release();
    return decision;
  }
  const reservation = held ?? (budget ? budget.tryReserve() : UNLIMITED);
  return reservation ? { ...decision, reservation } : { retry: false, reason: "budget", delay: decision.delay };
}
