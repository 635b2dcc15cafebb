import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createClient, HttpError, isHttpError, NetworkError, TimeoutError, type ClientOptions, type RetryContext } from "../../../src/index.js";
import { scriptedFetch } from "../helpers/fetch.js";
import { replies, useMockServer, waitForRequests, type Reply } from "../helpers/msw.js";
import { captureDelays, drive, fakeClock, flush, track } from "../helpers/timers.js";

const { server, seen } = useMockServer();

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Quick retries in real time: 1 ms apart. */
const QUICK = { minDelay: 1, maxDelay: 1 };

/** Sends `method` against the script; returns the outcome and how many attempts reached the mock. */
async function attempt(method: string, script: Reply[], options: ClientOptions & Record<string, unknown> = {}) {
  server.use(http.all("https://api.test/r", replies(...script)));
  const { retry = QUICK, timeout, ...rest } = options;
  const api = createClient({ baseUrl: "https://api.test", retry, timeout } as ClientOptions);
  const outcome = await api.request(method, "r", rest).then(
    (response) => ({ ok: true as const, response, error: undefined }),
    (error: unknown) => ({ ok: false as const, response: undefined, error }),
  );
  return { ...outcome, sent: seen.length, seen: [...seen] };
}

describe("safe methods retry on the listed statuses, network errors and timeouts", () => {
  for (const status of [408, 429, 500, 502, 503, 504]) {
    it(`GET retries a ${status}`, async () => {
      const r = await attempt("GET", [status, 200]);
      expect(r.ok).toBe(true);
      expect(r.sent).toBe(2);
    });
  }

  for (const status of [400, 401, 403, 404, 409, 422, 501, 505]) {
    it(`GET does not retry a ${status}`, async () => {
      const r = await attempt("GET", [status, 200]);
      expect(isHttpError(r.error)).toBe(true);
      expect((r.error as HttpError).status).toBe(status);
      expect(r.sent).toBe(1);
    });
  }

  for (const method of ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]) {
    it(`${method} retries a 500, a network error and a timeout`, async () => {
      const r = await attempt(method, [500, "network-error", "hang", 200], { timeout: 30 });
      expect(r.ok).toBe(true);
      expect(r.sent).toBe(4);
    });
  }

  it("TRACE retries a 500 and a network error", async () => {
    // Node's own fetch refuses TRACE, so this one goes through an injected fetch.
    const fetch = scriptedFetch(new Response("x", { status: 500 }), new TypeError("fetch failed"), new Response("ok"));
    const response = await createClient({ baseUrl: "https://api.test", fetch, retry: QUICK }).request("TRACE", "r");
    expect(response.status).toBe(200);
    expect(fetch.calls.map((c) => c.method)).toEqual(["TRACE", "TRACE", "TRACE"]);
  });
});

describe("POST and PATCH retry only on 429 and 503", () => {
  for (const method of ["POST", "PATCH"]) {
    for (const status of [429, 503]) {
      it(`${method} retries a ${status}`, async () => {
        const r = await attempt(method, [status, 200]);
        expect(r.ok).toBe(true);
        expect(r.sent).toBe(2);
      });
    }
    for (const status of [408, 500, 502, 504]) {
      it(`${method} does not retry a ${status}`, async () => {
        const r = await attempt(method, [status, 200]);
        expect((r.error as HttpError).status).toBe(status);
        expect(r.sent).toBe(1);
      });
    }
    it(`${method} does not retry a network error`, async () => {
      const r = await attempt(method, ["network-error", 200]);
      expect(r.error).toBeInstanceOf(NetworkError);
      expect(r.sent).toBe(1);
    });
    it(`${method} does not retry a timeout`, async () => {
      const r = await attempt(method, ["hang", 200], { timeout: 20 });
      expect(r.error).toBeInstanceOf(TimeoutError);
      expect(r.sent).toBe(1);
    });
  }
});

describe("idempotency keys", () => {
  it("a string key lets POST retry like a safe method, sending the same key every time", async () => {
    const r = await attempt("POST", [500, "network-error", "hang", 200], { idempotencyKey: "order-77", timeout: 30, json: { a: 1 } });
    expect(r.ok).toBe(true);
    expect(r.seen.map((s) => s.headers["idempotency-key"])).toEqual(["order-77", "order-77", "order-77", "order-77"]);
  });

  it("true makes one random UUID, sent unchanged on every attempt of PATCH", async () => {
    const r = await attempt("PATCH", [502, 504, 200], { idempotencyKey: true });
    expect(r.ok).toBe(true);
    const keys = r.seen.map((s) => s.headers["idempotency-key"]);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(keys).size).toBe(1);
  });

  it("true makes a different key for each call", async () => {
    server.use(http.post("https://api.test/r", () => HttpResponse.text("ok")));
    const api = createClient({ baseUrl: "https://api.test" });
    await api.post("r", { idempotencyKey: true });
    await api.post("r", { idempotencyKey: true });
    expect(seen[0]!.headers["idempotency-key"]).not.toBe(seen[1]!.headers["idempotency-key"]);
  });

  it("no key means no Idempotency-Key header", async () => {
    const r = await attempt("POST", [200]);
    expect(r.seen[0]!.headers).not.toHaveProperty("idempotency-key");
  });
});

describe("policy options", () => {
  it("retry: n makes at most n retries, and the final error has attempts = n + 1", async () => {
    const r = await attempt("GET", [500], { retry: { maxRetries: 2, ...QUICK } });
    expect(r.sent).toBe(3);
    expect((r.error as HttpError).attempts).toBe(3);
  });

  it("a number is maxRetries", async () => {
    server.use(http.get("https://api.test/r", replies(500)));
    const error = await createClient({ baseUrl: "https://api.test", retry: QUICK }).get("r", { retry: 1 }).catch((e: unknown) => e);
    expect(seen).toHaveLength(2);
    expect((error as HttpError).attempts).toBe(2);
  });

  it("retry: false makes one attempt", async () => {
    const r = await attempt("GET", [503, 200], { retry: false });
    expect(r.sent).toBe(1);
    expect((r.error as HttpError).attempts).toBe(1);
  });

  it("makes 5 attempts by default (maxRetries 4)", async () => {
    fakeClock();
    server.use(http.get("https://api.test/r", replies(503)));
    const call = await drive(track(createClient({ baseUrl: "https://api.test", timeout: "none" }).get("r")));
    expect(seen).toHaveLength(5);
    expect((call.error as HttpError).attempts).toBe(5);
  });

  it("the final error is the last attempt's", async () => {
    const script = [() => new HttpResponse("first", { status: 500 }), () => new HttpResponse("second", { status: 502 }), () => new HttpResponse("third", { status: 503 })];
    const r = await attempt("GET", script, { retry: { maxRetries: 2, ...QUICK } });
    expect((r.error as HttpError).status).toBe(503);
    expect((r.error as HttpError).message).toContain("third");
    expect((r.error as HttpError).attempts).toBe(3);
  });

  it("the final NetworkError and TimeoutError carry attempts too", async () => {
    const network = await attempt("GET", ["network-error"], { retry: { maxRetries: 1, ...QUICK } });
    expect(network.error).toBeInstanceOf(NetworkError);
    expect((network.error as NetworkError).attempts).toBe(2);
    const timeout = await attempt("GET", ["hang"], { retry: { maxRetries: 2, ...QUICK }, timeout: 15 });
    expect(timeout.error).toBeInstanceOf(TimeoutError);
    expect((timeout.error as TimeoutError).attempts).toBe(3);
  });

  it("statuses replaces the list of retried statuses", async () => {
    const teapot = await attempt("GET", [418, 200], { retry: { statuses: [418], ...QUICK } });
    expect(teapot.sent).toBe(2);
    seen.length = 0;
    const unavailable = await attempt("GET", [503, 200], { retry: { statuses: [418], ...QUICK } });
    expect(unavailable.sent).toBe(1);
  });

  it("statuses also bound what POST retries", async () => {
    const r = await attempt("POST", [503, 200], { retry: { statuses: [429], ...QUICK } });
    expect(r.sent).toBe(1);
  });

  it("shouldRetry returning true retries what the default would not", async () => {
    const r = await attempt("GET", [409, 200], { retry: { shouldRetry: ({ response }: RetryContext) => (response?.status === 409 ? true : undefined), ...QUICK } });
    expect(r.ok).toBe(true);
    expect(r.sent).toBe(2);
  });

  it("shouldRetry returning false stops what the default would retry", async () => {
    const r = await attempt("GET", [503, 200], { retry: { shouldRetry: () => false, ...QUICK } });
    expect(r.sent).toBe(1);
    expect((r.error as HttpError).status).toBe(503);
  });

  it("shouldRetry returning undefined keeps the default decision", async () => {
    const retried = await attempt("GET", [503, 200], { retry: { shouldRetry: () => undefined, ...QUICK } });
    expect(retried.sent).toBe(2);
    seen.length = 0;
    const notRetried = await attempt("POST", [500, 200], { retry: { shouldRetry: () => undefined, ...QUICK } });
    expect(notRetried.sent).toBe(1);
  });

  it("shouldRetry can make POST retry a network error", async () => {
    const r = await attempt("POST", ["network-error", 200], { retry: { shouldRetry: ({ error }: RetryContext) => error instanceof NetworkError, ...QUICK } });
    expect(r.ok).toBe(true);
  });

  it("shouldRetry is told the response, the error, the attempt and the delay", async () => {
    const contexts: Record<string, unknown>[] = [];
    const shouldRetry = (ctx: RetryContext) => {
      contexts.push({ status: ctx.response?.status, error: ctx.error, attempt: ctx.attempt, retryCount: ctx.retryCount, delay: ctx.delay, method: ctx.method });
      return undefined;
    };
    await attempt("GET", [500, 503, 200], { retry: { shouldRetry, ...QUICK } });
    expect(contexts).toHaveLength(2);
    expect(contexts[0]).toMatchObject({ status: 500, attempt: 0, retryCount: 0, delay: 1, method: "GET" });
    expect(contexts[1]).toMatchObject({ status: 503, attempt: 1, retryCount: 1 });
    expect(isHttpError(contexts[0]!.error)).toBe(true);
  });

  it("shouldRetry cannot go past maxRetries", async () => {
    const r = await attempt("GET", [500], { retry: { maxRetries: 2, shouldRetry: () => true, ...QUICK } });
    expect(r.sent).toBe(3);
  });

  it("a beforeRetry hook returning false stops, with the current error", async () => {
    server.use(http.get("https://api.test/r", replies(503, 200)));
    const beforeRetry = vi.fn(() => false);
    const error = await createClient({ baseUrl: "https://api.test", retry: QUICK, hooks: { beforeRetry: [beforeRetry] } }).get("r").catch((e: unknown) => e);
    expect(beforeRetry).toHaveBeenCalledTimes(1);
    expect((error as HttpError).status).toBe(503);
    expect((error as HttpError).attempts).toBe(1);
    expect(seen).toHaveLength(1);
  });
});

describe("a body that cannot be replayed", () => {
  const stream = () =>
    new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode("once"));
        c.close();
      },
    });

  it("a ReadableStream body is sent once and never retried, even with an idempotency key", async () => {
    server.use(http.post("https://api.test/r", replies(503, 200)));
    const error = await createClient({ baseUrl: "https://api.test", retry: QUICK }).post("r", { body: stream(), idempotencyKey: "k" }).catch((e: unknown) => e);
    expect((error as HttpError).status).toBe(503);
    expect((error as HttpError).attempts).toBe(1);
    expect(seen).toHaveLength(1);
  });

  it("a ReadableStream body on PUT is not retried after a network error", async () => {
    server.use(http.put("https://api.test/r", replies("network-error", 200)));
    const error = await createClient({ baseUrl: "https://api.test", retry: QUICK }).put("r", { body: stream() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(seen).toHaveLength(1);
  });
});

describe("a user's abort", () => {
  it("during an attempt rejects at once with the signal's reason, and nothing more is sent", async () => {
    server.use(http.get("https://api.test/r", replies("hang")));
    const controller = new AbortController();
    const reason = new Error("user navigated away");
    const pending = createClient({ baseUrl: "https://api.test" }).get("r", { signal: controller.signal });
    await waitForRequests(seen, 1);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await new Promise((r) => setTimeout(r, 30));
    expect(seen).toHaveLength(1);
  });

  it("keeps a non-Error reason as it is", async () => {
    server.use(http.get("https://api.test/r", replies("hang")));
    const controller = new AbortController();
    const pending = createClient({ baseUrl: "https://api.test" }).get("r", { signal: controller.signal });
    await waitForRequests(seen, 1);
    controller.abort("just a string");
    await expect(pending).rejects.toBe("just a string");
  });

  it("rejects with the default AbortError when no reason is given", async () => {
    server.use(http.get("https://api.test/r", replies("hang")));
    const controller = new AbortController();
    const pending = createClient({ baseUrl: "https://api.test" }).get("r", { signal: controller.signal });
    await waitForRequests(seen, 1);
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBe(controller.signal.reason);
    expect((error as DOMException).name).toBe("AbortError");
  });

  it("an already aborted signal rejects with its reason and sends nothing", async () => {
    server.use(http.get("https://api.test/r", replies(200)));
    const reason = new Error("too late");
    const error = await createClient({ baseUrl: "https://api.test" }).get("r", { signal: AbortSignal.abort(reason) }).catch((e: unknown) => e);
    expect(error).toBe(reason);
    expect(seen).toHaveLength(0);
  });

  it("during the body of a buffered shortcut rejects with the reason", async () => {
    const encoder = new TextEncoder();
    let chunkSent!: () => void;
    const started = new Promise<void>((r) => (chunkSent = r));
    server.use(
      http.get("https://api.test/r", () =>
        new HttpResponse(
          new ReadableStream<Uint8Array>({
            start(c) {
              c.enqueue(encoder.encode("part"));
              chunkSent();
            },
          }),
        ),
      ),
    );
    const controller = new AbortController();
    const reason = new Error("stop reading");
    const pending = createClient({ baseUrl: "https://api.test" }).get("r", { signal: controller.signal }).text();
    await started;
    await new Promise((r) => setTimeout(r, 5));
    controller.abort(reason);
    const error = await Promise.race([pending.catch((e: unknown) => e), new Promise((r) => setTimeout(() => r("still pending"), 1000))]);
    expect(error).toBe(reason);
    expect(seen).toHaveLength(1);
  });

  it("after a failed attempt, during the backoff, nothing more is sent", async () => {
    fakeClock();
    server.use(http.get("https://api.test/r", replies(503, 200)));
    const controller = new AbortController();
    const reason = new Error("cancelled while waiting");
    const call = track(createClient({ baseUrl: "https://api.test", timeout: "none", retry: { minDelay: "10s" } }).get("r", { signal: controller.signal }));
    await flush();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(seen).toHaveLength(1);
    controller.abort(reason);
    await flush();
    expect(call.error).toBe(reason);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(seen).toHaveLength(1);
  });
});

describe("backoff: minDelay · factorⁿ capped at maxDelay, jitter in the upper half", () => {
  async function delaysWith(random: number, retry: ClientOptions["retry"] = {}, statuses: Reply[] = [503]): Promise<number[]> {
    fakeClock();
    vi.spyOn(Math, "random").mockReturnValue(random);
    server.use(http.get("https://api.test/r", replies(...statuses)));
    const { delays } = captureDelays();
    await drive(track(createClient({ baseUrl: "https://api.test", timeout: "none", retry }).get("r")));
    return delays();
  }

  it("waits exactly 500, 1000, 2000, 4000 ms by default when Math.random() is 1", async () => {
    expect(await delaysWith(1)).toEqual([500, 1000, 2000, 4000]);
    expect(seen).toHaveLength(5);
  });

  it("waits max(minDelay, half) when Math.random() is 0: 500, 500, 1000, 2000", async () => {
    expect(await delaysWith(0)).toEqual([500, 500, 1000, 2000]);
  });

  it("puts the jitter in the upper half: Math.random() 0.5 gives three quarters", async () => {
    expect(await delaysWith(0.5, { minDelay: 1000 })).toEqual([1000, 1500, 3000, 6000]);
  });

  it("caps the computed backoff at maxDelay", async () => {
    expect(await delaysWith(1, { minDelay: "1s", factor: 3, maxDelay: "5s" })).toEqual([1000, 3000, 5000, 5000]);
  });

  it("never waits less than minDelay", async () => {
    expect(await delaysWith(0, { minDelay: "2s", maxDelay: "2s" })).toEqual([2000, 2000, 2000, 2000]);
  });

  it("uses the same backoff for network errors and timeouts", async () => {
    expect(await delaysWith(1, { maxRetries: 2 }, ["network-error"])).toEqual([500, 1000]);
  });

  it("starts no retry later than the deadline after the first attempt began", async () => {
    // Waits 1 s then 2 s: the second retry would start 3 s in, past a 2.5 s deadline.
    const delays = await delaysWith(1, { minDelay: "1s", deadline: "2.5s" });
    expect(delays).toEqual([1000]);
    expect(seen).toHaveLength(2);
  });
});
