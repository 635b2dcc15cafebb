/**
 * A client-wide retry budget over a sliding window, as Envoy and Finagle keep one: retries
 * may not exceed `ratio` of first attempts plus `minPerSecond` per second of the window.
 */
import { check } from "./option-error.js";
import type { RetryBudgetOptions } from "./options.js";
import { durationOption } from "./timeouts.js";

const SLOTS = 10;

/** Counts first attempts and retries in ten slots of a sliding window. */
export class RetryBudget {
  readonly ratio: number;
  readonly minPerSecond: number;
  readonly window: number;
  private readonly slot: number;
  private readonly calls = new Float64Array(SLOTS);
  private readonly retries = new Float64Array(SLOTS);
  private readonly stamp = new Float64Array(SLOTS).fill(-1);

  constructor(options: RetryBudgetOptions = {}) {
    const { ratio = 0.2, minPerSecond = 10, window = "10s" } = options;
    check(ratio >= 0 && ratio < Infinity, "retry.budget.ratio", "must be a finite number >= 0");
    check(minPerSecond >= 0 && minPerSecond < Infinity, "retry.budget.minPerSecond", "must be a finite number >= 0");
    this.ratio = ratio;
    this.minPerSecond = minPerSecond;
    this.window = durationOption("retry.budget.window", window);
    check(this.window > 0, "retry.budget.window", "must be longer than 0");
    this.slot = this.window / SLOTS;
  }

  /** Records a first attempt. */
  recordCall(now: number = Date.now()): void {
    this.calls[this.index(now)]!++;
  }

  /** Takes one retry from the budget; false when it is spent. */
  tryRetry(now: number = Date.now()): boolean {
    this.index(now);
    let calls = 0;
    let retries = 0;
    const oldest = Math.floor(now / this.slot) - SLOTS + 1;
    for (let i = 0; i < SLOTS; i++) {
      if (this.stamp[i]! >= oldest) {
        calls += this.calls[i]!;
        retries += this.retries[i]!;
      }
    }
    const allowed = this.ratio * calls + (this.minPerSecond * this.window) / 1000;
    if (retries + 1 > allowed) return false;
    this.retries[this.index(now)]!++;
    return true;
  }

  private index(now: number): number {
    const tick = Math.floor(now / this.slot);
    const i = tick % SLOTS;
    if (this.stamp[i] !== tick) {
      this.stamp[i] = tick;
      this.calls[i] = 0;
      this.retries[i] = 0;
    }
    return i;
  }
}
