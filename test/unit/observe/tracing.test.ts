/**
 * The tracing listener alone, on hand-made hops: option validation, URLs the pipeline refuses
 * today (user info) still redacted, the traceparent's flags, and span ends exactly once.
 */
import { describe, expect, test } from "vitest";
import { resolveTracer, tracingListener, type Tracer, type TracerSpan } from "../../../src/observe/tracing.js";
import { createClient, createCoreClient } from "../../../src/index.js";
import type { HopStart } from "../../../src/pipeline/attempt-events.js";

interface Recorded {
  name: string;
  options: { kind?: number; attributes?: Record<string, unknown> } | undefined;
  set: Record<string, unknown>;
  status: { code: number }[];
  ends: number;
}

function recorder(context = { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 }) {
  const spans: Recorded[] = [];
  const tracer: Tracer = {
    startSpan(name, options) {
      const r: Recorded = { name, options, set: {}, status: [], ends: 0 };
      spans.push(r);
      const span: TracerSpan = {
        setAttribute: (k, v) => void (r.set[k] = v),
        setStatus: (s) => void r.status.push(s),
        end: () => void r.ends++,
        spanContext: () => context,
      };
      return span;
    },
  };
  return { tracer, spans };
}

const hop = (over: Partial<HopStart> = {}): HopStart => ({ method: "GET", url: "https://api.example.com/v1/x", attempt: 0, resendCount: 0, hedge: false, headers: {}, ...over });

describe("the tracer option", () => {
  test.each([[{}], [null], [42], [{ startSpan: "no" }]])("%j is a TypeError naming tracer, nothing sent", (value) => {
    let sent = 0;
    const fetch = async () => (sent++, new Response("x"));
    expect(() => createClient({ tracer: value as never, fetch })).toThrow(/option "tracer"/);
    expect(() => createCoreClient({ tracer: value as never, fetch })).toThrow(TypeError);
    expect(() => createClient({ fetch }).extend({ tracer: value as never })).toThrow(/option "tracer"/);
    expect(sent).toBe(0);
  });

  test("a request option it is not", async () => {
    const { tracer } = recorder();
    await expect(createClient().get("https://x.test/", { tracer } as never).text()).rejects.toThrow(/"tracer" is a client option/);
  });

  test("resolveTracer takes any object with startSpan", () => {
    const { tracer } = recorder();
    expect(resolveTracer(tracer)).toBe(tracer);
  });
});

describe("the listener", () => {
  test("user info and secret-named values are redacted in url.full; port from the scheme", () => {
    const { tracer, spans } = recorder();
    tracingListener(tracer).hop(hop({ url: "https://user:pa55word@api.example.com/x;token=m4trix?client_secret=c5&q=1#access_token=f6" }));
    const attributes = spans[0]!.options!.attributes!;
    expect(attributes["url.full"]).toBe("https://REDACTED@api.example.com/x;token=[REDACTED]?client_secret=[REDACTED]&q=1#access_token=[REDACTED]");
    expect(attributes).toMatchObject({ "server.address": "api.example.com", "server.port": 443, "http.request.method": "GET" });
    expect(JSON.stringify(spans)).not.toMatch(/pa55word|m4trix|c5|f6/);
  });

  test("IPv6 address without brackets, explicit port, resend count only after the first", () => {
    const { tracer, spans } = recorder();
    const listener = tracingListener(tracer);
    listener.hop(hop({ url: "http://[::1]:8080/x" }));
    listener.hop(hop({ url: "http://[::1]/x", resendCount: 3 }));
    expect(spans[0]!.options!.attributes).toMatchObject({ "server.address": "::1", "server.port": 8080 });
    expect(spans[0]!.options!.attributes).not.toHaveProperty("http.request.resend_count");
    expect(spans[1]!.options!.attributes).toMatchObject({ "server.port": 80, "http.request.resend_count": 3 });
    expect(spans[0]!.options!.kind).toBe(2);
  });

  test("traceparent: two hex digits of flags; an invalid span context adds none", () => {
    const start = hop();
    tracingListener(recorder({ traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 0 }).tracer).hop(start);
    expect(start.headers.traceparent).toBe("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00");
    const invalid = hop();
    tracingListener(recorder({ traceId: "0".repeat(32), spanId: "0".repeat(16), traceFlags: 0 }).tracer).hop(invalid);
    expect(invalid.headers).not.toHaveProperty("traceparent");
    const injected = hop();
    tracingListener(recorder({ traceId: "0af7651916cd43dd8448eb211c80319c\r\nx-evil: 1", spanId: "b7ad6b7169203331", traceFlags: 1 }).tracer).hop(injected);
    expect(injected.headers).not.toHaveProperty("traceparent");
  });

  test("end: ERROR with error.type for a failed status or a failure word; none for a success or cancelled; once only", () => {
    const { tracer, spans } = recorder();
    const listener = tracingListener(tracer);
    const cases = [
      { type: "response", status: 503 },
      { type: "response", status: 204 },
      { type: "timeout", error: new Error("t") },
      { type: "network", error: new TypeError("fetch failed") },
      { type: "error", error: Object.assign(new Error("https://x.test/?token=SECRET9"), { name: "RedirectError" }) },
      { type: "response", status: 200, bodyError: new Error("SECRET9 in a body error") },
      { type: "response", status: 200, bodyError: Object.assign(new Error("t"), { name: "TimeoutError" }) },
      { type: "response", status: 302 },
      { type: "cancelled", reason: "abort" },
      { type: "cancelled", reason: "hedge-lost" },
    ] as const;
    for (const outcome of cases) {
      const observer = listener.hop(hop())!;
      observer.end(outcome);
      observer.end(outcome);
    }
    expect(spans.map((s) => s.set["error.type"])).toEqual(["503", undefined, "timeout", "network", "error", "network", "timeout", undefined, undefined, undefined]);
    expect(spans.map((s) => s.status)).toEqual([[{ code: 2 }], [], [{ code: 2 }], [{ code: 2 }], [{ code: 2 }], [{ code: 2 }], [{ code: 2 }], [], [], []]);
    expect(spans.map((s) => s.set["http.response.status_code"])).toEqual([503, 204, undefined, undefined, undefined, 200, 200, 302, undefined, undefined]);
    expect(spans.every((s) => s.ends === 1)).toBe(true);
    // Nothing of an error's message reaches a span.
    expect(JSON.stringify(spans)).not.toContain("SECRET9");
  });
});
