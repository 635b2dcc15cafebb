/**
 * The extend() origin rule, attacked at its edges: what counts as the same origin (case, the
 * default port, IPv6 spellings), a grandchild returning to the first origin, options objects
 * with inherited properties (the options are read as own properties only: nothing inherited may
 * decide what the child keeps), a child that removes Authorization, and a header set by a hook.
 * A recording fetch on https URLs: the origin arithmetic is the point, not the sockets (the
 * loopback version is core-extend-secrets.test.ts). Both factories: the rule is the config's.
 */
import { describe, expect, test } from "vitest";
import { createClient, type Client, type ClientOptions } from "../../src/index.js";

const TOKEN = "sk-live-PARENT-TOKEN-9z8y";
const KEY = "ak-PARENT-KEY-7x6w";

/** A fetch that records what each request carried. */
function recorder() {
  const sent: { url: string; authorization: string | null; key: string | null }[] = [];
  const fetch = async (input: Request | string, init?: RequestInit) => {
    const request = typeof input === "string" ? new Request(input, init) : input;
    const headers = new Headers(init?.headers ?? request.headers);
    sent.push({ url: request.url, authorization: headers.get("authorization"), key: headers.get("x-api-key") });
    return new Response("ok");
  };
  return { fetch, sent };
}

const FACTORIES = [["createClient", createClient]] as const;

describe.each(FACTORIES)("%s: extend({ baseUrl }) and the origin", (_name, factory) => {
  function parent(extra: ClientOptions = {}) {
    const r = recorder();
    const api = factory({ baseUrl: "https://api.test/v1/", token: TOKEN, headers: { "x-api-key": KEY }, fetch: r.fetch, ...extra }) as Client;
    return { api, sent: r.sent };
  }

  test.each([
    ["upper case scheme and host", "HTTPS://API.TEST/v2/"],
    ["the default port spelled out", "https://api.test:443/v2/"],
  ])("same origin (%s): keeps the token and the secret headers", async (_label, baseUrl) => {
    const { api, sent } = parent();
    await api.extend({ baseUrl }).get("r");
    expect(sent[0]).toEqual({ url: "https://api.test/v2/r", authorization: `Bearer ${TOKEN}`, key: KEY });
  });

  test.each([
    ["another port", "https://api.test:8443/"],
    ["plain http on the same host", "http://api.test/"],
    ["a subdomain", "https://eu.api.test/"],
  ])("another origin (%s): drops them", async (_label, baseUrl) => {
    const { api, sent } = parent({ allowHttp: true });
    await api.extend({ baseUrl }).get("r");
    expect(sent[0]).toMatchObject({ authorization: null, key: null });
  });

  test("IPv6: the same address spelled long and short is the same origin", async () => {
    const r = recorder();
    const api = factory({ baseUrl: "https://[::1]:8443/", token: TOKEN, fetch: r.fetch });
    await api.extend({ baseUrl: "https://[0:0:0:0:0:0:0:1]:8443/v2/" }).get("r");
    await api.extend({ baseUrl: "https://[::2]:8443/" }).get("r");
    expect(r.sent.map((s) => s.authorization)).toEqual([`Bearer ${TOKEN}`, null]);
  });

  test("a grandchild back on the first origin does not get the token back from its grandparent", async () => {
    // The child holds no credential, so nothing it is handed to can extend it back into one.
    const { api, sent } = parent();
    const away = api.extend({ baseUrl: "https://other.test/" });
    await away.extend({ baseUrl: "https://api.test/v1/" }).get("r");
    expect(sent[0]).toMatchObject({ url: "https://api.test/v1/r", authorization: null, key: null });
  });

  test("a token inherited by the child's options object (not its own property) does not keep the parent's token", async () => {
    const { api, sent } = parent();
    const options = Object.assign(Object.create({ token: "from-a-prototype" }) as ClientOptions, { baseUrl: "https://other.test/" });
    await api.extend(options).get("r");
    expect(sent[0]!.authorization).toBeNull();
  });

  test("options merged from JSON with Object.assign (a \"__proto__\" key sets the prototype) keep no token for another origin", async () => {
    const { api, sent } = parent();
    const options = Object.assign({ baseUrl: "https://other.test/" }, JSON.parse('{"__proto__": {"token": "x", "headers": {"x-api-key": "y"}}}')) as ClientOptions;
    await api.extend(options).get("r");
    expect(sent[0]).toMatchObject({ url: "https://other.test/r", authorization: null, key: null });
  });

  test("headers inherited by the child's options object are not read when it moves (nor when it stays)", async () => {
    const { api, sent } = parent();
    const inherited = () => Object.create({ headers: { "x-api-key": "from-a-prototype" } }) as ClientOptions;
    await api.extend(Object.assign(inherited(), { baseUrl: "https://other.test/" })).get("r");
    await api.extend(inherited()).get("r");
    expect(sent.map((s) => s.key)).toEqual([null, KEY]);
  });

  test("tier lengths and a retry budget inherited by the child's options object are not read", async () => {
    const slow = factory({ fetch: () => new Promise<Response>((resolve) => setTimeout(() => resolve(new Response("late")), 40)), retry: false });
    const child = slow.extend(Object.create({ timeouts: { medium: 1 }, retry: { budget: { ratio: 0 } } }) as ClientOptions);
    expect(await child.get("https://api.test/slow").text()).toBe("late");
  });

  test("a child that sets headers: { authorization: undefined } sends no Authorization: the token was its default", async () => {
    const { api, sent } = parent();
    const child = api.extend({ headers: { authorization: undefined } });
    await child.get("r");
    await child.extend({ headers: { "x-more": "1" } }).get("r");
    await child.extend({ token: "child-token" }).get("r");
    expect(sent.map((s) => s.authorization)).toEqual([null, null, "Bearer child-token"]);
    expect(sent[0]!.key).toBe(KEY);
  });

  test("a header a parent's hook sets is the hook's: it runs for the child's origin too (a hook sees ctx.url)", async () => {
    const r = recorder();
    const api = factory({
      baseUrl: "https://api.test/",
      fetch: r.fetch,
      hooks: { beforeRequest: [({ request, url }) => void (new URL(url).origin === "https://api.test" && request.headers.set("authorization", `Bearer ${TOKEN}`))] },
    });
    await api.extend({ baseUrl: "https://other.test/" }).get("r");
    await api.get("r");
    expect(r.sent.map((s) => s.authorization)).toEqual([null, `Bearer ${TOKEN}`]);
  });
});
