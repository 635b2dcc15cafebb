/**
 * `maxConcurrent` against a real loopback server: the peak of requests in flight counted on
 * the server side under a burst, FIFO, a streamed body holding its slot until it is read,
 * cancelled or dropped (forced GC), a backoff sleep holding none, waits ended by the signal,
 * close() and the retry deadline (never sent), and the family's shared or own limit.
 */
import { describe, expect, test } from "vitest";
import { createClient, HttpError } from "../../src/index.js";
import { exposedGc } from "../adversarial/support/harness.js";
import { QUICK_RETRY, useClients } from "./support/clients.js";
import { useServer } from "./support/server.js";

const srv = useServer();
const client = useClients(srv);

/** A route that answers after `ms`, counting the requests it holds at once (peak). */
function counted(path: string, ms: number): { peak: () => number; order: string[] } {
  let now = 0;
  let peak = 0;
  const order: string[] = [];
  srv().route(path, (req, res) => {
    now++;
    peak = Math.max(peak, now);
    order.push(new URL(req.url!, "http://x").searchParams.get("i") ?? "");
    res.once("close", () => now--);
    srv().later(ms, () => res.writeHead(200, { "content-type": "text/plain" }).end("ok"));
  });
  return { peak: () => peak, order };
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("maxConcurrent: bad input", () => {
  test.each([0, -1, 1.5, Number.NaN, Infinity, "2", null, true])("%s: a TypeError naming it, nothing sent", (value) => {
    expect(() => createClient({ maxConcurrent: value as number })).toThrow(/maxConcurrent/);
    expect(() => createClient().extend({ maxConcurrent: value as number })).toThrow(/maxConcurrent/);
  });

  test("a request cannot set it", async () => {
    const api = client();
    await expect(api.get("x", { maxConcurrent: 2 } as never).text()).rejects.toThrow(/maxConcurrent.*client option/);
    expect(srv().hits).toHaveLength(0);
  });
});

describe("maxConcurrent: the limit", { timeout: 60_000 }, () => {
  test("without it, the same burst goes out at once (what the limit holds back)", async () => {
    const route = counted("/u", 50);
    const api = client();
    await Promise.all(Array.from({ length: 100 }, () => api.get("u").text()));
    expect(route.peak()).toBeGreaterThan(8);
  });

  test("a burst of 1,000 calls: never more than N in flight on the server, all answered", async () => {
    const route = counted("/b", 5);
    const api = client({ maxConcurrent: 8 });
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => api.get(`b?i=${i}`).text()));
    expect(results.every((r) => r === "ok")).toBe(true);
    // Never above the limit; and the limit is what held them back (not one at a time).
    expect(route.peak()).toBeLessThanOrEqual(8);
    expect(route.peak()).toBeGreaterThan(1);
    expect(srv().hitsOf("/b")).toHaveLength(1000);
  });

  test("FIFO: with one slot, the server sees the calls in the order they were made", async () => {
    const route = counted("/f", 5);
    const api = client({ maxConcurrent: 1 });
    await Promise.all(Array.from({ length: 20 }, (_, i) => api.get(`f?i=${i}`).text()));
    expect(route.order).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(route.peak()).toBe(1);
  });

  test("waiting does not count against the attempt's timeout", async () => {
    counted("/w", 300);
    const api = client({ maxConcurrent: 1, timeout: 400, retry: 0 });
    const first = api.get("w").text();
    const second = api.get("w").text(); // waits ~300 ms, then needs ~300 ms of its own 400
    expect(await Promise.all([first, second])).toEqual(["ok", "ok"]);
  });

  test("a streamed response holds its slot until its body is read; a cancelled body frees it", async () => {
    counted("/s", 0);
    const api = client({ maxConcurrent: 1 });
    const held = await api.get("s");
    const next = api.get("s").text();
    await tick(150);
    expect(srv().hitsOf("/s")).toHaveLength(1);
    expect(await held.text()).toBe("ok");
    expect(await next).toBe("ok");

    const again = await api.get("s");
    const after = api.get("s").text();
    await tick(100);
    expect(srv().hitsOf("/s")).toHaveLength(3);
    await again.body!.cancel();
    expect(await after).toBe("ok");
  });

  test("a Response dropped unread frees its slot when collected", async () => {
    counted("/d", 0);
    const gc = exposedGc();
    const api = client({ maxConcurrent: 1, timeout: "none" });
    await (async () => void (await api.get("d")).status)();
    const next = api.get("d").text();
    let done = false;
    void next.then(() => (done = true));
    for (let i = 0; i < 40 && !done; i++) {
      gc();
      await tick(25);
    }
    expect(done).toBe(true);
    expect(await next).toBe("ok");
  });

  test("a backoff sleep holds no slot", async () => {
    srv().route("/busy", (_req, res, hit) => (hit.n === 1 ? res.writeHead(503).end() : res.writeHead(200).end("ok")));
    counted("/other", 0);
    const api = client({ maxConcurrent: 1, retry: { ...QUICK_RETRY, minDelay: 400, maxDelay: 400 } });
    const retried = api.get("busy").text();
    await srv().waitFor(() => srv().hitsOf("/busy").length === 1);
    await tick(30);
    const t0 = performance.now();
    expect(await api.get("other").text()).toBe("ok");
    expect(performance.now() - t0).toBeLessThan(300); // served during the other call's 400 ms sleep
    expect(await retried).toBe("ok");
  });
});

describe("maxConcurrent: a waiting request", { timeout: 15_000 }, () => {
  test("ended by its signal: rejects with the reason and is never sent", async () => {
    srv().route("/hang", () => {});
    counted("/later", 0);
    const api = client({ maxConcurrent: 1, timeout: "none" });
    const controller = new AbortController();
    const first = api.get("hang").text();
    const waiting = api.get("later", { signal: controller.signal }).text();
    await srv().waitFor(() => srv().hitsOf("/hang").length === 1);
    controller.abort(new Error("gave up"));
    await expect(waiting).rejects.toThrow("gave up");
    await api.close();
    await expect(first).rejects.toMatchObject({ code: "ERR_CLOSED" });
    expect(srv().hitsOf("/later")).toHaveLength(0);
  });

  test("ended by close(): ERR_CLOSED, never sent", async () => {
    srv().route("/hang", () => {});
    counted("/later", 0);
    const api = client({ maxConcurrent: 1, timeout: "none" });
    const first = api.get("hang").text();
    const waiting = Array.from({ length: 50 }, () => api.get("later").text());
    await srv().waitFor(() => srv().hitsOf("/hang").length === 1);
    await api.close();
    await expect(first).rejects.toMatchObject({ code: "ERR_CLOSED" });
    for (const w of waiting) await expect(w).rejects.toMatchObject({ code: "ERR_CLOSED" });
    await tick(50);
    expect(srv().hitsOf("/later")).toHaveLength(0);
  });

  test("a retry waiting past the retry deadline: the last error, never sent", async () => {
    srv().route("/fail", (_req, res) => void res.writeHead(503).end());
    srv().route("/hang", () => {});
    const api = client({ maxConcurrent: 1, timeout: "none", retry: { ...QUICK_RETRY, minDelay: 150, maxDelay: 150, deadline: 500 } });
    const failing = api.get("fail").text();
    await srv().waitFor(() => srv().hitsOf("/fail").length === 1);
    const blocker = api.get("hang").text(); // takes the slot during the backoff sleep
    const error = await failing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).message).toMatch(/deadline/);
    expect(srv().hitsOf("/fail")).toHaveLength(1);
    await api.close();
    await blocker.catch(() => {});
  });
});

describe("maxConcurrent: a client family", { timeout: 15_000 }, () => {
  test("extend() children share the parent's slots unless they set their own", async () => {
    srv().route("/hang", () => {});
    counted("/c", 0);
    const parent = client({ maxConcurrent: 1, timeout: "none" });
    const shared = parent.extend({ headers: { "x-child": "1" } });
    const own = parent.extend({ maxConcurrent: 1 });
    const blocking = parent.get("hang").text();
    await srv().waitFor(() => srv().hitsOf("/hang").length === 1);
    const viaShared = shared.get("c").text();
    expect(await own.get("c").text()).toBe("ok");
    await tick(50);
    expect(srv().hitsOf("/c")).toHaveLength(1); // the shared child still waits
    await parent.close();
    await expect(blocking).rejects.toMatchObject({ code: "ERR_CLOSED" });
    await expect(viaShared).rejects.toMatchObject({ code: "ERR_CLOSED" });
  });
});
