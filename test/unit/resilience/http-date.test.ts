import { describe, expect, it } from "vitest";
import { parseHttpDate } from "../../../src/resilience/retry-after.js";

// Retry-After's HTTP-date form (RFC 9110 §5.6.7): the month is read from a packed table of names,
// so a name made of the tail of one month and the head of the next must not pass for a month.
describe("parseHttpDate months", () => {
  const names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  it("reads every month in all three date forms, in any case", () => {
    names.forEach((mon, month) => {
      const want = Date.UTC(1994, month, 6, 8, 49, 37);
      expect(parseHttpDate(`Sun, 06 ${mon} 1994 08:49:37 GMT`)).toBe(want);
      expect(parseHttpDate(`Sunday, 06-${mon.toUpperCase()}-94 08:49:37 GMT`)).toBe(want);
      expect(parseHttpDate(`Sun ${mon.toLowerCase()}  6 08:49:37 1994`)).toBe(want);
    });
  });

  it("refuses three letters that straddle two month names, or name none", () => {
    for (const mon of ["anf", "ebm", "arA", "ecj", "xyz", "ja", "de"]) {
      expect(parseHttpDate(`Sun, 06 ${mon} 1994 08:49:37 GMT`)).toBeUndefined();
      expect(parseHttpDate(`Sun ${mon}  6 08:49:37 1994`)).toBeUndefined();
    }
  });
});
