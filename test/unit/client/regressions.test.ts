/** Bugs other clients shipped, each pinned by a test named for it. */
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createClient, HttpError, NetworkError, TimeoutError } from "../../../src/index.js";
import { scriptedFetch } from "../helpers/fetch.js";
import { hang, replies, useMockServer, waitForRequests } from "../helpers/msw.js";
import { drive, fakeClock, flush, track, within } from "../helpers/timers.js";

const { server, seen } = useMockServer();

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("peer regressions", () => {
  it("ofetch #621: a retry after a timeout gets a fresh signal", async () => {
    let n = 0;
    server.use(http.get("https://api.test/r", () => (++n === 1 ? hang() : HttpResponse.json({ second: true }))));
    const api = createClient({ baseUrl: "https://api.test", retry: { minDelay: 1, maxDelay: 1 } });
    expect(await api.get("r", { timeout: 50 }).json()).toEqual({ second: true });
    expect(seen).toHaveLength(2);
    expect(api.stats).toMatchObject({ timeouts: 1, retries: 1 });
  });

  it("ofetch #621: each attempt's fetch gets its own signal, live when the attempt starts", async () => {
    const fetch = scriptedFetch("hang", "hang", new Response("ok"));
    const api = createClient({ baseUrl: "https://api.test", fetch, retry: { minDelay: 1, maxDelay: 1 } });
    expect(await api.get("r", { timeout: 15 }).text()).toBe("ok");
    expect(fetch.calls.map((c) => c.abortedAtStart)).toEqual([false, false, false]);
    expect(new Set(fetch.calls.map((c) => c.signal)).size).toBe(3);
    expect(fetch.calls[0]!.signal!.aborted).toBe(true);
    expect(fetch.calls[2]!.signal!.aborted).toBe(false);
  });

  it("openai-node #2580: abort during the backoff sleep rejects at once", async () => {
    server.use(http.get("https://api.test/r", replies(503, 200)));
    let sleeping!: () => void;
    const asleep = new Promise<void>((r) => (sleeping = r));
    const api = createClient({ baseUrl: "https://api.test", retry: { minDelay: "10s", maxDelay: "10s" }, hooks: { beforeRetry: [() => void setTimeout(sleeping, 5)] } });
    const controller = new AbortController();
    const reason = new Error("user cancelled");
    const pending = api.get("r", { signal: controller.signal });
    await asleep; // the 10 s backoff sleep has begun
    const started = Date.now();
    controller.abort(reason);
    await expect(within(pending, 1000, "the aborted call")).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(seen).toHaveLength(1);
  });

  it("openai-node #2580: the aborted sleep leaves no timer behind", async () => {
    fakeClock();
    server.use(http.get("https://api.test/r", replies(503, 200)));
    const controller = new AbortController();
    const call = track(createClient({ baseUrl: "https://api.test", timeout: "none", retry: { minDelay: "10s" } }).get("r", { signal: controller.signal }));
    await flush();
    await vi.advanceTimersByTimeAsync(100);
    expect(vi.getTimerCount()).toBe(1); // the backoff sleep
    controller.abort(new Error("stop"));
    await flush();
    expect(call.settled).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("ky #784: timeout is per attempt, not total", async () => {
    fakeClock();
    // Every attempt takes 600 ms of a 1 s timeout; four of them take 2.4 s in all.
    let n = 0;
    server.use(
      http.get("https://api.test/r", async () => {
        await new Promise((r) => setTimeout(r, 600));
        return ++n < 4 ? new HttpResponse(null, { status: 503 }) : HttpResponse.text("done");
      }),
    );
    const api = createClient({ baseUrl: "https://api.test", retry: { minDelay: 1, maxDelay: 1 } });
    const started = Date.now();
    const call = await drive(track(api.get("r", { timeout: "1s" }).text()));
    expect(call.error).toBeUndefined();
    expect(call.value).toBe("done");
    expect(Date.now() - started).toBeGreaterThan(2000);
    expect(api.stats.timeouts).toBe(0);
  });

  it("ky #784: one attempt longer than the timeout still times out", async () => {
    fakeClock();
    server.use(
      http.get("https://api.test/r", async () => {
        await new Promise((r) => setTimeout(r, 1500));
        return HttpResponse.text("late");
      }),
    );
    const call = await drive(track(createClient({ baseUrl: "https://api.test", retry: 0 }).get("r", { timeout: "1s" }).text()));
    expect(call.error).toMatchObject({ code: "ERR_TIMEOUT", timeout: 1000 });
  });

  it("ofetch #319: a request's hooks are appended to the client's, not replacing them", async () => {
    server.use(http.get("https://api.test/r", replies(200)));
    const calls: string[] = [];
    const api = createClient({ baseUrl: "https://api.test", hooks: { beforeRequest: [() => void calls.push("client")] } });
    await api.get("r", { hooks: { beforeRequest: [() => void calls.push("request")] } });
    await api.extend({ hooks: { beforeRequest: [() => void calls.push("child")] } }).get("r");
    expect(calls).toEqual(["client", "request", "client", "child"]);
  });

  for (const [what, make] of [
    ["an HttpError", () => new HttpError(new Request("https://x.test/"), new Response(null, { status: 499 }), "")],
    ["a TimeoutError", () => new TimeoutError(5, undefined, "attempt")],
    ["a NetworkError", () => new NetworkError(new TypeError("elsewhere"))],
  ] as const) {
    it(`a user abort whose reason is ${what} from another call rejects at once with it, retrying nothing`, async () => {
      // The Promise.all pattern: one call fails, and its error aborts the siblings.
      server.use(http.get("https://api.test/r", () => hang()));
      const controller = new AbortController();
      const beforeRetry = vi.fn();
      const api = createClient({ baseUrl: "https://api.test", retry: { maxRetries: 4, minDelay: 1, maxDelay: 1 }, hooks: { beforeRetry: [beforeRetry] } });
      const pending = api.get("r", { signal: controller.signal });
      await waitForRequests(seen, 1);
      const reason = make();
      controller.abort(reason);
      await expect(within(pending, 1000)).rejects.toBe(reason);
      await new Promise((r) => setTimeout(r, 20));
      expect(seen).toHaveLength(1);
      expect(beforeRetry).not.toHaveBeenCalled();
      expect(api.stats).toMatchObject({ retries: 0, timeouts: 0, networkErrors: 0 });
    });
  }
});
