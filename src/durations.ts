/**
 * A length of time: a number of milliseconds, or a string of one or more spans such as
 * `"32ms"`, `"1.5s"`, `"1m30s"` or `"2h 37min"`.
 */
export type Duration = number | string;

const MS_PER_DAY = 86_400_000;

/** Milliseconds per unit, by every accepted spelling. `m` is minutes, `M` months. */
const UNITS: Record<string, number> = {
  ns: 1e-6, nsec: 1e-6,
  us: 1e-3, usec: 1e-3,
  ms: 1, msec: 1,
  s: 1000, sec: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: MS_PER_DAY, day: MS_PER_DAY, days: MS_PER_DAY,
  w: 7 * MS_PER_DAY, week: 7 * MS_PER_DAY, weeks: 7 * MS_PER_DAY,
  M: 30.44 * MS_PER_DAY, month: 30.44 * MS_PER_DAY, months: 30.44 * MS_PER_DAY,
  y: 365.25 * MS_PER_DAY, year: 365.25 * MS_PER_DAY, years: 365.25 * MS_PER_DAY,
};

const UNIT_LIST = "ns, us, ms, s, m (minutes), h, d, w, M (months), y, and their long forms (sec, min, hr, day, week, month, year, ...)";

/** One span: a non-negative decimal number, optional spaces, a unit made of letters. */
const SPAN = /\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-zA-Z]+)\s*/y;

/**
 * Converts a {@link Duration} to milliseconds.
 *
 * @throws TypeError quoting the input and listing the accepted units, for an empty string,
 *   an unknown unit, a missing number, a negative number, NaN or Infinity.
 * @example
 * parseDuration("2h 37min"); // 9_420_000
 * parseDuration("1.5s");     // 1500
 * parseDuration(250);        // 250
 */
export function parseDuration(input: Duration): number {
  if (typeof input === "number") {
    if (Number.isFinite(input) && input >= 0) return input;
    throw bad(input);
  }
  if (typeof input !== "string") throw bad(input);
  let total = 0;
  let at = 0;
  let spans = 0;
  while (at < input.length) {
    SPAN.lastIndex = at;
    const m = SPAN.exec(input);
    if (!m) {
      // Trailing white space after the last span is fine; anything else is not.
      if (spans > 0 && input.slice(at).trim() === "") break;
      throw bad(input);
    }
    const unit = UNITS[m[2]!] ?? (m[2] !== "M" ? UNITS[m[2]!.toLowerCase()] : undefined);
    if (unit === undefined) throw bad(input);
    total += Number(m[1]) * unit;
    at = SPAN.lastIndex;
    spans++;
  }
  if (spans === 0 || !Number.isFinite(total)) throw bad(input);
  return total;
}

function bad(input: unknown): TypeError {
  const shown = typeof input === "string" ? JSON.stringify(input) : String(input);
  return new TypeError(`Invalid duration ${shown}: use milliseconds (a non-negative number) or spans like "500ms", "1.5s", "2h 37min". Units: ${UNIT_LIST}.`);
}
