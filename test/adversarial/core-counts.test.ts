/**
 * Bounded request counts. SSE reconnection shares one budget of attempts (maxRetries + 1 in a
 * row without an event), obeys Retry-After limits like a plain call, and keeps working with an
 * event id that is not Latin-1. paginate() stops on a next link that repeats and on endless
 * empty pages.
 */
import { describe, expect, test } from "vitest";
import { closedPort, rejection, useClients, useServers, type TestServer } from "./support/harness.js";
import { sse, paginate } from "../../src/index.js";

const servers = useServers(1);
const client = useClients();
const MAX = 3;
const RETRY = { maxRetries: MAX, minDelay: 1, maxDelay: 2, budget: false } as const;

/** A fetch that counts its calls and then uses the real one. */
function countingFetch() {
  let calls = 0;
  const fetch = (input: Request | string, init?: RequestInit) => (calls++, globalThis.fetch(input, init));
  return { fetch, calls: () => calls };
}

async function drain(it: AsyncIterableIterator<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("SSE reconnection: one budget of attempts", () => {
  test(`against a dead port: exactly maxRetries + 1 (${MAX + 1}) requests`, async () => {
    const port = await closedPort();
    const f = countingFetch();
    const api = client({ baseUrl: `http://127.0.0.1:${port}`, retry: RETRY, fetch: f.fetch });
    const error = await rejection(drain(sse(api.get("/events"), { reconnect: true })));
    expect(error.code).toBe("ERR_NETWORK");
    expect(f.calls()).toBe(MAX + 1);
    expect(api.stats.requests).toBe(MAX + 1);
  });

  test(`against an always-503 server: exactly ${MAX + 1} requests, the 503 HttpError`, async () => {
    const [s] = servers();
    s!.route("/events", (_req, res) => res.writeHead(503).end("down"));
    const api = client({ baseUrl: s!.url, retry: RETRY });
    const error = await rejection(drain(sse(api.get("/events"), { reconnect: true })));
    expect(error.status).toBe(503);
    expect(s!.hits).toHaveLength(MAX + 1);
  });

  test(`against a server that answers 200 with no events and hangs up: ${MAX + 1} requests, then done`, async () => {
    const [s] = servers();
    s!.route("/events", (_req, res) => res.writeHead(200, { "content-type": "text/event-stream" }).end(": nothing\n\n"));
    const api = client({ baseUrl: s!.url, retry: RETRY });
    await drain(sse(api.get("/events"), { reconnect: true }));
    expect(s!.hits).toHaveLength(MAX + 1);
  });

  test("the default retry policy (4 retries) bounds a dead port at 5 requests, not 25", async () => {
    const port = await closedPort();
    const f = countingFetch();
    const api = client({ baseUrl: `http://127.0.0.1:${port}`, retry: { minDelay: 1, maxDelay: 2, budget: false }, fetch: f.fetch });
    await rejection(drain(sse(api.get("/events"), { reconnect: true })));
    expect(f.calls()).toBe(5);
  });
});

describe("token refresh is bounded", () => {
  test("a server that answers 401 to every token: 2 requests (one refresh), the 401", async () => {
    const [s] = servers();
    s!.route("/x", (_req, res) => res.writeHead(401).end("no"));
    const asked: boolean[] = [];
    const api = client({ baseUrl: s!.url, retry: RETRY, token: ({ refresh }) => (asked.push(refresh), "tok-1234") });
    expect((await rejection(api.get("/x"))).status).toBe(401);
    expect(s!.hits).toHaveLength(2);
    expect(asked).toEqual([false, true]);
  });

  test("401 then 503 forever: one refresh plus maxRetries + 1 attempts", async () => {
    const [s] = servers();
    s!.route("/x", (_req, res, hit) => res.writeHead(hit.n === 1 ? 401 : 503).end("no"));
    const api = client({ baseUrl: s!.url, retry: RETRY, token: () => "tok-1234" });
    const error = await rejection(api.get("/x"));
    expect(error.status).toBe(503);
    expect(s!.hits).toHaveLength(MAX + 2);
  });
});

describe("Retry-After far past the deadline gives up at once", () => {
  const farAway = (s: TestServer, header: string, value: string) => s.route("/x", (_req, res) => res.writeHead(503, { [header]: value }).end("later"));

  test.each([
    ["retry-after", "100000"],
    ["retry-after-ms", String(100_000_000)],
    ["retry-after", new Date(Date.now() + 100_000_000).toUTCString()],
  ])("a plain call, %s: %s → 1 request, the message says why", async (header, value) => {
    const [s] = servers();
    farAway(s!, header, value);
    const api = client({ baseUrl: s!.url, retry: RETRY });
    const started = performance.now();
    const error = await rejection(api.get("/x"));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(error.status).toBe(503);
    expect(s!.hits).toHaveLength(1);
    expect(error.message).toMatch(/not retried.*(wait|Retry-After).*deadline/i);
  });

  test("SSE reconnection: Retry-After 100000 s → 1 request, the message says why", async () => {
    const [s] = servers();
    farAway(s!, "retry-after", "100000");
    const api = client({ baseUrl: s!.url, retry: RETRY });
    const error = await rejection(drain(sse(api.get("/x"), { reconnect: true })));
    expect(error.status).toBe(503);
    expect(s!.hits).toHaveLength(1);
    expect(error.message).toMatch(/not retried.*(wait|Retry-After).*deadline/i);
  });
});

describe("unreadable Retry-After values never stretch or multiply requests", () => {
  test.each(["1e400", "-5", "Infinity", "0x10", "Thu, 01 Jan 1970 00:00:00 GMT", "soon", "9".repeat(10_000)])("Retry-After: %s → at most maxRetries + 1 requests, quickly", async (value) => {
    const [s] = servers();
    s!.route("/x", (_req, res) => res.writeHead(503, { "retry-after": value }).end("x"));
    const api = client({ baseUrl: s!.url, retry: { ...RETRY, maxRetries: 2 } });
    const started = performance.now();
    expect((await rejection(api.get("/x"))).status).toBe(503);
    expect(s!.hits.length).toBeLessThanOrEqual(3);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe("Last-Event-ID that is not Latin-1", () => {
  test.each(["é✓", "😀-id", "plain-ascii"])("an event id %s reconnects with its UTF-8 bytes", async (id) => {
    const [s] = servers();
    s!.route("/events", (_req, res, hit) => {
      if (hit.n === 1) {
        res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
        res.end(Buffer.from(`id: ${id}\ndata: first\n\n`, "utf8"));
      } else res.writeHead(204).end();
    });
    const api = client({ baseUrl: s!.url, retry: RETRY });
    const events = await drain(sse(api.get("/events"), { reconnect: true }));
    expect(events).toEqual([{ event: "message", data: "first", id }]);
    expect(s!.hits).toHaveLength(2);
    const raw = s!.hits[1]!.headers["last-event-id"] as string;
    expect(Buffer.from(raw, "latin1").toString("utf8")).toBe(id);
  });
});

describe("paginate() against a looping server", () => {
  const page = (s: TestServer, path: string, items: unknown[], next?: (n: number) => string) =>
    s.route(path, (_req, res, hit) => res.writeHead(200, { "content-type": "application/json", ...(next ? { link: `<${next(hit.n)}>; rel="next"` } : {}) }).end(JSON.stringify(items)));

  test("empty pages whose next links repeat (p1 → p2 → p1): ERR_PAGINATION after at most 3 requests", async () => {
    const [s] = servers();
    page(s!, "/p1", [], () => "/p2");
    page(s!, "/p2", [], () => "/p1");
    const api = client({ baseUrl: s!.url, retry: RETRY });
    const error = await rejection(drain(paginate(api, "/p1")));
    expect(error.code).toBe("ERR_PAGINATION");
    expect(s!.hits.length).toBeLessThanOrEqual(3);
  });

  test("an empty page linking to itself: ERR_PAGINATION after at most 2 requests", async () => {
    const [s] = servers();
    page(s!, "/p", [], () => "/p");
    const api = client({ baseUrl: s!.url, retry: RETRY });
    expect((await rejection(drain(paginate(api, "/p")))).code).toBe("ERR_PAGINATION");
    expect(s!.hits.length).toBeLessThanOrEqual(2);
  });

  test("endless distinct empty pages: stops at the default maxEmptyPages (16): 17 requests", async () => {
    const [s] = servers();
    page(s!, "/p", [], (n) => `/p?n=${n}`);
    const api = client({ baseUrl: s!.url, retry: RETRY });
    const error = await rejection(drain(paginate(api, "/p")));
    expect(error.code).toBe("ERR_PAGINATION");
    expect(error.message).toMatch(/empty pages/);
    expect(s!.hits).toHaveLength(17);
  });

  test("endless distinct empty pages with maxEmptyPages: 3: 4 requests", async () => {
    const [s] = servers();
    page(s!, "/p", [], (n) => `/p?n=${n}`);
    const api = client({ baseUrl: s!.url, retry: RETRY });
    expect((await rejection(drain(paginate(api, "/p", { maxEmptyPages: 3 })))).code).toBe("ERR_PAGINATION");
    expect(s!.hits).toHaveLength(4);
  });

  test("empty pages interleaved with non-empty ones are not a loop: every item arrives", async () => {
    const [s] = servers();
    s!.route("/p", (req, res) => {
      const n = Number(new URL(req.url!, "http://x").searchParams.get("n") ?? 0);
      const items = n % 3 === 2 ? [n] : [];
      res.writeHead(200, { "content-type": "application/json", ...(n < 20 ? { link: `</p?n=${n + 1}>; rel="next"` } : {}) }).end(JSON.stringify(items));
    });
    const api = client({ baseUrl: s!.url, retry: RETRY });
    expect(await drain(paginate(api, "/p", { maxEmptyPages: 2 }))).toEqual([2, 5, 8, 11, 14, 17, 20]);
  });
  test("a non-empty page linking to itself: its items once, ERR_PAGINATION after 1 request", async () => {
    const [s] = servers();
    page(s!, "/p", [1], () => "/p");
    const api = client({ baseUrl: s!.url, retry: RETRY });
    const items: unknown[] = [];
    const error = await rejection(
      (async () => {
        for await (const x of paginate(api, "/p", { pageLimit: 50 })) items.push(x);
      })(),
    );
    expect(error.code).toBe("ERR_PAGINATION");
    expect(items).toEqual([1]);
    expect(s!.hits).toHaveLength(1);
  });

  test("next links that differ only by #fragment are a repeat: ERR_PAGINATION, bounded", async () => {
    const [s] = servers();
    page(s!, "/p", [1], (n) => `/p#${n}`);
    const api = client({ baseUrl: s!.url, retry: RETRY });
    const error = await rejection(drain(paginate(api, "/p", { pageLimit: 50 })));
    expect(error.code).toBe("ERR_PAGINATION");
    expect(s!.hits.length).toBeLessThanOrEqual(2);
  });
});
