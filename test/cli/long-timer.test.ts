/** The CLI's chained timer: no delay handed to setTimeout above 2^31-1 ms, and it fires at the total. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_TIMER_MS, setLongTimeout } from "../../src/cli/long-timer.js";
import { limits } from "../../src/cli/limits.js";
import { parseArgs } from "../../src/cli/args.js";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("setLongTimeout", () => {
  it("waits 30 days in steps setTimeout honours, firing once at the end", () => {
    vi.useFakeTimers();
    const delays: number[] = [];
    const real = globalThis.setTimeout;
    vi.spyOn(globalThis, "setTimeout").mockImplementation(((fn: () => void, ms: number) => {
      delays.push(ms);
      return real(fn, ms);
    }) as typeof setTimeout);
    const thirtyDays = 30 * 86_400_000;
    let fired = 0;
    setLongTimeout(() => fired++, thirtyDays);
    vi.advanceTimersByTime(thirtyDays - 1);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(1);
    expect(delays.every((d) => d <= MAX_TIMER_MS)).toBe(true);
    expect(delays.reduce((a, b) => a + b, 0)).toBe(thirtyDays);
  });

  it("clear() stops the chain", () => {
    vi.useFakeTimers();
    let fired = 0;
    const t = setLongTimeout(() => fired++, 2 * MAX_TIMER_MS);
    vi.advanceTimersByTime(MAX_TIMER_MS + 5);
    t.clear();
    vi.advanceTimersByTime(2 * MAX_TIMER_MS);
    expect(fired).toBe(0);
  });
});

describe("limits", () => {
  const args = (...extra: string[]) => {
    const parsed = parseArgs(["http://127.0.0.1:1/", ...extra]);
    if (parsed.command !== "request") throw new Error("not a request");
    return parsed.args;
  };

  it("hands the client a limit its timers can hold, and keeps a longer one in the CLI", () => {
    expect(limits(args("--timeout", "10s"))).toEqual({ timeout: "10s", idleTimeout: undefined, longTimeoutMs: undefined, longIdleMs: undefined });
    expect(limits(args("--timeout", "30d"))).toMatchObject({ timeout: "none", longTimeoutMs: 30 * 86_400_000 });
    expect(limits(args("--lines", "--idle-timeout", "25d"))).toMatchObject({ timeout: "none", idleTimeout: undefined, longIdleMs: 25 * 86_400_000 });
    expect(limits(args("--timeout", "24d"))).toMatchObject({ timeout: "24d", longTimeoutMs: undefined });
  });
});
