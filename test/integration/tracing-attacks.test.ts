/**
 * The tracer under attack, against a real loopback server: tracers that return a Promise, null
 * or a span whose ids carry CRLF, a user's own traceparent header (any case), userinfo in the
 * URL, a header the server echoes, spans of hedged copies (the loser cancelled, not ERROR),
 * and spans of streams dropped, aborted mid-body or closed: every span ends, once.
 */
import { describe, expect, test } from "vitest";
import { createClient, type Tracer } from "../../src/index.js";
import { useClients } from "./support/clients.js";
import { sdk } from "./support/otel.js";
import { rejection, useServer } from "./support/server.js";

const srv = useServer();
const client = useClients(srv);

const TRACEPARENT = /^00-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

describe("hostile tracers", () => {
  test("startSpan returning a Promise, null, or a span with CRLF ids: the request goes on, no header injected", async () => {
    const seen: unknown[] = [];
    srv().route("/ok", (req, res) => (seen.push(req.headers), res.writeHead(200).end("fine")));
    const crlf = {
      setAttribute() {}, setStatus() {}, end() {},
      spanContext: () => ({ traceId: "0af7651916cd43dd8448eb211c80319c\r\nx-injected: 1", spanId: "b7ad6b7169203331", traceFlags: 1 }),
    };
    const flagged = { ...crlf, spanContext: () => ({ traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: "01\r\nx-injected: 2" }) };
    const tracers = [
      { startSpan: () => Promise.resolve(crlf) },
      { startSpan: () => null },
      { startSpan: () => crlf },
      { startSpan: () => flagged },
      { startSpan: () => ({ ...crlf, spanContext: () => null }) },
    ] as unknown as Tracer[];
    for (const tracer of tracers) expect(await client({ tracer }).get("ok").text()).toBe("fine");
    const headers = seen as Record<string, string | undefined>[];
    expect(headers).toHaveLength(5);
    for (const h of headers) expect(h["x-injected"]).toBeUndefined();
    for (const h of headers) if (h.traceparent !== undefined) expect(h.traceparent).toMatch(TRACEPARENT);
  });

  test("a user's own traceparent header, in any case: one traceparent on the wire, naming the span", async () => {
    const t = sdk();
    srv().route("/tp", (req, res) => res.writeHead(200).end(JSON.stringify(req.headersDistinct.traceparent ?? [])));
    const mine = "00-11111111111111111111111111111111-2222222222222222-01";
    for (const name of ["traceparent", "TraceParent", "TRACEPARENT"]) {
      const fromClient = client({ tracer: t.tracer, headers: { [name]: mine } });
      const sent = JSON.parse(await fromClient.get("tp").text()) as string[];
      expect(sent).toHaveLength(1);
      expect(sent[0]).not.toBe(mine);
      const perRequest = JSON.parse(await client({ tracer: t.tracer }).get("tp", { headers: { [name]: mine } }).text()) as string[];
      expect(perRequest).toHaveLength(1);
      expect(perRequest[0]).toMatch(TRACEPARENT);
    }
    const spans = t.spans();
    expect(spans).toHaveLength(6);
  });
});

describe("secrets and spans", () => {
  test("userinfo in the URL (refused by fetch or sent): never in url.full", async () => {
    const t = sdk();
    srv().route("/u", (_req, res) => res.writeHead(200).end("ok"));
    const url = srv().url.replace("://", "://alice:PW-SECRET-9@");
    expect(() => client({ tracer: t.tracer, baseUrl: url })).toThrow(/baseUrl/);
    const refused = await rejection(createClient({ tracer: t.tracer, retry: false }).get(`${url}/u?x=1`).text());
    expect(String(refused)).not.toContain("PW-SECRET-9");
    const shown = JSON.stringify(t.spans().map((s) => [s.attributes, s.events, s.status]));
    expect(shown).not.toContain("PW-SECRET-9");
    expect(shown).not.toContain("alice");
    expect(t.open()).toBe(0);
  });

  test("a response echoing the request's secret header: nothing of it in a span", async () => {
    const t = sdk();
    srv().route("/echo", (req, res) => res.writeHead(500, { "x-echo": String(req.headers["x-api-key"]) }).end(`you sent ${req.headers["x-api-key"]}`));
    const api = client({ tracer: t.tracer, retry: false, headers: { "x-api-key": "ECHO-SECRET-7" } });
    await rejection(api.get("echo").text());
    const shown = JSON.stringify(t.spans().map((s) => [s.name, s.attributes, s.events, s.status]));
    expect(shown).not.toContain("ECHO-SECRET-7");
    expect(t.spans()[0]!.attributes["error.type"]).toBe("500");
  });
});

describe("spans of hedged copies and dropped streams", { timeout: 15_000 }, () => {
  test("a span per hedge copy: the winner OK, the cancelled loser not ERROR, both ended", async () => {
    const t = sdk();
    srv().route("/h", (_req, res, hit) => (hit.n === 1 ? undefined : res.writeHead(200).end("fast")));
    const api = client({ tracer: t.tracer, hedge: { after: 40 } });
    expect(await api.get("h").text()).toBe("fast");
    await srv().waitFor(() => t.spans().length === 2, 2000, "both spans ended");
    const spans = t.spans();
    expect(spans.map((s) => s.status.code)).toEqual([0, 0]);
    expect(spans.map((s) => s.attributes["error.type"])).toEqual([undefined, undefined]);
    expect(spans.find((s) => s.attributes["http.response.status_code"] === 200)).toBeDefined();
    const parents = srv().hitsOf("/h").map((h) => h.headers.traceparent);
    expect(new Set(parents).size).toBe(2);
    expect(t.open()).toBe(0);
  });

  test("streams aborted mid-body, cancelled, or cut by close(): every span ends once", async () => {
    const t = sdk();
    srv().route("/s", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("part");
    });
    const api = client({ tracer: t.tracer, timeout: "none" });
    const controller = new AbortController();
    const a = await api.get("s", { signal: controller.signal });
    const reader = a.body!.getReader();
    await reader.read();
    controller.abort(new Error("mid-body"));
    await reader.read().catch(() => {});
    const b = await api.get("s");
    await b.body!.cancel();
    const c = api.get("s").text();
    await srv().waitFor(() => srv().hitsOf("/s").length === 3);
    await api.close();
    await c.catch(() => {});
    expect(t.started()).toBe(3);
    await srv().waitFor(() => t.open() === 0, 2000, "every span ended");
    expect(t.spans()).toHaveLength(3);
    // The user's abort and close() are not failures of the request.
    expect(t.spans().filter((s) => s.status.code === 2)).toHaveLength(0);
  });
});

describe("api.fetch and the traceparent", () => {
  test("a Request carrying its own traceparent, and init headers with one: one on the wire, naming the span", async () => {
    const t = sdk();
    srv().route("/tp", (req, res) => res.writeHead(200).end(JSON.stringify(req.headersDistinct.traceparent ?? [])));
    const mine = "00-11111111111111111111111111111111-2222222222222222-01";
    const api = client({ tracer: t.tracer });
    const viaRequest = JSON.parse(await (await api.fetch(new Request(`${srv().url}/tp`, { headers: { TraceParent: mine } }))).text()) as string[];
    const viaInit = JSON.parse(await (await api.fetch(`${srv().url}/tp`, { headers: [["traceparent", mine]] })).text()) as string[];
    for (const sent of [viaRequest, viaInit]) {
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatch(TRACEPARENT);
      expect(sent[0]).not.toBe(mine);
    }
    const ids = t.spans().map((s) => s.spanContext().spanId);
    expect(ids).toHaveLength(2);
    expect(ids.some((id) => viaRequest[0]!.includes(id))).toBe(true);
  });
});

describe("the traceparent is the request's, never the caller's objects'", () => {
  test("the headers objects a caller passed (client and request, record and Headers) are left as they were", async () => {
    const t = sdk();
    srv().route("/o", (_req, res) => res.writeHead(200).end("ok"));
    const clientHeaders = { "x-a": "1" };
    const requestHeaders = { "x-b": "2" };
    const headersInstance = new Headers({ "x-c": "3" });
    const api = client({ tracer: t.tracer, headers: clientHeaders });
    await api.get("o", { headers: requestHeaders }).text();
    await api.get("o", { headers: headersInstance }).text();
    await api.get("o").text();
    expect(clientHeaders).toEqual({ "x-a": "1" });
    expect(requestHeaders).toEqual({ "x-b": "2" });
    expect([...headersInstance]).toEqual([["x-c", "3"]]);
    const sent = srv().hitsOf("/o").map((h) => h.headers.traceparent);
    expect(new Set(sent).size).toBe(3);
  });
});
