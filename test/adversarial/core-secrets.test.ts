/**
 * Secrets never shown: an error body (or status text) that echoes the request's credentials is
 * masked in message, String(), JSON.stringify() and util.inspect(); a URL with user:password@
 * is refused before sending with a TypeError naming the option, the password not in it; secret
 * query values never reach a message.
 */
import { describe, expect, test } from "vitest";
import { createClient } from "../../src/index.js";
import { closedPort, rejection, shownForms, useClients, useServers, type TestServer } from "./support/harness.js";

const servers = useServers(1);
const client = useClients();
const TOKEN = "sk-live-TOKENVALUE-9f8e7d";
const API_KEY = "ak-APIKEYVALUE-1234";
const COOKIE = "sess-COOKIEVALUE-5678";

async function expectHidden(error: unknown, ...secrets: string[]): Promise<void> {
  for (const shown of await shownForms(error)) for (const secret of secrets) expect(shown).not.toContain(secret);
}

/** A route that echoes the request's credentials in its body (and optionally its status text). */
function echoing(s: TestServer, status: number, statusText?: string) {
  s.route("/x", (req, res) => {
    const body = `invalid credentials: ${req.headers.authorization ?? ""} with key ${req.headers["x-api-key"] ?? ""}; cookie ${req.headers.cookie ?? ""}; raw token ${TOKEN}`;
    if (statusText) res.writeHead(status, statusText, { "content-type": "text/plain" });
    else res.writeHead(status, { "content-type": "text/plain" });
    res.end(body);
  });
}

describe("an error body echoing the credentials", () => {
  test("a 401 echoing Bearer <token> and the x-api-key value: neither in message, String, JSON, inspect", async () => {
    const [s] = servers();
    echoing(s!, 401);
    const api = client({ baseUrl: s!.url, token: TOKEN, headers: { "x-api-key": API_KEY }, retry: false });
    const error = await rejection(api.get("/x"));
    expect(error.status).toBe(401);
    expect(error.message).toContain("invalid credentials"); // the body is shown, masked
    await expectHidden(error, TOKEN, API_KEY);
  });

  test("a token function, a cookie, after retries of a 503: still masked", async () => {
    const [s] = servers();
    echoing(s!, 503);
    const api = client({ baseUrl: s!.url, token: async () => TOKEN, retry: { maxRetries: 2, minDelay: 1, budget: false } });
    const error = await rejection(api.get("/x", { headers: { "x-api-key": API_KEY, cookie: `sid=${COOKIE}` } }));
    expect(error.attempts).toBe(3);
    await expectHidden(error, TOKEN, API_KEY, COOKIE);
  });

  test("a status text echoing the token: masked", async () => {
    const [s] = servers();
    echoing(s!, 403, `Forbidden for ${TOKEN}`);
    const api = client({ baseUrl: s!.url, token: TOKEN, retry: false });
    const error = await rejection(api.get("/x"));
    await expectHidden(error, TOKEN);
  });

  test("a secret query value echoed in the body: masked", async () => {
    const [s] = servers();
    s!.route("/x", (req, res) => res.writeHead(400).end(`bad request ${req.url}`));
    const api = client({ baseUrl: s!.url, retry: false });
    const error = await rejection(api.get("/x", { query: { api_key: "QUERYSECRET-abc", page: "2" } }));
    expect(error.message).toContain("page=2");
    await expectHidden(error, "QUERYSECRET-abc");
  });

  test("a beforeError hook sees the masked error too (it may log it)", async () => {
    const [s] = servers();
    echoing(s!, 401);
    const logged: string[] = [];
    const api = client({
      baseUrl: s!.url,
      token: TOKEN,
      retry: false,
      hooks: { beforeError: [(e) => void logged.push(String(e), JSON.stringify(e))] },
    });
    await rejection(api.get("/x"));
    expect(logged.join("\n")).not.toContain(TOKEN);
  });
});

describe("URLs with user:password@", () => {
  const PASSWORD = "hunter2-PASSWORD-xyz";

  test("as the request URL: TypeError naming url, password not shown, nothing sent", async () => {
    const [s] = servers();
    const api = client({ retry: false });
    const error = await rejection(api.get(`http://user:${PASSWORD}@127.0.0.1:${s!.port}/x`));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/"url"/);
    await expectHidden(error, PASSWORD);
    expect(s!.hits).toHaveLength(0);
  });

  test("with a percent-encoded password: not shown either way", async () => {
    const [s] = servers();
    const api = client({ retry: false });
    const error = await rejection(api.get(`http://user:p%40ss-${PASSWORD}@127.0.0.1:${s!.port}/x`));
    expect(error).toBeInstanceOf(TypeError);
    await expectHidden(error, PASSWORD, `p@ss-${PASSWORD}`);
    expect(s!.hits).toHaveLength(0);
  });

  test("through api.fetch: rejects with a TypeError, password not shown, nothing sent", async () => {
    const [s] = servers();
    const api = client({ retry: false });
    const error = await rejection(api.fetch(`http://user:${PASSWORD}@127.0.0.1:${s!.port}/x`));
    expect(error).toBeInstanceOf(TypeError);
    await expectHidden(error, PASSWORD);
    expect(s!.hits).toHaveLength(0);
  });
});

describe("secret query values in network and timeout errors", () => {
  test.each(["api_key", "access_token", "token", "signature", "client_secret", "password"])("?%s=… is masked in a NetworkError", async (name) => {
    const port = await closedPort();
    const api = client({ retry: false });
    const error = await rejection(api.get(`http://127.0.0.1:${port}/x?${name}=QSECRET-${name}-1&page=1`));
    expect(error.code).toBe("ERR_NETWORK");
    await expectHidden(error, `QSECRET-${name}-1`);
  });

  test("a TimeoutError of a URL with ?access_token=: masked", async () => {
    const [s] = servers();
    s!.route("/x", () => {});
    const api = client({ baseUrl: s!.url, retry: false });
    const error = await rejection(api.get("/x", { timeout: 50, query: { access_token: "QSECRET-timeout" } }));
    expect(error.code).toBe("ERR_TIMEOUT");
    await expectHidden(error, "QSECRET-timeout");
  });
});

describe("credentials over plain http only to loopback", () => {
  const fakeFetch = () => {
    let calls = 0;
    return { fetch: async () => (calls++, new Response("ok")), calls: () => calls };
  };
  test.each(["localhost.evil.example", "127.0.0.1.nip.io", "0.0.0.0", "example.com", "[::ffff:127.0.0.1]"])("a token to http://%s: TypeError naming token, nothing sent", async (host) => {
    const f = fakeFetch();
    const api = client({ token: TOKEN, retry: false, fetch: f.fetch });
    const error = await rejection(api.get(`http://${host}/x`));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/"token"/);
    expect(f.calls()).toBe(0);
  });

  test("a client default x-api-key to a plain-http remote: TypeError naming headers, nothing sent", async () => {
    const f = fakeFetch();
    const api = client({ headers: { "x-api-key": API_KEY }, retry: false, fetch: f.fetch });
    expect((await rejection(api.get("http://api.example.com/x"))).message).toMatch(/"headers"/);
    expect(f.calls()).toBe(0);
  });

  test.each(["localhost", "LOCALHOST", "app.localhost", "127.0.0.1", "127.1", "[::1]"])("a token to http://%s (loopback): sent", async (host) => {
    const f = fakeFetch();
    const api = client({ token: TOKEN, retry: false, fetch: f.fetch });
    expect((await api.get(`http://${host}/x`)).status).toBe(200);
    expect(f.calls()).toBe(1);
  });
});

describe("the token never goes to a look-alike origin", () => {
  test.each([
    "https://api.example.com.evil.net/x",
    "https://api.example.com:8443/x",
    "http://api.example.com/x",
    "https://evil.net\\@api.example.com/x",
    "https://evil.net/api.example.com/x",
    "https://xn--api-example-com.evil.net/x",
    "HTTPS://EVIL.NET/x",
  ])("%s: no Authorization, no default x-api-key (or refused)", async (url) => {
    const sent: (string | null)[] = [];
    const fetch = async (input: Request | string, init?: RequestInit) => {
      const headers = new Headers(init?.headers ?? (typeof input === "string" ? undefined : input.headers));
      sent.push(headers.get("authorization") ?? headers.get("x-api-key"));
      return new Response("ok");
    };
    const api = client({ baseUrl: "https://api.example.com", token: TOKEN, headers: { "x-api-key": API_KEY }, fetch, retry: false });
    await api.get(url).catch((e: unknown) => expect(e).toBeInstanceOf(TypeError));
    expect(sent.filter((v) => v !== null)).toEqual([]);
  });

  test("control: the base origin itself, absolute, gets both", async () => {
    const sent: (string | null)[] = [];
    const fetch = async (_input: Request | string, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      sent.push(headers.get("authorization"), headers.get("x-api-key"));
      return new Response("ok");
    };
    const api = client({ baseUrl: "https://api.example.com/v2", token: TOKEN, headers: { "x-api-key": API_KEY }, fetch, retry: false });
    await api.get("https://API.example.com/other/path");
    expect(sent).toEqual([`Bearer ${TOKEN}`, API_KEY]);
  });
});

describe("stats never hold a secret", () => {
  test("after failed calls with a token, a key and a secret query", async () => {
    const [s] = servers();
    echoing(s!, 401);
    const api = client({ baseUrl: s!.url, token: TOKEN, headers: { "x-api-key": API_KEY }, retry: false });
    await rejection(api.get("/x", { query: { api_key: "QSECRET-stats" } }));
    const shown = JSON.stringify(api.stats);
    for (const secret of [TOKEN, API_KEY, "QSECRET-stats"]) expect(shown).not.toContain(secret);
  });

  test("createClient's own errors do not quote a secret header value", () => {
    let message = "";
    try {
      createClient({ headers: { "x-api-key": `${API_KEY}\n` + "x" } });
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/headers/);
    expect(message).not.toContain(API_KEY);
  });
});
