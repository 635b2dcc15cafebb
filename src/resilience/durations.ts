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
/**
 * Each unit's length as a fraction `ms / per` of a millisecond, with every spelling; `m` is
 * minutes, `M` months (30.44 days), a year 365.25 days. Whole numbers, so that a span is
 * computed with one rounding at most.
 */
const UNITS = /* @__PURE__ */ unitTable();

/** Built by a call marked pure: a bundle that parses no duration drops the table (a top-level loop would stay). */
function unitTable(): Map<string, [ms: number, per: number]> {
  const units = new Map<string, [ms: number, per: number]>();
  for (const [ms, per, names] of [
    [1, 1e6, "ns nsec"], [1, 1e3, "us usec"], [1, 1, "ms msec"], [1000, 1, "s sec second seconds"],
    [60_000, 1, "m min minute minutes"], [3_600_000, 1, "h hr hour hours"], [DAY, 1, "d day days"],
    [7 * DAY, 1, "w week weeks"], [2_630_016_000, 1, "M month months"], [31_557_600_000, 1, "y year years"],
  ] as const) for (const name of names.split(" ")) units.set(name, [ms, per]);
  return units;
}

/** JavaScript's `\s` (what `trim()` strips), by char code: the ASCII ones without a regex. */
function spanMs(whole: string, fraction: string, [ms, per]: [number, number]): number {
  const digits = whole + fraction;
  const scaled = Number(digits) * ms;
  const divisor = 10 ** fraction.length * per;
  if (digits.length <= 15 && scaled <= Number.MAX_SAFE_INTEGER && divisor <= 1e22) return scaled / divisor;
  return (Number(`${whole || "0"}.${fraction}`) * ms) / per;
}

/** One span: spaces, digits with an optional fraction, spaces, an ASCII unit name (every part may be empty). */
const SPAN = /\s*(\d*)(?:\.(\d*))?\s*([a-zA-Z]*)/y;

function parseSpans(input: string): number {
  let total = 0;
  let spans = 0;
  for (SPAN.lastIndex = 0; ; ) {
    const [, whole, fraction, name] = SPAN.exec(input)!;
    // Only spaces were left: the end (an empty or all-space input has no span, so is invalid).
    if (SPAN.lastIndex === input.length && !whole && fraction === undefined && !name) return spans ? total : NaN;
    const unit = UNITS.get(name!) ?? UNITS.get(name!.toLowerCase());
    if ((!whole && !fraction) || !name || !unit) return NaN;
    total += spanMs(whole!, fraction ?? "", unit);
    spans++;
  }
}

function quoted(input: string): string {
  return input.length <= 1000 ? JSON.stringify(input) : `${JSON.stringify(input.slice(0, 200))}... (${input.length} characters)`;
}

/**
 * Converts a {@link Duration} to milliseconds. Takes any string, as one read from a flag or
 * an env variable, and checks it here.
 *
 * @throws TypeError quoting the input and listing the accepted units, for an empty string,
 *   an unknown unit, a missing number, a negative number, NaN or Infinity (also a number too
 *   large to be finite, such as 400 digits of years).
 * @example
 * parseDuration("2h 37min"); // 9_420_000
 * parseDuration("1.5s");     // 1500
 * parseDuration(250);        // 250
 */
export function parseDuration(input: Duration | string): number {
  const total = typeof input === "number" ? input : typeof input === "string" ? parseSpans(input) : NaN;
  if (total >= 0 && total < Infinity) return total;
  const shown = typeof input === "string" ? quoted(input) : String(input);
  throw new TypeError(`Invalid duration ${shown}: use milliseconds (a number >= 0) or spans like "2h 37min" in ${[...UNITS.keys()].join(" ")}`);
}
