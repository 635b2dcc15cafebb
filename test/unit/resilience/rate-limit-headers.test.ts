/**
 * Rate-limit headers as the delay of a retried 429 or 503 without Retry-After: the parser on
 * hostile input (huge, negative, garbage structured fields, 40k-character headers in linear
 * time, a Unix time in the past), then the client's scheduled delays (never wall-clock time).
 */
import { describe, expect, it } from "vitest";
import { HttpError } from "../../../src/index.js";
import { rateLimitDelay } from "../../../src/resilience/rate-limit-headers.js";
import { useFirstAnswer } from "../helpers/first-answer.js";
import { EPOCH } from "../helpers/timers.js";

const NOW = Date.UTC(2030, 0, 1);
const delay = (headers: Record<string, string>, status = 429) => rateLimitDelay(status, new Headers(headers), NOW);

describe("the RateLimit structured field", () => {
  const t = (field: string) => delay({ ratelimit: field });
  it.each([
    ['"default";r=0;t=30', 30_000],
    ['"burst";r=0;t=5, "daily";r=10;t=3600', 3_600_000],
    ['"a";t=7;r=1, b;q=100;t=2', 7000],
    ['"a";r=0;t=0', 0],
    ['"quoted \\"name\\", with a comma";t=9', 9000],
    ['  "a" ; t=4 ,\t"b";\tt=1  ', 4000],
    ['"default";r=50', undefined], // no t
    ["", undefined],
  ])("%s → %s ms", (field, ms) => {
    expect(t(field)).toBe(ms);
  });

  it.each([
    '"a";t=-5', // negative
    '"a";t=1.5', // not an integer
    '"a";t=1.', // nor this
    '"a";t=9999999999999999', // 16 digits: past an sf-integer
    '"a";t', // no value
    '"a";t="30"', // a string
    '"a";t=?1', // a boolean
    '"a";tt=5;xt=6', // other parameters
    "limit=10, remaining=0, reset=30", // an older draft's dictionary
    "t=5", // not a parameter
    ";;;=,,;t;t=;t= 5",
  ])("no readable t in %j: no delay from it", (field) => {
    expect(t(field)).toBeUndefined();
  });

  it("read leniently: each ;t= parameter counts, whatever surrounds it", () => {
    expect(t('"a";t=3,,garbage "b";t=4,')).toBe(4000);
    expect(t('"a";t=-5, "b";t=2')).toBe(2000);
  });

  it("a 15-digit t is read (and is then past any deadline)", () => {
    expect(t('"a";t=999999999999999')).toBe(999999999999999000);
  });

  it("wins over RateLimit-Reset and X-RateLimit-Reset; one without t falls back to them", () => {
    expect(delay({ ratelimit: '"a";t=3', "ratelimit-reset": "9", "x-ratelimit-reset": "8" })).toBe(3000);
    expect(delay({ ratelimit: "nonsense;;", "ratelimit-reset": "9" })).toBe(9000);
  });
});

describe("RateLimit-Reset and X-RateLimit-Reset", () => {
  it("delta seconds", () => {
    expect(delay({ "ratelimit-reset": "12" })).toBe(12_000);
    expect(delay({ "x-ratelimit-reset": " 2.5 " })).toBe(2500);
    expect(delay({ "ratelimit-reset": "4", "x-ratelimit-reset": "99" })).toBe(4000);
  });

  it("a Unix time in seconds when larger than 1e9, measured against now", () => {
    expect(delay({ "x-ratelimit-reset": String(NOW / 1000 + 7) })).toBe(7000);
    expect(delay({ "ratelimit-reset": String(NOW / 1000 + 7) })).toBe(7000);
    expect(delay({ "x-ratelimit-reset": "1000000000" })).toBe(1e12); // exactly 1e9: still a delta
  });

  it("a Unix time in the past: no wait (minDelay applies)", () => {
    expect(delay({ "x-ratelimit-reset": String(NOW / 1000 - 3600) })).toBe(0);
  });

  it("sent twice (joined as \"5, 6\"): the longest wait of them", () => {
    expect(delay({ "x-ratelimit-reset": "5, 6" })).toBe(6000);
    expect(delay({ "ratelimit-reset": "5, 6" })).toBe(6000);
  });

  it.each(["-5", "soon", "", "1e3", "0x10", "5 6", ",", "Infinity", "NaN"])("unreadable %j: ignored", (value) => {
    expect(delay({ "x-ratelimit-reset": value })).toBeUndefined();
    expect(delay({ "ratelimit-reset": value })).toBeUndefined();
  });

  it("huge numbers read as Infinity (past any deadline), never NaN", () => {
    expect(delay({ "x-ratelimit-reset": "9".repeat(400) })).toBe(Infinity);
    expect(delay({ "ratelimit-reset": "9".repeat(20) })).toBeGreaterThan(1e22);
  });

  it("only for 429 and 503", () => {
    for (const status of [500, 502, 504, 408, 200]) expect(delay({ "ratelimit-reset": "3", ratelimit: '"a";t=3' }, status)).toBeUndefined();
    expect(delay({ "ratelimit-reset": "3" }, 503)).toBe(3000);
  });
});

describe("40k-character headers parse in linear time", () => {
  const big = 40_000;
  const cases: Record<string, string>[] = [
    { ratelimit: '"' + "a".repeat(big) },
    { ratelimit: ";".repeat(big) + "t=1" },
    { ratelimit: (";" + " ".repeat(100)).repeat(big / 101) },
    { ratelimit: ";t=" + "1".repeat(big) },
    { ratelimit: '"a"' + ";t=1".repeat(big / 4) },
    { ratelimit: Array.from({ length: big / 8 }, (_, i) => `"p${i}";t=${i}`).join(", ") },
    { ratelimit: '"a";t=' + "1".repeat(big) },
    { ratelimit: "a" + " ".repeat(big) + "x" },
    { ratelimit: '"a"' + ";".repeat(big) },
    { ratelimit: ("\\" + '"').repeat(big / 2) },
    { "x-ratelimit-reset": "1".repeat(big) + "x" },
    { "ratelimit-reset": "1." + "1".repeat(big) + "." },
  ];
  it.each(cases.map((h, i) => [i, h] as const))("case %i", (_i, headers) => {
    const headerList = new Headers(headers);
    const started = performance.now();
    for (let i = 0; i < 20; i++) rateLimitDelay(429, headerList, NOW);
    // 20 parses of 40k characters: linear is well under a millisecond each; quadratic takes seconds.
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it("reads the largest of 5000 policies", () => {
    expect(delay({ ratelimit: Array.from({ length: 5000 }, (_, i) => `"p${i}";r=1;t=${(i * 7919) % 5000}`).join(", ") })).toBe(4_999_000);
  });
});

describe("the client's delay on a retried 429 or 503 without Retry-After", () => {
  const { afterHeaders } = useFirstAnswer({ status: 429, body: "slow down" });

  it("RateLimit's largest t", async () => {
    const r = await afterHeaders({ RateLimit: '"burst";r=0;t=2, "hour";r=5;t=4' });
    expect(r.delays).toEqual([4000]);
    expect(r.sent).toBe(2);
  });

  it("X-RateLimit-Reset as a Unix time, on a 503", async () => {
    expect((await afterHeaders({ "X-RateLimit-Reset": String(EPOCH / 1000 + 6) }, { status: 503 })).delays).toEqual([6000]);
  });

  it("Retry-After wins when both are there", async () => {
    expect((await afterHeaders({ "Retry-After": "1", "RateLimit-Reset": "9" })).delays).toEqual([1000]);
  });

  it("never below minDelay (a reset in the past)", async () => {
    expect((await afterHeaders({ "X-RateLimit-Reset": String(EPOCH / 1000 - 60) })).delays).toEqual([500]);
  });

  it("past the deadline: no sleep, the HttpError at once, saying the server asked to wait", async () => {
    const r = await afterHeaders({ "RateLimit-Reset": "600" }, { retry: { deadline: "10s" } });
    expect(r.delays).toEqual([]);
    expect(r.sent).toBe(1);
    const error = r.call.error as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(429);
    expect(error.message).toContain("the server asked to wait 600000 ms");
  });

  it("a huge value stops retries like a huge Retry-After", async () => {
    const r = await afterHeaders({ "X-RateLimit-Reset": "9".repeat(400) });
    expect(r.delays).toEqual([]);
    expect((r.call.error as HttpError).status).toBe(429);
  });

  it("not on a 500: the backoff", async () => {
    expect((await afterHeaders({ "RateLimit-Reset": "9" }, { status: 500, retry: { minDelay: "700ms" } })).delays).toEqual([700]);
  });
});
