/**
 * A child that moves to another origin does not take the parent's credentials with it: the
 * token and the secret-named default headers were given for the parent's base origin. The
 * child carries them there only when it gives them again; a child on the same origin (another
 * path) keeps them. Two loopback servers = two origins.
 */
import { describe, expect, test } from "vitest";
import { useClients, useServers } from "./support/harness.js";

const servers = useServers(2);
const client = useClients();
const TOKEN = "sk-live-PARENT-TOKEN-1a2b";
const KEY = "ak-PARENT-KEY-3c4d";

function ok(...list: ReturnType<typeof servers>) {
  for (const s of list) s.route("/r", (_req, res) => res.end("ok"));
}

describe("extend({ baseUrl }) to another origin", () => {
  test("drops the inherited token and secret-named default headers; plain headers stay", async () => {
    const [a, b] = servers();
    ok(a!, b!);
    const parent = client({ baseUrl: a!.url, token: TOKEN, headers: { "x-api-key": KEY, "x-app": "demo" } });
    await parent.extend({ baseUrl: b!.url }).get("/r");
    const sent = b!.hits[0]!.headers;
    expect(sent.authorization).toBeUndefined();
    expect(sent["x-api-key"]).toBeUndefined();
    expect(sent["x-app"]).toBe("demo");
  });

  test("a token function is dropped too: it is never called for the other origin", async () => {
    const [a, b] = servers();
    ok(a!, b!);
    let calls = 0;
    const parent = client({ baseUrl: a!.url, token: () => (calls++, TOKEN) });
    await parent.extend({ baseUrl: b!.url }).get("/r");
    expect(calls).toBe(0);
    expect(b!.hits[0]!.headers.authorization).toBeUndefined();
  });

  test("credentials the child gives again are sent to its origin", async () => {
    const [a, b] = servers();
    ok(a!, b!);
    const parent = client({ baseUrl: a!.url, token: TOKEN, headers: { "x-api-key": KEY } });
    await parent.extend({ baseUrl: b!.url, token: "child-token", headers: { "x-api-key": "child-key" } }).get("/r");
    expect(b!.hits[0]!.headers.authorization).toBe("Bearer child-token");
    expect(b!.hits[0]!.headers["x-api-key"]).toBe("child-key");
  });

  test("a child on the same origin (another path) keeps them, and so do its own children", async () => {
    const [a] = servers();
    ok(a!);
    a!.route("/v2/r", (_req, res) => res.end("ok"));
    const parent = client({ baseUrl: a!.url, token: TOKEN, headers: { "x-api-key": KEY } });
    await parent.extend({ baseUrl: `${a!.url}/v2/` }).extend({ headers: { "x-more": "1" } }).get("r");
    expect(a!.hits[0]!.path).toBe("/v2/r");
    expect(a!.hits[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(a!.hits[0]!.headers["x-api-key"]).toBe(KEY);
  });

  test("a parent without baseUrl (token for any origin): a child with a baseUrl keeps it, scoped to that origin", async () => {
    const [a, b] = servers();
    ok(a!, b!);
    const child = client({ token: TOKEN }).extend({ baseUrl: a!.url });
    await child.get("/r");
    await child.get(`${b!.url}/r`);
    expect(a!.hits[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(b!.hits[0]!.headers.authorization).toBeUndefined();
  });
});
