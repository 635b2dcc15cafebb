/** A unit of a {@link Duration} span, with every spelling; `m` is minutes, `M` months. */
export type DurationUnit =
  | "ns" | "nsec" | "us" | "usec" | "ms" | "msec" | "s" | "sec" | "second" | "seconds"
  | "m" | "min" | "minute" | "minutes" | "h" | "hr" | "hour" | "hours" | "d" | "day" | "days"
  | "w" | "week" | "weeks" | "M" | "month" | "months" | "y" | "year" | "years";

/** One span: a number and a unit, optionally with a space between: `"1.5s"`, `"3 weeks"`. */
type DurationSpan = `${number}${DurationUnit}` | `${number} ${DurationUnit}`;

/**
 * A length of time: a number of milliseconds, or a string of one or more spans such as
 * `"32ms"`, `"1.5s"`, `"1m30s"` or `"2h 37min"`.
 *
 * The string type checks the first span exactly (so `"shrt"`, `"1500"` and `"5 parsecs"` are
 * type errors) and only that further spans start with a number; {@link parseDuration} checks
 * the rest at run time. A `string` from elsewhere (a flag, an env variable) goes through
 * `parseDuration()` first, or is asserted `as Duration`.
 */
export type Duration = number | DurationSpan | `${DurationSpan}${number}${string}` | `${DurationSpan} ${number}${string}`;

const DAY = 86_400_000;
/** Milliseconds per unit, with every spelling; `m` is minutes, `M` months. */
const UNITS: Record<string, number> = {};
for (const [ms, names] of [
  [1e-6, "ns nsec"], [1e-3, "us usec"], [1, "ms msec"], [1000, "s sec second seconds"],
  [60_000, "m min minute minutes"], [3_600_000, "h hr hour hours"], [DAY, "d day days"],
  [7 * DAY, "w week weeks"], [30.44 * DAY, "M month months"], [365.25 * DAY, "y year years"],
] as const) for (const name of names.split(" ")) UNITS[name] = ms;

/** One span: a non-negative decimal number, optional spaces, a unit made of letters. */
const SPAN = /(\d+(?:\.\d*)?|\.\d+)\s*([a-zA-Z]+)/g;

/**
 * Converts a {@link Duration} to milliseconds. Takes any string, as one read from a flag or
 * an env variable, and checks it here.
 *
 * @throws TypeError quoting the input and listing the accepted units, for an empty string,
 *   an unknown unit, a missing number, a negative number, NaN or Infinity.
 * @example
 * parseDuration("2h 37min"); // 9_420_000
 * parseDuration("1.5s");     // 1500
 * parseDuration(250);        // 250
 */
export function parseDuration(input: Duration | string): number {
  let total = typeof input === "number" ? input : NaN;
  if (typeof input === "string") {
    // Each span is added and taken out; anything but white space left over makes the total
    // NaN, as an unknown unit does, and so does a string without a span (nothing taken out).
    total = 0;
    const rest = input.replace(SPAN, (_, n: string, unit: string) => {
      total += +n * (UNITS[unit] ?? UNITS[unit.toLowerCase()] ?? NaN);
      return "";
    });
    if (rest.trim() || rest === input) total = NaN;
  }
  if (total >= 0 && total < Infinity) return total;
  const shown = typeof input === "string" ? JSON.stringify(input) : String(input);
  throw new TypeError(`Invalid duration ${shown}: use milliseconds (a number >= 0) or spans like "2h 37min" in ${Object.keys(UNITS).join(" ")}`);
}
