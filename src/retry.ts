/** The retry policy: may this failure be retried, and how long to wait first. */
import { DEFAULT_RETRY, type RetryOptions, type RetryContext } from "./options.js";
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
  const start = base ?? defaultPolicy();
  if (option === undefined) return start;
  if (option === false) return { ...start, maxRetries: 0 };
  if (typeof option === "number") return { ...start, maxRetries: retryCount(option) };
  if (typeof option !== "object" || option === null) throw new TypeError(`Option "retry" must be a number, false or an object`);
  const out = { ...start };
  if (option.maxRetries !== undefined) out.maxRetries = retryCount(option.maxRetries);
  if (option.minDelay !== undefined) out.minDelay = durationOption("retry.minDelay", option.minDelay);
  if (option.maxDelay !== undefined) out.maxDelay = durationOption("retry.maxDelay", option.maxDelay);
  if (option.deadline !== undefined) out.deadline = durationOption("retry.deadline", option.deadline);
  if (option.factor !== undefined) {
    if (typeof option.factor !== "number" || !(option.factor >= 1) || !Number.isFinite(option.factor)) throw new TypeError(`Option "retry.factor" must be a finite number of at least 1`);
    out.factor = option.factor;
  }
  if (option.statuses !== undefined) {
    if (!Array.isArray(option.statuses) || option.statuses.some((s) => !Number.isInteger(s) || s < 100 || s > 599)) {
      throw new TypeError(`Option "retry.statuses" must be an array of HTTP status codes`);
    }
    out.statuses = new Set(option.statuses);
  }
  if (option.shouldRetry !== undefined) {
    if (typeof option.shouldRetry !== "function") throw new TypeError(`Option "retry.shouldRetry" must be a function`);
    out.shouldRetry = option.shouldRetry;
  }
  if (option.budget !== undefined) out.budget = option.budget;
  return out;
}

function retryCount(n: unknown): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new TypeError(`Option "retry.maxRetries" must be a whole number of 0 or more`);
  return n;
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

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** Parses the three HTTP-date forms of RFC 9110 §5.6.7 as UTC, whatever the engine. */
export function parseHttpDate(value: string): number | undefined {
  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
  let m = /^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(value);
  if (m) return utc(+m[3]!, m[2]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!);
  // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT (a two-digit year more than 50 years ahead is in the past)
  m = /^[A-Za-z]+, (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(value);
  if (m) {
    const thisYear = new Date().getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + +m[3]!;
    if (year > thisYear + 50) year -= 100;
    return utc(year, m[2]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!);
  }
  // asctime: Sun Nov  6 08:49:37 1994
  m = /^[A-Za-z]{3} ([A-Za-z]{3}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(value);
  if (m) return utc(+m[6]!, m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!);
  return undefined;
}

function utc(year: number, month: string, day: number, h: number, min: number, s: number): number | undefined {
  const mon = MONTHS.indexOf(month.toLowerCase());
  if (mon < 0 || day < 1 || day > 31 || h > 23 || min > 59 || s > 60) return undefined;
  return Date.UTC(year, mon, day, h, min, s);
}
