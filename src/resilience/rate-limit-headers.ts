/**
 * Rate-limit headers as a delay source: how long a 429 or 503 that has no Retry-After asks the
 * client to wait, from `RateLimit` (the IETF structured field: a list of policies, each with
 * `t`, the seconds until its quota resets; the largest wins), else `RateLimit-Reset` or
 * `X-RateLimit-Reset` (delta seconds, or a Unix time in seconds when larger than 10⁹). The
 * result is used as Retry-After's is: never below minDelay, and past the retry deadline it
 * stops the retries.
 *
 * A reset header sent twice (joined by ", ") gives the longest of its readable waits.
 *
 * Read leniently, in one linear scan: every `;t=<integer>` parameter counts, whatever else the
 * field holds (the server sets every value anyway). A `t` that is negative, fractional or longer
 * than a structured-field integer (15 digits) is not one.
 */

/** A policy's `t` parameter: a non-negative sf-integer. */
const T_PARAM = /;[ \t]*t=(\d{1,15})(?![\d.])/g;
/** Non-negative decimal seconds (a huge value reads as Infinity: past any deadline). */
const SECONDS = /^\d+(?:\.\d+)?$/;

/**
 * Milliseconds the rate-limit headers of a 429 or 503 ask the client to wait; undefined for
 * another status or when none is present and readable.
 * @param now the clock a Unix time is measured against
 */
export function rateLimitDelay(status: number, headers: Headers, now: number = Date.now()): number | undefined {
  if (status !== 429 && status !== 503) return undefined;
  let t: number | undefined;
  for (const [, seconds] of (headers.get("ratelimit") ?? "").matchAll(T_PARAM)) t = Math.max(t ?? 0, +seconds!);
  if (t !== undefined) return t * 1000;
  for (const name of ["ratelimit-reset", "x-ratelimit-reset"]) {
    let ms: number | undefined;
    // The header sent twice reaches get() joined by ", ": the longest wait among them counts.
    for (const part of headers.get(name)?.split(",") ?? []) {
      const value = part.trim();
      // A Unix time once past 10⁹ seconds (2001): measured from now, never negative.
      if (SECONDS.test(value)) ms = Math.max(ms ?? 0, +value > 1e9 ? Math.max(0, +value * 1000 - now) : +value * 1000);
    }
    if (ms !== undefined) return ms;
  }
  return undefined;
}
