import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createClient, isTimeoutError, TimeoutError, type ClientOptions, type RequestOptions } from "../../../src/index.js";
import { hang, streamOf, useMockServer } from "../helpers/msw.js";
import { captureDelays, drive, fakeClock, flush, track, within } from "../helpers/timers.js";

const { server, seen } = useMockServer();

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** The timeout scheduled for one quick request (the attempt's timer is the only long setTimeout). */
async function scheduledTimeout(client: ClientOptions, request: RequestOptions = {}): Promise<number[]> {
  server.use(http.get("https://api.test/r", () => HttpResponse.text("ok")));
  const { delays } = captureDelays();
  await createClient({ baseUrl: "https://api.test", retry: 0, ...client }).get("r", request).text();
  vi.restoreAllMocks();
  return delays();
}

describe("tier resolution", () => {
  it("uses the medium tier (30 s) by default", async () => {
    expect(await scheduledTimeout({})).toEqual([30_000]);
  });

  it("has the default tiers short 5 s, medium 30 s, long 6 min", async () => {
    expect(await scheduledTimeout({}, { timeout: "short" })).toEqual([5_000]);
    expect(await scheduledTimeout({}, { timeout: "medium" })).toEqual([30_000]);
    expect(await scheduledTimeout({}, { timeout: "long" })).toEqual([360_000]);
  });

  it("uses the client's timeout for a request without one", async () => {
    expect(await scheduledTimeout({ timeout: "short" })).toEqual([5_000]);
    expect(await scheduledTimeout({ timeout: "2s" })).toEqual([2_000]);
  });

  it("lets a request's timeout override the client's", async () => {
    expect(await scheduledTimeout({ timeout: "short" }, { timeout: "long" })).toEqual([360_000]);
  });

  it("uses the client's tier lengths", async () => {
    const timeouts = { short: "1s", medium: "1.5s", long: "2m" };
    expect(await scheduledTimeout({ timeouts }, { timeout: "short" })).toEqual([1_000]);
    expect(await scheduledTimeout({ timeouts })).toEqual([1_500]);
    expect(await scheduledTimeout({ timeouts }, { timeout: "long" })).toEqual([120_000]);
  });

  it("keeps the default for a tier the client did not set", async () => {
    expect(await scheduledTimeout({ timeouts: { short: "1s" } }, { timeout: "long" })).toEqual([360_000]);
  });

  it("takes a Duration string or a number of milliseconds", async () => {
    expect(await scheduledTimeout({}, { timeout: "1m30s" })).toEqual([90_000]);
    expect(await scheduledTimeout({}, { timeout: 250 })).toEqual([250]);
  });

  it('schedules no timer for "none"', async () => {
    expect(await scheduledTimeout({}, { timeout: "none" })).toEqual([]);
    expect(await scheduledTimeout({ timeout: "none" })).toEqual([]);
  });

  it('"none" never times out', async () => {
    fakeClock();
    server.use(http.get("https://api.test/r", () => hang()));
    const controller = new AbortController();
    const call = track(createClient({ baseUrl: "https://api.test", timeout: "none" }).get("r", { signal: controller.signal }));
    await flush();
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(call.settled).toBe(false);
    controller.abort(new Error("enough"));
    await flush();
    expect(call.error).toEqual(new Error("enough"));
  });

  it("rejects an unknown tier with a TypeError listing the tiers", async () => {
    const error = await createClient({ baseUrl: "https://api.test" }).get("r", { timeout: "huge" as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/huge/);
    expect((error as Error).message).toMatch(/short/);
    expect((error as Error).message).toMatch(/none/);
    expect(seen).toHaveLength(0);
  });
});

describe("TimeoutError", () => {
  it("carries the attempt's timeout, the tier name, attempts and the request", async () => {
    server.use(http.get("https://api.test/r", () => hang()));
    const api = createClient({ baseUrl: "https://api.test", timeouts: { short: 20 }, retry: 0 });
    const error = await api.get("r", { timeout: "short" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: "ERR_TIMEOUT", timeout: 20, tier: "short", attempts: 1 });
    expect((error as TimeoutError).request).toBeInstanceOf(Request);
    expect((error as TimeoutError).request!.url).toBe("https://api.test/r");
  });

  it("has no tier when the timeout was a Duration", async () => {
    server.use(http.get("https://api.test/r", () => hang()));
    const error = await createClient({ baseUrl: "https://api.test", retry: 0 }).get("r", { timeout: "20ms" }).catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);
    expect((error as TimeoutError).tier).toBeUndefined();
    expect((error as TimeoutError).timeout).toBe(20);
  });
});

describe("timeout growth: attempt n gets min(t·2ⁿ, max(t, timeouts.max))", () => {
  /** The `timeout` of every attempt's TimeoutError (from beforeRetry, and the final error). */
  async function attemptTimeouts(options: ClientOptions): Promise<number[]> {
    server.use(http.get("https://api.test/r", () => hang()));
    const timeouts: number[] = [];
    const api = createClient({
      baseUrl: "https://api.test",
      retry: { maxRetries: 3, minDelay: 1, maxDelay: 1 },
      hooks: { beforeRetry: [({ error }) => void timeouts.push((error as TimeoutError).timeout)] },
      ...options,
    });
    const error = await api.get("r").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    timeouts.push((error as TimeoutError).timeout);
    return timeouts;
  }

  it("doubles each attempt's timeout up to the cap (small real timeouts)", async () => {
    expect(await attemptTimeouts({ timeout: 10, timeouts: { max: 35 } })).toEqual([10, 20, 35, 35]);
  });

  it("never gives an attempt less than t when t is above the cap", async () => {
    expect(await attemptTimeouts({ timeout: 30, timeouts: { max: 10 } })).toEqual([30, 30, 30, 30]);
  });

  it("grows the short tier 5 s → 10 s → 20 s → 40 s → 80 s under the default 15 min cap", async () => {
    fakeClock();
    server.use(http.get("https://api.test/r", () => hang()));
    const timeouts: number[] = [];
    const api = createClient({
      baseUrl: "https://api.test",
      timeout: "short",
      hooks: { beforeRetry: [({ error }) => void timeouts.push((error as TimeoutError).timeout)] },
    });
    const call = await drive(track(api.get("r")));
    timeouts.push((call.error as TimeoutError).timeout);
    expect(timeouts).toEqual([5_000, 10_000, 20_000, 40_000, 80_000]);
    expect((call.error as TimeoutError).tier).toBe("short");
    expect((call.error as TimeoutError).attempts).toBe(5);
  });

  it("caps the long tier at 15 min", async () => {
    fakeClock();
    server.use(http.get("https://api.test/r", () => hang()));
    const timeouts: number[] = [];
    const api = createClient({
      baseUrl: "https://api.test",
      timeout: "long",
      retry: { maxRetries: 3, deadline: "2h" },
      hooks: { beforeRetry: [({ error }) => void timeouts.push((error as TimeoutError).timeout)] },
    });
    const call = await drive(track(api.get("r")));
    timeouts.push((call.error as TimeoutError).timeout);
    expect(timeouts).toEqual([360_000, 720_000, 900_000, 900_000]);
  });
});

describe("the timeout covers the body", () => {
  it("a buffered shortcut rejects with TimeoutError when the body stalls", async () => {
    server.use(http.get("https://api.test/r", () => new HttpResponse(streamOf(["{\"a\":"], "stall"))));
    const call = createClient({ baseUrl: "https://api.test", retry: 0 }).get("r", { timeout: 30 }).json();
    const error = await within(call, 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeout).toBe(30);
  });

  it("a buffered shortcut retries a body that stalled, and succeeds on the next attempt", async () => {
    let n = 0;
    server.use(
      http.get("https://api.test/r", () =>
        ++n === 1 ? new HttpResponse(streamOf(["par"], "stall")) : new HttpResponse(streamOf(["comp", "lete"])),
      ),
    );
    const text = await within(createClient({ baseUrl: "https://api.test", retry: { minDelay: 1, maxDelay: 1 } }).get("r", { timeout: 50 }).text(), 1000);
    expect(text).toBe("complete");
    expect(seen).toHaveLength(2);
  });

  it("a buffered shortcut retries a body that broke midway", async () => {
    let n = 0;
    server.use(
      http.get("https://api.test/r", () =>
        ++n === 1 ? new HttpResponse(streamOf(["par"], new Error("connection reset"))) : HttpResponse.text("complete"),
      ),
    );
    const api = createClient({ baseUrl: "https://api.test", retry: { minDelay: 1, maxDelay: 1 } });
    expect(await api.get("r").text()).toBe("complete");
    expect(seen).toHaveLength(2);
  });

  it("a body read by the caller after the response arrived still times out", async () => {
    server.use(http.get("https://api.test/r", () => new HttpResponse(streamOf(["start "], "stall"))));
    const response = await createClient({ baseUrl: "https://api.test", retry: 0 }).get("r", { timeout: 40 });
    expect(response.status).toBe(200);
    const error = await response.text().catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);
  });
});

describe("idleTimeout", () => {
  it("rejects with a TimeoutError when the gap between two chunks is too long", async () => {
    server.use(http.get("https://api.test/r", () => new HttpResponse(streamOf(["a", "b"], "stall"))));
    const error = await createClient({ baseUrl: "https://api.test", retry: 0 })
      .get("r", { timeout: "none", idleTimeout: 25 })
      .text()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeout).toBe(25);
  });

  it("lets a slow but steady body through", async () => {
    const encoder = new TextEncoder();
    server.use(
      http.get("https://api.test/r", () => {
        let i = 0;
        return new HttpResponse(
          new ReadableStream<Uint8Array>({
            async pull(c) {
              await new Promise((r) => setTimeout(r, 10));
              if (i++ < 5) c.enqueue(encoder.encode(`${i}`));
              else c.close();
            },
          }),
        );
      }),
    );
    const text = await createClient({ baseUrl: "https://api.test", retry: 0 }).get("r", { timeout: "none", idleTimeout: 200 }).text();
    expect(text).toBe("12345");
  });

  it("applies to a body the caller reads", async () => {
    server.use(http.get("https://api.test/r", () => new HttpResponse(streamOf(["a"], "stall"))));
    const response = await createClient({ baseUrl: "https://api.test", retry: 0, idleTimeout: 25 }).get("r", { timeout: "none" });
    const error = await response.text().catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);
  });
});
