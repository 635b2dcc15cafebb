/**
 * A client-wide retry budget over a sliding window, as Envoy and Finagle keep one: retries
 * may not exceed `ratio` of first attempts plus `minPerSecond` per second of the window.
 */
import { check, checkNumber } from "./option-error.js";
import type { RetryBudgetOptions } from "./options.js";
import { durationOption } from "./timeouts.js";

/** Counts first attempts and retries in ten slots of a sliding window. */
export class RetryBudget {
  readonly #ratio: number;
  /** Retries allowed over the window whatever the traffic: minPerSecond per second. */
  readonly #floor: number;
  readonly #slot: number;
  /** Ten slots, each: the tick (a tenth of the window) it counts for, first attempts, retries. */
  readonly #slots = Array.from({ length: 10 }, () => [-1, 0, 0]);

  constructor({ ratio = 0.2, minPerSecond = 10, window = "10s" }: RetryBudgetOptions) {
    checkNumber(ratio, "retry.budget.ratio", 0);
    checkNumber(minPerSecond, "retry.budget.minPerSecond", 0);
    const ms = durationOption(window, "retry.budget.window");
    check(ms > 0, "retry.budget.window", "must be longer than 0");
    this.#ratio = ratio;
    this.#floor = (minPerSecond * ms) / 1000;
    this.#slot = ms / 10;
  }

  /** Records a first attempt. */
  recordCall(): void {
    this.#now()[1]!++;
  }

  /** Takes one retry from the budget; false when it is spent. */
  tryRetry(): boolean {
    const slot = this.#now();
    let calls = 0;
    let retries = 0;
    for (const [tick, c, r] of this.#slots) {
      if (tick! > slot[0]! - 10) {
        calls += c!;
        retries += r!;
      }
    }
    if (retries + 1 > this.#ratio * calls + this.#floor) return false;
    slot[2]!++;
    return true;
  }

  /** The slot of this tick, emptied first when it last counted an older one. */
  #now(): number[] {
    const tick = Math.floor(Date.now() / this.#slot);
    const slot = this.#slots[tick % 10]!;
    if (slot[0] !== tick) slot.splice(0, 3, tick, 0, 0);
    return slot;
  }
}
