/** The retry budget's options, validated (on a client and on a request alike) and normalised. */
import { check, checkNumber } from "../options/option-error.js";
import type { RetryBudgetOptions } from "../options/options.js";
import { durationOption } from "./timeouts.js";

/** The budget as numbers: retries per first attempt, retries allowed per window, the window in ms. */
export interface BudgetSettings {
  ratio: number;
  minPerSecond: number;
  windowMs: number;
}

/** Validates budget options (TypeError naming the field) and fills in the defaults. */
export function checkBudgetOptions(input: RetryBudgetOptions | undefined, name = "retry.budget"): BudgetSettings {
  check(typeof input === "object" && input !== null && !Array.isArray(input), name, "must be false or an object");
  const options = input as RetryBudgetOptions;
  for (const key of Object.keys(options)) {
    check(key === "ratio" || key === "minPerSecond" || key === "window", `${name}.${key.slice(0, 64)}`, "is not a budget option: use ratio, minPerSecond, window");
  }
  const { ratio = 0.2, minPerSecond = 10, window = "10s" } = options;
  checkNumber(ratio, `${name}.ratio`, 0);
  checkNumber(minPerSecond, `${name}.minPerSecond`, 0);
  const windowMs = durationOption(window, `${name}.window`);
  check(windowMs > 0, `${name}.window`, "must be longer than 0");
  return { ratio, minPerSecond, windowMs };
}
