/**
 * Rate-limit headers as a delay source: how long a 429 or 503 that has no Retry-After asks the
 * client to wait, from `RateLimit` (the IETF structured field: a list of policies, each with
 * `t`, the seconds until its quota resets; the largest wins), else `RateLimit-Reset` or
 * `X-RateLimit-Reset` (delta seconds, or a Unix time in seconds when larger than 10⁹). The
 * result is used as Retry-After's is: never below minDelay, and past the retry deadline it
 * stops the retries. Every parse is linear in the header's length.
 */

/** Non-negative decimal seconds (a huge value reads as Infinity: past any deadline). */
const SECONDS = /^\d+(?:\.\d+)?$/;
/** Seconds above this are a Unix time, not a delta. */
const UNIX_TIME = 1e9;

/** Structured-field pieces (RFC 9651), read sticky at one position: each scans forward once. */
const STRING = `"(?:[^"\\\\]|\\\\["\\\\])*"`;
const TOKEN = `[A-Za-z*][\\w!#$%&'*+.^|~:/-]*`;
const ITEM = new RegExp(`[ \\t]*(?:${STRING}|${TOKEN})`, "y");
const PARAM = new RegExp(`[ \\t]*;[ \\t]*([a-z*][a-z\\d_.*-]*)(?:=(-?\\d+(?:\\.\\d+)?|${STRING}|${TOKEN}|\\?[01]))?`, "y");
const NEXT = /[ \t]*(?:,|$)/y;
/** An sf-integer `t`: up to 15 digits, non-negative. */
const T_VALUE = /^\d{1,15}$/;

/**
 * The largest `t` (seconds) among the policies of a `RateLimit` field, or undefined when it
 * has none or does not parse (a field that fails to parse is ignored whole, as RFC 9651 says).
 */
export function largestReset(field: string): number | undefined {
  let largest: number | undefined;
  let at = 0;
  const match = (re: RegExp): RegExpExecArray | null => {
    re.lastIndex = at;
    const m = re.exec(field);
    if (m) at = re.lastIndex;
    return m;
  };
  while (at < field.length) {
    if (!match(ITEM)) return undefined;
    for (let param = match(PARAM); param; param = match(PARAM)) {
      if (param[1] !== "t") continue;
      if (!T_VALUE.test(param[2] ?? "")) return undefined;
      largest = Math.max(largest ?? 0, +param[2]!);
    }
    const next = match(NEXT);
    if (!next) return undefined;
    // A trailing comma is a parse error too.
    if (next[0].endsWith(",") && at === field.length) return undefined;
  }
  return largest;
}

/** Delta seconds, or a Unix time in seconds, as milliseconds from `now`. */
function resetSeconds(value: string | null, now: number): number | undefined {
  const text = value?.trim();
  if (!text || !SECONDS.test(text)) return undefined;
  const seconds = +text;
  return seconds > UNIX_TIME ? Math.max(0, seconds * 1000 - now) : seconds * 1000;
}

/**
 * Milliseconds the rate-limit headers of a 429 or 503 ask the client to wait; undefined for
 * another status or when none is present and readable.
 * @param now the clock a Unix time is measured against
 */
export function rateLimitDelay(status: number, headers: Headers, now: number = Date.now()): number | undefined {
  if (status !== 429 && status !== 503) return undefined;
  const field = headers.get("ratelimit");
  const t = field ? largestReset(field) : undefined;
  if (t !== undefined) return t * 1000;
  return resetSeconds(headers.get("ratelimit-reset"), now) ?? resetSeconds(headers.get("x-ratelimit-reset"), now);
}
