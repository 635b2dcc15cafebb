/**
 * How long a response asks the client to wait: `retry-after-ms`, or `Retry-After` as delta
 * seconds or an HTTP date (RFC 9110 §10.2.3).
 */

/** A non-negative decimal number (delta seconds, or milliseconds for retry-after-ms); a huge one reads as Infinity (past any deadline). */
const SECONDS = /^\d+(?:\.\d+)?$/;

/**
 * Milliseconds a response asks the client to wait. Undefined when absent or unreadable.
 * @param now the clock an HTTP date is measured against
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms")?.trim().slice(0, 4096);
  if (ms && SECONDS.test(ms)) return +ms;
  const value = headers.get("retry-after")?.trim().slice(0, 4096);
  if (!value) return undefined;
  if (SECONDS.test(value)) return +value * 1000;
  const date = parseHttpDate(value);
  return date === undefined ? undefined : Math.max(0, date - now);
}

// A month's number is its offset in this string / 3 (a fraction, or -1/3, for anything else).
const MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";

/** IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT` and RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT`. */
const IMF_OR_RFC850 = /^[a-z]{1,9}, (\d\d)[ -]([a-z]{3})[ -](\d\d(?:\d\d)?) (\d\d):(\d\d):(\d\d) GMT$/i;
/** asctime `Sun Nov  6 08:49:37 1994`. */
const ASCTIME = /^[a-z]{3} ([a-z]{3}) {1,2}(\d\d?) (\d\d):(\d\d):(\d\d) (\d{4})$/i;

/** Parses the three HTTP-date forms as UTC, whatever the engine's Date.parse does. */
export function parseHttpDate(value: string): number | undefined {
  if (value.length > 64) return undefined;
  let day: string, mon: string, year: string, h: string, min: string, sec: string;
  const imf = IMF_OR_RFC850.exec(value);
  const asc = imf ? null : ASCTIME.exec(value);
  if (imf) [, day, mon, year, h, min, sec] = imf as unknown as string[];
  else if (asc) [, mon, day, h, min, sec, year] = asc as unknown as string[];
  else return undefined;
  const month = MONTHS.indexOf(mon!.toLowerCase()) / 3;
  if (month % 1 || +day! < 1 || +day! > 31 || +h! > 23 || +min! > 59 || +sec! > 60) return undefined;
  return Date.UTC(fullYear(year!), month, +day!, +h!, +min!, +sec!);
}

/** RFC 850's two-digit year: one more than 50 years ahead is in the past. */
function fullYear(year: string): number {
  if (year.length === 4) return +year;
  const now = new Date().getUTCFullYear();
  let y = +year + now - (now % 100);
  if (y > now + 50) y -= 100;
  return y;
}
