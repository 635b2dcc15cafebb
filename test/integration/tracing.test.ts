/**
 * The `tracer` option with the real OpenTelemetry SDK (BasicTracerProvider, InMemorySpanExporter)
 * against a real loopback server: a CLIENT span per request sent (attempts and redirect hops),
 * resend counts, error.type and ERROR status, no span left open, no secret in any attribute,
 * and the traceparent on the wire naming the span. Only what the attempt-events contract
 * promises is asserted (where a hop ends, not how the pipeline emits it).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { context, ROOT_CONTEXT, type Context, type ContextManager } from "@opentelemetry/api";
import { describe, expect, test } from "vitest";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { createClient, TimeoutError, type Tracer } from "../../src/index.js";
import { QUICK_RETRY, useClients } from "./support/clients.js";
import { sdk } from "./support/otel.js";
import { closedPort, rejection, sleep, useServer } from "./support/server.js";

const srv = useServer();
const client = useClients(srv);

const attrs = (span: ReadableSpan) => span.attributes;
const resend = (spans: ReadableSpan[]) => spans.map((s) => s.attributes["http.request.resend_count"]);

describe("a span per request sent", () => {
  test("each attempt: CLIENT span named after the method, stable attributes, resend counts 1, 2", async () => {
    const t = sdk();
    let n = 0;
    srv().route("/flaky", (_req, res) => (++n < 3 ? res.writeHead(503).end("busy") : res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}')));
    const api = client({ tracer: t.tracer });
    expect(await api.get("flaky?page=2").json()).toEqual({ ok: true });
    const spans = t.spans();
    expect(spans).toHaveLength(3);
    for (const span of spans) {
      expect(span.name).toBe("GET");
      expect(span.kind).toBe(2);
      expect(attrs(span)).toMatchObject({ "http.request.method": "GET", "server.address": "127.0.0.1", "server.port": srv().port, "url.full": `${srv().url}/flaky?page=2` });
    }
    expect(resend(spans)).toEqual([undefined, 1, 2]);
    expect(spans.map((s) => attrs(s)["http.response.status_code"])).toEqual([503, 503, 200]);
    expect(spans.map((s) => attrs(s)["error.type"])).toEqual(["503", "503", undefined]);
    expect(spans.map((s) => s.status.code)).toEqual([2, 2, 0]);
    expect(t.open()).toBe(0);
  });

  test("redirect hops the client follows each get a span; resend counts run on across a retry", async () => {
    const t = sdk();
    let n = 0;
    srv().route("/start", (_req, res) => res.writeHead(302, { location: "/next" }).end());
    srv().route("/next", (_req, res) => (++n === 1 ? res.writeHead(503).end() : res.writeHead(200).end("done")));
    const api = client({ tracer: t.tracer });
    expect(await api.get("start").text()).toBe("done");
    const spans = t.spans();
    expect(spans.map((s) => attrs(s)["url.full"])).toEqual([`${srv().url}/start`, `${srv().url}/next`, `${srv().url}/start`, `${srv().url}/next`]);
    expect(spans.map((s) => attrs(s)["http.response.status_code"])).toEqual([302, 503, 302, 200]);
    expect(resend(spans)).toEqual([undefined, 1, 2, 3]);
    // A redirect is not a failure.
    expect(spans.map((s) => s.status.code)).toEqual([0, 2, 0, 0]);
    expect(t.open()).toBe(0);
  });

  test("the traceparent each request carries names its span (W3C format, sampled flag)", async () => {
    const t = sdk();
    let n = 0;
    srv().route("/tp", (_req, res) => (++n === 1 ? res.writeHead(500).end() : res.writeHead(200).end("ok")));
    const api = client({ tracer: t.tracer, headers: { traceparent: "00-11111111111111111111111111111111-2222222222222222-01" } });
    await api.get("tp").text();
    const sent = srv().hitsOf("/tp").map((h) => h.headers.traceparent);
    const spans = t.spans();
    expect(sent).toHaveLength(2);
    expect(sent).toEqual(spans.map((s) => `00-${s.spanContext().traceId}-${s.spanContext().spanId}-01`));
    for (const value of sent) expect(value).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/);
  });

  test("extend() children inherit the tracer; a child may set its own", async () => {
    const parent = sdk();
    const own = sdk();
    srv().route("/x", (_req, res) => res.writeHead(200).end("x"));
    const api = client({ tracer: parent.tracer });
    await api.extend({ headers: { "x-child": "1" } }).get("x").text();
    expect(parent.spans()).toHaveLength(1);
    await api.extend({ tracer: own.tracer }).get("x").text();
    expect(parent.spans()).toHaveLength(1);
    expect(own.spans()).toHaveLength(1);
  });
});

describe("parent context", () => {
  /** The smallest AsyncLocalStorage context manager (what @opentelemetry/context-async-hooks does). */
  class StorageContextManager implements ContextManager {
    readonly #storage = new AsyncLocalStorage<Context>();
    active = () => this.#storage.getStore() ?? ROOT_CONTEXT;
    with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
      return this.#storage.run(ctx, () => fn.apply(thisArg, args));
    }
    bind = <T>(_ctx: Context, target: T): T => target;
    enable = () => this;
    disable = () => this;
  }

  test("the request's spans are children of the tracer's active span (startSpan without a context)", async () => {
    const t = sdk();
    srv().route("/child", (_req, res) => res.writeHead(200).end("ok"));
    const api = client({ tracer: t.tracer });
    expect(context.setGlobalContextManager(new StorageContextManager())).toBe(true);
    try {
      const provider = t.tracer as unknown as { startActiveSpan: (name: string, fn: (span: { spanContext(): { traceId: string; spanId: string }; end(): void }) => Promise<void>) => Promise<void> };
      let parent: { traceId: string; spanId: string } | undefined;
      await provider.startActiveSpan("job", async (span) => {
        parent = span.spanContext();
        await api.get("child").text();
        span.end();
      });
      const request = t.spans().find((s) => s.name === "GET")!;
      expect(request.spanContext().traceId).toBe(parent!.traceId);
      expect(request.parentSpanContext?.spanId).toBe(parent!.spanId);
      expect(srv().hitsOf("/child")[0]!.headers.traceparent).toContain(parent!.traceId);
    } finally {
      context.disable();
    }
  });
});

describe("failures: error.type and status", () => {
  test('a timeout: error.type "timeout", status ERROR, each attempt its own span', async () => {
    const t = sdk();
    srv().route("/hang", () => {});
    const api = client({ tracer: t.tracer, timeouts: { short: 40 }, timeout: "short", retry: { ...QUICK_RETRY, maxRetries: 1 } });
    expect(await rejection(api.get("hang").text())).toBeInstanceOf(TimeoutError);
    const spans = t.spans();
    expect(spans).toHaveLength(2);
    expect(spans.map((s) => attrs(s)["error.type"])).toEqual(["timeout", "timeout"]);
    expect(spans.map((s) => s.status.code)).toEqual([2, 2]);
    expect(t.open()).toBe(0);
  });

  test('a refused connection: error.type "network"', async () => {
    const t = sdk();
    const port = await closedPort();
    const api = createClient({ tracer: t.tracer, retry: false });
    await rejection(api.get(`http://127.0.0.1:${port}/x`).text());
    const [span] = t.spans();
    expect(attrs(span!)).toMatchObject({ "error.type": "network", "server.port": port });
    expect(span!.status.code).toBe(2);
    expect(t.open()).toBe(0);
  });

  test("a body that stalls after the headers in a buffered read: the span ends with the body, as a timeout", async () => {
    const t = sdk();
    srv().route("/stall", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("part");
    });
    const api = client({ tracer: t.tracer, timeouts: { short: 60 }, timeout: "short", retry: false });
    expect(await rejection(api.get("stall").text())).toBeInstanceOf(TimeoutError);
    const [span] = t.spans();
    expect(attrs(span!)).toMatchObject({ "http.response.status_code": 200, "error.type": "timeout" });
    expect(span!.status.code).toBe(2);
    expect(t.open()).toBe(0);
  });

  test("the user's abort ends the span without ERROR; so does close()", async () => {
    const t = sdk();
    srv().route("/hang", () => {});
    const api = client({ tracer: t.tracer });
    const controller = new AbortController();
    const aborted = api.get("hang", { signal: controller.signal }).text();
    await srv().waitFor(() => srv().hitsOf("/hang").length === 1);
    controller.abort(new Error("user gave up"));
    await rejection(aborted);
    const closing = api.get("hang").text();
    await srv().waitFor(() => srv().hitsOf("/hang").length === 2);
    await api.close();
    await rejection(closing);
    const spans = t.spans();
    expect(spans).toHaveLength(2);
    expect(spans.map((s) => s.status.code)).toEqual([0, 0]);
    expect(spans.map((s) => attrs(s)["error.type"])).toEqual([undefined, undefined]);
    expect(t.open()).toBe(0);
  });
});

describe("no span left open", () => {
  test("the user's abort and close() in the middle of a buffered body: ended, not ERROR", async () => {
    const t = sdk();
    srv().route("/slow-body", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("part");
    });
    const api = client({ tracer: t.tracer });
    const controller = new AbortController();
    const aborted = api.get("slow-body", { signal: controller.signal }).text();
    await srv().waitFor(() => srv().hitsOf("/slow-body").length === 1);
    await sleep(30); // the headers are in, the body is being read
    controller.abort(new Error("user gave up"));
    await rejection(aborted);
    const closing = api.get("slow-body").text();
    await srv().waitFor(() => srv().hitsOf("/slow-body").length === 2);
    await sleep(30);
    await api.close();
    await rejection(closing);
    const spans = t.spans();
    expect(spans).toHaveLength(2);
    expect(spans.map((s) => s.status.code)).toEqual([0, 0]);
    expect(spans.map((s) => s.attributes["error.type"])).toEqual([undefined, undefined]);
    expect(t.open()).toBe(0);
  });

  test("a streamed response: its span ends with the headers, whether the body is read, cancelled or dropped", async () => {
    const t = sdk();
    srv().route("/stream", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("first ");
      srv().later(30, () => res.end("last"));
    });
    const api = client({ tracer: t.tracer });
    const read = await api.get("stream");
    expect(t.open()).toBe(0);
    expect(await read.text()).toBe("first last");
    const cancelled = await api.get("stream");
    await cancelled.body!.cancel();
    await api.get("stream"); // dropped unread
    expect(t.started()).toBe(3);
    expect(t.open()).toBe(0);
    expect(t.spans().map((s) => s.status.code)).toEqual([0, 0, 0]);
  });

  test("a burst of 30 calls at the same moment, some failing: every span ends, once", async () => {
    const t = sdk();
    let n = 0;
    srv().route("/burst", (_req, res) => (++n % 3 === 0 ? res.writeHead(503).end() : res.writeHead(200).end("ok")));
    const api = client({ tracer: t.tracer });
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => api.get("burst").text()));
    expect(results.every((r) => r.status === "fulfilled")).toBe(true);
    expect(t.started()).toBe(srv().hitsOf("/burst").length);
    expect(t.spans()).toHaveLength(t.started());
    expect(t.open()).toBe(0);
  });
});

describe("secrets never reach a span", () => {
  test("token, secret-named header, ?access_token=, a redirect's ?api_key=: none in any attribute or event", async () => {
    const t = sdk();
    srv().route("/me", (_req, res) => res.writeHead(401).end("no"));
    const secrets = ["tok-SECRET-1", "key-SECRET-2", "qs-SECRET-3", "pw-SECRET-4"];
    const api = client({ tracer: t.tracer, token: secrets[0], headers: { "x-api-key": secrets[1] }, retry: false });
    await rejection(api.get(`me?access_token=${secrets[2]}&page=1`).text());
    // A hook's own secret header, on a redirect hop too.
    srv().route("/hop", (_req, res) => res.writeHead(307, { location: `/me?api_key=${secrets[3]}` }).end());
    await rejection(client({ tracer: t.tracer, retry: false }).get("hop").text());
    const spans = t.spans();
    expect(spans).toHaveLength(3);
    const shown = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.events, s.status]));
    for (const secret of secrets) expect(shown).not.toContain(secret);
    expect(attrs(spans[0]!)["url.full"]).toBe(`${srv().url}/me?access_token=[REDACTED]&page=1`);
    expect(attrs(spans[2]!)["url.full"]).toBe(`${srv().url}/me?api_key=[REDACTED]`);
    // The secrets were sent: the test would see them if the span copied the request.
    expect(srv().hitsOf("/me")[0]!.headers["x-api-key"]).toBe(secrets[1]);
  });
});

describe("a tracer cannot break a request", () => {
  test("startSpan that throws: the request goes on, no traceparent", async () => {
    srv().route("/ok", (_req, res) => res.writeHead(200).end("fine"));
    const tracer: Tracer = {
      startSpan() {
        throw new Error("tracer bug");
      },
    };
    expect(await client({ tracer }).get("ok").text()).toBe("fine");
    expect(srv().hitsOf("/ok")[0]!.headers.traceparent).toBeUndefined();
  });

  test("a span whose every method throws, on success, error status and timeout", async () => {
    let ended = 0;
    const boom = () => {
      throw new Error("span bug");
    };
    const tracer: Tracer = {
      startSpan: () => ({ setAttribute: boom, setStatus: boom, spanContext: boom, end: () => ((ended++, boom())) }),
    };
    let n = 0;
    srv().route("/ok", (_req, res) => (++n === 1 ? res.writeHead(503).end() : res.writeHead(200).end("fine")));
    srv().route("/hang", () => {});
    const api = client({ tracer, timeouts: { short: 40 } });
    expect(await api.get("ok").text()).toBe("fine");
    expect(await rejection(api.get("hang", { timeout: "short", retry: false }).text())).toBeInstanceOf(TimeoutError);
    expect(ended).toBe(3);
  });

  test("startSpan returning garbage: the request goes on", async () => {
    srv().route("/ok", (_req, res) => res.writeHead(200).end("fine"));
    const tracer = { startSpan: () => null } as unknown as Tracer;
    expect(await client({ tracer }).get("ok").text()).toBe("fine");
    await sleep(0);
  });
});
