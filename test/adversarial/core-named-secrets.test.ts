/**
 * Credentials by name, not only by pattern: the headers real services use that the word rule
 * (`*api-key*`, `*token*`, `*secret*`...) misses — Cloudflare's X-Auth-Key, Azure's
 * Ocp-Apim-Subscription-Key and x-functions-key, Datadog's DD-Application-Key... — are held to
 * every rule the pattern's names are: dropped on a redirect to another origin, dropped from an
 * extend() child on another origin, refused over plain http to a remote host, masked where a
 * server echoes them. And a secret query value on a redirect hop's URL is masked in the error
 * of the response it led to. Two loopback servers are two origins.
 */
import { describe, expect, test } from "vitest";
import { rejection, shownForms, useClients, useServers, type TestServer } from "./support/harness.js";

const servers = useServers(2);
const client = useClients();

/** The headers the issue names, and the rest of the vetted list (one value each). */
const NAMED = ["X-Auth-Key", "Ocp-Apim-Subscription-Key", "x-functions-key", "DD-Application-Key"];
const VETTED = [
  ...NAMED,
  "X-Auth-User-Service-Key",
  "aeg-sas-key",
  "X-Honeycomb-Team",
  "Fastly-Key",
  "X-License-Key",
  "X-Insert-Key",
  "X-Query-Key",
  "X-Sentry-Auth",
  "X-JFrog-Art-Api",
  "X-Parse-Master-Key",
  "X-Appwrite-Key",
  "x-amz-server-side-encryption-customer-key",
  "x-ms-encryption-key",
  "x-goog-encryption-key",
  "x-ms-copy-source-authorization",
  "X-Serverless-Authorization",
];
const valueOf = (name: string) => `cred-${name.toLowerCase()}-S3CR3T`;
const headersOf = (names: string[]) => Object.fromEntries(names.map((n) => [n, valueOf(n)]));

function ok(...list: TestServer[]) {
  for (const s of list) s.route("/r", (_req, res) => res.end("ok"));
}

describe("a redirect to another origin drops each vetted credential header", () => {
  test.each(VETTED)("%s: A gets it, B (after a 302) does not; an ordinary header still goes", async (name) => {
    const [a, b] = servers();
    ok(b!);
    a!.route("/start", (_req, res) => res.writeHead(302, { location: `${b!.url}/r` }).end());
    const api = client({ baseUrl: a!.url, retry: false });
    const response = await api.get("/start", { headers: { [name]: valueOf(name), "x-app": "demo" } });
    expect(await response.text()).toBe("ok");
    expect(a!.hits[0]!.headers[name.toLowerCase()]).toBe(valueOf(name)); // it was sent where it was meant to go
    expect(b!.hits[0]!.headers[name.toLowerCase()]).toBeUndefined();
    expect(b!.hits[0]!.headers["x-app"]).toBe("demo");
  });

  test("a redirect on the same origin keeps them all", async () => {
    const [a] = servers();
    ok(a!);
    a!.route("/start", (_req, res) => res.writeHead(307, { location: "/r" }).end());
    const api = client({ baseUrl: a!.url, retry: false });
    await api.get("/start", { headers: headersOf(VETTED) });
    for (const name of VETTED) expect(a!.hits[1]!.headers[name.toLowerCase()], name).toBe(valueOf(name));
  });
});

describe("an extend() child on another origin drops the parent's vetted credential headers", () => {
  test("none of them reaches B; a child on the same origin keeps them", async () => {
    const [a, b] = servers();
    ok(a!, b!);
    const parent = client({ baseUrl: a!.url, headers: { ...headersOf(VETTED), "x-app": "demo" } });
    await parent.extend({ baseUrl: b!.url }).get("/r");
    await parent.extend({ headers: { "x-more": "1" } }).get("/r");
    const atB = b!.hits[0]!.headers;
    expect(VETTED.filter((n) => atB[n.toLowerCase()] !== undefined)).toEqual([]);
    expect(atB["x-app"]).toBe("demo");
    const atA = a!.hits[0]!.headers;
    expect(VETTED.filter((n) => atA[n.toLowerCase()] !== valueOf(n))).toEqual([]);
  });

  test("a request of the parent to B's absolute URL: none of the defaults go either", async () => {
    const [a, b] = servers();
    ok(b!);
    const api = client({ baseUrl: a!.url, headers: headersOf(NAMED) });
    await api.get(`${b!.url}/r`);
    expect(NAMED.filter((n) => b!.hits[0]!.headers[n.toLowerCase()] !== undefined)).toEqual([]);
  });

  test("vetted query names given as client defaults (subscription-key, consumer_key) stay on the base origin", async () => {
    const [a, b] = servers();
    ok(a!, b!);
    const api = client({ baseUrl: a!.url, query: { "subscription-key": "SUBKEY-S3CR3T", consumer_key: "ck_S3CR3T", page: "1" } });
    await api.get("/r");
    await api.get(`${b!.url}/r`);
    expect(a!.hits[0]!.target).toContain("SUBKEY-S3CR3T");
    expect(b!.hits[0]!.target).not.toContain("S3CR3T");
    expect(b!.hits[0]!.target).toContain("page=1");
  });
});

describe("over plain http to a remote host, a vetted credential header is refused like x-api-key", () => {
  test.each(NAMED)("client default %s to http://api.example.com: TypeError naming headers, nothing sent", async (name) => {
    let calls = 0;
    const api = client({ headers: { [name]: valueOf(name) }, retry: false, fetch: async () => (calls++, new Response("ok")) });
    const error = await rejection(api.get("http://api.example.com/x"));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/"headers"/);
    expect(error.message).not.toContain(valueOf(name));
    expect(calls).toBe(0);
  });
});

describe("an error body echoing a vetted credential: masked", () => {
  test("a 401 quoting every vetted header value back", async () => {
    const [a] = servers();
    a!.route("/x", (req, res) => {
      const echoed = VETTED.map((n) => `${n}=${req.headers[n.toLowerCase()]}`).join(" ");
      res.writeHead(401, { "content-type": "text/plain" }).end(`denied: ${echoed}`);
    });
    const api = client({ baseUrl: a!.url, retry: false });
    const error = await rejection(api.get("/x", { headers: headersOf(VETTED) }));
    expect(error.status).toBe(401);
    expect(error.message).toContain("denied");
    for (const shown of await shownForms(error)) for (const name of VETTED) expect(shown, name).not.toContain(valueOf(name));
  });
});

describe("a secret query value on a redirect hop's URL", () => {
  const HOP_SECRET = "HOP-ACCESS-TOKEN-7f3a";

  test("302 to ?access_token=…, then a 500 echoing the URL: masked in message, String, JSON, inspect", async () => {
    const [a] = servers();
    a!.route("/start", (_req, res) => res.writeHead(302, { location: `/final?access_token=${HOP_SECRET}&page=2` }).end());
    a!.route("/final", (req, res) => res.writeHead(500, { "content-type": "text/plain" }).end(`internal error handling ${req.url}`));
    const api = client({ baseUrl: a!.url, retry: false });
    const error = await rejection(api.get("/start"));
    expect(error.status).toBe(500);
    expect(a!.hits[1]!.target).toContain(HOP_SECRET); // the hop really carried it
    expect(error.message).toContain("page=2"); // the echo is shown, masked
    for (const shown of await shownForms(error)) expect(shown).not.toContain(HOP_SECRET);
  });

  test("a secret inside another parameter's value (?next=/app?access_token=…), echoed decoded: masked, on a hop and on the first URL", async () => {
    const [a] = servers();
    a!.route("/start", (_req, res) => res.writeHead(302, { location: `/final?next=${encodeURIComponent(`/app?access_token=${HOP_SECRET}&tab=1`)}&page=2` }).end());
    a!.route("/final", (req, res) => res.writeHead(500, { "content-type": "text/plain" }).end(`cannot continue to ${new URL(req.url!, "http://x").searchParams.get("next")}`));
    const api = client({ baseUrl: a!.url, retry: false });
    const hop = await rejection(api.get("/start"));
    expect(hop.message).toContain("cannot continue to /app?access_token=");
    for (const shown of await shownForms(hop)) expect(shown).not.toContain(HOP_SECRET);
    const first = await rejection(api.get(`/final?next=/app?token=${HOP_SECRET}`));
    expect(first.message).toContain("cannot continue to /app?token=");
    for (const shown of await shownForms(first)) expect(shown).not.toContain(HOP_SECRET);
  });

  test("a hop to another origin, a status text echoing it too", async () => {
    const [a, b] = servers();
    a!.route("/start", (_req, res) => res.writeHead(307, { location: `${b!.url}/final?code=${HOP_SECRET}` }).end());
    b!.route("/final", (req, res) => res.writeHead(403, `Forbidden ${new URL(req.url!, "http://x").searchParams.get("code")}`, { "content-type": "text/plain" }).end(`no: ${req.url}`));
    const api = client({ baseUrl: a!.url, retry: false });
    const error = await rejection(api.get("/start"));
    expect(error.status).toBe(403);
    for (const shown of await shownForms(error)) expect(shown).not.toContain(HOP_SECRET);
  });

  test("the hop's final response is 200 but not JSON: the ParseError masks it too", async () => {
    const [a] = servers();
    a!.route("/start", (_req, res) => res.writeHead(302, { location: `/final?access_token=${HOP_SECRET}` }).end());
    a!.route("/final", (req, res) => res.writeHead(200, { "content-type": "text/html" }).end(`<p>welcome ${req.url}</p>`));
    const api = client({ baseUrl: a!.url, retry: false });
    const error = await rejection(api.get("/start").json());
    expect(error.name).toBe("ParseError");
    expect(error.message).toContain("welcome");
    for (const shown of await shownForms(error)) expect(shown).not.toContain(HOP_SECRET);
  });

  test("a beforeRequest hook that moves the request to a URL with ?token=…: masked as well", async () => {
    const [a] = servers();
    a!.route("/final", (req, res) => res.writeHead(500, { "content-type": "text/plain" }).end(`failed on ${req.url}`));
    const api = client({
      baseUrl: a!.url,
      retry: false,
      hooks: { beforeRequest: [(ctx) => new Request(`${a!.url}/final?token=${HOP_SECRET}`, { headers: ctx.request.headers })] },
    });
    const error = await rejection(api.get("/start"));
    expect(error.status).toBe(500);
    expect(a!.hits[0]!.target).toContain(HOP_SECRET);
    for (const shown of await shownForms(error)) expect(shown).not.toContain(HOP_SECRET);
  });
});

describe("a network error whose cause quotes a credential", () => {
  test("one cookie of several, a vetted header, a secret query value: masked as an HTTP error would mask them", async () => {
    const echo = async (input: Request | string, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      throw new TypeError(`proxy refused session ${headers.get("cookie")!.split("; ")[1]!.split("=")[1]} key ${headers.get("x-auth-key")} for ${new URL(String(input)).searchParams.get("ticket")}`);
    };
    const api = client({ retry: false, fetch: echo });
    const error = await rejection(api.get("http://127.0.0.1:1/x?ticket=ST-TICKET-S3CR3T", { headers: { cookie: "theme=dark; session_id=COOKIE-S3CR3T-9", "x-auth-key": "CF-KEY-S3CR3T" } }));
    expect(error.code).toBe("ERR_NETWORK");
    expect(error.message).toContain("proxy refused session");
    for (const shown of await shownForms(error)) expect(shown).not.toContain("S3CR3T");
  });

  test("on a redirect hop, quoting the hop's secret query value: masked as the hop's HTTP error masks it", async () => {
    // A proxy (or custom fetch) refusing the hop and saying why, with the ticket the Location carried.
    const hops = async (input: Request | string) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      if (url.pathname === "/start") return new Response(null, { status: 302, headers: { location: "/final?ticket=HOP-TICKET-S3CR3T&page=2" } });
      throw new TypeError(`proxy refused ticket ${url.searchParams.get("ticket")} (page ${url.searchParams.get("page")})`);
    };
    const api = client({ retry: false, fetch: hops });
    const error = await rejection(api.get("https://api.example.com/start"));
    expect(error.code).toBe("ERR_NETWORK");
    expect(error.message).toContain("proxy refused ticket"); // the cause is shown, masked
    expect(error.message).toContain("(page 2)");
    for (const shown of await shownForms(error)) expect(shown).not.toContain("S3CR3T");
  });
});
