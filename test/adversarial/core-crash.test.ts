/**
 * No crash: `.sse({ reconnect: true })` whose first response fails before anything awaits
 * it (a 404, a dead port, a thousand streams cut by close()) must never leave an unhandled
 * rejection, which kills a Node process by default. An invalid combination (a POST that
 * reconnects) rejects before anything is sent.
 */
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { captureUnhandled, closedPort, rejection, settleUnhandled, sleep, useClients, useServers, within } from "./support/harness.js";
import { lines, ndjson, sse } from "../../src/index.js";

const servers = useServers(1);
const client = useClients();
let unhandled: ReturnType<typeof captureUnhandled>;
beforeEach(() => {
  unhandled = captureUnhandled();
});
afterEach(() => unhandled.stop());

async function expectNoUnhandled(): Promise<void> {
  await settleUnhandled();
  expect(unhandled.reasons.map((r) => String(r).slice(0, 200))).toEqual([]);
}

const RETRY = { maxRetries: 2, minDelay: 1, maxDelay: 2, budget: false } as const;

describe(".sse({ reconnect: true }) whose first response fails", () => {
  test("a 404, iterated at once: rejects with the HttpError, nothing unhandled", async () => {
    const [s] = servers();
    const api = client({ baseUrl: s!.url, retry: RETRY });
    const error = await rejection(sse(api.get("/missing"), { reconnect: true }).next());
    expect(error.status).toBe(404);
    expect(s!.hits).toHaveLength(1);
    await expectNoUnhandled();
  });

  test("a 404, iterated only after the response failed: nothing unhandled meanwhile", async () => {
    const [s] = servers();
    const api = client({ baseUrl: s!.url, retry: RETRY });
    const events = sse(api.get("/missing"), { reconnect: true });
    await s!.waitFor(() => s!.hits.length === 1 && s!.hits[0]!.closedAt !== undefined, 2_000, "the 404");
    await settleUnhandled();
    expect(unhandled.reasons).toEqual([]);
    expect((await rejection(events.next())).status).toBe(404);
    await expectNoUnhandled();
  });

  test("a 404 never iterated at all: nothing unhandled", async () => {
    const [s] = servers();
    const api = client({ baseUrl: s!.url, retry: RETRY });
    sse(api.get("/missing"), { reconnect: true });
    await s!.waitFor(() => s!.hits.length === 1, 2_000, "the 404");
    await sleep(50);
    await expectNoUnhandled();
  });

  test("a dead port on first use, iterated late: rejects with a NetworkError, nothing unhandled", async () => {
    const port = await closedPort();
    const api = client({ baseUrl: `http://127.0.0.1:${port}`, retry: RETRY });
    const events = sse(api.get("/events"), { reconnect: true });
    await sleep(100);
    await settleUnhandled();
    expect(unhandled.reasons).toEqual([]);
    const error = await rejection(events.next());
    expect(error.code).toBe("ERR_NETWORK");
    await expectNoUnhandled();
  });

  test("a dead port, never iterated, then close(): nothing unhandled", async () => {
    const port = await closedPort();
    const api = client({ baseUrl: `http://127.0.0.1:${port}`, retry: RETRY });
    for (let i = 0; i < 20; i++) sse(api.get("/events"), { reconnect: true });
    await sleep(100);
    await api.close();
    await expectNoUnhandled();
  });

  test("a token function that throws, never iterated: nothing unhandled", async () => {
    const [s] = servers();
    const api = client({
      baseUrl: s!.url,
      retry: RETRY,
      token: () => {
        throw new Error("vault down");
      },
    });
    sse(api.get("/events"), { reconnect: true });
    const events = sse(api.get("/events"), { reconnect: true });
    await sleep(50);
    await expect(events.next()).rejects.toThrow("vault down");
    expect(s!.hits).toHaveLength(0);
    await expectNoUnhandled();
  });
});

describe("other shortcuts on a failed call, never consumed", () => {
  test.each(["lines", "ndjson", "sse"] as const)("%s(p) on a 404 and on a dead port, never iterated: nothing unhandled", async (shortcut) => {
    const [s] = servers();
    const port = await closedPort();
    const api = client({ baseUrl: s!.url, retry: RETRY });
    const dead = client({ baseUrl: `http://127.0.0.1:${port}`, retry: RETRY });
    const read = { lines, ndjson, sse }[shortcut];
    read(api.get("/missing"));
    read(dead.get("/x"));
    await s!.waitFor(() => s!.hits.length === 1, 2_000, "the 404");
    await sleep(100);
    await expectNoUnhandled();
  });

  test.each(["json", "text", "bytes", "blob", "arrayBuffer"] as const)(".%s() on a 404 and a dead port, its own promise handled: no other rejection left unhandled", async (shortcut) => {
    const [s] = servers();
    const port = await closedPort();
    const api = client({ baseUrl: s!.url, retry: RETRY });
    const dead = client({ baseUrl: `http://127.0.0.1:${port}`, retry: RETRY });
    api.get("/missing")[shortcut]().catch(() => undefined);
    dead.get("/x")[shortcut]().catch(() => undefined);
    await s!.waitFor(() => s!.hits.length === 1, 2_000, "the 404");
    await sleep(100);
    await expectNoUnhandled();
  });

  test("a request made and the client closed in the same tick: ERR_CLOSED, nothing sent, nothing unhandled", async () => {
    const [s] = servers();
    const api = client({ baseUrl: s!.url, retry: RETRY });
    const call = api.get("/x");
    const events = sse(api.get("/events"), { reconnect: true });
    void api.close();
    expect((await rejection(call)).code).toBe("ERR_CLOSED");
    expect((await rejection(events.next())).code).toBe("ERR_CLOSED");
    await sleep(20);
    expect(s!.hits).toHaveLength(0);
    await expectNoUnhandled();
  });

  test("hooks throwing non-Errors (a string, undefined): the call rejects with them, nothing unhandled", async () => {
    const [s] = servers();
    s!.route("/x", (_req, res) => res.writeHead(200).end("ok"));
    const throwing = (value: unknown) => () => {
      throw value;
    };
    const a = client({ baseUrl: s!.url, retry: RETRY, hooks: { beforeRequest: [throwing("a string")] } });
    const b = client({ baseUrl: s!.url, retry: RETRY, hooks: { afterResponse: [throwing(undefined)] } });
    await expect(a.get("/x")).rejects.toBe("a string");
    await expect(b.get("/x").text()).rejects.toBeUndefined();
    await expectNoUnhandled();
  });
});

describe("many streams and close()", () => {
  test("1,000 reconnecting streams (half iterated, half not) then close(): all end, nothing unhandled", async () => {
    const [s] = servers();
    s!.route("/events", (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("id: 1\ndata: hi\n\n");
    });
    const api = client({ baseUrl: s!.url, retry: RETRY, timeout: "none" });
    const streams = Array.from({ length: 1_000 }, () => sse(api.get("/events"), { reconnect: true }));
    const iterated = streams.filter((_, i) => i % 2 === 0).map((it) => it.next().then((first): Promise<unknown> | string => (first.done ? "done" : it.next())));
    await s!.waitFor(() => s!.hits.length >= 200, 20_000, "some streams to open");
    await api.close();
    const outcomes = await within(Promise.allSettled(iterated), 10_000, "the iterated streams to end");
    for (const o of outcomes) if (o.status === "rejected") expect((o.reason as { code?: string }).code).toBe("ERR_CLOSED");
    await sleep(50);
    await expectNoUnhandled();
  }, 45_000);

  test("200 reconnecting streams against 404s, never iterated: nothing unhandled", async () => {
    const [s] = servers();
    const api = client({ baseUrl: s!.url, retry: RETRY });
    for (let i = 0; i < 200; i++) sse(api.get("/missing"), { reconnect: true });
    await s!.waitFor(() => s!.hits.length === 200 && s!.inflight().length === 0, 15_000, "every 404");
    await sleep(50);
    await expectNoUnhandled();
  }, 30_000);
});

describe("invalid reconnection requests are refused before anything is sent", () => {
  test.each(["POST", "PUT", "DELETE", "PATCH"])("%s(...).sse({ reconnect: true }) rejects, server saw 0 requests", async (method) => {
    const [s] = servers();
    const api = client({ baseUrl: s!.url, retry: RETRY });
    const events = sse(api.request(method, "/events", method === "DELETE" ? {} : { json: { q: 1 } }), { reconnect: true });
    const error = await rejection(events.next());
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/reconnect/);
    await sleep(50);
    expect(s!.hits).toHaveLength(0);
    await expectNoUnhandled();
  });

  test("post(...).sse({ reconnect: true }) never iterated: nothing sent, nothing unhandled", async () => {
    const [s] = servers();
    const api = client({ baseUrl: s!.url, retry: RETRY });
    sse(api.post("/events", { json: { q: 1 } }), { reconnect: true });
    await sleep(100);
    expect(s!.hits).toHaveLength(0);
    await expectNoUnhandled();
  });

  test("an unknown .sse() option rejects, nothing sent", async () => {
    const [s] = servers();
    const api = client({ baseUrl: s!.url, retry: RETRY });
    const events = sse(api.get("/events"), { reconnect: true, retires: 3 } as never);
    expect(await rejection(events.next())).toBeInstanceOf(TypeError);
    await sleep(50);
    expect(s!.hits).toHaveLength(0);
    await expectNoUnhandled();
  });
});
