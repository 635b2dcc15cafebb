import { describe, expect, it } from "vitest";
import { parseDuration } from "../../../src/index.js";

const DAY = 86_400_000;

describe("parseDuration: units", () => {
  const cases: [string[], number][] = [
    [["ns", "nsec"], 1e-6],
    [["us", "usec"], 1e-3],
    [["ms", "msec"], 1],
    [["s", "sec", "second", "seconds"], 1000],
    [["m", "min", "minute", "minutes"], 60_000],
    [["h", "hr", "hour", "hours"], 3_600_000],
    [["d", "day", "days"], DAY],
    [["w", "week", "weeks"], 7 * DAY],
    [["M", "month", "months"], 30.44 * DAY],
    [["y", "year", "years"], 365.25 * DAY],
  ];
  for (const [spellings, ms] of cases) {
    for (const unit of spellings) {
      it(`reads "3${unit}" as 3 × ${ms} ms`, () => {
        expect(parseDuration(`3${unit}`)).toBeCloseTo(3 * ms, 9);
      });
    }
  }

  it("reads 1000000ns as 1 ms and 1000us as 1 ms", () => {
    expect(parseDuration("1000000ns")).toBeCloseTo(1, 9);
    expect(parseDuration("1000us")).toBeCloseTo(1, 9);
  });

  it('reads "m" as minutes and "M" as months: case matters for that pair', () => {
    expect(parseDuration("1m")).toBe(60_000);
    expect(parseDuration("1M")).toBe(30.44 * DAY);
    expect(parseDuration("1M")).not.toBe(parseDuration("1m"));
  });

  it("reads the other units whatever their case", () => {
    expect(parseDuration("2H")).toBe(7_200_000);
    expect(parseDuration("2S")).toBe(2000);
    expect(parseDuration("2MS")).toBe(2);
    expect(parseDuration("2Min")).toBe(120_000);
    expect(parseDuration("1Day")).toBe(DAY);
    expect(parseDuration("1YEAR")).toBe(365.25 * DAY);
  });
});

describe("parseDuration: numbers and spans", () => {
  it("takes a number as milliseconds", () => {
    expect(parseDuration(0)).toBe(0);
    expect(parseDuration(250)).toBe(250);
    expect(parseDuration(1.5)).toBe(1.5);
  });

  it("reads the spec's examples", () => {
    expect(parseDuration("32ms")).toBe(32);
    expect(parseDuration("2h 37min")).toBe(9_420_000);
    expect(parseDuration("1m30s")).toBe(90_000);
    expect(parseDuration("1.5s")).toBe(1500);
  });

  it("accepts decimals in every span", () => {
    expect(parseDuration("0.5s")).toBe(500);
    expect(parseDuration(".5s")).toBe(500);
    expect(parseDuration("1.25h")).toBe(4_500_000);
    expect(parseDuration("1.5m 0.5s")).toBe(90_500);
  });

  it("adds up several spans, with or without spaces between them", () => {
    expect(parseDuration("1h1m1s1ms")).toBe(3_661_001);
    expect(parseDuration("1h 1m 1s 1ms")).toBe(3_661_001);
    expect(parseDuration("1d 12h")).toBe(1.5 * DAY);
    expect(parseDuration("1w2d")).toBe(9 * DAY);
    expect(parseDuration("1M 1m")).toBe(30.44 * DAY + 60_000);
  });

  it("ignores spaces around the whole string", () => {
    expect(parseDuration(" 5s ")).toBe(5000);
  });

  it("reads a zero duration", () => {
    expect(parseDuration("0s")).toBe(0);
    expect(parseDuration("0ms")).toBe(0);
  });
});

describe("parseDuration: bad input throws a TypeError quoting it and listing the units", () => {
  const badStrings = [
    "",
    "   ",
    "5",
    "s",
    "ms",
    "5 parsecs",
    "5x",
    "5sx",
    "-5s",
    "+5s",
    "5s -1s",
    "NaN",
    "NaNms",
    "Infinity",
    "Infinityms",
    "1e3ms",
    "1,5s",
    "5s garbage",
    "5s,",
    "1..5s",
    "5 m s",
    "0x10ms",
    `${"9".repeat(400)}ms`,
  ];
  for (const input of badStrings) {
    it(`rejects ${JSON.stringify(input.length > 30 ? `${input.slice(0, 12)}…` : input)}`, () => {
      let error: unknown;
      try {
        parseDuration(input);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TypeError);
      const message = (error as Error).message;
      expect(message).toContain(JSON.stringify(input));
      expectUnitsListed(message);
    });
  }

  const badValues: unknown[] = [-1, -0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const input of badValues) {
    it(`rejects the number ${String(input)}`, () => {
      let error: unknown;
      try {
        parseDuration(input as number);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain(String(input));
      expectUnitsListed((error as Error).message);
    });
  }

  for (const input of [null, undefined, true, {}, [], () => 5, 5n]) {
    it(`rejects a ${input === null ? "null" : Array.isArray(input) ? "array" : typeof input}`, () => {
      expect(() => parseDuration(input as never)).toThrow(TypeError);
    });
  }
});

/** The message lists every unit by its short spelling. */
function expectUnitsListed(message: string): void {
  for (const unit of ["ns", "us", "ms", "s", "m", "h", "d", "w", "M", "y"]) {
    expect(message, `unit ${unit} listed`).toMatch(new RegExp(`(^|[^A-Za-z])${unit}([^A-Za-z]|$)`));
  }
}
