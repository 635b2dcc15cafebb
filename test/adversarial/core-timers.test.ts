/**
 * Timers past 2^31-1 ms. A single setTimeout clamps such a delay to ~1 ms, so each of these
 * would fire at once: the server would see an extra request (a retry, a reconnection), or the
 * call would reject with a TimeoutError straight away. Each must stay pending (probed for
 * 200 ms) until close() or the user's signal ends it.
 */
import { afterEach, describe, expect, test, vi } from "vitest";
import { setTimer, clearTimer, MAX_DELAY } from "../../src/resilience/timers.js";
import { rejection, sleep, stillPending, useClients, useServers } from "./support/harness.js";
import { lines, sse } from "../../src/index.js";

const servers = useServers(1);
const client = useClients();
const DAY = 86_400_000;

describe("durations past 2^31-1 ms do not fire at once", () => {
  test('timeout "30d": a server that never answers is still waited for', async () => {
    const [s] = servers();
    s!.route("/hold", () => {}); // never answers
    const api = client({ baseUrl: s!.url, timeout: "30d", retry: false });
    const call = api.get("/hold");
    expect(await stillPending(call)).toBe(true);
    expect(s!.hits).toHaveLength(1);
    await api.close();
    expect((await rejection(call)).code).toBe("ERR_CLOSED");
  });

  test('timeouts tier of 30d (medium) is honoured too', async () => {
    const [s] = servers();
    s!.route("/hold", () => {});
    const api = client({ baseUrl: s!.url, timeouts: { medium: "30d", max: "60d" }, retry: false });
    const call = api.get("/hold");
    expect(await stillPending(call)).toBe(true);
    await api.close();
    expect((await rejection(call)).code).toBe("ERR_CLOSED");
  });

  test('idleTimeout "30d": a body that stalls after its first chunk is still read', async () => {
    const [s] = servers();
    s!.route("/stall", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("first");
    });
    const api = client({ baseUrl: s!.url, timeout: "none", idleTimeout: "30d", retry: false });
    const ac = new AbortController();
    const response = await api.get("/stall", { signal: ac.signal });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("first");
    const second = reader.read();
    expect(await stillPending(second)).toBe(true);
    const reason = new Error("user abort");
    ac.abort(reason);
    await expect(second).rejects.toBe(reason);
  });

  test("a 13d tier grown to 26d on retry does not fire at once", async () => {
    const [s] = servers();
    s!.route("/grow", (_req, res, hit) => {
      if (hit.n === 1) res.writeHead(503).end("busy");
      // the retry hangs: its timeout is 26 days
    });
    const api = client({ baseUrl: s!.url, timeouts: { medium: "13d", max: "60d" }, retry: { maxRetries: 3, minDelay: 1, maxDelay: 2, budget: false } });
    const call = api.get("/grow");
    await s!.waitFor(() => s!.hits.length >= 2, 2_000, "the retry");
    expect(await stillPending(call)).toBe(true);
    expect(s!.hits).toHaveLength(2); // a 26-day timer clamped to 1 ms would have sent a third
    await api.close();
    expect((await rejection(call)).code).toBe("ERR_CLOSED");
  });

  test('minDelay "25d": the backoff sleep is not cut to ~1 ms', async () => {
    const [s] = servers();
    s!.route("/busy", (_req, res) => res.writeHead(503).end("busy"));
    const api = client({ baseUrl: s!.url, retry: { maxRetries: 2, minDelay: "25d", maxDelay: "30d", deadline: "1y", budget: false } });
    const call = api.get("/busy");
    expect(await stillPending(call)).toBe(true);
    expect(s!.hits).toHaveLength(1);
    await api.close();
    expect((await rejection(call)).code).toBe("ERR_CLOSED");
  });

  test.each([
    ["Retry-After (seconds)", "retry-after", () => String(25 * 86_400)],
    ["Retry-After (HTTP date)", "retry-after", () => new Date(Date.now() + 25 * DAY).toUTCString()],
    ["retry-after-ms", "retry-after-ms", () => String(25 * DAY)],
  ])('%s of 25 days under deadline "1y" sleeps, not ~1 ms', async (_label, header, value) => {
    const [s] = servers();
    s!.route("/later", (_req, res) => res.writeHead(503, { [header]: value() }).end("later"));
    const api = client({ baseUrl: s!.url, retry: { maxRetries: 2, minDelay: 1, deadline: "1y", budget: false } });
    const ac = new AbortController();
    const call = api.get("/later", { signal: ac.signal });
    expect(await stillPending(call)).toBe(true);
    expect(s!.hits).toHaveLength(1);
    const reason = new Error("stop waiting");
    ac.abort(reason);
    expect(await rejection(call)).toBe(reason);
    expect(s!.hits).toHaveLength(1);
  });

  test('a beforeRetry hook under timeout "30d" is not cut at once by its guard', async () => {
    const [s] = servers();
    s!.route("/busy", (_req, res) => res.writeHead(503).end("busy"));
    let called = 0;
    const api = client({
      baseUrl: s!.url,
      timeout: "30d",
      retry: { maxRetries: 2, minDelay: 1, budget: false },
      hooks: { beforeRetry: [() => (called++, new Promise<void>(() => {}))] },
    });
    const call = api.get("/busy");
    expect(await stillPending(call)).toBe(true);
    expect(called).toBe(1);
    expect(s!.hits).toHaveLength(1);
    await api.close();
    expect((await rejection(call)).code).toBe("ERR_CLOSED");
  });

  test('idleTimeout "30d" through .lines(): a stalled line is still waited for', async () => {
    const [s] = servers();
    s!.route("/stall", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("one\n");
    });
    const api = client({ baseUrl: s!.url, timeout: "none", idleTimeout: "30d", retry: false });
    const it = lines(api.get("/stall"));
    expect((await it.next()).value).toBe("one");
    const next = it.next();
    expect(await stillPending(next)).toBe(true);
    await api.close();
    expect((await rejection(next)).code).toBe("ERR_CLOSED");
  });

  test("an SSE retry: of 35 days (deadline 1y) waits before reconnecting", async () => {
    const [s] = servers();
    s!.route("/events", (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(`retry: ${35 * DAY}\nid: 1\ndata: hello\n\n`);
    });
    const api = client({ baseUrl: s!.url, retry: { maxRetries: 3, minDelay: 1, deadline: "1y", budget: false } });
    const events = sse(api.get("/events"), { reconnect: true });
    const first = await events.next();
    expect(first.value).toMatchObject({ data: "hello", retry: 35 * DAY });
    const next = events.next();
    expect(await stillPending(next)).toBe(true);
    expect(s!.hits).toHaveLength(1);
    await api.close();
    expect((await rejection(next)).code).toBe("ERR_CLOSED");
    await sleep(20);
    expect(s!.hits).toHaveLength(1);
  });
});

describe("setTimer is exact (fake timers)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test.each([10, MAX_DELAY, MAX_DELAY + 1, 30 * DAY, 400 * DAY])("a %d ms timer fires at its due time, not before, once", (ms) => {
    vi.useFakeTimers({ now: 1_000_000 });
    const fn = vi.fn();
    setTimer(fn, ms, "arg");
    vi.advanceTimersByTime(ms - 1);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn).toHaveBeenCalledWith("arg");
    vi.advanceTimersByTime(3 * MAX_DELAY);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  test("a long timer cleared between links never fires", () => {
    vi.useFakeTimers({ now: 0 });
    const fn = vi.fn();
    const t = setTimer(fn, 60 * DAY, undefined);
    vi.advanceTimersByTime(MAX_DELAY + 5); // the second link is armed now
    clearTimer(t);
    vi.advanceTimersByTime(120 * DAY);
    expect(fn).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
