/**
 * Nothing awaits forever: a token function, a hook or a custom fetch that never settles is
 * ended by the attempt's timeout, by the user's signal and by close(). Afterwards no library
 * timer is left running and no abort listener is left on the user's signal.
 */
import { describe, expect, test } from "vitest";
import type { ClientOptions, RequestOptions } from "../../src/index.js";
import { abortListeners, neverSettling, rejection, trackLibraryTimers, useClients, useServers, type TestServer } from "./support/harness.js";
import { lines, sse } from "../../src/index.js";

const servers = useServers(1);
const client = useClients();

interface Case {
  /** Client options with the never-settling function in place. */
  options: (never: () => Promise<never>) => ClientOptions;
  /** What the server answers. */
  route: (s: TestServer) => void;
  /** Request options (a retry policy for beforeRetry). */
  request?: RequestOptions;
}

const ok = (s: TestServer) => s.route("/x", (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("ok"));
const CASES: Record<string, Case> = {
  token: { options: (never) => ({ token: never }), route: ok },
  beforeRequest: { options: (never) => ({ hooks: { beforeRequest: [never] } }), route: ok },
  afterResponse: { options: (never) => ({ hooks: { afterResponse: [never] } }), route: ok },
  beforeRetry: {
    options: (never) => ({ hooks: { beforeRetry: [never] } }),
    route: (s) => s.route("/x", (_req, res) => res.writeHead(503).end("busy")),
    request: { retry: { maxRetries: 2, minDelay: 1, maxDelay: 2, budget: false } },
  },
  beforeError: { options: (never) => ({ hooks: { beforeError: [never] } }), route: (s) => s.route("/x", (_req, res) => res.writeHead(500).end("boom")) },
  "custom fetch": { options: (never) => ({ fetch: never }), route: ok },
};

type Ender = "timeout" | "signal" | "close";

describe.each(Object.keys(CASES))("a %s that never settles", (name) => {
  test.each<Ender>(["timeout", "signal", "close"])("is ended by %s", async (ender) => {
    const [s] = servers();
    const c = CASES[name]!;
    c.route(s!);
    const never = neverSettling();
    // Warm the connection pool (the global fetch's, shared by clients): on a busy machine the
    // first connection alone could outlast the timeout before the hook is reached.
    await fetch(`${s!.url}/x`).then((r) => r.arrayBuffer());
    s!.hits.length = 0;
    const timers = trackLibraryTimers();
    try {
      const api = client({ baseUrl: s!.url, retry: false, ...c.options(never.fn) });
      const ac = new AbortController();
      const started = performance.now();
      const call = api.get("/x", { ...c.request, signal: ac.signal, ...(ender === "timeout" ? { timeout: 250 } : {}) });
      call.catch(() => undefined);
      if (ender !== "timeout") {
        await waitUntil(() => never.calls() > 0, "the never-settling function to be called");
        if (ender === "signal") ac.abort(new Error("user gave up"));
        else await api.close();
      }
      const error = await rejection(call, 3_000);
      const took = performance.now() - started;
      expect(never.calls()).toBeGreaterThan(0);
      if (ender === "timeout") {
        expect(error.code).toBe("ERR_TIMEOUT");
        expect(took).toBeLessThan(2_500);
      } else if (ender === "signal") {
        expect(error).toBe(ac.signal.reason);
      } else {
        expect(error.code).toBe("ERR_CLOSED");
      }
      // Nothing left behind: no library timer, no listener on the user's signal.
      await new Promise((r) => setTimeout(r, 5));
      expect([...timers.live.values()]).toEqual([]);
      expect(abortListeners(ac.signal)).toBe(0);
    } finally {
      timers.restore();
    }
  });
});

describe("a never-settling function on a request that is refreshed after a 401", () => {
  test("the refresh call of the token is bounded by the timeout too", async () => {
    const [s] = servers();
    s!.route("/x", (_req, res) => res.writeHead(401).end("expired"));
    let calls = 0;
    const api = client({
      baseUrl: s!.url,
      retry: false,
      token: ({ refresh }) => (calls++, refresh ? new Promise<string>(() => {}) : "t0ken-first"),
    });
    const error = await rejection(api.get("/x", { timeout: 150 }), 3_000);
    expect(calls).toBe(2);
    expect(error.code).toBe("ERR_TIMEOUT");
  });
});

describe("a signal aborted before the call", () => {
  test.each(["request", "api.fetch"])("%s: rejects with its reason at once, nothing sent", async (how) => {
    const [s] = servers();
    s!.route("/x", (_req, res) => res.writeHead(200).end("ok"));
    const api = client({ baseUrl: s!.url });
    const reason = new Error("aborted already");
    const signal = AbortSignal.abort(reason);
    const call = how === "request" ? api.get("/x", { signal }) : api.fetch(`${s!.url}/x`, { signal });
    expect(await rejection(call, 2_000)).toBe(reason);
    expect(s!.hits).toHaveLength(0);
  });
});

describe("close() ends a body the caller is reading", () => {
  test.each(["a raw Response", "an api.fetch Response", ".lines()"])("%s: the pending read rejects with ERR_CLOSED", async (how) => {
    const [s] = servers();
    s!.route("/x", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("a\n");
    });
    const api = client({ baseUrl: s!.url, timeout: "none" });
    let pending: Promise<unknown>;
    if (how === ".lines()") {
      const it = lines(api.get("/x"));
      await it.next();
      pending = it.next();
    } else {
      const response = how === "a raw Response" ? await api.get("/x") : await api.fetch(`${s!.url}/x`);
      const reader = response.body!.getReader();
      await reader.read();
      pending = reader.read();
    }
    await api.close();
    expect((await rejection(pending, 2_000)).code).toBe("ERR_CLOSED");
  });
});

describe("leaving a stream early releases it", () => {
  test.each(["lines", "sse", "sse-reconnect"] as const)(".%s(): break after the first item closes the connection, leaves no library timer", async (how) => {
    const [s] = servers();
    s!.route("/x", (_req, res) => {
      res.writeHead(200, { "content-type": how === "lines" ? "text/plain" : "text/event-stream" });
      s!.every(res, 20, () => res.write(how === "lines" ? "line\n" : "id: 1\ndata: x\n\n"));
    });
    const timers = trackLibraryTimers();
    try {
      const api = client({ baseUrl: s!.url, idleTimeout: "10s" });
      const request = api.get("/x");
      const items = how === "lines" ? lines(request) : sse(request, how === "sse-reconnect" ? { reconnect: true } : undefined);
      for await (const _ of items as AsyncIterable<unknown>) break;
      await s!.waitFor(() => s!.hits[0]?.closedAt !== undefined, 2_000, "the response to close");
      await new Promise((r) => setTimeout(r, 20));
      expect([...timers.live.values()]).toEqual([]);
      expect(s!.hits).toHaveLength(1);
    } finally {
      timers.restore();
    }
  });
});

async function waitUntil(predicate: () => boolean, what: string, ms = 2_000): Promise<void> {
  const until = performance.now() + ms;
  while (!predicate()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
