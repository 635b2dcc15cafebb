/**
 * The retry budget under a burst: many calls failing in the same tick, from an in-memory fetch
 * that answers at once, so the count of retries is exact (no timing). The budget is a resource
 * taken atomically: a retry reserves it, and a retry that does not happen after all (a
 * beforeRetry veto, a hook that throws, an abort during the backoff sleep) gives it back.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { sse, createClient, HttpError, type ClientOptions, type RetryBudgetOptions } from "../../../src/index.js";
import { RetryBudget } from "../../../src/resilience/retry-budget.js";
import { fakeClock } from "../helpers/timers.js";

const QUICK = { minDelay: 1, maxDelay: 1, maxRetries: 4 };

/** A fetch answering 503 to every request, at once; it counts what it received. */
function failingFetch() {
  const f = Object.assign(async (_input: Request | string, _init?: RequestInit) => {
    f.sent++;
    return new Response("down", { status: 503 });
  }, { sent: 0 });
  return f;
}

function client(budget: RetryBudgetOptions | undefined, extra: ClientOptions = {}) {
  const fetch = failingFetch();
  const api = createClient({ baseUrl: "http://api.test", fetch, retry: { ...QUICK, budget }, ...extra });
  return { api, fetch };
}

/** Starts `n` calls in the same tick and waits for all of them; returns their errors. */
async function burst(start: () => Promise<unknown>, n: number): Promise<unknown[]> {
  const calls = Array.from({ length: n }, start);
  const settled = await Promise.allSettled(calls);
  return settled.map((s) => (s.status === "rejected" ? s.reason : undefined));
}

describe("retry budget under a burst", () => {
  it("ratio 0.1, minPerSecond 0: 20 calls failing together make exactly 2 retries", async () => {
    const { api, fetch } = client({ ratio: 0.1, minPerSecond: 0 });
    const errors = await burst(() => api.get("r"), 20);
    expect(api.stats.retries).toBe(2);
    expect(fetch.sent).toBe(22);
    expect(api.stats).toMatchObject({ calls: 20, requests: 22, httpErrors: 22 });
    // Every call ended because the budget was spent: 18 at once, 2 after their one retry.
    expect(api.stats.budgetExhausted).toBe(20);
    expect(errors.every((e) => e instanceof HttpError && e.budgetExhausted === true)).toBe(true);
    expect(errors.filter((e) => (e as HttpError).attempts === 2)).toHaveLength(2);
  });

  it("the default budget: 200 calls failing together make exactly 140 retries (20 % of 200 + 10/s over 10 s)", async () => {
    const { api, fetch } = client(undefined);
    await burst(() => api.get("r"), 200);
    expect(api.stats.retries).toBe(140);
    expect(fetch.sent).toBe(340);
    expect(api.stats.requests).toBe(340);
    expect(api.stats.budgetExhausted).toBe(200);
  });

  it("ratio 0.7 over 90 calls allows 63 retries, not 62 (0.7 · 90 is 62.99999999999999 in floating point)", async () => {
    const { api, fetch } = client({ ratio: 0.7, minPerSecond: 0 });
    await burst(() => api.get("r"), 90);
    expect(api.stats.retries).toBe(63);
    expect(fetch.sent).toBe(153);
  });

  it("stats add up: every failed attempt was either retried, refused by the budget, or the last one allowed", async () => {
    // ratio 0.5 over 10 calls: 5 retries; maxRetries 1 so a retried call ends on max-retries.
    const fetch = failingFetch();
    const api = createClient({ baseUrl: "http://api.test", fetch, retry: { ...QUICK, maxRetries: 1, budget: { ratio: 0.5, minPerSecond: 0 } } });
    const errors = await burst(() => api.get("r"), 10);
    expect(api.stats.retries).toBe(5);
    expect(api.stats.budgetExhausted).toBe(5);
    const exhausted = errors.filter((e) => (e as HttpError).budgetExhausted === true);
    expect(exhausted).toHaveLength(5);
    expect(exhausted.every((e) => (e as HttpError).attempts === 1)).toBe(true);
    expect(api.stats.requests).toBe(api.stats.calls + api.stats.retries);
  });

  it("a reservation held by a call whose beforeRetry hook is still deciding is not handed to another call; its veto gives it back", async () => {
    // ratio 0, 0.1 per second over 10 s: one retry in the window.
    const { api, fetch } = client({ ratio: 0, minPerSecond: 0.1, window: "10s" });
    let decide!: (answer: boolean) => void;
    const answer = new Promise<boolean>((resolve) => (decide = resolve));
    let asked!: () => void;
    const hookAsked = new Promise<void>((resolve) => (asked = resolve));
    const a = api.get("a", { hooks: { beforeRetry: [() => (asked(), answer)] } }).catch((e: unknown) => e);
    await hookAsked; // A holds the one retry while its hook decides
    const b = (await api.get("b").catch((e: unknown) => e)) as HttpError;
    expect(b.budgetExhausted).toBe(true);
    expect(b.attempts).toBe(1);
    decide(false); // A gives up: its reservation goes back
    const aError = (await a) as HttpError;
    expect(aError.budgetExhausted).toBeFalsy();
    expect(aError.attempts).toBe(1);
    const c = (await api.get("c").catch((e: unknown) => e)) as HttpError;
    expect(c.attempts).toBe(2); // the retry A gave back
    expect(api.stats.retries).toBe(1);
    expect(fetch.sent).toBe(4);
  });

  it("a beforeRetry hook that throws gives its reservation back", async () => {
    const { api } = client({ ratio: 0, minPerSecond: 0.1, window: "10s" });
    const boom = new Error("hook failed");
    const a = await api.get("a", { hooks: { beforeRetry: [() => { throw boom; }] } }).catch((e: unknown) => e);
    expect(a).toBe(boom);
    const c = (await api.get("c").catch((e: unknown) => e)) as HttpError;
    expect(c.attempts).toBe(2);
    expect(api.stats.retries).toBe(1);
  });

  it("an abort during the backoff sleep gives the reservation back, and the retry is not counted", async () => {
    const { api } = client({ ratio: 0, minPerSecond: 0.1, window: "10s" });
    const controller = new AbortController();
    const reason = new Error("user gave up");
    // A sleeps 60 s before its retry; the hook runs just before the sleep and aborts right after it starts.
    const a = api.get("a", { signal: controller.signal, retry: { minDelay: 60_000, maxDelay: 60_000, deadline: 120_000 }, hooks: { beforeRetry: [() => void setTimeout(() => controller.abort(reason), 0)] } });
    await expect(a).rejects.toBe(reason);
    expect(api.stats.retries).toBe(0);
    const c = (await api.get("c").catch((e: unknown) => e)) as HttpError;
    expect(c.attempts).toBe(2);
    expect(api.stats.retries).toBe(1);
  });

  it("close() during the backoff sleep gives the reservation back to the parent that shares the budget", async () => {
    const { api } = client({ ratio: 0, minPerSecond: 0.1, window: "10s" });
    const child = api.extend({ headers: { "x-child": "1" } });
    const a = child.get("a", { retry: { minDelay: 60_000, maxDelay: 60_000, deadline: 120_000 }, hooks: { beforeRetry: [() => void setTimeout(() => void child.close(), 0)] } });
    await expect(a).rejects.toMatchObject({ code: "ERR_CLOSED" });
    expect(api.stats.retries).toBe(0);
    const c = (await api.get("c").catch((e: unknown) => e)) as HttpError;
    expect(c.attempts).toBe(2);
    expect(api.stats.retries).toBe(1);
  });
});

/** An event stream of one event that then ends cleanly (EventSource reconnects after that). */
const oneEvent = () => new Response("data: x\n\n", { headers: { "content-type": "text/event-stream" } });

describe("retry budget under a burst of SSE reconnections", () => {
  async function drain(stream: AsyncIterable<unknown>): Promise<unknown> {
    try {
      for await (const _ of stream);
      return undefined;
    } catch (error) {
      return error;
    }
  }

  it("20 streams ending together reconnect exactly twice with ratio 0.1", async () => {
    let sent = 0;
    const fetch = async () => (sent++, oneEvent());
    const api = createClient({ baseUrl: "http://api.test", fetch, retry: { ...QUICK, budget: { ratio: 0.1, minPerSecond: 0 } } });
    const ends = await Promise.all(Array.from({ length: 20 }, () => drain(sse(api.get("events"), { reconnect: true }))));
    expect(ends.every((e) => e === undefined)).toBe(true); // a clean end the budget refused to reopen
    expect(api.stats.retries).toBe(2);
    expect(sent).toBe(22);
    expect(api.stats.budgetExhausted).toBe(20);
  });

  it("reconnections that fail with 503 draw on the same budget, exactly, and their errors say so", async () => {
    // 10 streams, ratio 1.5: 15 reconnections in all. Every reconnection answers 503.
    let sent = 0;
    const fetch = async (input: Request | string, init?: RequestInit) => {
      sent++;
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      return headers.has("last-event-id") || sent > 10 ? new Response("down", { status: 503 }) : oneEvent();
    };
    const api = createClient({ baseUrl: "http://api.test", fetch, retry: { ...QUICK, budget: { ratio: 1.5, minPerSecond: 0 } } });
    const ends = await Promise.all(Array.from({ length: 10 }, () => drain(sse(api.get("events"), { reconnect: true }))));
    expect(api.stats.retries).toBe(15);
    expect(sent).toBe(25);
    expect(api.stats.budgetExhausted).toBe(10);
    expect(ends.every((e) => e instanceof HttpError && e.status === 503 && e.budgetExhausted === true)).toBe(true);
  });
  it("a beforeError hook that replaces the error: a reconnection the budget refused is counted once, and not sent", async () => {
    // One retry in the window, held by a plain call's beforeRetry hook while the stream fails.
    let sent = 0;
    const fetch = async () => (sent++, new Response("down", { status: 503 }));
    const api = createClient({
      baseUrl: "http://api.test",
      fetch,
      retry: { ...QUICK, budget: { ratio: 0, minPerSecond: 0.1, window: "10s" } },
      // An app wrapping errors in its own: the new error does not say budgetExhausted.
      hooks: { beforeError: [(e) => new HttpError((e as HttpError).request, (e as HttpError).response, "", {})] },
    });
    let release!: (answer: boolean) => void;
    let asked!: () => void;
    const hookAsked = new Promise<void>((resolve) => (asked = resolve));
    const holder = api.get("a", { hooks: { beforeRetry: [() => (asked(), new Promise<boolean>((resolve) => (release = resolve)))] } }).catch(() => undefined);
    await hookAsked; // the one retry is reserved
    const stream = sse(api.get("events"), { reconnect: true });
    const first = stream.next().catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 10)); // the stream's first attempt fails and finds the budget spent
    release(false); // the holder gives its retry back
    const end = await first;
    await holder;
    expect(end).toBeInstanceOf(HttpError);
    expect(api.stats.budgetExhausted).toBe(1); // the stream's refusal, once (it was 2)
    expect(sent).toBe(2); // the holder's attempt and the stream's: no reconnection with the freed retry
    expect(api.stats.retries).toBe(0);
  });
});

describe("RetryBudget reservations", () => {
  // ratio 0 and 0.1 per second over 10 s: one retry per window.
  const one = () => new RetryBudget({ ratio: 0, minPerSecond: 0.1, window: "10s" });
  afterEach(() => vi.useRealTimers());

  it("a reservation holds the room until it is released; release gives it back once", () => {
    const budget = one();
    const r = budget.tryReserve()!;
    expect(r).toBeDefined();
    expect(budget.tryReserve()).toBeUndefined();
    r.release();
    const again = budget.tryReserve()!;
    expect(again).toBeDefined();
    r.release(); // settled already: does not free `again`'s room
    expect(budget.tryReserve()).toBeUndefined();
  });

  it("a committed retry counts in the window until it slides past, and settles once", () => {
    fakeClock();
    const budget = one();
    const r = budget.tryReserve()!;
    r.commit();
    r.release(); // too late: the retry was sent
    expect(budget.tryReserve()).toBeUndefined();
    vi.advanceTimersByTime(11_000);
    expect(budget.tryReserve()).toBeDefined();
  });

  it("a clock stepped back and forth (NTP): an old reservation's release does not free a newer one's room", () => {
    fakeClock();
    const budget = one();
    const old = budget.tryReserve()!;
    vi.setSystemTime(Date.now() - 10_000); // stepped back one window: the same slot, for an older tick
    budget.tryReserve()?.release();
    vi.setSystemTime(Date.now() + 10_000); // and forward again: the slot counts this tick afresh
    const held = budget.tryReserve();
    expect(held).toBeDefined();
    old.release(); // it was taken in another life of the slot: it must not free `held`'s room
    expect(budget.tryReserve()).toBeUndefined();
  });

  it("a reservation never settled (a stream dropped unread) leaves the window like a retry", () => {
    fakeClock();
    const budget = one();
    expect(budget.tryReserve()).toBeDefined();
    vi.advanceTimersByTime(5_000);
    expect(budget.tryReserve()).toBeUndefined();
    vi.advanceTimersByTime(6_000);
    expect(budget.tryReserve()).toBeDefined();
  });
});

describe("the budget is client-wide", () => {
  it("a request's own budget object is a TypeError naming retry.budget, and nothing is sent (it was accepted and ignored)", async () => {
    const { api, fetch } = client({ ratio: 0.1, minPerSecond: 0 });
    const error = await api.get("r", { retry: { maxRetries: 2, budget: { ratio: 1 } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(String((error as Error).message)).toMatch(/retry\.budget.*client-wide/);
    expect(fetch.sent).toBe(0);
  });

  it("a request's retry: { budget: false } keeps it out of the budget (it was ignored: budgetExhausted all the same)", async () => {
    const { api, fetch } = client({ ratio: 0.1, minPerSecond: 0 });
    const error = await api.get("r", { retry: { ...QUICK, maxRetries: 3, budget: false } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).budgetExhausted).not.toBe(true);
    expect(fetch.sent).toBe(4);
    expect(api.stats.budgetExhausted).toBe(0);
    // The next request, without the opt-out, meets the budget as before (ratio 0.1 of 2 calls: no retry).
    await api.get("r", { retry: { ...QUICK, maxRetries: 3 } }).catch(() => undefined);
    expect(api.stats.budgetExhausted).toBe(1);
  });

  it("extend() keeps its behaviour: a child may set its own budget", async () => {
    const { api } = client(undefined);
    const child = api.extend({ retry: { budget: false } });
    await expect(child.get("r", { retry: 0 })).rejects.toBeInstanceOf(HttpError);
  });
});
