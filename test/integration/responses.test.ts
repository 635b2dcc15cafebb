/**
 * What real responses drive: Retry-After / retry-after-ms delays, a 401 answered by a token
 * refresh, an HttpError built from a large error body, and the promise hygiene of a failed
 * request (no unhandled rejection beside the one the caller handles).
 */
import { describe, expect, test } from "vitest";
import { lines, HttpError, NetworkError, TimeoutError, type RetryContext } from "../../src/index.js";
import { QUICK_RETRY, useClients } from "./support/clients.js";
import { closedPort, rejection, sleep, startServer, useServer, within } from "./support/server.js";
import { trackLibraryTimers } from "./support/timers.js";
import { captureUnhandled, delivered } from "./support/unhandled.js";

const srv = useServer();
const client = useClients(srv);

describe("Retry-After", { timeout: 10_000 }, () => {
  test("503 with Retry-After: 0, then 503 with retry-after-ms: 30, then 200: success, attempts counted", async () => {
    srv().route("/busy", (_req, res, hit) => {
      if (hit.n === 1) res.writeHead(503, { "retry-after": "0" }).end("busy");
      else if (hit.n === 2) res.writeHead(503, { "retry-after": "0", "retry-after-ms": "30" }).end("still busy");
      else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
    });
    const api = client({ retry: { ...QUICK_RETRY, minDelay: 5, maxDelay: 5 } });
    const planned: Array<{ retryAfter: number | undefined; delay: number }> = [];
    const beforeRetry = [(ctx: RetryContext) => void planned.push({ retryAfter: ctx.retryAfter, delay: ctx.delay })];
    const timers = trackLibraryTimers();
    let data: unknown;
    try {
      data = await within(api.get("busy", { hooks: { beforeRetry } }).json(), 5_000, ".json()");
    } finally {
      timers.restore();
    }
    expect(data).toEqual({ ok: true });
    // Retry-After: 0 waits minDelay; retry-after-ms wins over Retry-After and may exceed maxDelay.
    expect(planned).toEqual([
      { retryAfter: 0, delay: 5 },
      { retryAfter: 30, delay: 30 },
    ]);
    const hits = srv().hitsOf("/busy");
    expect(hits).toHaveLength(3);
    expect(timers.delaysFrom("timers.ts", "sleep")).toEqual([5, 30]); // the sleeps really scheduled
    expect(api.stats).toMatchObject({ calls: 1, requests: 3, retries: 2, httpErrors: 2, timeouts: 0, networkErrors: 0 });
  });

  test("POST is retried on 429 with retry-after-ms, and rateLimitErrors counts it per attempt", async () => {
    srv().route("/orders", (_req, res, hit) => {
      if (hit.n === 1) res.writeHead(429, { "retry-after-ms": "10" }).end("slow down");
      else res.writeHead(201).end("created");
    });
    const api = client();
    expect(await within(api.post("orders", { json: { n: 1 } }).text(), 5_000, ".text()")).toBe("created");
    expect(srv().hitsOf("/orders")).toHaveLength(2);
    expect(api.stats.rateLimitErrors).toEqual([1]);
    expect(api.stats.retries).toBe(1);
  });

  test("a Retry-After past the deadline gives up at once with that response's HttpError", async () => {
    srv().route("/busy", (_req, res) => res.writeHead(503, { "retry-after": "60" }).end("come back in a minute"));
    const api = client({ retry: { ...QUICK_RETRY, deadline: "2s" } });
    // Sleeping 60 s (or up to the deadline) would overrun this bound.
    const error = await rejection(api.get("busy"), 1_500);
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(503);
    expect(error.attempts).toBe(1);
    expect(srv().hitsOf("/busy")).toHaveLength(1);
  });
});

describe("aborting a backoff sleep", { timeout: 10_000 }, () => {
  // The server asks for 10 s; the request must end as soon as it is aborted, not after the sleep.
  const slowRetry = (path: string) => srv().route(path, (_req, res) => res.writeHead(503, { "retry-after-ms": "10000" }).end("later"));

  test("close() during the sleep rejects at once with ERR_CLOSED", async () => {
    slowRetry("/busy");
    const api = client();
    const pending = api.get("busy").text();
    await srv().waitFor(() => srv().hitsOf("/busy")[0]?.closedAt !== undefined, 2_000, "the first 503");
    await sleep(20);
    const started = performance.now();
    await api.close();
    const error = await rejection(pending, 3_000);
    expect(error.code).toBe("ERR_CLOSED");
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(srv().hitsOf("/busy")).toHaveLength(1);
  });

  test("a user abort during the sleep rejects at once with the signal's reason", async () => {
    slowRetry("/busy");
    const api = client();
    const controller = new AbortController();
    const reason = new Error("user gave up");
    const pending = api.get("busy", { signal: controller.signal }).json();
    await srv().waitFor(() => srv().hitsOf("/busy")[0]?.closedAt !== undefined, 2_000, "the first 503");
    await sleep(20);
    controller.abort(reason);
    expect(await rejection(pending, 3_000)).toBe(reason);
    expect(srv().hitsOf("/busy")).toHaveLength(1);
  });
});

describe("401 and a token function", { timeout: 10_000 }, () => {
  function protectedRoute(path: string, valid: string) {
    srv().route(path, (req, res) => {
      if (req.headers.authorization === `Bearer ${valid}`) res.writeHead(200, { "content-type": "application/json" }).end('{"user":"ada"}');
      else res.writeHead(401, { "www-authenticate": "Bearer" }).end("token expired");
    });
  }

  test("401, then the refreshed token is sent; no retry spent", async () => {
    protectedRoute("/me", "fresh");
    const asked: boolean[] = [];
    const api = client({
      token: ({ refresh }) => {
        asked.push(refresh);
        return refresh ? "fresh" : "stale";
      },
    });
    expect(await within(api.get("me").json(), 5_000, ".json()")).toEqual({ user: "ada" });
    expect(asked).toEqual([false, true]);
    expect(srv().hitsOf("/me").map((h) => h.headers.authorization)).toEqual(["Bearer stale", "Bearer fresh"]);
    expect(api.stats.retries).toBe(0);
    expect(api.stats.requests).toBe(2);
  });

  test("the refresh happens even with retry: false (it is not a retry)", async () => {
    protectedRoute("/me", "fresh");
    const api = client({ retry: false, token: async ({ refresh }) => (refresh ? "fresh" : "stale") });
    const res = await within(api.get("me"), 5_000, "the request");
    expect(res.status).toBe(200);
    expect(api.stats.retries).toBe(0);
  });

  test("a second 401 after the refresh is final: HttpError 401, two attempts", async () => {
    protectedRoute("/me", "never");
    const api = client({ token: ({ refresh }) => (refresh ? "fresh" : "stale") });
    const error = await rejection(api.get("me").json());
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(401);
    expect(error.attempts).toBe(2);
    expect(srv().hitsOf("/me")).toHaveLength(2);
    expect(JSON.stringify(error)).not.toContain("fresh");
    expect(error.message).not.toContain("stale");
  });
});

describe("the token stays with its origin", { timeout: 10_000 }, () => {
  test("a redirect from the base origin to another origin does not carry Authorization", async () => {
    const other = await startServer();
    try {
      other.route("/landing", (req, res) => res.end(JSON.stringify({ authorization: req.headers.authorization ?? null })));
      srv().route("/go", (_req, res) => res.writeHead(302, { location: `http://localhost:${other.port}/landing` }).end());
      const api = client({ token: "s3cret-token" });
      expect(await within(api.get("go").json(), 5_000, ".json()")).toEqual({ authorization: null });
      expect(srv().hitsOf("/go")[0]!.headers.authorization).toBe("Bearer s3cret-token");
    } finally {
      await other.close();
    }
  });

  test("a token function that throws rejects with its error, not a retried NetworkError", async () => {
    srv().route("/me", (_req, res) => res.end("never reached"));
    let calls = 0;
    const failure = new Error("vault unreachable");
    const api = client({
      token: () => {
        calls++;
        throw failure;
      },
    });
    const error = await rejection(api.get("me").text());
    expect({ isNetworkError: error instanceof NetworkError, calls }).toEqual({ isNetworkError: false, calls: 1 });
    expect(error === failure || (error as { cause?: unknown }).cause === failure).toBe(true);
    expect(srv().hitsOf("/me")).toHaveLength(0);
  });
});

describe("HttpError from a real error response", { timeout: 10_000 }, () => {
  /** Letters in a pattern that never repeats within 200 characters. */
  const bodyOf = (size: number) => Array.from({ length: size }, (_, i) => String.fromCharCode(97 + ((i * 7 + (i >> 8)) % 26))).join("");

  test("500 with a 10 KB body: message holds the first 200 chars, response.text() the whole body", async () => {
    const body = bodyOf(10 * 1024);
    srv().route("/boom", (_req, res) => res.writeHead(500, { "content-type": "text/plain" }).end(body));
    const api = client({ retry: false });
    const error = await rejection(api.get("boom"));
    expect(error).toBeInstanceOf(HttpError);
    expect(error.code).toBe("ERR_HTTP");
    expect(error.status).toBe(500);
    expect(error.message).toContain(`GET ${srv().url}/boom`);
    expect(error.message).toContain("500");
    expect(error.message).toContain(body.slice(0, 200));
    expect(error.message).not.toContain(body.slice(0, 201));
    expect(await within(error.response.text(), 2_000, "error.response.text()")).toBe(body);
  });

  test("after retries, the final HttpError's response still gives the whole body (via .text())", async () => {
    const body = bodyOf(10 * 1024);
    srv().route("/boom", (_req, res, hit) => res.writeHead(500, { "x-attempt": String(hit.n) }).end(body));
    const api = client({ retry: { ...QUICK_RETRY, maxRetries: 2 } });
    const error = await rejection(api.get("boom").text());
    expect(error).toBeInstanceOf(HttpError);
    expect(error.attempts).toBe(3);
    expect(error.response.headers.get("x-attempt")).toBe("3");
    expect(await within(error.response.text(), 2_000, "error.response.text()")).toBe(body);
  });

  test("an error body larger than what the message reads (256 KB) is still whole in response.text()", async () => {
    const body = bodyOf(256 * 1024);
    srv().route("/boom", (_req, res) => res.writeHead(502).end(body));
    const api = client({ retry: false });
    const error = await rejection(api.get("boom"));
    expect(error).toBeInstanceOf(HttpError);
    expect(error.message).toContain(body.slice(0, 200));
    expect(await within(error.response.text(), 2_000, "error.response.text()")).toBe(body);
  });
});

describe("promise hygiene of a failed request", { timeout: 10_000 }, () => {
  /** Runs `scenario`, then waits for Node's unhandled-rejection check, and returns what it saw. */
  async function unhandledDuring(scenario: () => Promise<void>): Promise<unknown[]> {
    const capture = captureUnhandled();
    try {
      await scenario();
      await sleep(30);
    } finally {
      capture.stop();
    }
    return capture.reasons;
  }

  test("a failure awaited directly (await api.get(u)) leaves no unhandled rejection", async () => {
    srv().route("/hang", () => {});
    const api = client({ retry: false });
    let caught: unknown;
    const unhandled = await unhandledDuring(async () => {
      try {
        await api.get("hang", { timeout: 30 });
      } catch (error) {
        caught = delivered(error);
      }
    });
    expect(caught).toBeInstanceOf(TimeoutError);
    expect(unhandled.map((r) => String(r))).toEqual([]);
  });

  test("a failure seen through for await over .lines() leaves no unhandled rejection", async () => {
    const port = await closedPort();
    const api = client({ baseUrl: `http://127.0.0.1:${port}/`, retry: false });
    let caught: unknown;
    const unhandled = await unhandledDuring(async () => {
      try {
        for await (const _line of lines(api.get("x"))) {
          /* nothing arrives */
        }
      } catch (error) {
        caught = delivered(error);
      }
    });
    expect(caught).toBeInstanceOf(NetworkError);
    expect(unhandled.map((r) => String(r))).toEqual([]);
  });

  test("a failure seen through .text() leaves no unhandled rejection", async () => {
    srv().route("/boom", (_req, res) => res.writeHead(500).end("no"));
    const api = client({ retry: false });
    let caught: unknown;
    const unhandled = await unhandledDuring(async () => {
      try {
        await api.get("boom").text();
      } catch (error) {
        caught = delivered(error);
      }
    });
    expect(caught).toBeInstanceOf(HttpError);
    expect(unhandled.map((r) => String(r))).toEqual([]);
  });
});
