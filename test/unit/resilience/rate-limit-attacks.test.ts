/**
 * rateLimitDelay under attack: fields of 40,000 characters and more read in linear time
 * (measured as a ratio between two sizes, not a wall-clock bound), t=0, far-future Unix times,
 * and the same header sent twice (joined by ", " as Headers.get joins them).
 */
import { describe, expect, test } from "vitest";
import { rateLimitDelay } from "../../../src/resilience/rate-limit-headers.js";

const NOW = 1_765_000_000_000; // Dec 2025, in ms
const h = (init: Record<string, string> | [string, string][]) => new Headers(init);

/** Best-of-5 time of one read. */
function timeOf(headers: Headers): number {
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    rateLimitDelay(429, headers, NOW);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

describe("rate-limit headers: hostile fields", () => {
  test.each([
    ["semicolons and blanks", (n: number) => `"a"${"; \t".repeat(n / 3)}`],
    ["t= with no digits", (n: number) => ";t=".repeat(n / 3)],
    ["digits past 15", (n: number) => `;t=${"9".repeat(n)}`],
    ["fractions", (n: number) => ";t=1.".repeat(n / 5)],
    ["many policies", (n: number) => `"p";t=1, `.repeat(n / 9)],
  ])("RateLimit of %s: linear (40k vs 400k chars)", (_name, make) => {
    const small = h({ RateLimit: make(40_000) });
    const large = h({ RateLimit: make(400_000) });
    timeOf(large); // warm up
    const ratio = timeOf(large) / Math.max(timeOf(small), 0.05);
    expect(ratio).toBeLessThan(40); // quadratic would be ~100
  });

  test.each(["ratelimit-reset", "x-ratelimit-reset"])("%s of 400,000 digits or blanks: linear, a huge value reads as past any deadline", (name) => {
    expect(rateLimitDelay(429, h({ [name]: "9".repeat(400_000) }), NOW)).toBe(Infinity);
    const t0 = performance.now();
    expect(rateLimitDelay(429, h({ [name]: `${" ".repeat(200_000)}x${" ".repeat(200_000)}` }), NOW)).toBeUndefined();
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  test("t=0 and a reset of 0: no wait asked (the caller's minDelay still applies)", () => {
    expect(rateLimitDelay(429, h({ RateLimit: '"a";r=0;t=0' }), NOW)).toBe(0);
    expect(rateLimitDelay(503, h({ "RateLimit-Reset": "0" }), NOW)).toBe(0);
  });

  test("a Unix time far in the future: a delay past any deadline; one in the past: 0", () => {
    expect(rateLimitDelay(429, h({ "X-RateLimit-Reset": "99999999999" }), NOW)).toBe(99_999_999_999_000 - NOW);
    expect(rateLimitDelay(429, h({ "X-RateLimit-Reset": "1000000001" }), NOW)).toBe(0);
  });

  test("RateLimit sent twice (two field lines): the largest t of both", () => {
    expect(rateLimitDelay(429, h([["RateLimit", '"a";t=2'], ["RateLimit", '"b";t=9']]), NOW)).toBe(9000);
  });

  // Two RateLimit-Reset (or X-RateLimit-Reset) lines reach Headers.get as "5, 10" (on 9f43a74
  // refused whole: the server's wait was ignored and plain backoff used).
  test("RateLimit-Reset sent twice: the largest of them, not ignored", () => {
    expect(rateLimitDelay(429, h([["RateLimit-Reset", "5"], ["RateLimit-Reset", "10"]]), NOW)).toBe(10_000);
  });

  test("X-RateLimit-Reset sent twice as Unix times: the later one", () => {
    const at = NOW / 1000;
    expect(rateLimitDelay(429, h([["X-RateLimit-Reset", String(at + 5)], ["X-RateLimit-Reset", String(at + 20)]]), NOW)).toBe(20_000);
  });
});
