/**
 * A client-wide retry budget over a sliding window, as Envoy and Finagle keep one: retries
 * may not exceed `ratio` of first attempts plus `minPerSecond` per second of the window.
 */
import type { RetryBudgetOptions } from "../options/options.js";
import { checkBudgetOptions } from "./retry-budget-options.js";

/** One tenth of the window: what it counted, and for which tick. */
interface Slot {
  tick: number;
  calls: number;
  retries: number;
}

const SLOTS = 10;

/** Counts first attempts and retries in ten slots of a sliding window. */
export class RetryBudget {
  readonly #ratio: number;
  /** Retries allowed over the window whatever the traffic: minPerSecond per second. */
  readonly #floor: number;
  /** Milliseconds per slot. */
  readonly #slotMs: number;
  readonly #slots: Slot[] = Array.from({ length: SLOTS }, () => ({ tick: -1, calls: 0, retries: 0 }));

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

  /** Whether one more retry fits in the budget now. */
  hasRoom(): boolean {
    const now = this.#current();
    let calls = 0;
    let retries = 0;
    for (const slot of this.#slots) {
      if (slot.tick > now.tick - SLOTS) {
        calls += slot.calls;
        retries += slot.retries;
      }
    }
    return retries + 1 <= this.#ratio * calls + this.#floor;
  }

  /** Takes one retry from the budget (after hasRoom() said yes). */
  spend(): void {
    this.#current().retries++;
  }

  /** The slot of this tick, emptied first when it last counted an older one. */
  #current(): Slot {
    const tick = Math.floor(Date.now() / this.#slotMs);
    const slot = this.#slots[tick % SLOTS]!;
    if (slot.tick !== tick) {
      slot.tick = tick;
      slot.calls = 0;
      slot.retries = 0;
    }
    return slot;
  }
}
