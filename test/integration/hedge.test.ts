/**
 * Hedged requests against a real loopback server: a copy after `after`, the first usable
 * response wins and the loser's connection is closed (seen on the server), copies counted in
 * stats and drawn from the retry budget, the same idempotency key, never for a request that
 * cannot be sent twice, a retryable failure not ending the race, percentiles only once 20
 * times are seen, and bad input naming the option.
 */
import { describe, expect, test } from "vitest";
import { createClient } from "../../src/index.js";
import { makeClient } from "../../src/client.js";
import { normaliseClient } from "../../src/options/config.js";
import type { HopEnd, HopStart } from "../../src/pipeline/attempt-events.js";
import { QUICK_RETRY, useClients } from "./support/clients.js";
import { useServer, type Hit } from "./support/server.js";

const srv = useServer();
const client = useClients(srv);

/** Hit n waits `delays[n-1]` ms (0 past the list) before answering `status` (200: its number). */
function route(path: string, delays: number[], statuses: number[] = []) {
  srv().route(path, (_req, res, hit: Hit) => {
    const status = statuses[hit.n - 1] ?? 200;
    srv().later(delays[hit.n - 1] ?? 0, () => res.writeHead(status, { "content-type": "text/plain" }).end(`hit ${hit.n}`));
  });
}

describe("hedge: bad input", () => {
  test.each([
    [{ after: "p101" }, /hedge\.after/],
    [{ after: "p49" }, /hedge\.after/],
    [{ after: "p9x" }, /hedge\.after/],
    [{ after: "soon" }, /hedge\.after/],
    [{}, /hedge\.after/],
    [{ after: "100ms", max: 0 }, /hedge\.max/],
    [{ after: "100ms", max: 1.5 }, /hedge\.max/],
    [{ after: "100ms", copies: 2 }, /hedge\.copies/],
    [5, /hedge/],
  ])("%j: a TypeError naming it", (value, name) => {
    expect(() => createClient({ hedge: value as never })).toThrow(TypeError);
    expect(() => createClient({ hedge: value as never })).toThrow(name);
  });
});

describe("hedge: the race", { timeout: 15_000 }, () => {
  test("a copy after `after`: the fast one wins, the slow one's connection is closed, same idempotency key", async () => {
    route("/h", [2000, 0]);
    const api = client({ hedge: { after: 60 } });
    const t0 = performance.now();
    expect(await api.post("h", { idempotencyKey: "same-key", body: "x" }).text()).toBe("hit 2");
    expect(performance.now() - t0).toBeLessThan(1500);
    const [slow, fast] = srv().hitsOf("/h");
    expect(slow!.headers["idempotency-key"]).toBe("same-key");
    expect(fast!.headers["idempotency-key"]).toBe("same-key");
    await srv().waitFor(() => slow!.closedAt !== undefined, 1000, "the loser's connection to close");
    expect(slow!.finished).toBe(false);
    expect(api.stats).toMatchObject({ calls: 1, requests: 2, hedges: 1, retries: 0 });
  });

  test("up to `max` copies, one more each `after`", async () => {
    route("/m", [2000, 2000, 0]);
    const api = client({ hedge: { after: 50, max: 2 } });
    expect(await api.get("m").text()).toBe("hit 3");
    expect(api.stats.hedges).toBe(2);
    route("/one", [400, 400, 0]);
    const single = client({ hedge: { after: 50 } });
    await single.get("one").text();
    expect(srv().hitsOf("/one")).toHaveLength(2);
    expect(single.stats.hedges).toBe(1);
  });

  test("no copy for a request that is not idempotent, nor for a stream body", async () => {
    route("/p", [200]);
    const api = client({ hedge: { after: 20 } });
    expect(await api.post("p", { body: "x" }).text()).toBe("hit 1");
    route("/s", [200]);
    const body = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode("x")), c.close()) });
    expect(await api.put("s", { body, idempotencyKey: "k" }).text()).toBe("hit 1");
    expect(srv().hitsOf("/p")).toHaveLength(1);
    expect(srv().hitsOf("/s")).toHaveLength(1);
    expect(api.stats.hedges).toBe(0);
  });

  test("a copy that fails retryably does not end the call while another is pending", async () => {
    route("/f", [150, 400], [503, 200]);
    const api = client({ hedge: { after: 40 } });
    expect(await api.get("f").text()).toBe("hit 2");
    expect(srv().hitsOf("/f")).toHaveLength(2);
    expect(api.stats.retries).toBe(0);
  });

  test("no copy once headers came (a slow body is not hedged)", async () => {
    srv().route("/b", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("a");
      srv().later(200, () => res.end("b"));
    });
    const api = client({ hedge: { after: 50 } });
    expect(await api.get("b").text()).toBe("ab");
    expect(srv().hitsOf("/b")).toHaveLength(1);
  });

  test("copies draw from the retry budget: a spent budget sends none", async () => {
    route("/g", [200]);
    const api = client({ hedge: { after: 20 }, retry: { ...QUICK_RETRY, budget: { ratio: 0, minPerSecond: 0 } } });
    expect(await api.get("g").text()).toBe("hit 1");
    expect(srv().hitsOf("/g")).toHaveLength(1);
  });

  test('a percentile ("p50") hedges only once 20 times to headers are seen', async () => {
    route("/q", [300, ...Array(19).fill(0), 1500, 0]);
    const api = client({ hedge: { after: "p50" } });
    expect(await api.get("q").text()).toBe("hit 1"); // nothing seen yet: no copy
    for (let i = 0; i < 19; i++) await api.get("q").text();
    expect(api.stats.hedges).toBe(0); // each began with fewer than 20 times seen
    const t0 = performance.now();
    expect(await api.get("q").text()).toBe("hit 22");
    expect(performance.now() - t0).toBeLessThan(1200);
    expect(api.stats.hedges).toBe(1);
  });

  test("a copy that wins records the loser's wait as well (a lower bound), so a percentile keeps the slow tail the copy cut short", async () => {
    route("/t", [2000, 0]);
    const config = normaliseClient({ baseUrl: srv().url, retry: QUICK_RETRY, hedge: { after: 50 } });
    const hedge = config.hedge!;
    const record = hedge.seen.bind(hedge);
    const seen: number[] = [];
    hedge.seen = (ms) => void (seen.push(ms), record(ms));
    const api = makeClient(config);
    expect(await api.get("t").text()).toBe("hit 2");
    expect(seen).toHaveLength(2);
    expect(Math.max(...seen)).toBeGreaterThanOrEqual(45);
    await api.close();
  });

  test("listeners: the copy is a hedge hop, the loser ends cancelled (hedge-lost)", async () => {
    route("/l", [2000, 0]);
    const hops: { start: HopStart; end?: HopEnd }[] = [];
    const config = normaliseClient({ baseUrl: srv().url, retry: QUICK_RETRY, hedge: { after: 50 } });
    config.listeners.push({ hop: (start) => { const h: (typeof hops)[number] = { start }; hops.push(h); return { end: (e) => void (h.end = e) }; } });
    const api = makeClient(config);
    expect(await api.get("l").text()).toBe("hit 2");
    await srv().waitFor(() => hops.every((h) => h.end !== undefined));
    expect(hops.map((h) => [h.start.attempt, h.start.hedge, h.start.resendCount, h.end])).toEqual([
      [0, false, 0, { type: "cancelled", reason: "hedge-lost" }],
      [1, true, 1, { type: "response", status: 200 }],
    ]);
    await api.close();
  });
});
