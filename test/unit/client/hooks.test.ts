import { http, HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import { createClient, HttpError, type HookContext } from "../../../src/index.js";
import { replies, useMockServer } from "../helpers/msw.js";

const { server, seen } = useMockServer();
const QUICK = { minDelay: 1, maxDelay: 1 };

describe("beforeRequest", () => {
  it("runs before every attempt with the method, URL, attempt number and retry count", async () => {
    server.use(http.get("https://api.test/r", replies(503, 503, 200)));
    const snapshots: Partial<HookContext>[] = [];
    const api = createClient({
      baseUrl: "https://api.test",
      retry: QUICK,
      hooks: { beforeRequest: [(ctx) => void snapshots.push({ method: ctx.method, url: ctx.url, attempt: ctx.attempt, retryCount: ctx.retryCount })] },
    });
    await api.get("r", { query: { q: 1 } });
    expect(snapshots).toEqual([
      { method: "GET", url: "https://api.test/r?q=1", attempt: 0, retryCount: 0 },
      { method: "GET", url: "https://api.test/r?q=1", attempt: 1, retryCount: 1 },
      { method: "GET", url: "https://api.test/r?q=1", attempt: 2, retryCount: 2 },
    ]);
  });

  it("sees the request about to be sent, headers included", async () => {
    server.use(http.get("https://api.test/r", replies(200)));
    let request: Request | undefined;
    await createClient({ baseUrl: "https://api.test", headers: { "x-app": "demo" }, hooks: { beforeRequest: [(ctx) => void (request = ctx.request)] } }).get("r");
    expect(request).toBeInstanceOf(Request);
    expect(request!.url).toBe("https://api.test/r");
    expect(request!.headers.get("x-app")).toBe("demo");
  });

  it("may return a Request to send instead", async () => {
    server.use(http.get("https://api.test/r", replies(200)));
    const api = createClient({
      baseUrl: "https://api.test",
      hooks: {
        beforeRequest: [
          ({ request }) => {
            const headers = new Headers(request.headers);
            headers.set("x-signed", "yes");
            return new Request(request, { headers });
          },
        ],
      },
    });
    await api.get("r");
    expect(seen[0]!.headers["x-signed"]).toBe("yes");
  });

  it("may return a Response: nothing is sent", async () => {
    server.use(http.get("https://api.test/r", replies(200)));
    const api = createClient({ baseUrl: "https://api.test", hooks: { beforeRequest: [() => HttpResponse.json({ cached: true })] } });
    expect(await api.get("r").json()).toEqual({ cached: true });
    expect(seen).toHaveLength(0);
  });

  it("is awaited when async", async () => {
    server.use(http.get("https://api.test/r", replies(200)));
    const api = createClient({
      baseUrl: "https://api.test",
      hooks: {
        beforeRequest: [
          async ({ request }) => {
            await new Promise((r) => setTimeout(r, 5));
            return new Request(request, { headers: { "x-late": "1" } });
          },
        ],
      },
    });
    await api.get("r");
    expect(seen[0]!.headers["x-late"]).toBe("1");
  });
});

describe("afterResponse", () => {
  it("may replace the response before its status is judged", async () => {
    server.use(http.get("https://api.test/r", replies(500)));
    const api = createClient({ baseUrl: "https://api.test", retry: 0, hooks: { afterResponse: [() => HttpResponse.text("patched")] } });
    expect(await api.get("r").text()).toBe("patched");
  });

  it("sees each attempt's response", async () => {
    server.use(http.get("https://api.test/r", replies(503, 200)));
    const statuses: number[] = [];
    const api = createClient({ baseUrl: "https://api.test", retry: QUICK, hooks: { afterResponse: [({ response }) => void statuses.push(response.status)] } });
    await api.get("r");
    expect(statuses).toEqual([503, 200]);
  });
});

describe("beforeRetry", () => {
  it("runs before each retry with the failed attempt's error and the delay", async () => {
    server.use(http.get("https://api.test/r", replies(500, 502, 200)));
    const seenByHook: { attempt: number; retryCount: number; status?: number; delay: number }[] = [];
    const api = createClient({
      baseUrl: "https://api.test",
      retry: QUICK,
      hooks: { beforeRetry: [(ctx) => void seenByHook.push({ attempt: ctx.attempt, retryCount: ctx.retryCount, status: (ctx.error as HttpError).status, delay: ctx.delay })] },
    });
    await api.get("r");
    expect(seenByHook).toEqual([
      { attempt: 0, retryCount: 0, status: 500, delay: 1 },
      { attempt: 1, retryCount: 1, status: 502, delay: 1 },
    ]);
  });

  it("returning false gives up with the current error", async () => {
    server.use(http.get("https://api.test/r", replies(500, 200)));
    const error = await createClient({ baseUrl: "https://api.test", retry: QUICK, hooks: { beforeRetry: [async () => false] } })
      .get("r")
      .catch((e: unknown) => e);
    expect((error as HttpError).status).toBe(500);
    expect(seen).toHaveLength(1);
  });

  it("is not called when there is nothing to retry", async () => {
    server.use(http.get("https://api.test/r", replies(404)));
    const beforeRetry = vi.fn();
    await createClient({ baseUrl: "https://api.test", hooks: { beforeRetry: [beforeRetry] } }).get("r").catch(() => {});
    expect(beforeRetry).not.toHaveBeenCalled();
  });
});

describe("beforeError", () => {
  it("gets the final error and the context, and may replace the error", async () => {
    server.use(http.get("https://api.test/r", replies(404)));
    class NotFound extends Error {}
    const beforeError = vi.fn((error: Error, ctx: HookContext) => (error instanceof HttpError && error.status === 404 ? new NotFound(`no ${ctx.url}`) : undefined));
    const error = await createClient({ baseUrl: "https://api.test", hooks: { beforeError: [beforeError] } }).get("r").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFound);
    expect((error as Error).message).toBe("no https://api.test/r");
    expect(beforeError).toHaveBeenCalledTimes(1);
  });

  it("keeps the error when the hook returns nothing", async () => {
    server.use(http.get("https://api.test/r", replies(404)));
    const error = await createClient({ baseUrl: "https://api.test", hooks: { beforeError: [() => undefined] } }).get("r").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
  });

  it("runs once, after the last retry", async () => {
    server.use(http.get("https://api.test/r", replies(503)));
    const beforeError = vi.fn();
    await createClient({ baseUrl: "https://api.test", retry: { maxRetries: 2, ...QUICK }, hooks: { beforeError: [beforeError] } }).get("r").catch(() => {});
    expect(beforeError).toHaveBeenCalledTimes(1);
    expect((beforeError.mock.calls[0]![0] as HttpError).attempts).toBe(3);
  });
});

describe("a hook that throws", () => {
  it("rejects the call with its error, unchanged and not retried", async () => {
    server.use(http.get("https://api.test/r", replies(200)));
    const thrown = new Error("signing key missing");
    const api = createClient({ baseUrl: "https://api.test", retry: QUICK, hooks: { beforeRequest: [() => { throw thrown; }] } });
    await expect(api.get("r")).rejects.toBe(thrown);
    expect(seen).toHaveLength(0);
    expect(api.stats.retries).toBe(0);
  });

  it("in afterResponse rejects with its error too", async () => {
    server.use(http.get("https://api.test/r", replies(200)));
    const thrown = new RangeError("bad payload");
    const api = createClient({ baseUrl: "https://api.test", retry: QUICK, hooks: { afterResponse: [() => { throw thrown; }] } });
    await expect(api.get("r")).rejects.toBe(thrown);
    expect(seen).toHaveLength(1);
  });
});

describe("hooks are appended, never replaced", () => {
  it("runs the client's hooks first, then the request's", async () => {
    server.use(http.get("https://api.test/r", replies(200)));
    const order: string[] = [];
    const api = createClient({ baseUrl: "https://api.test", hooks: { beforeRequest: [() => void order.push("client")], afterResponse: [() => void order.push("client after")] } });
    await api.get("r", { hooks: { beforeRequest: [() => void order.push("request")], afterResponse: [() => void order.push("request after")] } });
    expect(order).toEqual(["client", "request", "client after", "request after"]);
  });

  it("a request's hooks do not stay on the client", async () => {
    server.use(http.get("https://api.test/r", replies(200)));
    const once = vi.fn();
    const api = createClient({ baseUrl: "https://api.test" });
    await api.get("r", { hooks: { beforeRequest: [once] } });
    await api.get("r");
    expect(once).toHaveBeenCalledTimes(1);
  });

  it("runs several hooks of a kind in order, each seeing the previous one's Request", async () => {
    server.use(http.get("https://api.test/r", replies(200)));
    const api = createClient({
      baseUrl: "https://api.test",
      hooks: {
        beforeRequest: [
          ({ request }) => new Request(request, { headers: { "x-step": "1" } }),
          ({ request }) => new Request(request, { headers: { "x-step": `${request.headers.get("x-step")}2` } }),
        ],
      },
    });
    await api.get("r");
    expect(seen[0]!.headers["x-step"]).toBe("12");
  });
});
