import { http } from "msw";
import { describe, expect, it, vi } from "vitest";
import { createClient, HttpError } from "../../../src/index.js";
import { captureDelays } from "../helpers/timers.js";
import { replies, useMockServer } from "../helpers/msw.js";

const { server, seen } = useMockServer();
const QUICK = { minDelay: 1, maxDelay: 1 };

function ok(): void {
  server.use(http.all("*", replies(200)));
}

describe("extend()", () => {
  it("inherits the parent's options", async () => {
    ok();
    const parent = createClient({ baseUrl: "https://api.test/v2", token: "tok", headers: { "x-app": "demo" }, query: { locale: "en" } });
    await parent.extend({}).get("users");
    expect(seen[0]!.url).toBe("https://api.test/v2/users?locale=en");
    expect(seen[0]!.headers).toMatchObject({ authorization: "Bearer tok", "x-app": "demo" });
  });

  it("merges headers: the child's win by name, case-insensitively", async () => {
    ok();
    const parent = createClient({ baseUrl: "https://api.test", headers: { "X-App": "demo", "x-keep": "1" } });
    await parent.extend({ headers: { "x-app": "child", "x-new": "2" } }).get("r");
    expect(seen[0]!.headers).toMatchObject({ "x-app": "child", "x-keep": "1", "x-new": "2" });
  });

  it("lets a child remove a parent's header with undefined", async () => {
    ok();
    const parent = createClient({ baseUrl: "https://api.test", headers: { "x-app": "demo" } });
    await parent.extend({ headers: { "X-App": undefined } }).get("r");
    expect(seen[0]!.headers).not.toHaveProperty("x-app");
  });

  it("merges query parameters", async () => {
    ok();
    const parent = createClient({ baseUrl: "https://api.test", query: { locale: "en", v: 1 } });
    await parent.extend({ query: { v: 2, tag: ["a", "b"] } }).get("r");
    const params = new URL(seen[0]!.url).searchParams;
    expect(params.get("locale")).toBe("en");
    expect(params.getAll("v")).toEqual(["2"]);
    expect(params.getAll("tag")).toEqual(["a", "b"]);
  });

  it("appends hooks: the parent's run first, and the parent keeps only its own", async () => {
    ok();
    const order: string[] = [];
    const parent = createClient({ baseUrl: "https://api.test", hooks: { beforeRequest: [() => void order.push("parent")] } });
    const child = parent.extend({ hooks: { beforeRequest: [() => void order.push("child")] } });
    await child.get("r");
    expect(order).toEqual(["parent", "child"]);
    order.length = 0;
    await parent.get("r");
    expect(order).toEqual(["parent"]);
  });

  it("appends hooks down a chain of children", async () => {
    ok();
    const order: string[] = [];
    const a = createClient({ baseUrl: "https://api.test", hooks: { afterResponse: [() => void order.push("a")] } });
    const c = a.extend({ hooks: { afterResponse: [() => void order.push("b")] } }).extend({ hooks: { afterResponse: [() => void order.push("c")] } });
    await c.get("r");
    expect(order).toEqual(["a", "b", "c"]);
  });

  it("shares stats with the parent and with siblings", async () => {
    server.use(http.get("https://api.test/r", replies(429, 200)));
    const parent = createClient({ baseUrl: "https://api.test", retry: QUICK });
    const child = parent.extend({ headers: { "x-c": "1" } });
    const grandchild = child.extend({});
    await child.get("r");
    await grandchild.get("r");
    await parent.get("r");
    for (const client of [parent, child, grandchild]) {
      expect(client.stats).toMatchObject({ calls: 3, requests: 4, retries: 1, rateLimitErrors: [1] });
    }
  });

  it("merges timeout tiers", async () => {
    ok();
    const parent = createClient({ baseUrl: "https://api.test", timeouts: { short: "1s" } });
    const child = parent.extend({ timeouts: { long: "2s" } });
    const { spy, delays } = captureDelays();
    await child.get("r", { timeout: "short" });
    await child.get("r", { timeout: "long" });
    const scheduled = delays();
    spy.mockRestore();
    expect(scheduled).toEqual([1000, 2000]);
  });

  it("merges the retry policy", async () => {
    server.use(http.get("https://api.test/r", replies(418)));
    const parent = createClient({ baseUrl: "https://api.test", retry: { maxRetries: 1, ...QUICK } });
    const child = parent.extend({ retry: { statuses: [418] } });
    const error = (await child.get("r").catch((e: unknown) => e)) as HttpError;
    expect(error.attempts).toBe(2);
  });

  it("lets the child replace baseUrl and token", async () => {
    ok();
    const parent = createClient({ baseUrl: "https://api.test", token: "parent-token" });
    await parent.extend({ baseUrl: "https://other.test/v3", token: "child-token" }).get("r");
    expect(seen[0]!.url).toBe("https://other.test/v3/r");
    expect(seen[0]!.headers.authorization).toBe("Bearer child-token");
  });

  it("leaves the parent unchanged", async () => {
    ok();
    const parent = createClient({ baseUrl: "https://api.test", headers: { "x-app": "demo" }, query: { a: 1 } });
    parent.extend({ headers: { "x-app": "child", "x-more": "1" }, query: { b: 2 } });
    await parent.get("r");
    expect(seen[0]!.headers["x-app"]).toBe("demo");
    expect(seen[0]!.headers).not.toHaveProperty("x-more");
    expect(seen[0]!.url).toBe("https://api.test/r?a=1");
  });

  it("uses the child's fetch", async () => {
    const fetch = vi.fn(async () => new Response("from child fetch"));
    const parent = createClient({ baseUrl: "https://api.test" });
    expect(await parent.extend({ fetch }).get("r").text()).toBe("from child fetch");
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
