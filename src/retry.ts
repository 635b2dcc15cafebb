/** The retry policy: may this failure be retried, and how long to wait first. */
import { DEFAULT_RETRY, type RetryOptions, type RetryContext } from "./options.js";
import { check } from "./option-error.js";
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
/** Statuses that say the request was not processed: retried even for POST and PATCH. */
const NOT_PROCESSED = new Set([429, 503]);

/** Applies a `retry` option over a base policy (the client's, or the defaults). */
export function resolveRetry(option: number | false | RetryOptions | undefined, base?: RetryPolicy): RetryPolicy {
  const out = { ...(base ?? defaultPolicy()) };
  if (option === undefined) return out;
  if (option === false) option = 0;
  if (typeof option === "number") option = { maxRetries: option };
  check(typeof option === "object" && option, "retry", "must be a number, false or an object");
  const { maxRetries: n, minDelay, maxDelay, deadline, factor: f, statuses, shouldRetry: fn, budget } = option;
  if (n !== undefined) {
    check(Number.isInteger(n) && n >= 0, "retry.maxRetries", "must be a whole number >= 0");
    out.maxRetries = n;
  }
  if (minDelay !== undefined) out.minDelay = durationOption("retry.minDelay", minDelay);
  if (maxDelay !== undefined) out.maxDelay = durationOption("retry.maxDelay", maxDelay);
  if (deadline !== undefined) out.deadline = durationOption("retry.deadline", deadline);
  if (f !== undefined) {
    check(typeof f === "number" && f >= 1 && f < Infinity, "retry.factor", "must be a finite number >= 1");
    out.factor = f;
  }
  if (statuses !== undefined) {
    check(Array.isArray(statuses) && statuses.every((s) => Number.isInteger(s) && s >= 100 && s < 600), "retry.statuses", "must be an array of HTTP statuses");
    out.statuses = new Set(statuses);
  }
  if (fn !== undefined) {
    check(typeof fn === "function", "retry.shouldRetry", "must be a function");
    out.shouldRetry = fn;
  }
  if (budget !== undefined) out.budget = budget;
  return out;
}

let defaults: RetryPolicy | undefined;
function defaultPolicy(): RetryPolicy {
  return (defaults ??= {
    maxRetries: DEFAULT_RETRY.maxRetries,
    minDelay: durationOption("retry.minDelay", DEFAULT_RETRY.minDelay),
    maxDelay: durationOption("retry.maxDelay", DEFAULT_RETRY.maxDelay),
    factor: DEFAULT_RETRY.factor,
    deadline: durationOption("retry.deadline", DEFAULT_RETRY.deadline),
    statuses: new Set(DEFAULT_RETRY.statuses),
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
  return idempotent || NOT_PROCESSED.has(status);
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
  const ms = headers.get("retry-after-ms");
  if (ms !== null && /^\s*\d+(?:\.\d+)?\s*$/.test(ms)) return Number(ms);
  const value = headers.get("retry-after");
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = parseHttpDate(trimmed);
  return date === undefined ? undefined : Math.max(0, date - now);
}

const MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";

/**
 * Parses the three HTTP-date forms of RFC 9110 §5.6.7 as UTC, whatever the engine:
 * `Sun, 06 Nov 1994 08:49:37 GMT`, `Sunday, 06-Nov-94 08:49:37 GMT`, `Sun Nov  6 08:49:37 1994`.
 */
export function parseHttpDate(value: string): number | undefined {
  let m = /^[a-z]+, (\d\d)[ -]([a-z]{3})[ -](\d\d(?:\d\d)?) (\d\d):(\d\d):(\d\d) GMT$/i.exec(value);
  let day, mon, year, time;
  if (m) [, day, mon, year, ...time] = m;
  else {
    m = /^[a-z]{3} ([a-z]{3}) {1,2}(\d\d?) (\d\d):(\d\d):(\d\d) (\d{4})$/i.exec(value);
    if (!m) return undefined;
    [, mon, day, , , , year] = m;
    time = m.slice(3, 6);
  }
  let y = +year!;
  if (year!.length === 2) {
    // RFC 850's two-digit year: one more than 50 years ahead is in the past.
    const now = new Date().getUTCFullYear();
    y += Math.floor(now / 100) * 100;
    if (y > now + 50) y -= 100;
  }
  const month = MONTHS.indexOf(mon!.toLowerCase()) / 3;
  const [h, min, sec] = time!.map(Number) as [number, number, number];
  if (month % 1 || month < 0 || +day! < 1 || +day! > 31 || h > 23 || min > 59 || sec > 60) return undefined;
  return Date.UTC(y, month, +day!, h, min, sec);
}
