/**
 * One factory, attacked (it replaced the core/full split: createCoreClient folded into
 * createClient, features became functions): every option, hook, retry, timeout, close() and
 * api.fetch behaves the same on a client and its extend() children; what the client does not do
 * itself is refused by name with nothing sent, never skipped; a ResponsePromise is a plain
 * Promise<Response> to every Promise API. Real loopback servers.
 */
import { afterEach, describe, expect, test } from "vitest";
import { sse, ResponsePromise, createClient, type Client, type ClientOptions } from "../../src/index.js";
import { QUICK, captureUnhandled, rejection, settleUnhandled, sleep, useServers } from "./support/harness.js";

const servers = useServers(1);

const FACTORIES = [["createClient", createClient]] as const;

/** Every client a test makes is closed after it (both feature sets). */
const made: Client[] = [];
function make(factory: (o?: ClientOptions) => Client, options: ClientOptions): Client {
  const api = factory(options);
  made.push(api);
  return api;
}
afterEach(async () => {
  await Promise.all(made.splice(0).map((c) => c.close()));
});

/** A JSON route answering 503 (Retry-After: 0) `fail` times first. */
function flaky(path: string, fail: number) {
  const [s] = servers();
  s!.route(path, (_req, res, hit) => (hit.n <= fail ? res.writeHead(503, { "retry-after": "0" }).end("busy") : res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}')));
  return s!;
}

describe("the same options give the same requests, outcomes and stats on a client and its children", () => {
  test.each(FACTORIES)("%s: retries, hooks in order, stats, on a child of a child", async (_name, factory) => {
    const s = flaky("/r", 2);
    const order: string[] = [];
    const parent = make(factory, {
      baseUrl: s.url,
      retry: { ...QUICK, maxRetries: 3 },
      headers: { "x-parent": "1" },
      query: { a: "1" },
      hooks: {
        beforeRequest: [() => void order.push("parent:beforeRequest")],
        afterResponse: [({ response }) => void order.push(`parent:afterResponse:${response.status}`)],
        beforeRetry: [() => void order.push("parent:beforeRetry")],
      },
    });
    const child = parent.extend({ headers: { "x-child": "2" }, hooks: { beforeRequest: [() => void order.push("child:beforeRequest")] } }).extend({ query: { b: "2" } });
    expect(await child.get("/r").json()).toEqual({ ok: true });
    expect(s.hits.map((h) => h.target)).toEqual(["/r?a=1&b=2", "/r?a=1&b=2", "/r?a=1&b=2"]);
    expect(s.hits[2]!.headers).toMatchObject({ "x-parent": "1", "x-child": "2", accept: "application/json" });
    expect(order).toEqual([
      "parent:beforeRequest", "child:beforeRequest", "parent:afterResponse:503", "parent:beforeRetry",
      "parent:beforeRequest", "child:beforeRequest", "parent:afterResponse:503", "parent:beforeRetry",
      "parent:beforeRequest", "child:beforeRequest", "parent:afterResponse:200",
    ]);
    expect(parent.stats).toBe(child.stats);
    expect(parent.stats).toMatchObject({ calls: 1, requests: 3, retries: 2, httpErrors: 2 });
  });

  test.each(FACTORIES)("%s: retries spent: an HttpError with the attempts, beforeError sees it", async (_name, factory) => {
    const s = flaky("/r", 99);
    const seen: string[] = [];
    const api = make(factory, { baseUrl: s.url, retry: { ...QUICK, maxRetries: 1 }, hooks: { beforeError: [(e) => void seen.push((e as { code?: string }).code ?? "")] } });
    const error = await rejection(api.get("/r").text());
    expect(error).toMatchObject({ name: "HttpError", status: 503, attempts: 2 });
    expect(seen).toEqual(["ERR_HTTP"]);
    expect(s.hits).toHaveLength(2);
  });

  test.each(FACTORIES)("%s: a tier bounds the body read by a shortcut; the retry gets the whole body", async (_name, factory) => {
    const [s] = servers();
    s!.route("/slow", (_req, res, hit) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("part ");
      if (hit.n === 1) return; // stalls: the attempt's timeout ends it
      res.end("whole");
    });
    const api = make(factory, { baseUrl: s!.url, timeouts: { short: 150 }, timeout: "short", retry: { ...QUICK, maxRetries: 1 } });
    expect(await api.get("/slow").text()).toBe("part whole");
    expect(api.stats).toMatchObject({ requests: 2, timeouts: 1 });
  });

  test.each(FACTORIES)("%s: api.fetch resolves every status (the last after retries), on a child too", async (_name, factory) => {
    const s = flaky("/r", 99);
    const child = make(factory, { baseUrl: s.url, retry: { ...QUICK, maxRetries: 1 } }).extend({});
    const response = await child.fetch(`${s.url}/r`);
    expect(response.status).toBe(503);
    expect(await response.text()).toBe("busy");
    expect(s.hits).toHaveLength(2);
  });

  test.each(FACTORIES)("%s: close() on the parent rejects the child's call in flight with ERR_CLOSED, and later ones with nothing sent", async (_name, factory) => {
    const [s] = servers();
    s!.route("/hang", () => undefined);
    const parent = make(factory, { baseUrl: s!.url });
    const child = parent.extend({ headers: { "x-c": "1" } });
    const pending = child.get("/hang").json();
    await s!.waitFor(() => s!.hits.length === 1);
    await parent.close();
    expect(await rejection(pending)).toMatchObject({ code: "ERR_CLOSED" });
    expect(await rejection(child.get("/hang"))).toMatchObject({ code: "ERR_CLOSED" });
    expect(await rejection(child.fetch(`${s!.url}/hang`))).toMatchObject({ code: "ERR_CLOSED" });
    expect(s!.hits).toHaveLength(1);
  });

  test.each(FACTORIES)("%s: `await using` closes the client at the end of the block", async (_name, factory) => {
    const [s] = servers();
    s!.route("/hang", () => undefined);
    let pending!: Promise<unknown>;
    {
      // `await using` by hand (the test's tsconfig target may not lower it): what it calls.
      const api = factory({ baseUrl: s!.url });
      const dispose = (api as unknown as Record<symbol, () => Promise<void>>)[(Symbol as { asyncDispose?: symbol }).asyncDispose ?? Symbol.for("Symbol.asyncDispose")];
      expect(typeof dispose).toBe("function");
      pending = api.get("/hang").text();
      await s!.waitFor(() => s!.hits.length === 1);
      await dispose!.call(api);
    }
    expect(await rejection(pending)).toMatchObject({ code: "ERR_CLOSED" });
  });

  test.each(FACTORIES)("%s: a body that is not JSON and echoes the token is a ParseError with the token masked", async (_name, factory) => {
    const [s] = servers();
    s!.route("/echo", (req, res) => res.writeHead(200, { "content-type": "application/json" }).end(`not json: ${req.headers.authorization}`));
    const api = make(factory, { baseUrl: s!.url, token: "sk-live-ECHOED-5u6v" });
    const error = await rejection(api.get("/echo").json());
    expect(error).toMatchObject({ name: "ParseError", code: "ERR_PARSE" });
    expect(String(error.message)).toContain("not json");
    expect(JSON.stringify([error.message, String(error), error.toJSON?.()])).not.toContain("sk-live-ECHOED-5u6v");
  });

  test.each(FACTORIES)("%s: onDownloadProgress sees the whole body; idempotencyKey makes a POST retryable on 500", async (_name, factory) => {
    const [s] = servers();
    s!.route("/big", (_req, res) => res.writeHead(200, { "content-length": "4096" }).end("x".repeat(4096)));
    s!.route("/post", (_req, res, hit) => (hit.n === 1 ? res.writeHead(500).end("oops") : res.end("done")));
    const api = make(factory, { baseUrl: s!.url, retry: { ...QUICK, maxRetries: 1 } });
    let last = { loaded: 0, total: undefined as number | undefined };
    expect((await api.get("/big", { onDownloadProgress: (p) => void (last = p) }).text()).length).toBe(4096);
    expect(last).toMatchObject({ loaded: 4096, total: 4096 });
    expect(await api.post("/post", { json: { a: 1 }, idempotencyKey: "k-1" }).text()).toBe("done");
    expect(s!.hitsOf("/post").map((h) => h.headers["idempotency-key"])).toEqual(["k-1", "k-1"]);
  });

  test.each(FACTORIES)("%s: a bad option is a TypeError naming it, nothing sent, on the child too", async (_name, factory) => {
    const [s] = servers();
    const child = make(factory, { baseUrl: s!.url }).extend({});
    for (const bad of [{ retry: "many" }, { timeout: "forever" }, { headers: { "x-a": "b\r\nx: y" } }, { signal: {} }, { retires: 3 }]) {
      const error = await rejection(child.get("/x", bad as never));
      expect(error).toBeInstanceOf(TypeError);
      expect(String(error)).toMatch(new RegExp(`${Object.keys(bad)[0]}|x-a`));
    }
    expect(s!.hits).toHaveLength(0);
  });
});

describe("extend() children are the same client", () => {
  test("a client's children (and theirs) return ResponsePromises with no streaming method, and have no paginate member: features are functions", () => {
    const child = createClient().extend({}).extend({ headers: { "x-a": "1" } });
    const c = child.get("http://127.0.0.1:1/", { signal: AbortSignal.abort() });
    c.catch(() => undefined);
    expect(c).toBeInstanceOf(ResponsePromise);
    for (const name of ["lines", "ndjson", "sse"]) expect(name in c).toBe(false);
    expect("paginate" in child).toBe(false);
  });
});

describe("what the client does not do itself is refused by name, with nothing sent", () => {
  test("onUploadProgress not made by trackUpload(), on a client's grandchild", async () => {
    const [s] = servers();
    s!.route("/up", (_req, res) => res.end("ok"));
    const child = make(createClient, { baseUrl: s!.url }).extend({}).extend({ headers: { "x-a": "1" } });
    const error = await rejection(child.post("/up", { body: "data", onUploadProgress: (() => undefined) as never }));
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).toContain("onUploadProgress");
    expect(s!.hits).toHaveLength(0);
  });

  test("json(schema) from JavaScript: a TypeError naming json(schema), and the request is not sent", async () => {
    const [s] = servers();
    s!.route("/j", (_req, res) => res.end("{}"));
    const api = make(createClient, { baseUrl: s!.url });
    const schema = { "~standard": { version: 1, vendor: "t", validate: (value: unknown) => ({ value }) } };
    const p = api.get("/j");
    const error = await rejection((p.json as (s: unknown) => Promise<unknown>)(schema));
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).toContain("json(schema)");
    expect(await rejection(p)).toBe(error);
    await sleep(30);
    expect(s!.hits).toHaveLength(0);
  });

  test("json(schema) after the call started: refused; the body already asked for is not lost", async () => {
    const [s] = servers();
    s!.route("/j", (_req, res) => res.end('{"a":1}'));
    const api = make(createClient, { baseUrl: s!.url });
    const p = api.get("/j");
    const text = p.text();
    await sleep(0);
    const error = await rejection((p.json as (s: unknown) => Promise<unknown>)({ "~standard": {} }));
    expect(String(error)).toContain("json(schema)");
    expect(await text).toBe('{"a":1}');
  });

  test("json(null) and json(undefined) are json()", async () => {
    const [s] = servers();
    s!.route("/j", (_req, res) => res.end('{"a":1}'));
    for (const factory of [createClient]) {
      const api = make(factory, { baseUrl: s!.url });
      expect(await (api.get("/j").json as (s: unknown) => Promise<unknown>)(undefined)).toEqual({ a: 1 });
      expect(await (api.get("/j").json as (s: unknown) => Promise<unknown>)(null)).toEqual({ a: 1 });
    }
  });

  test("sse(response, { reconnect }) on a Response (no request to send again) throws a TypeError naming reconnect (no silent one-shot stream)", async () => {
    const [s] = servers();
    s!.route("/e", (_req, res) => res.writeHead(200, { "content-type": "text/event-stream" }).end("data: a\n\n"));
    const p = make(createClient, { baseUrl: s!.url }).get("/e");
    const response = await p;
    expect(() => sse(response, { reconnect: true } as never)).toThrow(/reconnect/);
    expect(() => sse(response, { reconnect: true } as never)).toThrow(TypeError);
    await response.body?.cancel();
  });
});

describe("ResponsePromise is a Promise<Response> to every Promise API", () => {
  test("then/catch/finally return plain Promises; instanceof Promise; awaits to a Response", async () => {
    const [s] = servers();
    s!.route("/t", (_req, res) => res.end("hello"));
    const p = make(createClient, { baseUrl: s!.url }).get("/t");
    expect(p).toBeInstanceOf(Promise);
    const t = p.then((r) => r.text());
    const f = p.finally(() => undefined);
    const c = p.catch(() => undefined);
    for (const q of [t, f, c]) {
      expect(q.constructor).toBe(Promise);
      expect(q).not.toBeInstanceOf(ResponsePromise);
    }
    expect(await t).toBe("hello");
    expect(await f).toBeInstanceOf(Response);
  });

  test.each(FACTORIES)("%s: a shortcut chained after the call started, and two shortcuts on one promise", async (_name, factory) => {
    const [s] = servers();
    s!.route("/t", (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"n":1}'));
    const api = make(factory, { baseUrl: s!.url });
    const late = api.get("/t");
    await sleep(0);
    expect(await late.json()).toEqual({ n: 1 });
    const two = api.get("/t");
    const [json, text] = await Promise.all([two.json(), two.text()]);
    expect(json).toEqual({ n: 1 });
    expect(text).toBe('{"n":1}');
    const bytesThenText = api.get("/t");
    const [bytes, text2] = await Promise.all([bytesThenText.bytes(), bytesThenText.text().catch((e: unknown) => e)]);
    expect(new TextDecoder().decode(bytes)).toBe('{"n":1}');
    // the body was read as bytes inside the attempt: a second, different read is a clear error or the text, never a hang
    expect(typeof text2 === "string" ? text2 : text2 instanceof Error).toBeTruthy();
    expect(s!.hits).toHaveLength(3);
  });

  test("Promise statics on the class (resolve, all) give promises whose shortcuts reject or read, never throw", async () => {
    const made = [ResponsePromise.resolve(new Response('{"x":1}')), new ResponsePromise<unknown>((resolve) => resolve(new Response('{"x":1}')))];
    for (const p of made) {
      let result: unknown;
      expect(() => (result = (p as ResponsePromise).json())).not.toThrow();
      expect(await Promise.resolve(result).catch((e: unknown) => e)).toEqual({ x: 1 });
    }
  });
});

describe("sse(p) options on a request: refused by name, nothing sent, reconnection never dropped in silence", () => {
  test.each([
    ["a typo without reconnect", { anyContentTyp: true }, "sse.anyContentTyp"],
    ["a typo with reconnect: false", { reconnect: false, maxEventByte: 10 }, "sse.maxEventByte"],
    ["not an object", "reconnect", "sse"],
  ])("%s", async (_label, options, named) => {
    const [s] = servers();
    s!.route("/e", (_req, res) => res.writeHead(200, { "content-type": "text/event-stream" }).end("data: a\n\n"));
    const api = make(createClient, { baseUrl: s!.url }) as ReturnType<typeof createClient>;
    const events = sse(api.get("/e"), options as never);
    const error = await rejection(events.next());
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).toContain(`"${named}"`);
    await sleep(30);
    expect(s!.hits).toHaveLength(0);
  });

  test("reconnect on a ResponsePromise no request made (ResponsePromise.resolve) is refused, not a one-shot stream", async () => {
    const events = sse(ResponsePromise.resolve(new Response("data: a\n\n", { headers: { "content-type": "text/event-stream" } })), { reconnect: true });
    const error = await rejection(events.next());
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).toContain("reconnect");
  });

  test("without reconnect, such a promise streams with the decoder", async () => {
    const events: string[] = [];
    for await (const e of sse(ResponsePromise.resolve(new Response("data: a\n\n", { headers: { "content-type": "text/event-stream" } })))) events.push(e.data);
    expect(events).toEqual(["a"]);
  });
});

describe("refusals and failures leave no unhandled rejection", () => {
  test("refused shortcuts never awaited, failing buffered reads, then close(): nothing unhandled", async () => {
    const unhandled = captureUnhandled();
    try {
      const [s] = servers();
      s!.route("/hang", () => undefined);
      const core = make(createClient, { baseUrl: s!.url, retry: false });
      const full = make(createClient, { baseUrl: s!.url, retry: false }) as ReturnType<typeof createClient>;
      for (let i = 0; i < 20; i++) {
        void (core.get("/j").json as (s: unknown) => Promise<unknown>)({ "~standard": {} }).catch(() => undefined);
        sse(full.get("/e"), { bogus: true } as never);
        sse(full.post("/e"), { reconnect: true });
        void core.get("/missing").text().catch(() => undefined);
        void core.get("/hang").json().catch(() => undefined);
        void full.get("/hang").bytes().catch(() => undefined);
      }
      await s!.waitFor(() => s!.hits.filter((h) => h.path === "/hang").length === 40, 5_000, "the hanging requests");
      await core.close();
      await full.close();
      await settleUnhandled();
      expect(unhandled.reasons.map((r) => String(r).slice(0, 200))).toEqual([]);
      expect(s!.hits.filter((h) => h.path === "/j" || h.path === "/e")).toHaveLength(0);
    } finally {
      unhandled.stop();
    }
  });
});
