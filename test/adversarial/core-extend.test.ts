/**
 * extend() over normalised configs: a retry given as a number, false or an object at any level
 * (client → child → grandchild → request) composes with what the levels above resolved. Counted
 * as requests an always-503 (GET) loopback server saw. Also tiers, hooks, headers, budget,
 * stats and close() across a family.
 */
import { describe, expect, test } from "vitest";
import { createClient, type Client, type ClientOptions, type RequestOptions } from "../../src/index.js";
import { rejection, useServers, type TestServer } from "./support/harness.js";
import { afterEach } from "vitest";

const servers = useServers(1);
const roots: Client[] = [];
afterEach(async () => {
  await Promise.all(roots.splice(0).map((c) => c.close()));
});

type Retry = ClientOptions["retry"];
const fast = { minDelay: 2, maxDelay: 4 };

/** A chain of clients with these retry options, then a request with `request`; returns how many requests the server saw. */
async function attempts(s: TestServer, levels: Retry[], request?: Retry, extra: RequestOptions = {}): Promise<number> {
  s.route("/x", (_req, res) => res.writeHead(503).end("down"));
  const [first, ...rest] = levels;
  let api = createClient({ baseUrl: s.url, ...(first === undefined ? {} : { retry: first }) });
  roots.push(api);
  for (const r of rest) api = api.extend(r === undefined ? {} : { retry: r });
  const before = s.hits.length;
  const error = await rejection(api.get("/x", { ...extra, ...(request === undefined ? {} : { retry: request }) }), 10_000);
  expect(error.status).toBe(503);
  expect(error.attempts).toBe(s.hits.length - before);
  return s.hits.length - before;
}

describe("retry composes at every level", () => {
  test.each<[string, Retry[], Retry, number]>([
    ["createClient({ retry: 3 }).extend({ retry: { minDelay: 10 } })", [3, { minDelay: 10, maxDelay: 20 }], undefined, 4],
    ["createClient({ retry: false }).extend({ retry: { minDelay } })", [false, fast], undefined, 1],
    ["createClient({ retry: { maxRetries: 2, ...fast } }).extend({ retry: 1 })", [{ maxRetries: 2, ...fast }, 1], undefined, 2],
    ["3 → { minDelay } → { maxDelay }", [3, { minDelay: 2 }, { maxDelay: 4 }], undefined, 4],
    ["3 → { minDelay } → { maxDelay }, request { factor: 1 }", [3, { minDelay: 2 }, { maxDelay: 4 }], { factor: 1 }, 4],
    ["3 → { fast }, request false", [3, fast], false, 1],
    ["3 → { fast }, request 1", [3, fast], 1, 2],
    ["3 → false → { minDelay }", [3, false, { minDelay: 2 }], undefined, 1],
    ["3 → false → 2", [{ maxRetries: 3, ...fast }, false, 2], undefined, 3],
    ["false → false → false, request { minDelay }", [false, false, false], { minDelay: 2 }, 1],
    ["false, request { maxRetries: 2, fast }", [false], { maxRetries: 2, ...fast }, 3],
    ["{ maxRetries: 1, fast }, request 3", [{ maxRetries: 1, ...fast }], 3, 4],
    ["{ maxRetries: 2, fast } → {} → {}, request { minDelay: 1 }", [{ maxRetries: 2, ...fast }, undefined, undefined], { minDelay: 1 }, 3],
    ["default (4) → { fast }", [undefined, fast], undefined, 5],
    ["default → 0 → { fast }", [undefined, 0, fast], undefined, 1],
  ])("%s: %#", async (_label, levels, request, expected) => {
    const [s] = servers();
    expect(await attempts(s!, levels, request)).toBe(expected);
  });

  test("retry.statuses set on the parent survive a child's { maxRetries }", async () => {
    const [s] = servers();
    s!.route("/teapot", (_req, res) => res.writeHead(418).end("teapot"));
    s!.route("/down", (_req, res) => res.writeHead(503).end("down"));
    const api = createClient({ baseUrl: s!.url, retry: { statuses: [418], ...fast, budget: false } }).extend({ retry: { maxRetries: 2 } });
    roots.push(api);
    await rejection(api.get("/teapot"));
    await rejection(api.get("/down"));
    expect([s!.hitsOf("/teapot").length, s!.hitsOf("/down").length]).toEqual([3, 1]);
  });

  test("the parent's budget is shared by the child (unless the child sets its own)", async () => {
    const [s] = servers();
    s!.route("/x", (_req, res) => res.writeHead(503).end("down"));
    const parent = createClient({ baseUrl: s!.url, retry: { ...fast, budget: { ratio: 0, minPerSecond: 0 } } });
    roots.push(parent);
    const child = parent.extend({ retry: 3 });
    const own = parent.extend({ retry: { maxRetries: 3, budget: false } });
    const e1 = await rejection(child.get("/x"));
    expect(e1.attempts).toBe(1);
    expect(e1.budgetExhausted).toBe(true);
    const e2 = await rejection(own.get("/x"));
    expect(e2.attempts).toBe(4);
    expect(parent.stats.budgetExhausted).toBe(1); // stats shared with children
  });
});

describe("the rest of the family", () => {
  test("a tier inherited by a child follows the child's tier lengths", async () => {
    const [s] = servers();
    s!.route("/hang", () => {});
    const api = createClient({ baseUrl: s!.url, timeout: "short", retry: false }).extend({ timeouts: { short: "100ms" } });
    roots.push(api);
    const started = performance.now();
    const error = await rejection(api.get("/hang"));
    expect(error.code).toBe("ERR_TIMEOUT");
    expect(error.timeout).toBe(100);
    expect(error.tier).toBe("short");
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  test("hooks are appended: client, child, grandchild, request, in that order", async () => {
    const [s] = servers();
    s!.route("/x", (_req, res) => res.writeHead(200).end("ok"));
    const order: string[] = [];
    const hook = (name: string) => () => void order.push(name);
    const api = createClient({ baseUrl: s!.url, hooks: { beforeRequest: [hook("client")] } })
      .extend({ hooks: { beforeRequest: [hook("child")] } })
      .extend({ hooks: { beforeRequest: [hook("grandchild")] } });
    roots.push(api);
    await api.get("/x", { hooks: { beforeRequest: [hook("request")] } });
    expect(order).toEqual(["client", "child", "grandchild", "request"]);
  });

  test("headers merge by name across levels; a request's undefined removes a default", async () => {
    const [s] = servers();
    s!.route("/x", (_req, res) => res.writeHead(200).end("ok"));
    const api = createClient({ baseUrl: s!.url, headers: { "x-a": "client", "x-b": "client" } })
      .extend({ headers: { "X-B": "child", "x-c": "child" } })
      .extend({ headers: { "x-c": "grandchild" } });
    roots.push(api);
    await api.get("/x", { headers: { "x-a": undefined, "x-d": "request" } });
    const h = s!.hits[0]!.headers;
    expect([h["x-a"], h["x-b"], h["x-c"], h["x-d"]]).toEqual([undefined, "child", "grandchild", "request"]);
  });

  test("closing the parent ends a grandchild's call; closing a child leaves the parent open", async () => {
    const [s] = servers();
    s!.route("/hang", () => {});
    s!.route("/ok", (_req, res) => res.writeHead(200).end("ok"));
    const parent = createClient({ baseUrl: s!.url, retry: false, timeout: "none" });
    roots.push(parent);
    const child = parent.extend({});
    const grandchild = child.extend({});
    const sibling = parent.extend({});
    await sibling.close();
    expect((await rejection(sibling.get("/ok"))).code).toBe("ERR_CLOSED");
    expect((await parent.get("/ok")).status).toBe(200);
    const call = grandchild.get("/hang");
    await s!.waitFor(() => s!.hitsOf("/hang").length === 1);
    await parent.close();
    expect((await rejection(call)).code).toBe("ERR_CLOSED");
    expect((await rejection(child.get("/ok"))).code).toBe("ERR_CLOSED");
  });
});
