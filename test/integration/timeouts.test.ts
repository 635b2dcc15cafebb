/**
 * Timeouts against a real socket: a server that never answers, a body that stalls after the
 * headers, and the idle limit between body chunks. Timeouts are tens of ms; assertions are on
 * the reported values and on lower bounds, never on tight wall-clock upper bounds.
 */
import { describe, expect, test } from "vitest";
import { lines, TimeoutError, type RetryContext, type Stats } from "../../src/index.js";
import { QUICK_RETRY, useClients } from "./support/clients.js";
import { readBody, rejection, useServer, within, type Hit } from "./support/server.js";
import { trackLibraryTimers } from "./support/timers.js";

const srv = useServer();
const client = useClients(srv);

/**
 * The first attempt timed out and a retry succeeded. Normally exactly 2 requests; on a busy
 * machine a retry can time out too, so: every attempt but the last timed out.
 */
function expectTimedOutThenRecovered(stats: Stats, hits: Hit[]) {
  expect(hits.length).toBeGreaterThanOrEqual(2);
  expect(stats.requests).toBeGreaterThanOrEqual(hits.length);
  expect(stats).toMatchObject({ calls: 1, retries: stats.requests - 1, timeouts: stats.requests - 1 });
}

describe("a server that accepts and never answers", { timeout: 10_000 }, () => {
  test("rejects with TimeoutError carrying timeout, tier, attempts and request", async () => {
    srv().route("/hang", () => {});
    const api = client({ timeouts: { short: 40 }, timeout: "short", retry: false });
    const error = await rejection(api.get("hang"));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe("ERR_TIMEOUT");
    expect(error.kind).toBe("attempt");
    expect(error.timeout).toBe(40);
    expect(error.tier).toBe("short");
    expect(error.attempts).toBe(1);
    expect(error.request).toBeInstanceOf(Request);
    expect(error.request.method).toBe("GET");
    expect(error.request.url).toBe(`${srv().url}/hang`);
    expect(error.message).toContain("40 ms");
    // The client gave up: the server sees the request go away (when it got that far: on a
    // loaded machine 40 ms may pass before the request reaches the server).
    const hit = srv().hitsOf("/hang")[0];
    if (hit) await within(hit.closed, 2_000, "server seeing the aborted request close");
    expect(api.stats).toMatchObject({ calls: 1, requests: 1, retries: 0, timeouts: 1 });
  });

  test("a duration timeout has no tier", async () => {
    srv().route("/hang", () => {});
    const api = client({ retry: false });
    const error = await rejection(api.get("hang", { timeout: "40ms" }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.timeout).toBe(40);
    expect(error.tier).toBeUndefined();
  });

  test("each retry gets double the timeout, capped at timeouts.max", async () => {
    srv().route("/hang", () => {});
    const api = client({ timeouts: { short: 40, max: 100 }, timeout: "short", retry: { ...QUICK_RETRY, maxRetries: 3 } });
    const perAttempt: number[] = [];
    const beforeRetry = [(ctx: RetryContext) => void perAttempt.push((ctx.error as TimeoutError).timeout)];
    const timers = trackLibraryTimers();
    let error: any;
    try {
      error = await rejection(api.get("hang", { hooks: { beforeRetry } }));
    } finally {
      timers.restore();
    }
    expect(error).toBeInstanceOf(TimeoutError);
    expect(perAttempt).toEqual([40, 80, 100]);
    expect(error.timeout).toBe(100);
    expect(error.tier).toBe("short");
    expect(error.attempts).toBe(4);
    expect(api.stats).toMatchObject({ calls: 1, requests: 4, retries: 3, timeouts: 4 });
    // The longer timeouts are real, not just reported: the attempt timers the library started.
    expect(timers.delaysFrom("timers.ts", "runAttempt")).toEqual([40, 80, 100, 100]);
    expect(srv().hitsOf("/hang").length).toBeLessThanOrEqual(4);
  });

  test("a cap below the tier never shortens it", async () => {
    srv().route("/hang", () => {});
    const api = client({ timeouts: { short: 40, max: 10 }, timeout: "short", retry: { ...QUICK_RETRY, maxRetries: 1 } });
    const perAttempt: number[] = [];
    const beforeRetry = [(ctx: RetryContext) => void perAttempt.push((ctx.error as TimeoutError).timeout)];
    const error = await rejection(api.get("hang", { hooks: { beforeRetry } }));
    expect(perAttempt).toEqual([40]);
    expect(error.timeout).toBe(40);
    expect(error.attempts).toBe(2);
  });
});

describe("the timeout covers the body", { timeout: 10_000 }, () => {
  /** Headers and half the body at once, then nothing: on the first request only when `once`. */
  function stallingRoute(path: string, body: string, once: boolean) {
    srv().route(path, (_req, res, hit) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) });
      if (once && hit.n > 1) res.end(body);
      else res.write(body.slice(0, body.length >> 1));
    });
  }

  test("headers arrive, body stalls: reading the Response rejects with TimeoutError", async () => {
    stallingRoute("/stall", JSON.stringify({ hello: "world" }), false);
    const api = client({ retry: false });
    const res = await within(api.get("stall", { timeout: 150 }), 2_000, "the response head");
    expect(res.status).toBe(200);
    const error = await rejection(res.text());
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.kind).toBe("attempt");
    expect(error.timeout).toBe(150);
    await within(srv().hitsOf("/stall")[0]!.closed, 2_000, "server seeing the stalled response close");
  });

  test("a stalled body read by .text() without retries rejects with TimeoutError", async () => {
    stallingRoute("/stall", "x".repeat(1000), false);
    const api = client({ retry: false });
    const error = await rejection(api.get("stall", { timeout: 60 }).text());
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.attempts).toBe(1);
    expect(srv().hitsOf("/stall").length).toBeLessThanOrEqual(1);
  });

  test(".text(): a body stalled the first time is retried and the retry succeeds", async () => {
    const body = "abcdefghij".repeat(100);
    stallingRoute("/stall-once", body, true);
    const api = client();
    const text = await within(api.get("stall-once", { timeout: 60 }).text(), 5_000, ".text()");
    expect(text).toBe(body);
    expectTimedOutThenRecovered(api.stats, srv().hitsOf("/stall-once"));
  });

  test(".json(): a body stalled the first time is retried and the retry succeeds", async () => {
    const value = { items: Array.from({ length: 50 }, (_, i) => ({ i, name: `item ${i}` })) };
    stallingRoute("/stall-once", JSON.stringify(value), true);
    const api = client();
    const data = await within(api.get("stall-once", { timeout: 60 }).json(), 5_000, ".json()");
    expect(data).toEqual(value);
    expect(srv().hitsOf("/stall-once")[0]!.headers.accept).toBe("application/json");
    expectTimedOutThenRecovered(api.stats, srv().hitsOf("/stall-once"));
  });
});

describe("the timeout covers error bodies and request bodies", { timeout: 10_000 }, () => {
  test("an error response whose body stalls times out instead of hanging", async () => {
    srv().route("/bad", (_req, res) => {
      res.writeHead(500, { "content-type": "text/plain", "content-length": "100" });
      res.write("the start of an error message");
    });
    const api = client({ retry: { ...QUICK_RETRY, maxRetries: 1 } });
    const error = await rejection(api.get("bad", { timeout: 60 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.attempts).toBe(2);
    expect(srv().hitsOf("/bad").length).toBeGreaterThanOrEqual(1); // attempt 2 may time out before reaching a busy server
    expect(srv().hitsOf("/bad").length).toBeLessThanOrEqual(2);
  });

  test("a PUT whose response stalls is retried with the same body", async () => {
    const bodies: string[] = [];
    srv().route("/doc", async (req, res, hit) => {
      bodies.push((await readBody(req)).toString());
      if (hit.n > 1) res.writeHead(200, { "content-type": "application/json" }).end('{"saved":true}');
    });
    const api = client();
    const doc = { title: "draft", lines: Array.from({ length: 200 }, (_, i) => `line ${i}`) };
    expect(await within(api.put("doc", { json: doc, timeout: 80 }).json(), 5_000, ".json()")).toEqual({ saved: true });
    expect(bodies.length).toBeGreaterThanOrEqual(2); // 2, or more when a busy machine stretches the retry past 160 ms
    expect(JSON.parse(bodies[0]!)).toEqual(doc);
    for (const body of bodies) expect(body).toBe(bodies[0]);
    expect(srv().hitsOf("/doc").map((h) => h.headers["content-type"])).toEqual(["application/json", "application/json"]);
  });
});

describe("idleTimeout", { timeout: 10_000 }, () => {
  const FIVE_LINES = ["line 0", "line 1", "line 2", "line 3", "line 4"];

  /** `count` lines, one every `ms`, then silence (or the end when `end`). */
  function dripRoute(path: string, ms: number, count: number, end: boolean) {
    srv().route(path, (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      let i = 0;
      srv().every(res, ms, () => {
        if (i < count) res.write(`line ${i++}\n`);
        else if (end) res.end();
      });
    });
  }

  test("for await over res.body: quiet after some chunks -> TimeoutError kind idle", async () => {
    dripRoute("/drip", 10, 5, false);
    const api = client({ retry: false });
    const res = await api.get("drip", { timeout: "none", idleTimeout: 50 });
    let text = "";
    const decoder = new TextDecoder();
    const error = await rejection(
      (async () => {
        for await (const chunk of res.body!) text += decoder.decode(chunk as Uint8Array, { stream: true });
      })(),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.kind).toBe("idle");
    expect(error.timeout).toBe(50);
    // Normally all five lines came first; on a loaded machine a 50 ms gap may come sooner.
    expect(text.length).toBeGreaterThan(0);
    const all = `${FIVE_LINES.join("\n")}\n`;
    expect(all.slice(0, text.length)).toBe(text);
    await within(srv().hitsOf("/drip")[0]!.closed, 2_000, "server seeing the idle response close");
  });

  test("for await over .lines(): quiet after some lines -> TimeoutError kind idle", async () => {
    dripRoute("/drip", 10, 5, false);
    const api = client({ retry: false });
    const got: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const line of lines(api.get("drip", { timeout: "none", idleTimeout: 50 }))) got.push(line);
      })(),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.kind).toBe("idle");
    expect(got.length).toBeGreaterThan(0);
    expect(got).toEqual(FIVE_LINES.slice(0, got.length));
  });

  test(".text() with idleTimeout: a body that goes quiet the first time is retried and succeeds", async () => {
    srv().route("/quiet-once", (_req, res, hit) => {
      res.writeHead(200, { "content-type": "text/plain", "content-length": "10" });
      if (hit.n === 1) res.write("01234");
      else res.end("0123456789");
    });
    const api = client();
    expect(await within(api.get("quiet-once", { timeout: "none", idleTimeout: 40 }).text(), 5_000, ".text()")).toBe("0123456789");
    expectTimedOutThenRecovered(api.stats, srv().hitsOf("/quiet-once"));
  });

  test("a slow consumer does not trip idleTimeout: it bounds waiting for the network, not the reader", async () => {
    srv().route("/burst", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(Array.from({ length: 4 }, (_, i) => `line ${i}\n`).join(""));
    });
    const api = client({ retry: false });
    const got: string[] = [];
    for await (const line of lines(api.get("burst", { timeout: "none", idleTimeout: 30 }))) {
      got.push(line);
      await new Promise((r) => setTimeout(r, 60)); // longer than idleTimeout, between reads
    }
    expect(got).toEqual(["line 0", "line 1", "line 2", "line 3"]);
  });

  test("chunks every 20 ms for 300 ms with idleTimeout 100 ms succeed", async () => {
    dripRoute("/drip", 20, 15, true);
    const api = client({ retry: false });
    const got: string[] = [];
    await within(
      (async () => {
        for await (const line of lines(api.get("drip", { timeout: "none", idleTimeout: 100 }))) got.push(line);
      })(),
      5_000,
      "the whole drip",
    );
    expect(got).toEqual(Array.from({ length: 15 }, (_, i) => `line ${i}`));
    expect(api.stats.timeouts).toBe(0);
  });
});
