/**
 * Nothing left behind: after 50 mixed requests (successes, timeouts, retries, HTTP errors,
 * network errors, streams read to the end, streams left early, idle streams), once every
 * promise has settled, no library timer is pending and no server response is still open.
 *
 * Bounds: library timers must all be gone within 250 ms of the last promise settling (they
 * should go at once: the grace only absorbs a busy event loop); the server must see every
 * response closed within 2 s; then the count of ref'd Timeout entries in
 * process.getActiveResourcesInfo() must be back to its level before the run within 250 ms.
 */
import { describe, expect, test } from "vitest";
import { lines, HttpError, NetworkError, TimeoutError } from "../../src/index.js";
import { useClients } from "./support/clients.js";
import { readBody, rejection, useServer, within } from "./support/server.js";
import { activeTimeouts, trackLibraryTimers } from "./support/timers.js";
import { delivered } from "./support/unhandled.js";

const srv = useServer();
const client = useClients(srv);

const TIMER_GRACE_MS = 250;
const SOCKET_GRACE_MS = 2_000;

async function settleWithin(predicate: () => boolean, ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  while (!predicate()) {
    if (performance.now() > until) return false;
    await new Promise((r) => setImmediate(r));
  }
  return true;
}

function routes() {
  const s = srv();
  s.route("/ok", (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'));
  s.route("/hang", () => {});
  const flaky = new Map<string, number>();
  s.route("/flaky", (req, res) => {
    const key = new URL(req.url!, "http://x").searchParams.get("k")!;
    const n = (flaky.get(key) ?? 0) + 1;
    flaky.set(key, n);
    if (n === 1) res.writeHead(503).end("busy");
    else res.end("recovered");
  });
  s.route("/missing", (_req, res) => res.writeHead(404).end("not here"));
  s.route("/lines", (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    let i = 0;
    s.every(res, 5, () => (i < 4 ? res.write(`l${i++}\n`) : res.end()));
  });
  s.route("/quiet", (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("one chunk, then silence\n");
  });
  s.route("/endless", (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("first\n");
    s.every(res, 10, () => res.write("more\n"));
  });
  s.route("/cut", async (req, res) => {
    await readBody(req);
    res.writeHead(200, { "content-length": "2000" });
    res.write("x".repeat(1000), () => res.socket?.destroy());
  });
  s.route("/stall", (_req, res) => {
    res.writeHead(200, { "content-length": "2000" });
    res.write("x".repeat(1000));
  });
}

describe("no timer or socket left behind", { timeout: 15_000 }, () => {
  test("50 mixed requests: no library timer, no extra Timeout, no open response once all settle", async () => {
    routes();
    const api = client({ retry: { maxRetries: 1, minDelay: 5, maxDelay: 10, budget: false } });
    const baseline = activeTimeouts();
    const tracker = trackLibraryTimers();
    const kinds = ["ok", "timeout", "retry", "http", "lines", "idle", "break", "network", "stalled body"] as const;
    type Kind = (typeof kinds)[number];

    const run = async (kind: Kind, i: number): Promise<string> => {
      switch (kind) {
        case "ok":
          return JSON.stringify(await api.get("ok").json());
        case "timeout":
          return String(await api.get("hang", { timeout: 30 }));
        case "retry":
          return api.get("flaky", { query: { k: i } }).text();
        case "http":
          return String((await api.get("missing")).status);
        case "lines": {
          const out: string[] = [];
          for await (const line of lines(api.get("lines"))) out.push(line);
          return out.join(",");
        }
        case "idle": {
          const res = await api.get("quiet", { timeout: "none", idleTimeout: 30 });
          for await (const _chunk of res.body!) {
            /* one chunk, then the idle limit */
          }
          return "ended";
        }
        case "break": {
          for await (const _line of lines(api.get("endless"))) break;
          return "left early";
        }
        case "network":
          return api.get("cut").text();
        case "stalled body":
          return api.get("stall", { timeout: 30 }).text();
      }
    };

    let results: PromiseSettledResult<string>[];
    try {
      const tasks = Array.from({ length: 50 }, (_, i) => {
        const kind = kinds[i % kinds.length]!;
        return run(kind, i).then(
          (value) => ({ kind, value }),
          (error: unknown) => {
            delivered(error);
            throw Object.assign(new Error(kind), { kind, error });
          },
        );
      });
      results = (await within(Promise.allSettled(tasks), 10_000, "50 requests")) as PromiseSettledResult<string>[];

      // Every library timer is gone, within the grace period.
      const timersGone = await settleWithin(() => tracker.live.size === 0, TIMER_GRACE_MS);
      expect(timersGone ? [] : [...tracker.live.values()]).toEqual([]);
      expect(tracker.created()).toBeGreaterThan(50); // the wrapper did see the library's timers
    } finally {
      tracker.restore();
    }
    // The server sees every response closed: nothing half-read holds a connection.
    await srv()
      .waitFor(() => srv().inflight().length === 0, SOCKET_GRACE_MS, "every response to close")
      .catch(() => {
        throw new Error(`responses still open: ${srv().inflight().map((h) => h.target).join(", ")}`);
      });
    // Then (the test server's own per-response intervals gone too) Node's ref'd timers are
    // back to what they were before the run.
    const backToBaseline = await settleWithin(() => activeTimeouts() <= baseline, TIMER_GRACE_MS);
    expect(backToBaseline ? baseline : activeTimeouts()).toBe(baseline);

    // The mix was what it claims to be.
    const outcome = (r: PromiseSettledResult<unknown>) => {
      if (r.status === "fulfilled") return (r.value as { kind: string; value: string }).value;
      const error = (r.reason as { error: unknown }).error;
      return error instanceof TimeoutError ? `TimeoutError:${error.kind}` : error instanceof NetworkError ? "NetworkError" : error instanceof HttpError ? `HttpError:${error.status}` : String(error);
    };
    const byKind = new Map<string, Set<string>>();
    results.forEach((r, i) => {
      const kind = kinds[i % kinds.length]!;
      if (!byKind.has(kind)) byKind.set(kind, new Set());
      byKind.get(kind)!.add(outcome(r));
    });
    expect(Object.fromEntries([...byKind].map(([k, v]) => [k, [...v]]))).toEqual({
      ok: ['{"ok":true}'],
      timeout: ["TimeoutError:attempt"],
      retry: ["recovered"],
      http: ["HttpError:404"],
      lines: ["l0,l1,l2,l3"],
      idle: ["TimeoutError:idle"],
      break: ["left early"],
      network: ["NetworkError"],
      "stalled body": ["TimeoutError:attempt"],
    });
    expect(api.stats.calls).toBe(50);
  });
});

describe("an error body nobody reads", { timeout: 10_000 }, () => {
  // The HttpError keeps its response readable, so the library reads only the start of a large
  // error body (for the message) and leaves the rest on the connection. When the caller never
  // reads it, the connection must still be given back: at the latest when the attempt's timeout
  // expires, as for a 2xx Response whose body is never read (streaming.test.ts).
  test("a 16 MB error body left unread is released by the attempt's timeout", async () => {
    const body = Buffer.alloc(16 * 1024 * 1024, 101); // far more than loopback socket buffers hold
    srv().route("/huge-error", (_req, res) => res.writeHead(500, { "content-type": "text/plain" }).end(body));
    const api = client({ retry: false });
    const error = await rejection(api.get("huge-error", { timeout: 200 }).text());
    expect(error).toBeInstanceOf(HttpError);
    expect(error.message).toContain("eeeeeeeeee");
    // error.response is never read.
    const hit = srv().hitsOf("/huge-error")[0]!;
    await within(hit.closed, 3_000, "the server to see the unread error response released (timeout 200 ms + 3 s grace)");
  });
});
