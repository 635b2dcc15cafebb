/** The retry policy: may this failure be retried, and how long to wait first. */
import type { RetryOptions, RetryContext } from "./options.js";
import { check, checkFunction, checkNumber } from "./option-error.js";
import { durationOption } from "./timeouts.js";

/** The retry policy with every value validated, durations in milliseconds. */
export interface RetryPolicy {
  maxRetries: number;
  minDelay: number;
  maxDelay: number;
  factor: number;
  deadline: number;
  statuses: ReadonlySet<number>;
  shouldRetry: ((ctx: RetryContext) => boolean | undefined) | undefined;
  /** The budget options as given (normalised by the client). */
  budget: RetryOptions["budget"];
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

type Normalise<K extends keyof RetryPolicy> = (value: never, name: string) => RetryPolicy[K];

/** How each retry option is validated and normalised, in the order they are checked. */
const RETRY_OPTIONS: { [K in keyof RetryPolicy]: Normalise<K> } = {
  maxRetries: (n: number, name) => (checkNumber(n, name, 0, true), n),
  minDelay: durationOption,
  maxDelay: durationOption,
  deadline: durationOption,
  factor: (f: number, name) => (checkNumber(f, name, 1), f),
  statuses: (s: number[], name) => {
    check(Array.isArray(s) && s.every((x) => Number.isInteger(x) && x >= 100 && x < 600), name, "must be an array of HTTP statuses");
    return new Set(s);
  },
  shouldRetry: (fn: RetryPolicy["shouldRetry"], name) => (checkFunction(fn, name), fn),
  budget: (budget: RetryPolicy["budget"]) => budget,
};

/** Applies a `retry` option over a base policy (the client's, or the defaults). */
export function resolveRetry(option: number | false | RetryOptions | undefined, base: RetryPolicy = defaultPolicy()): RetryPolicy {
  const out = { ...base };
  if (option === undefined) return out;
  if (option === false) option = 0;
  if (typeof option === "number") option = { maxRetries: option };
  check(typeof option === "object" && option, "retry", "must be a number, false or an object");
  for (const key of Object.keys(RETRY_OPTIONS) as (keyof RetryPolicy)[]) {
    const value = (option as Record<string, unknown>)[key];
    if (value !== undefined) (out as Record<string, unknown>)[key] = RETRY_OPTIONS[key](value as never, `retry.${key}`);
  }
  return out;
}

let defaults: RetryPolicy | undefined;
/** The defaults: 4 retries, 500 ms doubling up to 15 s, a 3 min deadline, 408 429 500 502 503 504. */
export function defaultPolicy(): RetryPolicy {
  return (defaults ??= {
    maxRetries: 4,
    minDelay: 500,
    maxDelay: 15e3,
    deadline: 18e4,
    factor: 2,
    statuses: new Set([408, 429, 500, 502, 503, 504]),
    shouldRetry: undefined,
    budget: undefined,
  });
}

/**
 * The default decision. Safe methods (GET HEAD OPTIONS PUT DELETE TRACE) and requests with an
 * idempotency key retry on the listed statuses, network errors and timeouts; POST and PATCH
 * otherwise only on 429 and 503, which say the server did not process the request.
 */
export function isRetryable(policy: RetryPolicy, method: string, hasIdempotencyKey: boolean, status: number | undefined): boolean {
  const idempotent = hasIdempotencyKey || SAFE_METHODS.has(method);
  if (status === undefined) return idempotent; // network error or timeout
  if (!policy.statuses.has(status)) return false;
  return idempotent || status === 429 || status === 503; // not processed: retried even for POST and PATCH
}

/** Backoff before retry `n` (0-based): `minDelay · factorⁿ` capped at maxDelay, jitter in its upper half, never below minDelay. */
export function backoffDelay(policy: RetryPolicy, n: number, random: () => number = Math.random): number {
  const full = Math.min(policy.maxDelay, policy.minDelay * policy.factor ** n);
  return Math.max(policy.minDelay, full / 2 + (random() * full) / 2);
}

/**
 * Milliseconds a response asks the client to wait: `retry-after-ms`, or `Retry-After` as
 * delta seconds or an HTTP date (IMF-fixdate, RFC 850, asctime). Undefined when absent or
 * unreadable.
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms")?.trim();
  if (ms && SECONDS.test(ms)) return +ms;
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (SECONDS.test(value)) return +value * 1000;
  const date = parseHttpDate(value);
  return date === undefined ? undefined : Math.max(0, date - now);
}

/** A non-negative decimal number (delta seconds, or milliseconds for retry-after-ms). */
const SECONDS = /^\d+(?:\.\d+)?$/;

const MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";

/**
 * Parses the three HTTP-date forms of RFC 9110 §5.6.7 as UTC, whatever the engine:
 * `Sun, 06 Nov 1994 08:49:37 GMT`, `Sunday, 06-Nov-94 08:49:37 GMT`, `Sun Nov  6 08:49:37 1994`.
 */
export function parseHttpDate(value: string): number | undefined {
  // IMF-fixdate and RFC 850 give day, month, year, time; asctime month, day, time, year.
  const m = /^[a-z]+, (\d\d)[ -]([a-z]{3})[ -](\d\d(?:\d\d)?) (\d\d):(\d\d):(\d\d) GMT$/i.exec(value);
  const a = /^[a-z]{3} ([a-z]{3}) {1,2}(\d\d?) (\d\d):(\d\d):(\d\d) (\d{4})$/i.exec(value);
  const [day, mon, year, h, min, sec]: (string | undefined)[] = m ? m.slice(1) : a ? [a[2], a[1], a[6], a[3], a[4], a[5]] : [];
  if (!year) return undefined;
  let y = +year;
  if (year.length === 2) {
    // RFC 850's two-digit year: one more than 50 years ahead is in the past.
    const now = new Date().getUTCFullYear();
    y += now - (now % 100);
    if (y > now + 50) y -= 100;
  }
  const month = MONTHS.indexOf(mon!.toLowerCase()) / 3;
  if (month % 1 || month < 0 || +day! < 1 || +day! > 31 || +h! > 23 || +min! > 59 || +sec! > 60) return undefined;
  return Date.UTC(y, month, +day!, +h!, +min!, +sec!);
}
