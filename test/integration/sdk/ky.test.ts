/**
 * ky on `api.fetch`: `ky.create({ fetch: api.fetch, retry: 0 })` keeps ky's API (hooks, json,
 * HTTPError) while tierfetch's tiers, retries, budget and redaction run underneath. ky hands
 * `fetch` a `Request` object, so these tests also hold `api.fetch` to fetch's `Request` input.
 */
import ky, { HTTPError, NetworkError as KyNetworkError } from "ky";
import { describe, expect, test } from "vitest";
import { isNetworkError, isTimeoutError, type ClientOptions } from "../../../src/index.js";
import { QUICK_RETRY, useClients } from "../support/clients.js";
import { closedFully } from "./support/wire.js";
import { closedPort, readBody, rejection, startServer, useServer, within } from "../support/server.js";

const srv = useServer();
const client = useClients(srv);

const SECRET = "ky-mock-secret-0123456789";

/** ky with its own retries off and its own timeout off: tierfetch's tiers and retries decide. */
function kyOn(options: ClientOptions = {}) {
  const api = client(options);
  const http = ky.create({ fetch: api.fetch, retry: 0, timeout: false, baseUrl: `${srv().url}/` });
  return { api, http };
}

describe("ky on api.fetch", () => {
  test("a 503 then 200 on a GET: retried by tierfetch (the server sees 2 requests), ky sees the 200", async () => {
    srv().route("/items", (_req, res, hit) => {
      if (hit.n === 1) return res.writeHead(503, { "retry-after-ms": "10", "content-type": "application/json" }).end('{"error":"busy"}');
      res.writeHead(200, { "content-type": "application/json" }).end('{"items":[1,2,3]}');
    });
    const retried: number[] = [];
    const { api, http } = kyOn({ hooks: { beforeRetry: [({ response }) => void retried.push(response?.status ?? 0)] } });
    const statuses: number[] = [];
    const body = await within(
      http.get("items", { hooks: { afterResponse: [({ response }) => void statuses.push(response.status)] } }).json(),
      5_000,
      "the ky call",
    );

    expect(body).toEqual({ items: [1, 2, 3] });
    expect(statuses).toEqual([200]); // ky saw one response: the last one
    expect(retried).toEqual([503]); // tierfetch's hooks run underneath
    expect(srv().hits.map((h) => `${h.method} ${h.path}`)).toEqual(["GET /items", "GET /items"]);
    expect(api.stats).toMatchObject({ calls: 1, requests: 2, retries: 1 });
  });

  test("a POST with ky's json body, 503 then 200: the Request's body is sent again byte for byte", async () => {
    const bodies: string[] = [];
    srv().route("/orders", async (req, res, hit) => {
      bodies.push((await readBody(req)).toString());
      if (hit.n === 1) return res.writeHead(503, { "retry-after-ms": "10" }).end();
      res.writeHead(201, { "content-type": "application/json" }).end('{"id":7}');
    });
    const { api, http } = kyOn();
    const created = await within(http.post("orders", { json: { sku: "A-1", qty: 2 } }).json(), 5_000, "the ky POST");

    expect(created).toEqual({ id: 7 });
    expect(bodies).toEqual(['{"sku":"A-1","qty":2}', '{"sku":"A-1","qty":2}']);
    for (const hit of srv().hits) {
      expect(hit.method).toBe("POST");
      expect(hit.headers["content-type"]).toMatch(/^application\/json/);
    }
    expect(api.stats).toMatchObject({ requests: 2, retries: 1 });
  });

  test("an error status after the retries: ky's own HTTPError with the last response; the server saw maxRetries + 1", async () => {
    srv().route("/down", (_req, res) => res.writeHead(502, { "content-type": "application/json" }).end('{"error":"bad gateway"}'));
    const { api, http } = kyOn({ retry: { ...QUICK_RETRY, maxRetries: 2 } });
    const error = await rejection(http.get("down").json());

    expect(error).toBeInstanceOf(HTTPError);
    expect(error.response.status).toBe(502);
    expect(error.data).toEqual({ error: "bad gateway" }); // ky 2 reads the error body into `data`
    expect(srv().hits).toHaveLength(3);
    expect(api.stats).toMatchObject({ calls: 1, requests: 3, retries: 2 });
  });

  /** An always-503 route and a client whose budget allows exactly one retry in its window (ratio 0, 0.1/s over 10 s). */
  function outage() {
    srv().route("/outage", (_req, res) => res.writeHead(503).end());
    return kyOn({ retry: { ...QUICK_RETRY, budget: { ratio: 0, minPerSecond: 0.1, window: "10s" } } });
  }

  test("tierfetch's retry budget underneath ky: an outage spends it, later calls are sent once", async () => {
    const { api, http } = outage();

    const first = await rejection(http.get("outage"));
    expect(first).toBeInstanceOf(HTTPError);
    expect(first.response.status).toBe(503);
    expect(srv().hits).toHaveLength(2); // the first attempt and the one retry the budget allows

    for (let i = 0; i < 3; i++) {
      const error = await rejection(http.get("outage"));
      expect(error).toBeInstanceOf(HTTPError);
    }
    expect(srv().hits).toHaveLength(2 + 3); // budget spent: each later call is sent once
    expect(api.stats).toMatchObject({ calls: 4, requests: 5, retries: 1 });
  });

  test("stats.budgetExhausted counts the api.fetch calls the budget stopped (they resolve with the last response)", async () => {
    const { api, http } = outage();
    for (let i = 0; i < 3; i++) await rejection(http.get("outage"));

    expect(srv().hits).toHaveLength(2 + 1 + 1);
    // Every call wanted one more retry and found the budget spent.
    expect(api.stats.budgetExhausted).toBe(3);
  });

  test("tierfetch's tier times out a server that never answers (GET retried with a longer timeout), and the error ky throws holds no secret", async () => {
    srv().route("/hang", () => undefined); // never answers
    const { api, http } = kyOn({ timeouts: { medium: "150ms" }, retry: { ...QUICK_RETRY, maxRetries: 1 } });
    const error = await rejection(http.get("hang", { headers: { "x-api-key": SECRET, authorization: `Bearer ${SECRET}` } }), 8_000);

    expect(isTimeoutError(error)).toBe(true);
    expect(error.attempts).toBe(2);
    for (const text of [error.message, String(error), JSON.stringify(error), error.stack ?? ""]) expect(text).not.toContain(SECRET);
    // The server did get the key: redaction is about errors and logs, not the wire.
    expect(srv().hits).toHaveLength(2);
    for (const hit of srv().hits) expect(hit.headers["x-api-key"]).toBe(SECRET);
    await srv().waitFor(() => srv().inflight().length === 0, 2_000, "both timed-out requests to close");
    expect(api.stats).toMatchObject({ requests: 2, timeouts: 2 });
  });
  test("a ky call aborted mid-body (the signal rides in ky's Request): the body ends, the server sees the response closed, no retry", async () => {
    srv().route("/feed", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("line 0\n");
      let i = 1;
      srv().every(res, 10, () => res.write(`line ${i++}\n`));
    });
    const { api, http } = kyOn();
    const controller = new AbortController();
    const res = await within(http.get("feed", { signal: controller.signal }), 5_000, "the response head");
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    controller.abort();
    const error = await rejection(
      (async () => {
        for (;;) if ((await reader.read()).done) throw new Error("the body ended cleanly instead of erroring");
      })(),
    );

    expect(error.name).toBe("AbortError");
    expect(await closedFully(srv().hits[0]!)).toBe(false);
    expect(srv().hits).toHaveLength(1);
    expect(api.stats.retries).toBe(0);
  });

  test("a refused connection on a GET: tierfetch retries it (network errors are retried for safe methods), then ky rejects with a network error", async () => {
    const port = await closedPort();
    const api = client({ retry: { ...QUICK_RETRY, maxRetries: 2 } });
    const http = ky.create({ fetch: api.fetch, retry: 0, timeout: false });
    const error = await rejection(http.get(`http://127.0.0.1:${port}/nothing`, { headers: { "x-api-key": SECRET } }));

    // ky wraps only a runtime's raw TypeError in its NetworkError: tierfetch's NetworkError passes through as is.
    expect(isNetworkError(error)).toBe(true);
    expect(error).not.toBeInstanceOf(KyNetworkError);
    expect(JSON.stringify(error) + String(error)).not.toContain(SECRET);
    expect(api.stats).toMatchObject({ calls: 1, requests: 3, retries: 2 });
  });

  test("tierfetch's token goes with ky's requests to the base origin only", async () => {
    const other = await startServer();
    try {
      for (const server of [srv(), other]) server.route("/who", (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
      const api = client({ token: SECRET });
      const http = ky.create({ fetch: api.fetch, retry: 0, timeout: false });
      await within(http.get(`${srv().url}/who`).json(), 5_000, "the call to the base origin");
      await within(http.get(`${other.url}/who`).json(), 5_000, "the call to another origin");

      expect(srv().hits[0]!.headers["authorization"]).toBe(`Bearer ${SECRET}`);
      expect(other.hits).toHaveLength(1);
      expect(other.hits[0]!.headers["authorization"]).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});
