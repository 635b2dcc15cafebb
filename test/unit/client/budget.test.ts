import { http } from "msw";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createClient, HttpError, type RetryBudgetOptions } from "../../../src/index.js";
import { replies, useMockServer } from "../helpers/msw.js";
import { drive, fakeClock, track } from "../helpers/timers.js";

const { server, seen } = useMockServer();
const QUICK = { minDelay: 1, maxDelay: 1 };

afterEach(() => vi.useRealTimers());

/** A client whose every request to /r answers 503. */
function failing(budget: RetryBudgetOptions | false | undefined, maxRetries = 4) {
  server.use(http.get("https://api.test/r", replies(503)), http.get("https://api.test/ok", replies(200)));
  return createClient({ baseUrl: "https://api.test", retry: { ...QUICK, maxRetries, budget } });
}

describe("retry budget", () => {
  it("refuses a retry once spent: the error says budgetExhausted and stats count it", async () => {
    // ratio 0 and 0.1 per second over 10 s: one retry per window.
    const api = failing({ ratio: 0, minPerSecond: 0.1, window: "10s" });
    const error = (await api.get("r").catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.budgetExhausted).toBe(true);
    expect(error.attempts).toBe(2);
    expect(seen).toHaveLength(2);
    expect(api.stats.budgetExhausted).toBe(1);
    expect(api.stats.retries).toBe(1);
  });

  it("says so in toJSON()", async () => {
    const api = failing({ ratio: 0, minPerSecond: 0 });
    const error = (await api.get("r").catch((e: unknown) => e)) as HttpError;
    expect(error.toJSON()).toMatchObject({ budgetExhausted: true });
  });

  it("is client-wide: a spent budget stops the next call's retries too", async () => {
    const api = failing({ ratio: 0, minPerSecond: 0.1, window: "10s" });
    await api.get("r").catch(() => {});
    seen.length = 0;
    const error = (await api.get("r").catch((e: unknown) => e)) as HttpError;
    expect(error.budgetExhausted).toBe(true);
    expect(seen).toHaveLength(1);
    expect(api.stats.budgetExhausted).toBe(2);
  });

  it("does not touch a failure that would not be retried anyway", async () => {
    server.use(http.get("https://api.test/nf", replies(404)));
    const api = createClient({ baseUrl: "https://api.test", retry: { ...QUICK, budget: { ratio: 0, minPerSecond: 0 } } });
    const error = (await api.get("nf").catch((e: unknown) => e)) as HttpError;
    expect(error.budgetExhausted).toBeFalsy();
    expect(api.stats.budgetExhausted).toBe(0);
  });

  it("grows with traffic: ratio × first attempts", async () => {
    // 4 good calls + the failing one = 5 first attempts; ratio 0.5 allows 2.5 retries.
    const api = failing({ ratio: 0.5, minPerSecond: 0 });
    for (let i = 0; i < 4; i++) await api.get("ok");
    seen.length = 0;
    const error = (await api.get("r").catch((e: unknown) => e)) as HttpError;
    expect(seen).toHaveLength(3);
    expect(error.budgetExhausted).toBe(true);
  });

  it("refills as the window slides", async () => {
    fakeClock();
    const api = failing({ ratio: 0, minPerSecond: 0.1, window: "10s" }, 1);
    const first = await drive(track(api.get("r", { timeout: "none" })));
    expect((first.error as HttpError).budgetExhausted).toBeFalsy(); // its one retry fit
    const second = await drive(track(api.get("r", { timeout: "none" })));
    expect((second.error as HttpError).budgetExhausted).toBe(true);
    await vi.advanceTimersByTimeAsync(11_000);
    seen.length = 0;
    const third = await drive(track(api.get("r", { timeout: "none" })));
    expect((third.error as HttpError).budgetExhausted).toBeFalsy();
    expect(seen).toHaveLength(2);
  });

  it("by default allows 10 retries per second of a 10 s window plus 20% of first attempts", async () => {
    const api = failing(undefined);
    for (let i = 0; i < 30; i++) await api.get("r").catch(() => {});
    // 30 calls: at most 100 + 0.2 × 30 = 106 retries; without a budget there would be 120.
    expect(api.stats.retries).toBeGreaterThanOrEqual(100);
    expect(api.stats.retries).toBeLessThanOrEqual(106);
    expect(api.stats.budgetExhausted).toBeGreaterThan(0);
  });

  it("budget: false disables it", async () => {
    const api = failing(false);
    for (let i = 0; i < 30; i++) await api.get("r").catch(() => {});
    expect(api.stats.retries).toBe(120);
    expect(api.stats.budgetExhausted).toBe(0);
  });

  it("is shared with extend() children", async () => {
    const parent = failing({ ratio: 0, minPerSecond: 0.1, window: "10s" });
    const child = parent.extend({ headers: { "x-child": "1" } });
    await parent.get("r").catch(() => {});
    seen.length = 0;
    const error = (await child.get("r").catch((e: unknown) => e)) as HttpError;
    expect(error.budgetExhausted).toBe(true);
    expect(seen).toHaveLength(1);
    expect(parent.stats.budgetExhausted).toBe(2);
  });

  it("is not shared between separate clients", async () => {
    const a = failing({ ratio: 0, minPerSecond: 0.1, window: "10s" }, 1);
    const b = createClient({ baseUrl: "https://api.test", retry: { ...QUICK, maxRetries: 1, budget: { ratio: 0, minPerSecond: 0.1, window: "10s" } } });
    await a.get("r").catch(() => {});
    const error = (await b.get("r").catch((e: unknown) => e)) as HttpError;
    expect(error.budgetExhausted).toBeFalsy();
    expect(b.stats.retries).toBe(1);
  });

  it("rejects bad budget options with a TypeError naming them", () => {
    expect(() => createClient({ retry: { budget: { ratio: -1 } } })).toThrow(/ratio/);
    expect(() => createClient({ retry: { budget: { minPerSecond: Number.NaN } } })).toThrow(/minPerSecond/);
    expect(() => createClient({ retry: { budget: { window: "0s" } } })).toThrow(/window/);
    expect(() => createClient({ retry: { budget: { window: "never" } } })).toThrow(TypeError);
  });
});
