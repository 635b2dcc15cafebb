/**
 * Redirects followed by the client (Node: fetch with redirect "manual" underneath). Two loopback
 * servers are two origins: A (the base) and B (elsewhere). Credentials never cross to B; a
 * downgrade to plain http with credentials is refused (https simulated with a custom fetch);
 * 303 turns into GET; 307/308 send the same bytes again, a stream body is refused; loops stop.
 */
import { describe, expect, test } from "vitest";
import type { IncomingMessage } from "node:http";
import { readBody, rejection, useClients, useServers, type TestServer } from "./support/harness.js";
import { paginate } from "../../src/index.js";

const servers = useServers(2);
const client = useClients();

const SECRETS = { cookie: "sid=cookie-secret-1", "proxy-authorization": "Basic cHJveHk6c2VjcmV0", "x-api-key": "key-secret-2", "x-auth-token": "auth-secret-3" };
const SECRET_NAMES = ["authorization", "cookie", "proxy-authorization", "x-api-key", "x-auth-token"];
const TOKEN = "tok-secret-0";

/** Records what each landing request carried. */
function landing(s: TestServer, path = "/land") {
  const seen: { method: string; headers: IncomingMessage["headers"]; body: Buffer }[] = [];
  s.route(path, async (req, res) => {
    seen.push({ method: req.method!, headers: req.headers, body: await readBody(req) });
    res.writeHead(200, { "content-type": "text/plain" }).end("landed");
  });
  return seen;
}

function redirect(s: TestServer, path: string, status: number, location: string, readFirst = true) {
  s.route(path, async (req, res) => {
    if (readFirst) await readBody(req);
    res.writeHead(status, { location }).end(`go to ${location}`);
  });
}

const present = (headers: IncomingMessage["headers"]) => SECRET_NAMES.filter((n) => headers[n] !== undefined);

describe("a hop to another origin drops every credential", () => {
  test.each([301, 302, 303, 307, 308])("GET + %d to B: B sees no Authorization, Cookie, Proxy-Authorization, x-api-key, x-auth-token", async (status) => {
    const [a, b] = servers();
    const seen = landing(b!);
    redirect(a!, "/start", status, `${b!.url}/land`);
    const api = client({ baseUrl: a!.url, token: TOKEN, retry: false });
    const response = await api.get("/start", { headers: { ...SECRETS, "x-app": "demo" } });
    expect(await response.text()).toBe("landed");
    expect(response.url).toBe(`${b!.url}/land`);
    expect(response.redirected).toBe(true);
    expect(seen).toHaveLength(1);
    expect(present(seen[0]!.headers)).toEqual([]);
    expect(seen[0]!.headers["x-app"]).toBe("demo"); // ordinary headers still go
  });

  test("POST with a body + 307 to B: B gets the body, not the credentials", async () => {
    const [a, b] = servers();
    const seen = landing(b!);
    redirect(a!, "/start", 307, `${b!.url}/land`);
    const api = client({ baseUrl: a!.url, token: TOKEN, retry: false });
    await api.post("/start", { body: "the-payload", headers: SECRETS });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe("POST");
    expect(seen[0]!.body.toString()).toBe("the-payload");
    expect(present(seen[0]!.headers)).toEqual([]);
  });

  test("other secret-named headers (x-goog-api-key, x-session-id, x-amz-security-token) are dropped too", async () => {
    const [a, b] = servers();
    const seen = landing(b!);
    redirect(a!, "/start", 302, `${b!.url}/land`);
    const api = client({ baseUrl: a!.url, retry: false });
    await api.get("/start", { headers: { "x-goog-api-key": "g-secret", "x-session-id": "s-secret", "x-amz-security-token": "amz-secret", "X-Client-Secret": "c-secret" } });
    const h = seen[0]!.headers;
    expect([h["x-goog-api-key"], h["x-session-id"], h["x-amz-security-token"], h["x-client-secret"]]).toEqual([undefined, undefined, undefined, undefined]);
  });

  test("A -> B -> A: credentials dropped on the way out stay dropped", async () => {
    const [a, b] = servers();
    const seen = landing(a!);
    redirect(a!, "/start", 302, `${b!.url}/bounce`);
    redirect(b!, "/bounce", 302, `${a!.url}/land`);
    const api = client({ baseUrl: a!.url, token: TOKEN, retry: false });
    await api.get("/start", { headers: SECRETS });
    expect(b!.hits[0]!.headers.authorization).toBeUndefined();
    expect(present(seen[0]!.headers)).toEqual([]);
  });
});

describe("a hop inside the same origin keeps them", () => {
  test.each([302, 307])("%d to A: every credential arrives", async (status) => {
    const [a] = servers();
    const seen = landing(a!);
    redirect(a!, "/start", status, "/land");
    const api = client({ baseUrl: a!.url, token: TOKEN, retry: false });
    await api.get("/start", { headers: SECRETS });
    const h = seen[0]!.headers;
    expect(h.authorization).toBe(`Bearer ${TOKEN}`);
    expect([h.cookie, h["proxy-authorization"], h["x-api-key"], h["x-auth-token"]]).toEqual(Object.values(SECRETS));
  });
});

describe("methods and bodies across hops", () => {
  test.each([
    [303, "POST"],
    [303, "PUT"],
    [302, "POST"],
    [301, "POST"],
  ])("%d after %s: a GET without body or body headers", async (status, method) => {
    const [a] = servers();
    const seen = landing(a!);
    redirect(a!, "/start", status, "/land");
    const api = client({ baseUrl: a!.url, retry: false });
    await api.request(method, "/start", { json: { big: "payload" } });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe("GET");
    expect(seen[0]!.body.byteLength).toBe(0);
    expect(seen[0]!.headers["content-type"]).toBeUndefined();
    expect(seen[0]!.headers["content-length"]).toBeUndefined();
  });

  const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7 + 3) & 0xff);
  test.each([
    [307, "POST"],
    [308, "PUT"],
    [307, "PATCH"],
  ])("%d after %s: the same method and the same bytes", async (status, method) => {
    const [a, b] = servers();
    const seen = landing(b!);
    redirect(a!, "/start", status, `${b!.url}/land`);
    const api = client({ baseUrl: a!.url, retry: false });
    await api.request(method, "/start", { body: bytes });
    expect(seen[0]!.method).toBe(method);
    expect(Buffer.compare(seen[0]!.body, Buffer.from(bytes))).toBe(0);
  });

  test("a stream body + 307: RedirectError (ERR_REDIRECT), the body was sent once", async () => {
    const [a] = servers();
    const seen = landing(a!);
    const received: Buffer[] = [];
    a!.route("/start", async (req, res) => {
      received.push(await readBody(req));
      res.writeHead(307, { location: "/land" }).end();
    });
    const api = client({ baseUrl: a!.url, retry: { maxRetries: 3, minDelay: 1, budget: false } });
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode("stream-"));
        c.enqueue(new TextEncoder().encode("body"));
        c.close();
      },
    });
    const error = await rejection(api.put("/start", { body }));
    expect(error.name).toBe("RedirectError");
    expect(error.code).toBe("ERR_REDIRECT");
    expect(received.map(String)).toEqual(["stream-body"]);
    expect(seen).toHaveLength(0);
  });
});

describe("hop limit and bad targets", () => {
  test("a redirect loop stops at 20 hops with RedirectError, never retried", async () => {
    const [a] = servers();
    redirect(a!, "/loop", 302, "/loop");
    const api = client({ baseUrl: a!.url, retry: { maxRetries: 3, minDelay: 1, budget: false } });
    const error = await rejection(api.get("/loop"));
    expect(error.code).toBe("ERR_REDIRECT");
    expect(error.message).toMatch(/20/);
    expect(a!.hits).toHaveLength(21); // the request and 20 hops
  });

  test("a loop across two origins stops at the same limit", async () => {
    const [a, b] = servers();
    redirect(a!, "/ping", 302, `${b!.url}/pong`);
    redirect(b!, "/pong", 307, `${a!.url}/ping`);
    const api = client({ baseUrl: a!.url, retry: false });
    const error = await rejection(api.get("/ping"));
    expect(error.code).toBe("ERR_REDIRECT");
    expect(a!.hits.length + b!.hits.length).toBe(21);
  });

  test.each(["file:///etc/passwd", "data:text/plain,hi", "javascript:alert(1)"])("a Location of %s is refused", async (location) => {
    const [a] = servers();
    redirect(a!, "/start", 302, location);
    const api = client({ baseUrl: a!.url, retry: false });
    expect((await rejection(api.get("/start"))).code).toBe("ERR_REDIRECT");
  });

  test("a Location with user:password@ is refused, the password not shown", async () => {
    const [a, b] = servers();
    landing(b!);
    redirect(a!, "/start", 302, `http://user:pa55w0rd-hidden@127.0.0.1:${b!.port}/land`);
    const api = client({ baseUrl: a!.url, retry: false });
    const error = await rejection(api.get("/start"));
    expect(error.code).toBe("ERR_REDIRECT");
    expect(JSON.stringify(error) + String(error)).not.toContain("pa55w0rd-hidden");
    expect(b!.hits).toHaveLength(0);
  });
});

describe("https -> http downgrade (https simulated by a custom fetch)", () => {
  function fakeFetch(routes: Record<string, () => Response>) {
    const calls: { url: string; headers: Record<string, string> }[] = [];
    const fetch = async (input: Request | string, init?: RequestInit) => {
      const url = typeof input === "string" ? input : input.url;
      const headers: Record<string, string> = {};
      new Headers(init?.headers ?? (typeof input === "string" ? undefined : input.headers)).forEach((v, k) => (headers[k] = v));
      calls.push({ url, headers });
      const route = routes[url];
      return route ? route() : new Response("not found", { status: 404 });
    };
    return { fetch, calls };
  }
  const routes = () => ({
    "https://api.example.test/start": () => new Response(null, { status: 302, headers: { location: "http://cdn.example.test/file" } }),
    "http://cdn.example.test/file": () => new Response("plain"),
  });

  test("with a token: refused (RedirectError), nothing sent over http", async () => {
    const f = fakeFetch(routes());
    const api = client({ baseUrl: "https://api.example.test", token: TOKEN, fetch: f.fetch, retry: false });
    const error = await rejection(api.get("/start"));
    expect(error.code).toBe("ERR_REDIRECT");
    expect(f.calls.map((c) => c.url)).toEqual(["https://api.example.test/start"]);
  });

  test("with a client default x-api-key: refused too", async () => {
    const f = fakeFetch(routes());
    const api = client({ baseUrl: "https://api.example.test", headers: { "x-api-key": "key-secret-2" }, fetch: f.fetch, retry: false });
    expect((await rejection(api.get("/start"))).code).toBe("ERR_REDIRECT");
    expect(f.calls).toHaveLength(1);
  });

  test("with allowHttp: followed, and the credentials still dropped (another origin)", async () => {
    const f = fakeFetch(routes());
    const api = client({ baseUrl: "https://api.example.test", token: TOKEN, allowHttp: true, fetch: f.fetch, retry: false });
    expect(await api.get("/start").text()).toBe("plain");
    expect(f.calls.map((c) => c.url)).toEqual(["https://api.example.test/start", "http://cdn.example.test/file"]);
    expect(f.calls[1]!.headers.authorization).toBeUndefined();
  });

  test("a POST body on a 307 to plain http (no credentials): refused, the body not sent in clear", async () => {
    const calls: string[] = [];
    const fetch = async (input: Request | string) => {
      const url = typeof input === "string" ? input : input.url;
      calls.push(url);
      return url.startsWith("https:") ? new Response(null, { status: 307, headers: { location: "http://cdn.example.test/upload" } }) : new Response("stored");
    };
    const api = client({ baseUrl: "https://api.example.test", fetch, retry: false });
    expect((await rejection(api.post("/upload", { body: "private data" }))).code).toBe("ERR_REDIRECT");
    expect(calls).toEqual(["https://api.example.test/upload"]);
  });

  test("without credentials or body: followed", async () => {
    const f = fakeFetch(routes());
    const api = client({ baseUrl: "https://api.example.test", fetch: f.fetch, retry: false });
    expect(await api.get("/start").text()).toBe("plain");
    expect(f.calls).toHaveLength(2);
  });
});

describe("the client's own credentials stay on the base origin", () => {
  test("client default x-api-key and token are not sent to an absolute URL on another origin", async () => {
    const [a, b] = servers();
    const seen = landing(b!);
    const api = client({ baseUrl: a!.url, token: TOKEN, headers: { "x-api-key": "key-secret-2", "x-app": "demo" }, retry: false });
    await api.get(`${b!.url}/land`);
    expect(present(seen[0]!.headers)).toEqual([]);
    expect(seen[0]!.headers["x-app"]).toBe("demo");
  });

  test("an extend() child's default secret header is kept off other origins too", async () => {
    const [a, b] = servers();
    const seen = landing(b!);
    const api = client({ baseUrl: a!.url }).extend({ headers: { "x-auth-token": "child-secret" } });
    await api.get(`${b!.url}/land`);
    await api.close();
    expect(seen[0]!.headers["x-auth-token"]).toBeUndefined();
  });

  test("a request's own x-api-key to another origin is the caller's choice: sent", async () => {
    const [a, b] = servers();
    const seen = landing(b!);
    const api = client({ baseUrl: a!.url, headers: { "x-api-key": "default-key" }, retry: false });
    await api.get(`${b!.url}/land`, { headers: { "x-api-key": "explicit-key" } });
    expect(seen[0]!.headers["x-api-key"]).toBe("explicit-key");
  });

  test("a paginate next link to another origin gets neither token nor default secret headers", async () => {
    const [a, b] = servers();
    a!.route("/page1", (_req, res) => res.writeHead(200, { "content-type": "application/json", link: `<${b!.url}/page2>; rel="next"` }).end("[1]"));
    b!.route("/page2", (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end("[2]"));
    const api = client({ baseUrl: a!.url, token: TOKEN, headers: { "x-api-key": "key-secret-2" }, retry: false });
    const items: unknown[] = [];
    for await (const item of paginate(api, "/page1")) items.push(item);
    expect(items).toEqual([1, 2]);
    expect(a!.hits[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(present(b!.hits[0]!.headers)).toEqual([]);
  });
});

describe("token refresh", () => {
  test("a 401 from another origin after a redirect never refreshes the token", async () => {
    const [a, b] = servers();
    redirect(a!, "/start", 302, `${b!.url}/denied`);
    b!.route("/denied", (_req, res) => res.writeHead(401).end("who are you"));
    const asked: boolean[] = [];
    const api = client({ baseUrl: a!.url, token: ({ refresh }) => (asked.push(refresh), TOKEN), retry: false });
    const error = await rejection(api.get("/start"));
    expect(error.status).toBe(401);
    expect(asked).toEqual([false]);
    expect(a!.hits).toHaveLength(1);
    expect(b!.hits).toHaveLength(1);
  });

  test("control: a 401 from the base origin after a same-origin redirect does refresh", async () => {
    const [a] = servers();
    redirect(a!, "/start", 302, "/denied");
    a!.route("/denied", (req, res) => (req.headers.authorization === "Bearer fresh" ? res.writeHead(200).end("ok") : res.writeHead(401).end("stale")));
    const asked: boolean[] = [];
    const api = client({ baseUrl: a!.url, token: ({ refresh }) => (asked.push(refresh), refresh ? "fresh" : "stale"), retry: false });
    expect(await api.get("/start").text()).toBe("ok");
    expect(asked).toEqual([false, true]);
  });
});

describe("every hop inside the attempt's timeout", () => {
  test("slow hops add up to one attempt's timeout", async () => {
    const [a] = servers();
    a!.route("/hop", (req, res) => {
      const n = Number(new URL(req.url!, "http://x").searchParams.get("n") ?? 0);
      a!.later(80, () => res.writeHead(302, { location: `/hop?n=${n + 1}` }).end());
    });
    const api = client({ baseUrl: a!.url, retry: false });
    const started = performance.now();
    const error = await rejection(api.get("/hop", { timeout: 200 }));
    expect(error.code).toBe("ERR_TIMEOUT");
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(a!.hits.length).toBeLessThanOrEqual(4);
  });
});
