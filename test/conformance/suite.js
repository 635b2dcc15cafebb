// The conformance suite: one set of end-to-end checks of the BUILT package (dist/), run
// unchanged in every runtime by test/runtimes/*.mjs against test/support/conformance-server.mjs.
//
//   defineSuite(h, lib, env)
//     h    the harness from ./harness.js
//     lib  the module namespace of tierfetch (ESM dist/index.js or CJS dist/index.cjs)
//     env  { serverUrl, altUrl, refusedUrl, runtime, id }
//          runtime: "node" | "deno" | "bun" | "workerd" | "edge" | "chromium" | "firefox"
//          altUrl is another origin (localhost, second port) serving the same routes.
//
// Plain ES2022 with only web-platform globals. Timings are tens of milliseconds with generous
// upper bounds: the machine is small and busy.

/** Where a ReadableStream request body can be streamed to our HTTP/1.1 server. */
const STREAM_UPLOAD = {
  node: "works",
  deno: "works",
  bun: "works",
  workerd: "works",
  edge: "works",
  chromium: "fails", // needs HTTP/2: fetch fails with "Failed to fetch"
  firefox: "unsupported", // would silently send "[object ReadableStream]": the library must reject
};

export function defineSuite(h, lib, env) {
  const { createClient } = lib;
  const server = env.serverUrl;
  const alt = env.altUrl;
  let counter = 0;
  const newKey = (label) => `${env.id}-${++counter}-${label}`;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const now = () => Date.now();
  const state = async (key) => (await fetch(`${server}/state?key=${encodeURIComponent(key)}`)).json();
  async function until(key, predicate, ms = 3000) {
    const end = now() + ms;
    let last;
    for (;;) {
      last = await state(key);
      if (predicate(last)) return last;
      if (now() > end) throw new Error(`server state for ${key} never matched: ${JSON.stringify({ hits: last.hits, closed: last.closed, finished: last.finished })}`);
      await sleep(15);
    }
  }
  const quick = { minDelay: 1, maxDelay: 20 };
  const client = (options = {}) => createClient({ baseUrl: server, ...options });
  const isTf = (e) => e instanceof lib.TierfetchError;
  const test = (name, fn, opts) => h.test(name, fn, opts);

  // ---------------------------------------------------------------- exports and options
  test("exports: the documented names exist", () => {
    for (const name of ["createClient", "tierfetch", "HttpError", "TimeoutError", "NetworkError", "TierfetchError", "parseDuration", "lines", "ndjson", "sse"]) {
      h.ok(lib[name] !== undefined, `missing export ${name}`);
    }
    h.ok(lib.HttpError.prototype instanceof lib.TierfetchError, "HttpError extends TierfetchError");
    h.ok(lib.TimeoutError.prototype instanceof lib.TierfetchError, "TimeoutError extends TierfetchError");
    h.ok(lib.NetworkError.prototype instanceof lib.TierfetchError, "NetworkError extends TierfetchError");
  });

  test("parseDuration: compound spans and a clear TypeError", () => {
    h.equal(lib.parseDuration("2h 37min"), 9_420_000);
    h.equal(lib.parseDuration("1m30s"), 90_000);
    h.equal(lib.parseDuration("1.5s"), 1500);
    h.equal(lib.parseDuration(250), 250);
    let error;
    try {
      lib.parseDuration("5 parsecs");
    } catch (e) {
      error = e;
    }
    h.ok(error instanceof TypeError, "throws a TypeError");
    h.includes(error.message, "5 parsecs", "message quotes the input");
  });

  test("options: json and body together reject (never throw) with a TypeError", async () => {
    const api = client();
    const error = await h.rejects(() => api.post("echo", { json: { a: 1 }, body: "x" }), TypeError);
    h.match(error.message, /json|body/, "message names the option");
  });

  test("options: an unknown tier rejects with a TypeError", async () => {
    const api = client();
    await h.rejects(() => api.get("json", { timeout: "eternal" }), TypeError);
  });

  test("options: a header value with CR/LF rejects, naming the header, never the value", async () => {
    const api = client();
    const key = newKey("crlf");
    const error = await h.rejects(() => api.get(`echo?key=${key}`, { headers: { "x-bad": "a\r\nx-injected: SECRETVALUE" } }), TypeError);
    h.includes(error.message.toLowerCase(), "x-bad");
    h.notIncludes(error.message, "SECRETVALUE");
    h.equal((await state(key)).hits, 0, "nothing was sent");
  });

  test("options: a token over plain http to a non-loopback host rejects before sending", async () => {
    const api = createClient({ baseUrl: "http://api.example.invalid/v1", token: "tok-plain-http", retry: false });
    const error = await h.rejects(() => api.get("users"), TypeError);
    h.notIncludes(error.message, "tok-plain-http");
  });

  // ---------------------------------------------------------------- requests and bodies
  test("requests: the ResponsePromise resolves to a real Response", async () => {
    const res = await client().get("text");
    h.ok(res instanceof Response, "instanceof Response");
    h.equal(res.status, 200);
    h.equal(await res.text(), "hello from loopback");
  });

  test("requests: the default tierfetch client works with absolute URLs", async () => {
    h.deepEqual(await lib.tierfetch.get(`${server}/json`).json(), { hello: "world", n: 1, list: [1, 2, 3] });
  });

  test("requests: HEAD resolves with headers and an empty body", async () => {
    const res = await client().head("json");
    h.equal(res.status, 200);
    h.equal(res.headers.get("content-type"), "application/json");
    h.equal(await res.text(), "");
  });

  test("requests: .json() and .text() shortcuts", async () => {
    const api = client();
    h.deepEqual(await api.get("json").json(), { hello: "world", n: 1, list: [1, 2, 3] });
    h.equal(await api.get("text").text(), "hello from loopback");
  });

  test("bodies: json sends application/json", async () => {
    const echo = await client().post("echo", { json: { a: 1, s: "é" } }).json();
    h.equal(echo.method, "POST");
    h.match(echo.headers["content-type"], /^application\/json/);
    h.deepEqual(JSON.parse(echo.body), { a: 1, s: "é" });
  });

  test("bodies: text body", async () => {
    const echo = await client().put("echo", { body: "plain text", headers: { "content-type": "text/plain" } }).json();
    h.equal(echo.method, "PUT");
    h.equal(echo.body, "plain text");
    h.match(echo.headers["content-type"], /^text\/plain/);
  });

  test("bodies: FormData is sent as multipart with its boundary", async () => {
    const form = new FormData();
    form.append("name", "tier");
    form.append("file", new Blob(["file-content"], { type: "text/plain" }), "a.txt");
    const echo = await client().post("echo", { body: form }).json();
    h.match(echo.headers["content-type"], /^multipart\/form-data; ?boundary=/);
    h.includes(echo.body, 'name="name"');
    h.includes(echo.body, "tier");
    h.includes(echo.body, 'filename="a.txt"');
    h.includes(echo.body, "file-content");
  });

  test("bodies: URLSearchParams is sent form-urlencoded", async () => {
    const echo = await client().post("echo", { body: new URLSearchParams({ a: "1", b: "x y" }) }).json();
    h.match(echo.headers["content-type"], /^application\/x-www-form-urlencoded/);
    h.equal(echo.body, "a=1&b=x+y");
  });

  test("bodies: bytes up and .bytes() down", async () => {
    const sent = new Uint8Array([0, 1, 2, 127, 128, 254, 255]);
    const got = await client().post("echo-bytes", { body: sent }).bytes();
    h.equal(Object.prototype.toString.call(got), "[object Uint8Array]", ".bytes() gives a Uint8Array");
    h.deepEqual(Array.from(got), Array.from(sent));
    const buffer = await client().post("echo-bytes", { body: sent }).arrayBuffer();
    h.equal(buffer.byteLength, sent.length);
    const blob = await client().post("echo-bytes", { body: sent }).blob();
    h.equal(blob.size, sent.length);
  });

  test("bodies: onDownloadProgress reports the bytes received", async () => {
    const seen = [];
    const text = await client().get("text", { onDownloadProgress: (p) => seen.push(p) }).text();
    h.equal(text, "hello from loopback");
    h.ok(seen.length >= 1, "called at least once");
    h.equal(seen[seen.length - 1].loaded, text.length);
  });

  test("bodies: onUploadProgress ends at 100 % of the body's size, and the server gets it whole", async () => {
    // Counted stream where the runtime streams uploads; one 100 % event in browsers.
    const seen = [];
    const payload = { blob: "x".repeat(100_000) };
    const size = JSON.stringify(payload).length;
    const echo = await client().post("echo", { json: payload, onUploadProgress: (p) => seen.push(p) }).json();
    h.deepEqual(JSON.parse(echo.body), payload);
    h.ok(seen.length >= 1, "called at least once");
    h.deepEqual(seen[seen.length - 1], { loaded: size, total: size, percent: 100 });
    for (let i = 1; i < seen.length; i++) h.ok(seen[i].loaded >= seen[i - 1].loaded, "loaded never goes back");
  });

  // ---------------------------------------------------------------- query, headers, baseUrl, token
  test("query: client, request and URL parameters are merged", async () => {
    const api = client({ query: { locale: "en", page: 1 } });
    const echo = await api.get("echo/q?keep=1", { query: { tags: ["a", "b"], at: new Date(0), skip: undefined, nil: null, page: 2 } }).json();
    const params = new URLSearchParams(echo.search);
    h.deepEqual(params.getAll("keep"), ["1"], "URL parameter kept");
    h.deepEqual(params.getAll("locale"), ["en"], "client default");
    h.deepEqual(params.getAll("tags"), ["a", "b"], "arrays repeat the key");
    h.deepEqual(params.getAll("at"), ["1970-01-01T00:00:00.000Z"], "Date as ISO 8601");
    h.ok(!params.has("skip") && !params.has("nil"), "undefined and null dropped");
    h.deepEqual(params.getAll("page"), ["2"], "a request's key replaces the client's");
  });

  test("headers: merged case-insensitively; undefined removes a default", async () => {
    const api = client({ headers: { "x-app": "demo", "x-drop": "1", "x-keep": "k" } });
    const echo = await api.get("echo", { headers: { "X-App": "override", "x-drop": undefined } }).json();
    h.equal(echo.headers["x-app"], "override");
    h.equal(echo.headers["x-keep"], "k");
    h.equal(echo.headers["x-drop"], undefined, "x-drop removed");
  });

  test("headers: extend() merges headers and shares stats", async () => {
    const api = client({ headers: { "x-app": "demo" }, retry: false });
    const child = api.extend({ headers: { "x-child": "1" } });
    const echo = await child.get("echo").json();
    h.equal(echo.headers["x-app"], "demo");
    h.equal(echo.headers["x-child"], "1");
    h.equal(api.stats.calls, 1, "the parent counts the child's call");
    h.equal(api.stats.requests, 1);
  });

  test("baseUrl: relative paths join under its path; absolute URLs bypass it", async () => {
    for (const base of [`${server}/echo/v2`, `${server}/echo/v2/`]) {
      const api = createClient({ baseUrl: base });
      h.equal((await api.get("users").json()).path, "/echo/v2/users", `${base} + users`);
      h.equal((await api.get("/users").json()).path, "/echo/v2/users", `${base} + /users`);
    }
    const api = createClient({ baseUrl: `${server}/echo/v2` });
    h.equal((await api.get(`${server}/echo/abs`).json()).path, "/echo/abs");
  });

  test("token: Bearer to the baseUrl origin only", async () => {
    const api = client({ token: "tok-origin-1" });
    h.equal((await api.get("echo").json()).headers.authorization, "Bearer tok-origin-1");
    h.equal((await api.get(`${alt}/echo`).json()).headers.authorization, undefined, "not sent to another origin");
  });

  test("token: a token function is called again with refresh after a 401, without spending a retry", async () => {
    const key = newKey("auth");
    const calls = [];
    const api = client({
      retry: false,
      token: (ctx) => {
        calls.push(Boolean(ctx && ctx.refresh));
        return ctx && ctx.refresh ? "fresh" : "stale";
      },
    });
    const body = await api.get(`auth?key=${key}`).json();
    h.equal(body.ok, true);
    h.deepEqual(calls, [false, true]);
    h.equal((await state(key)).hits, 2);
  });

  // ---------------------------------------------------------------- tiers and timeouts
  test("tiers: the timeout doubles on each retry; TimeoutError carries the last attempt's ms", async () => {
    const key = newKey("tier");
    const api = client({ timeouts: { short: 40, max: 10_000 }, retry: { maxRetries: 2, ...quick } });
    const t0 = now();
    const error = await h.rejects(() => api.get(`stall?key=${key}`, { timeout: "short" }), lib.TimeoutError);
    const elapsed = now() - t0;
    h.equal(error.code, "ERR_TIMEOUT");
    h.equal(error.timeout, 160, "40 · 2²");
    h.equal(error.tier, "short");
    h.equal(error.attempts, 3);
    h.atLeast(elapsed, 40 + 80 + 160 - 30, "elapsed covers the three attempts");
    h.atMost(elapsed, 3000);
    h.equal((await until(key, (s) => s.hits >= 3)).hits, 3);
    h.equal(api.stats.timeouts, 3, "stats.timeouts");
  });

  test("tiers: growth stops at max(t, timeouts.max); a Duration timeout has no tier", async () => {
    const api = client({ timeouts: { short: 40, max: 70 }, retry: { maxRetries: 2, ...quick } });
    const capped = await h.rejects(() => api.get(`stall?key=${newKey("cap")}`, { timeout: "short" }), lib.TimeoutError);
    h.equal(capped.timeout, 70);
    const plain = await h.rejects(() => api.get(`stall?key=${newKey("dur")}`, { timeout: "30ms", retry: { maxRetries: 1, ...quick } }), lib.TimeoutError);
    h.equal(plain.timeout, 60);
    h.equal(plain.tier, undefined);
  });

  test("idleTimeout: a stalled body rejects .text() with a TimeoutError", async () => {
    const key = newKey("idle");
    const t0 = now();
    const error = await h.rejects(() => client().get(`stall-body?key=${key}`, { timeout: "none", idleTimeout: 60, retry: false }).text(), lib.TimeoutError);
    h.atMost(now() - t0, 2500);
    h.equal(error.code, "ERR_TIMEOUT");
  });

  test("idleTimeout: a stalled stream yields what came, then rejects", async () => {
    const got = [];
    const error = await h.rejects(async () => {
      for await (const line of client().get(`stall-body?key=${newKey("idle-lines")}`, { timeout: "none", idleTimeout: 60, retry: false }).lines()) got.push(line);
    }, lib.TimeoutError);
    h.deepEqual(got, ["first"]);
    h.equal(error.code, "ERR_TIMEOUT");
  });

  test("timeouts: a buffered shortcut retries a body cut short", async () => {
    const key = newKey("break");
    const text = await client({ retry: { maxRetries: 2, ...quick } }).get(`body-break?key=${key}`).text();
    h.equal(text, "0123456789".repeat(6) + "done");
    h.equal((await state(key)).hits, 2);
  });

  // ---------------------------------------------------------------- retries
  test("retries: 503 honouring retry-after-ms", async () => {
    const key = newKey("ra");
    const api = client({ retry: { maxRetries: 3, minDelay: 1 } });
    const t0 = now();
    const body = await api.get(`flaky?key=${key}&fail=2&status=503&rams=60`).json();
    const elapsed = now() - t0;
    h.deepEqual(body, { ok: true, hits: 3 });
    h.atLeast(elapsed, 2 * 60 - 15, "waited the server's retry-after-ms twice");
    h.atMost(elapsed, 3000);
    h.equal(api.stats.calls, 1);
    h.equal(api.stats.requests, 3);
    h.equal(api.stats.retries, 2);
  });

  test("retries: Retry-After in seconds (0) and as a past HTTP date are honoured", async () => {
    const api = client({ retry: { maxRetries: 2, minDelay: 1 } });
    const k1 = newKey("ra0");
    h.equal((await api.get(`flaky?key=${k1}&fail=1&status=429&ra=0`).json()).hits, 2);
    const k2 = newKey("radate");
    const past = encodeURIComponent(new Date(Date.now() - 60_000).toUTCString());
    const t0 = now();
    h.equal((await api.get(`flaky?key=${k2}&fail=1&status=503&ra=${past}`).json()).hits, 2);
    h.atMost(now() - t0, 2000, "a date in the past means no wait");
  });

  test("retries: Retry-After past the deadline gives up at once with that HttpError", async () => {
    const key = newKey("ra-deadline");
    const api = client({ retry: { maxRetries: 3, minDelay: 1, deadline: "1s" } });
    const t0 = now();
    const error = await h.rejects(() => api.get(`flaky?key=${key}&fail=5&status=503&ra=60`), lib.HttpError);
    h.atMost(now() - t0, 900, "did not sleep");
    h.equal(error.status, 503);
    h.equal(error.attempts, 1);
    h.equal((await state(key)).hits, 1);
  });

  test("retries: POST retries 429 but not 500; rateLimitErrors counts 429s", async () => {
    const api = client({ retry: { maxRetries: 2, ...quick } });
    const k500 = newKey("post500");
    const error = await h.rejects(() => api.post(`flaky?key=${k500}&fail=1&status=500`, { json: {} }), lib.HttpError);
    h.equal(error.status, 500);
    h.equal(error.attempts, 1);
    h.equal((await state(k500)).hits, 1);
    const k429 = newKey("post429");
    h.equal((await api.post(`flaky?key=${k429}&fail=1&status=429`, { json: {} }).json()).ok, true);
    h.equal((await state(k429)).hits, 2);
    h.equal(api.stats.rateLimitErrors[0], 1, "one 429 on attempt 0");
  });

  test("retries: POST with an idempotency key retries 500 with the same key", async () => {
    const key = newKey("idem");
    const api = client({ retry: { maxRetries: 2, ...quick } });
    h.equal((await api.post(`flaky?key=${key}&fail=1&status=500`, { json: {}, idempotencyKey: true }).json()).ok, true);
    const s = await state(key);
    h.equal(s.hits, 2);
    const keys = s.requests.map((r) => r.idempotencyKey);
    h.ok(keys[0] && keys[0].length >= 8, "a generated key was sent");
    h.equal(keys[1], keys[0], "the same key on the retry");
  });

  test("retries: a dropped connection is a NetworkError, and is retried", async () => {
    const key = newKey("drop");
    const api = client({ retry: { maxRetries: 3, ...quick } });
    // Two drops: a runtime may itself resend a request once when a reused keep-alive
    // connection breaks (Deno does); the second drop, on a fresh connection, reaches the library.
    const body = await api.get(`drop?key=${key}&times=2`).json();
    h.equal(body.ok, true);
    h.atLeast((await state(key)).hits, 3);
    h.atLeast(api.stats.networkErrors, 1, "stats.networkErrors");
  });

  test("retries: a dropped connection without retries rejects with NetworkError and its cause", async () => {
    const error = await h.rejects(() => client({ retry: false }).get(`drop?key=${newKey("drop-final")}&times=99`), lib.NetworkError);
    h.equal(error.code, "ERR_NETWORK");
    h.ok(error.cause !== undefined, "cause holds the runtime's error");
    h.equal(error.attempts, 1);
  });

  test("retries: a refused connection is a NetworkError", async () => {
    const error = await h.rejects(() => client({ retry: false }).get(env.refusedUrl), lib.NetworkError);
    h.equal(error.code, "ERR_NETWORK");
  });

  test("abort: a user abort during an attempt rejects with the signal's reason", async () => {
    const key = newKey("abort-attempt");
    const controller = new AbortController();
    const reason = new Error("user gave up");
    const pending = client({ retry: { maxRetries: 3, ...quick } }).get(`stall?key=${key}`, { signal: controller.signal });
    pending.catch(() => {});
    await until(key, (s) => s.hits >= 1);
    controller.abort(reason);
    const error = await h.rejects(pending);
    h.equal(error, reason, "rejects with signal.reason itself");
    await sleep(60);
    h.equal((await state(key)).hits, 1, "nothing retried after the abort");
  });

  test("abort: a user abort during a backoff sleep rejects at once with the signal's reason", async () => {
    const key = newKey("abort-sleep");
    const controller = new AbortController();
    const reason = new Error("stop waiting");
    const pending = client({ retry: { maxRetries: 3, minDelay: 2000, maxDelay: 2000 } }).get(`flaky?key=${key}&fail=9&status=503`, { signal: controller.signal });
    pending.catch(() => {});
    await until(key, (s) => s.hits >= 1);
    await sleep(30); // the 503 has been answered: the client is now sleeping ~2 s
    const t0 = now();
    controller.abort(reason);
    const error = await h.rejects(pending);
    h.equal(error, reason, "rejects with signal.reason itself");
    h.atMost(now() - t0, 700, "rejected at once, not after the sleep");
    h.equal((await state(key)).hits, 1);
  });

  test("abort: a timeout still fires when a user signal is also given (signals combined)", async () => {
    // edge-runtime has no AbortSignal.any: the library must combine the signals itself.
    const controller = new AbortController();
    const error = await h.rejects(() => client({ retry: false }).get(`stall?key=${newKey("combined")}`, { signal: controller.signal, timeout: 40 }), lib.TimeoutError);
    h.equal(error.timeout, 40);
    h.equal(controller.signal.aborted, false, "the user's signal is left alone");
  });

  test("close(): in-flight and later requests reject with ERR_CLOSED", async () => {
    const key = newKey("close");
    const api = client();
    const pending = api.get(`stall?key=${key}`);
    pending.catch(() => {});
    await until(key, (s) => s.hits >= 1);
    api.close();
    const inflight = await h.rejects(pending, isTf);
    h.equal(inflight.code, "ERR_CLOSED");
    const later = await h.rejects(() => api.get("json"), isTf);
    h.equal(later.code, "ERR_CLOSED");
  });

  test("close(): Symbol.asyncDispose closes the client", async () => {
    const api = client();
    const dispose = typeof Symbol.asyncDispose === "symbol" ? api[Symbol.asyncDispose] : api[Symbol.for("Symbol.asyncDispose")];
    h.equal(typeof dispose, "function", "api[Symbol.asyncDispose] is a function");
    await dispose.call(api);
    const error = await h.rejects(() => api.get("json"), isTf);
    h.equal(error.code, "ERR_CLOSED");
  });

  // ---------------------------------------------------------------- streaming
  const LINES = ["alpha", "beta", "gamma", "delta", "cé", "", "tail"];

  test("streaming: .lines() decodes a real chunked response", async () => {
    const got = [];
    for await (const line of client().get("stream/lines").lines()) got.push(line);
    h.deepEqual(got, LINES);
  });

  test("streaming: standalone lines(response) on a plain fetch Response", async () => {
    const got = [];
    for await (const line of lib.lines(await fetch(`${server}/stream/lines`))) got.push(line);
    h.deepEqual(got, LINES);
  });

  test("streaming: .ndjson() and ndjson(response.body)", async () => {
    const expected = [{ a: 1 }, { a: 2 }, { a: 3 }, { s: "é" }];
    const got = [];
    for await (const value of client().get("stream/ndjson").ndjson()) got.push(value);
    h.deepEqual(got, expected);
    const got2 = [];
    for await (const value of lib.ndjson((await fetch(`${server}/stream/ndjson`)).body)) got2.push(value);
    h.deepEqual(got2, expected);
  });

  test("streaming: a bad NDJSON line throws a SyntaxError naming its line", async () => {
    const got = [];
    const error = await h.rejects(async () => {
      for await (const value of client().get("stream/ndjson?bad=1").ndjson()) got.push(value);
    }, SyntaxError);
    h.deepEqual(got, [{ a: 1 }]);
    h.match(error.message, /\b2\b/, "names line 2");
  });

  test("streaming: .sse() follows the event-stream rules", async () => {
    const got = [];
    for await (const event of client().get("stream/sse").sse()) got.push(event);
    h.equal(got.length, 3, `three events (got ${JSON.stringify(got)})`);
    h.deepEqual({ event: got[0].event, data: got[0].data, id: got[0].id, retry: got[0].retry }, { event: "greet", data: "hello\n world", id: "1", retry: 1500 });
    h.deepEqual({ event: got[1].event, data: got[1].data, id: got[1].id }, { event: "message", data: "second", id: "1" });
    h.deepEqual({ event: got[2].event, data: got[2].data, id: got[2].id }, { event: "message", data: "nul id ignored", id: "1" });
  });

  test("streaming: standalone sse(response)", async () => {
    const got = [];
    for await (const event of lib.sse(await fetch(`${server}/stream/sse`))) got.push(event.data);
    h.deepEqual(got, ["hello\n world", "second", "nul id ignored"]);
  });

  test("streaming: leaving for-await early releases the connection", async () => {
    const key = newKey("endless");
    const got = [];
    for await (const line of client().get(`endless?key=${key}`, { timeout: "none" }).lines()) {
      got.push(line);
      if (got.length === 3) break;
    }
    h.deepEqual(got, ["line 0", "line 1", "line 2"]);
    const s = await until(key, (x) => x.closed || x.finished, 3000);
    h.ok(s.closed, "the server saw the socket closed before the stream ended");
  });

  // ---------------------------------------------------------------- errors never hold secrets
  const SECRETS = { token: "tok-SECRET-abc123", apiKey: "key-SECRET-def456", session: "sess-SECRET-ghi789" };
  const assertClean = (text, where) => {
    for (const secret of Object.values(SECRETS)) h.notIncludes(text, secret, where);
    h.notIncludes(text, "SECRET", where);
  };

  test("errors: HttpError message holds method, URL, status and body start", async () => {
    const api = client({ token: SECRETS.token, headers: { "x-api-key": SECRETS.apiKey, "x-session-token": SECRETS.session }, retry: false });
    const error = await h.rejects(() => api.get("status?code=404&long=1"), lib.HttpError);
    h.ok(error instanceof lib.TierfetchError, "instanceof TierfetchError");
    h.equal(error.code, "ERR_HTTP");
    h.equal(error.status, 404);
    h.equal(error.response.status, 404);
    h.equal(error.attempts, 1);
    h.includes(error.message, "GET");
    h.includes(error.message, "/status");
    h.includes(error.message, "404");
    h.includes(error.message, "not found: AAAA");
    h.notIncludes(error.message, "ZZZ", "at most 200 characters of the body");
  });

  test("errors: message, toString() and toJSON() never hold the token or secret headers", async () => {
    const api = client({ token: SECRETS.token, headers: { "x-api-key": SECRETS.apiKey, "x-session-token": SECRETS.session }, retry: false });
    const echo = await api.get("echo").json();
    h.equal(echo.headers.authorization, `Bearer ${SECRETS.token}`, "the token is sent");
    const errors = [
      await h.rejects(() => api.get("status?code=500&body=oops"), lib.HttpError, "a 500"),
      await h.rejects(() => api.get(`stall?key=${newKey("secret-timeout")}`, { timeout: 30 }), lib.TimeoutError, "a stalled response"),
      await h.rejects(() => api.get(`drop?key=${newKey("secret-drop")}&times=9`), lib.NetworkError, "a dropped connection"),
    ];
    for (const error of errors) {
      h.equal(typeof error.toJSON, "function", `${error.name}.toJSON`);
      assertClean(error.message, `${error.name}.message`);
      assertClean(String(error), `${error.name}.toString()`);
      assertClean(JSON.stringify(error), `JSON.stringify(${error.name})`);
      assertClean(JSON.stringify(error.toJSON()), `${error.name}.toJSON()`);
    }
  });

  test("errors: throwHttpErrors: false resolves with the error Response", async () => {
    const res = await client({ throwHttpErrors: false }).get("status?code=404&body=nope");
    h.equal(res.status, 404);
    h.equal(await res.text(), "nope");
  });

  // ---------------------------------------------------------------- redirects
  test("redirects: Authorization is dropped on a cross-origin redirect", async () => {
    const api = client({ token: "tok-redirect", retry: false });
    const target = `${alt}/echo/after-redirect`;
    const echo = await api.get(`redirect?to=${encodeURIComponent(target)}`).json();
    h.equal(echo.path, "/echo/after-redirect", "the redirect was followed");
    h.equal(echo.headers.authorization, undefined, "no Authorization at the other origin");
  });

  test("redirects: a redirect loop ends with a clear error", async () => {
    const key = newKey("loop");
    const t0 = now();
    // Outside browsers the client follows redirects itself and stops after 20 hops with a
    // RedirectError; browsers follow them and fail with a network error.
    const browser = env.runtime === "chromium" || env.runtime === "firefox";
    const error = await h.rejects(() => client({ retry: false }).get(`loop?key=${key}`), browser ? lib.NetworkError : lib.RedirectError);
    h.atMost(now() - t0, 4000);
    h.equal(error.code, browser ? "ERR_NETWORK" : "ERR_REDIRECT");
    h.equal(error.attempts, 1);
    h.includes(error.message, "/loop", "the message names the request");
    const s = await state(key);
    h.atMost(s.hits, browser ? 130 : 21, "the redirects stopped");
  });

  // ---------------------------------------------------------------- stream uploads (runtime-dependent)
  const upload = STREAM_UPLOAD[env.runtime] ?? "works";
  const streamOf = (...parts) =>
    new ReadableStream({
      start(controller) {
        const enc = new TextEncoder();
        for (const part of parts) controller.enqueue(enc.encode(part));
        controller.close();
      },
    });

  if (upload === "works") {
    test("stream upload: a ReadableStream body is streamed to the server", async () => {
      const key = newKey("upload");
      const echo = await client().post(`echo?key=${key}`, { body: streamOf("ab", "cd", "é") }).json();
      h.equal(echo.body, "abcdé");
    });

    test("stream upload: a ReadableStream body is sent once and never retried", async () => {
      const key = newKey("upload-once");
      const error = await h.rejects(() => client({ retry: { maxRetries: 3, ...quick } }).put(`flaky?key=${key}&fail=1&status=503`, { body: streamOf("once") }), lib.HttpError);
      h.equal(error.attempts, 1);
      h.equal((await state(key)).hits, 1);
    });
  } else if (upload === "fails") {
    test("stream upload: rejects where HTTP/1.1 cannot stream a request body", async () => {
      const key = newKey("upload-h1");
      const error = await h.rejects(() => client({ retry: { maxRetries: 2, ...quick } }).post(`echo?key=${key}`, { body: streamOf("ab") }), (e) => e instanceof lib.TierfetchError || e instanceof TypeError);
      h.ok(error.attempts === undefined || error.attempts <= 1, "not retried");
      h.equal((await state(key)).hits, 0, "nothing reached the server");
    });
  } else {
    test("stream upload: rejects with a clear TypeError where fetch cannot stream (never sends '[object ReadableStream]')", async () => {
      const key = newKey("upload-unsupported");
      const error = await h.rejects(() => client().post(`echo?key=${key}`, { body: streamOf("ab") }), TypeError);
      h.match(error.message, /stream/i, "the message says why");
      const s = await state(key);
      h.equal(s.hits, 0, "nothing reached the server");
    });
  }
}

/**
 * A library-free smoke check of the plumbing (harness, server, runner, CORS) used by the
 * runners' `--smoke` mode: it needs no dist/.
 */
export function defineSmoke(h, env) {
  h.test("smoke: the runtime reaches the server (and its other origin) with fetch", async () => {
    const res = await fetch(`${env.serverUrl}/json`, { headers: { "x-probe": "1" } });
    h.equal(res.status, 200);
    h.deepEqual(await res.json(), { hello: "world", n: 1, list: [1, 2, 3] });
    const echo = await (await fetch(`${env.altUrl}/echo/smoke`, { method: "POST", body: "hi" })).json();
    h.equal(echo.body, "hi");
  });
}
