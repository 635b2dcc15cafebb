/** The retry policy: the options validated, and which failures may be retried at all. */
import type { RetryOptions, RetryContext } from "../options/options.js";
import { check, checkFunction, checkNumber } from "../options/option-error.js";
import { durationOption } from "./timeouts.js";
import { checkBudgetOptions } from "./retry-budget-options.js";

/** The retry policy with every value validated, durations in milliseconds. */
export interface RetryPolicy {
  readonly maxRetries: number;
  readonly minDelay: number;
  readonly maxDelay: number;
  readonly factor: number;
  readonly deadline: number;
  readonly statuses: ReadonlySet<number>;
  readonly shouldRetry: ((ctx: RetryContext) => boolean | undefined) | undefined;
  /** The budget options as given (the client makes the budget). */
  readonly budget: RetryOptions["budget"];
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

type Normalise<K extends keyof RetryPolicy> = (value: never, name: string) => RetryPolicy[K];

/** How each retry option is validated and normalised: one row per option (in the order an error lists them). */
const RETRY_OPTIONS: { [K in keyof RetryPolicy]: Normalise<K> } = {
  maxRetries: (n: number, name) => (checkNumber(n, name, 0, true), n),
  minDelay: durationOption,
  maxDelay: durationOption,
  factor: (f: number, name) => (checkNumber(f, name, 1), f),
  deadline: durationOption,
  statuses: (s: number[], name) => {
    check(Array.isArray(s) && s.every((x) => Number.isInteger(x) && x >= 100 && x < 600), name, "must be an array of HTTP statuses");
    return new Set(s);
  },
  shouldRetry: (fn: RetryPolicy["shouldRetry"], name) => (checkFunction(fn, name), fn),
  budget: (budget: RetryPolicy["budget"], name) => {
    if (budget !== false) checkBudgetOptions(budget, name);
    return budget;
  },
};

/** Applies a `retry` option over a base policy (the parent's, or the defaults). */
export function resolveRetry(option: number | false | RetryOptions | undefined, base: RetryPolicy = DEFAULT_POLICY): RetryPolicy {
  if (option === undefined) return base;
  if (option === false) option = { maxRetries: 0 };
  else if (typeof option === "number") option = { maxRetries: option };
  check(typeof option === "object" && option !== null && !Array.isArray(option), "retry", "must be a number, false or an object");
  const out: Record<string, unknown> = { ...base };
  for (const key of Object.keys(option)) {
    check(Object.hasOwn(RETRY_OPTIONS, key), `retry.${key}`, `is not a retry option: use ${Object.keys(RETRY_OPTIONS).join(", ")}`);
    const value = (option as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = RETRY_OPTIONS[key as keyof RetryPolicy](value as never, `retry.${key}`);
  }
  return out as unknown as RetryPolicy;
}

/** The defaults: 4 retries, 500 ms doubling up to 15 s, a 3 min deadline, 408 429 500 502 503 504. */
export const DEFAULT_POLICY: RetryPolicy = /* @__PURE__ */ Object.freeze({
  maxRetries: 4,
  minDelay: 500,
  maxDelay: 15e3,
  deadline: 18e4,
  factor: 2,
  statuses: new Set([408, 429, 500, 502, 503, 504]),
  shouldRetry: undefined,
  budget: undefined,
});

/**
 * Whether a failure may be retried at all. Safe methods (GET HEAD OPTIONS PUT DELETE TRACE)
 * and requests with an idempotency key retry on the listed statuses, network errors and
 * timeouts; POST and PATCH otherwise only on 429 and 503, which say the server did not
 * process the request.
 */
export function isRetryable(policy: RetryPolicy, idempotent: boolean, status: number | undefined): boolean {
  if (status === undefined) return idempotent; // network error or timeout
  if (!policy.statuses.has(status)) return false;
  return idempotent || status === 429 || status === 503;
}

/** True for a method that may be sent twice without harm. */
export const isSafeMethod = (method: string): boolean => SAFE_METHODS.has(method);
