/**
 * A length of time: a number of milliseconds, or a string of one or more spans such as
 * `"32ms"`, `"1.5s"`, `"1m30s"` or `"2h 37min"`.
 */
export type Duration = number | string;

const DAY = 86_400_000;
/** Milliseconds per unit, with every spelling; `m` is minutes, `M` months. */
const UNITS: Record<string, number> = {};
for (const [ms, names] of [
  [1e-6, "ns nsec"], [1e-3, "us usec"], [1, "ms msec"], [1000, "s sec second seconds"],
  [60_000, "m min minute minutes"], [3_600_000, "h hr hour hours"], [DAY, "d day days"],
  [7 * DAY, "w week weeks"], [30.44 * DAY, "M month months"], [365.25 * DAY, "y year years"],
] as const) for (const name of names.split(" ")) UNITS[name] = ms;

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
    const unit = UNITS[m[2]!] ?? UNITS[m[2]!.toLowerCase()];
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
  return new TypeError(`Invalid duration ${shown}: use milliseconds (a number >= 0) or spans like "1.5s" or "2h 37min", in ns us ms s m(inutes) h d w M(onths) y or sec min hr day week month year (plural too)`);
}
