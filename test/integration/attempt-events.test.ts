/**
 * Attempt lifecycle events against a real loopback server: one hop per request on the wire
 * (redirect hops and retries included), announced after the beforeRequest hooks with the
 * headers that will be sent (a listener's additions go out), ended exactly once, at the right
 * moment; a retry announced before its sleep; a listener that throws never breaks a request.
 */
import { afterEach, describe, expect, test } from "vitest";
import { makeClient, type Client } from "../../src/client.js";
import { normaliseClient } from "../../src/options/config.js";
import type { ClientOptions } from "../../src/options/options.js";
import type { AttemptListener, HopEnd, HopStart, RetryScheduled } from "../../src/pipeline/attempt-events.js";
import { QUICK_RETRY } from "./support/clients.js";
import { useServer } from "./support/server.js";

const srv = useServer();
const made: Client[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((c) => c.close()));
});

interface Seen {
  hops: { start: HopStart; at: number; end?: HopEnd; endedAt?: number; ends: number }[];
  retries: RetryScheduled[];
}

/** A listener that records every event, and may add a header to each hop. */
function recorder(add?: Record<string, string>): { listener: AttemptListener; seen: Seen } {
  const seen: Seen = { hops: [], retries: [] };
  const listener: AttemptListener = {
    hop(start) {
      const entry: Seen["hops"][number] = { start: { ...start, headers: { ...start.headers } }, at: performance.now(), ends: 0 };
      seen.hops.push(entry);
      if (add) Object.assign(start.headers, add);
      return {
        end(outcome) {
          entry.ends++;
          entry.end = outcome;
          entry.endedAt = performance.now();
        },
      };
    },
    retry: (info) => void seen.retries.push(info),
  };
  return { listener, seen };
}

function client(listeners: AttemptListener[], options: ClientOptions = {}): Client {
  const config = normaliseClient({ baseUrl: srv().url, retry: QUICK_RETRY, ...options });
  config.listeners.push(...listeners);
  const api = makeClient(config);
  made.push(api);
  return api;
}

describe("hops", { timeout: 10_000 }, () => {
  test("one request: one hop, announced with the headers sent, ended once after a buffered body", async () => {
    srv().route("/a", (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write("[1,");
      srv().later(120, () => res.end("2]"));
    });
    const { listener, seen } = recorder({ traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" });
    const api = client([listener], { headers: { "x-app": "1" } });
    expect(await api.get("a", { timeout: "5s" }).json()).toEqual([1, 2]);
    expect(seen.hops).toHaveLength(1);
    const [hop] = seen.hops;
    expect(hop!.start).toMatchObject({ method: "GET", url: `${srv().url}/a`, attempt: 0, resendCount: 0, hedge: false });
    expect(hop!.start.headers["x-app"]).toBe("1");
    expect(hop!.end).toEqual({ type: "response", status: 200 });
    expect(hop!.ends).toBe(1);
    // Buffered: ended with the body, which came 120 ms after the headers.
    expect(hop!.endedAt! - hop!.at).toBeGreaterThanOrEqual(100);
    // What the listener added was sent.
    expect(srv().hitsOf("/a")[0]!.headers.traceparent).toBe("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  });

  test("a streamed read ends its hop at the headers, before the body", async () => {
    srv().route("/s", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("a");
      srv().later(150, () => res.end("b"));
    });
    const { listener, seen } = recorder();
    const api = client([listener]);
    const response = await api.fetch(`${srv().url}/s`);
    expect(seen.hops[0]!.end).toEqual({ type: "response", status: 200 });
    expect(await response.text()).toBe("ab");
    expect(seen.hops[0]!.ends).toBe(1);
  });

  test("redirect hops the client follows: one hop each, resend counts 1, 2…, ended at their headers", async () => {
    srv().route("/r1", (_req, res) => void res.writeHead(302, { location: "/r2" }).end());
    srv().route("/r2", (_req, res) => void res.writeHead(307, { location: "/done" }).end());
    srv().route("/done", (_req, res) => void res.writeHead(200, { "content-type": "text/plain" }).end("ok"));
    const { listener, seen } = recorder({ traceparent: "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01" });
    const api = client([listener]);
    expect(await api.get("r1").text()).toBe("ok");
    expect(seen.hops.map((h) => [h.start.url.replace(srv().url, ""), h.start.attempt, h.start.resendCount, h.end])).toEqual([
      ["/r1", 0, 0, { type: "response", status: 302 }],
      ["/r2", 0, 1, { type: "response", status: 307 }],
      ["/done", 0, 2, { type: "response", status: 200 }],
    ]);
    for (const path of ["/r1", "/r2", "/done"]) expect(srv().hitsOf(path)[0]!.headers.traceparent).toMatch(/^00-/);
  });

  test("retries: a hop per attempt, the retry announced with its delay and status before it is sent", async () => {
    srv().route("/flaky", (_req, res, hit) => {
      if (hit.n < 3) res.writeHead(503, { "retry-after": "0" }).end("busy");
      else res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
    const { listener, seen } = recorder();
    const api = client([listener]);
    expect(await api.get("flaky").text()).toBe("ok");
    expect(seen.hops.map((h) => [h.start.attempt, h.start.resendCount, h.end])).toEqual([
      [0, 0, { type: "response", status: 503 }],
      [1, 1, { type: "response", status: 503 }],
      [2, 2, { type: "response", status: 200 }],
    ]);
    expect(seen.retries).toHaveLength(2);
    expect(seen.retries[0]).toMatchObject({ attempt: 0, status: 503 });
    expect(seen.retries[1]).toMatchObject({ attempt: 1, status: 503 });
    expect(typeof seen.retries[0]!.delay).toBe("number");
  });

  test("a hop is announced after the beforeRequest hooks, with the Request a hook returned (and a listener's header added to it)", async () => {
    srv().route("/h", (_req, res) => void res.writeHead(200).end("ok"));
    const { listener, seen } = recorder({ traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" });
    const api = client([listener], {
      hooks: { beforeRequest: [({ request }) => new Request(request, { headers: { "x-hook": "yes" } })] },
    });
    expect(await api.get("h").text()).toBe("ok");
    expect(seen.hops[0]!.start.headers["x-hook"]).toBe("yes");
    const sent = srv().hitsOf("/h")[0]!.headers;
    expect(sent["x-hook"]).toBe("yes");
    expect(sent.traceparent).toMatch(/^00-/);
  });

  test("a beforeRequest hook that answers with a Response sends nothing: no hop", async () => {
    const { listener, seen } = recorder();
    const api = client([listener], { hooks: { beforeRequest: [() => new Response("cached")] } });
    expect(await api.get("nowhere").text()).toBe("cached");
    expect(seen.hops).toHaveLength(0);
  });
});

describe("how hops end", { timeout: 10_000 }, () => {
  test("a reset connection: network; then the retry's hop", async () => {
    srv().route("/reset", (_req, res, hit) => {
      if (hit.n === 1) res.socket?.destroy();
      else res.writeHead(200).end("ok");
    });
    const { listener, seen } = recorder();
    expect(await client([listener]).get("reset").text()).toBe("ok");
    expect(seen.hops.map((h) => h.end?.type)).toEqual(["network", "response"]);
    expect(seen.retries).toEqual([expect.objectContaining({ attempt: 0 })]);
    expect(seen.retries[0]!.status).toBeUndefined();
  });

  test("a timeout: timeout, with the TimeoutError", async () => {
    srv().route("/slow", () => {
      /* never answers */
    });
    const { listener, seen } = recorder();
    await expect(client([listener], { retry: 0 }).get("slow", { timeout: 100 }).text()).rejects.toMatchObject({ code: "ERR_TIMEOUT" });
    expect(seen.hops).toHaveLength(1);
    expect(seen.hops[0]!.end).toMatchObject({ type: "timeout", error: { code: "ERR_TIMEOUT" } });
  });

  test("the user's abort and close(): cancelled, not failed", async () => {
    srv().route("/hang", () => {
      /* never answers */
    });
    const { listener, seen } = recorder();
    const api = client([listener]);
    const controller = new AbortController();
    const aborted = api.get("hang", { signal: controller.signal }).text();
    await srv().waitFor(() => srv().hitsOf("/hang").length === 1);
    controller.abort(new Error("user"));
    await expect(aborted).rejects.toThrow("user");
    const closed = api.get("hang").text();
    await srv().waitFor(() => srv().hitsOf("/hang").length === 2);
    await api.close();
    await expect(closed).rejects.toMatchObject({ code: "ERR_CLOSED" });
    expect(seen.hops.map((h) => [h.end, h.ends])).toEqual([
      [{ type: "cancelled", reason: "abort" }, 1],
      [{ type: "cancelled", reason: "closed" }, 1],
    ]);
  });

  test("a buffered body cut midway: the hop ends with its status and the body's error, once", async () => {
    srv().route("/cut", (_req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("partial", () => srv().later(20, () => res.socket?.destroy()));
    });
    const { listener, seen } = recorder();
    await expect(client([listener], { retry: 0 }).get("cut").text()).rejects.toMatchObject({ code: "ERR_NETWORK" });
    expect(seen.hops).toHaveLength(1);
    expect(seen.hops[0]!.ends).toBe(1);
    expect(seen.hops[0]!.end).toMatchObject({ type: "response", status: 200 });
    expect((seen.hops[0]!.end as { bodyError?: unknown }).bodyError).toBeDefined();
  });

  test("a refused redirect: error", async () => {
    srv().route("/away", (_req, res) => void res.writeHead(302, { location: "ftp://example.com/" }).end());
    const { listener, seen } = recorder();
    await expect(client([listener]).get("away").text()).rejects.toMatchObject({ code: "ERR_REDIRECT" });
    expect(seen.hops.map((h) => h.end?.type)).toEqual(["response"]);
  });
});

describe("listeners", { timeout: 10_000 }, () => {
  test("a listener that throws everywhere never breaks a request, nor stops the others", async () => {
    srv().route("/x", (_req, res, hit) => (hit.n === 1 ? res.writeHead(503, { "retry-after": "0" }).end() : res.writeHead(200).end("ok")));
    const bad: AttemptListener = {
      hop() {
        throw new Error("hop");
      },
      retry() {
        throw new Error("retry");
      },
    };
    const badEnd: AttemptListener = { hop: () => ({ end: () => { throw new Error("end"); } }) };
    const { listener, seen } = recorder();
    expect(await client([bad, badEnd, listener]).get("x").text()).toBe("ok");
    expect(seen.hops.map((h) => h.end?.type)).toEqual(["response", "response"]);
    expect(seen.retries).toHaveLength(1);
  });

  test("extend() children share the family's listeners", async () => {
    srv().route("/c", (_req, res) => void res.writeHead(200).end("ok"));
    const { listener, seen } = recorder();
    const child = client([listener]).extend({ headers: { "x-child": "1" } });
    expect(await child.get("c").text()).toBe("ok");
    expect(seen.hops).toHaveLength(1);
    expect(seen.hops[0]!.start.headers["x-child"]).toBe("1");
  });

  test("a burst of 200 calls: every hop ended exactly once", async () => {
    srv().route("/b", (_req, res) => void res.writeHead(200).end("ok"));
    const { listener, seen } = recorder();
    const api = client([listener]);
    await Promise.all(Array.from({ length: 200 }, () => api.get("b").text()));
    expect(seen.hops).toHaveLength(200);
    expect(seen.hops.every((h) => h.ends === 1 && h.end?.type === "response")).toBe(true);
  });
});
