/**
 * A client-wide retry budget over a sliding window, as Envoy and Finagle keep one: retries
 * may not exceed `ratio` of first attempts plus `minPerSecond` per second of the window.
 */
import { check, checkNumber } from "./option-error.js";
import type { RetryBudgetOptions } from "./options.js";
import { durationOption } from "./timeouts.js";

const SLOTS = 10;

/** Counts first attempts and retries in ten slots of a sliding window. */
export class RetryBudget {
  readonly #ratio: number;
  /** Retries allowed over the window whatever the traffic: minPerSecond per second. */
  readonly #floor: number;
  readonly #slot: number;
  /** Per slot: the tick it counts for, first attempts, retries. */
  readonly #stamp = new Float64Array(SLOTS).fill(-1);
  readonly #calls = new Float64Array(SLOTS);
  readonly #retries = new Float64Array(SLOTS);

  constructor({ ratio = 0.2, minPerSecond = 10, window = "10s" }: RetryBudgetOptions) {
    checkNumber(ratio, "retry.budget.ratio", 0);
    checkNumber(minPerSecond, "retry.budget.minPerSecond", 0);
    const ms = durationOption(window, "retry.budget.window");
    check(ms > 0, "retry.budget.window", "must be longer than 0");
    this.#ratio = ratio;
    this.#floor = (minPerSecond * ms) / 1000;
    this.#slot = ms / SLOTS;
  }

  /** Records a first attempt. */
  recordCall(): void {
    this.#calls[this.#index(Date.now())]!++;
  }

  /** Takes one retry from the budget; false when it is spent. */
  tryRetry(): boolean {
    const now = Date.now();
    const i = this.#index(now);
    const oldest = Math.floor(now / this.#slot) - SLOTS + 1;
    let calls = 0;
    let retries = 0;
    for (let j = 0; j < SLOTS; j++) {
      if (this.#stamp[j]! >= oldest) {
        calls += this.#calls[j]!;
        retries += this.#retries[j]!;
      }
    }
    if (retries + 1 > this.#ratio * calls + this.#floor) return false;
    this.#retries[i]!++;
    return true;
  }

  /** The slot of `now`, emptied first when it last counted an older tick. */
  #index(now: number): number {
    const tick = Math.floor(now / this.#slot);
    const i = tick % SLOTS;
    if (this.#stamp[i] !== tick) {
      this.#stamp[i] = tick;
      this.#calls[i] = this.#retries[i] = 0;
    }
    return i;
  }
}
