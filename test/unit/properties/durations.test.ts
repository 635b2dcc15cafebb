// Property tests for parseDuration: any value written as spans (any spelling, with or without
// spaces) parses back to itself, and anything that is not a duration is refused with a
// TypeError quoting the input and listing the units.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDuration } from "../../../src/index.js";

const RUNS = { numRuns: 500 };

const DAY = 86_400_000;
/** Every spelling the contract lists, with its length in ms. */
const UNITS: [ms: number, spellings: string[]][] = [
  [1e-6, ["ns", "nsec"]],
  [1e-3, ["us", "usec"]],
  [1, ["ms", "msec"]],
  [1000, ["s", "sec", "second", "seconds"]],
  [60_000, ["m", "min", "minute", "minutes"]],
  [3_600_000, ["h", "hr", "hour", "hours"]],
  [DAY, ["d", "day", "days"]],
  [7 * DAY, ["w", "week", "weeks"]],
  [30.44 * DAY, ["M", "month", "months"]],
  [365.25 * DAY, ["y", "year", "years"]],
];
const WHOLE = UNITS.filter(([ms]) => ms >= 1 && Number.isInteger(ms));
const spellingOf = (ms: number) => fc.constantFrom(...UNITS.find(([u]) => u === ms)![1]);
const separator = fc.constantFrom("", " ", "  ");
const inner = fc.constantFrom("", " ");

function expectRefused(input: unknown) {
  let error: unknown;
  try {
    parseDuration(input as string);
  } catch (e) {
    error = e;
  }
  expect(error, `parseDuration(${JSON.stringify(input)}) should throw`).toBeInstanceOf(TypeError);
  const message = (error as TypeError).message;
  if (typeof input === "string") expect(message).toContain(JSON.stringify(input));
  for (const unit of ["ns", "ms", "h", "w", "y"]) expect(message).toMatch(new RegExp(`\\b${unit}\\b`));
}

describe("parseDuration (properties)", () => {
  it("a whole number of ms, written as d/h/m/s/ms spans in any spelling, parses back exactly", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 * DAY }),
        fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), // picks a spelling per unit
        separator,
        inner,
        (ms, picks, sep, gap) => {
          let rest = ms;
          const spans: string[] = [];
          WHOLE.slice()
            .sort((a, b) => b[0] - a[0])
            .filter(([u]) => u !== 30.44 * DAY)
            .forEach(([u, names], i) => {
              const count = Math.floor(rest / u);
              rest -= count * u;
              if (count) spans.push(`${count}${gap}${names[picks[i]! % names.length]}`);
            });
          if (spans.length === 0) spans.push(`0${gap}ms`);
          const text = spans.join(sep);
          expect(parseDuration(text)).toBe(ms);
        },
      ),
      RUNS,
    );
  });

  it("any list of spans (decimals, every unit, repeats allowed) parses to the sum of its spans", () => {
    const span = fc
      .record({
        int: fc.integer({ min: 0, max: 9999 }),
        frac: fc.option(fc.stringMatching(/^\d{1,3}$/), { nil: undefined }),
        unit: fc.constantFrom(...UNITS.map(([ms]) => ms)),
      })
      .chain((s) => spellingOf(s.unit).map((name) => ({ ...s, name })));
    fc.assert(
      fc.property(fc.array(span, { minLength: 1, maxLength: 6 }), separator, inner, (spans, sep, gap) => {
        const text = spans.map((s) => `${s.int}${s.frac === undefined ? "" : `.${s.frac}`}${gap}${s.name}`).join(sep);
        const expected = spans.reduce((sum, s) => sum + Number(`${s.int}${s.frac === undefined ? "" : `.${s.frac}`}`) * s.unit, 0);
        const got = parseDuration(text);
        expect(Math.abs(got - expected)).toBeLessThanOrEqual(Math.abs(expected) * 1e-12 + 1e-9);
      }),
      RUNS,
    );
  });

  it("numbers are milliseconds: a finite non-negative number comes back unchanged", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }), (n) => {
        expect(parseDuration(n)).toBe(n);
      }),
      RUNS,
    );
  });

  it("refuses negative, NaN and infinite numbers", () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ max: -Number.MIN_VALUE }), fc.constantFrom(NaN, Infinity, -Infinity)), (n) => expectRefused(n)),
      RUNS,
    );
  });

  it("refuses strings with no digit at all (no span can be read)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 20 }).filter((s) => !/\d/.test(s)), (s) => expectRefused(s)),
      RUNS,
    );
  });

  it("refuses a valid duration with a stray sign, punctuation or bare number inserted anywhere", () => {
    const valid = fc
      .array(
        fc.tuple(fc.integer({ min: 0, max: 999 }), fc.constantFrom(...UNITS.flatMap(([, names]) => names))),
        { minLength: 1, maxLength: 4 },
      )
      .map((spans) => spans.map(([n, u]) => `${n}${u}`).join(" "));
    const junk = fc.constantFrom("-", "+", ",", ";", "_", "%", "/", "*", "!", "#", "(", ")", "=", ":", "'", '"', "\0", "é", "µ");
    fc.assert(
      fc.property(valid, junk, fc.nat(), (text, bad, at) => {
        const i = at % (text.length + 1);
        expectRefused(text.slice(0, i) + bad + text.slice(i));
      }),
      RUNS,
    );
    // A number with no unit after the last span, and other classic garbage.
    fc.assert(
      fc.property(valid, fc.integer({ min: 0, max: 999 }), (text, n) => expectRefused(`${text} ${n}`)),
      RUNS,
    );
  });

  it("refuses unknown units (letters that are not a spelling, m/M aside)", () => {
    const known = new Set(UNITS.flatMap(([, names]) => names).map((n) => (n === "M" ? n : n.toLowerCase())));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999 }),
        fc.stringMatching(/^[a-zA-Z]{1,8}$/).filter((u) => u !== "M" && !known.has(u.toLowerCase())),
        (n, unit) => expectRefused(`${n}${unit}`),
      ),
      RUNS,
    );
  });

  it("refuses the fixed garbage the contract names", () => {
    for (const s of ["", " ", "ms", "s5", "-5s", "5", "NaN", "Infinity", "NaNms", "Infinitys", "1e3ms", "5 s -", "5s5"]) expectRefused(s);
  });

  it("accepts and refuses exactly what the span regex of the first version did (on short strings)", () => {
    // The regex read spans in quadratic time on long digit runs; on short strings it is the reference.
    const SPAN = /(\d+(?:\.\d*)?|\.\d+)\s*([a-zA-Z]+)/g;
    const reference = (input: string): number => {
      let total = 0;
      const rest = input.replace(SPAN, (_, n: string, unit: string) => {
        const ms = UNITS.find(([, names]) => names.includes(unit))?.[0] ?? UNITS.find(([, names]) => unit !== "M" && names.includes(unit.toLowerCase()))?.[0];
        total += +n * (ms ?? NaN);
        return "";
      });
      return rest.trim() || rest === input ? NaN : total;
    };
    const piece = fc.constantFrom("1", "0", "9", "12", ".", "5.", ".5", " ", "  ", "\t", "\u00a0", "s", "ms", "m", "M", "min", "h", "H", "d", "y", "us", "ns", "sec", "x", "e", "-", "+", ",");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), (pieces) => {
        const text = pieces.join("");
        const expected = reference(text);
        let got = NaN;
        try {
          got = parseDuration(text);
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
        }
        if (Number.isNaN(expected) || !(expected < Infinity)) expect(Number.isNaN(got), text).toBe(true);
        else expect(Math.abs(got - expected), text).toBeLessThanOrEqual(Math.abs(expected) * 1e-12);
      }),
      { numRuns: 3000 },
    );
  });

  it("a decimal span is the exact value rounded once: 1.005s is 1005, 0.1us is 0.0001", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999 }), fc.stringMatching(/^\d{1,6}$/), fc.constantFrom(...WHOLE), (whole, fraction, [ms, names]) => {
        // whole.fraction × ms = (whole fraction as an integer) × ms / 10^digits: exact integers, one
        // division, while the product fits in 2^53 (beyond, a double's few ulps).
        fc.pre(Number(`${whole}${fraction}`) * ms <= Number.MAX_SAFE_INTEGER);
        const expected = (Number(`${whole}${fraction}`) * ms) / 10 ** fraction.length;
        expect(parseDuration(`${whole}.${fraction}${names[0]}`)).toBe(expected);
      }),
      RUNS,
    );
    expect(parseDuration("1.005s")).toBe(1005);
    expect(parseDuration("4.35s")).toBe(4350);
    expect(parseDuration("0.1us")).toBe(0.0001);
    expect(parseDuration("2.5M")).toBe(6_575_040_000); // 2.5 * 30.44 * DAY in doubles is 6575040000.000001
  });

  it("m is minutes, M is months, and only that pair is case-sensitive", () => {
    expect(parseDuration("1m")).toBe(60_000);
    expect(parseDuration("1M")).toBe(30.44 * DAY);
    expect(parseDuration("2h 37min")).toBe(9_420_000);
  });
});
