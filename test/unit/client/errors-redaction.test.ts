import { inspect } from "node:util";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import {
  createClient, HttpError, type ClientOptions, isHttpError, isNetworkError, isTierfetchError, isTimeoutError, NetworkError, TierfetchError, TimeoutError,
} from "../../../src/index.js";
import { hang, replies, useMockServer, waitForRequests } from "../helpers/msw.js";

const { server, seen } = useMockServer();

describe("error classes", () => {
  it("HttpError is a TierfetchError with code ERR_HTTP, status and response", async () => {
    server.use(http.get("https://api.test/r", replies(404)));
    const error = await createClient({ baseUrl: "https://api.test" }).get("r").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toBeInstanceOf(TierfetchError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: "HttpError", code: "ERR_HTTP", status: 404, attempts: 1 });
    expect((error as HttpError).response).toBeInstanceOf(Response);
    expect((error as HttpError).response.status).toBe(404);
    expect((error as HttpError).request).toBeInstanceOf(Request);
  });

  it("NetworkError has code ERR_NETWORK and the runtime's error as cause", async () => {
    server.use(http.get("https://api.test/r", replies("network-error")));
    const error = await createClient({ baseUrl: "https://api.test", retry: 0 }).get("r").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toBeInstanceOf(TierfetchError);
    expect(error).toMatchObject({ name: "NetworkError", code: "ERR_NETWORK", attempts: 1 });
    expect((error as NetworkError).cause).toBeInstanceOf(TypeError);
  });

  it("NetworkError's cause is exactly what an injected fetch threw", async () => {
    const thrown = new TypeError("connect ECONNREFUSED 127.0.0.1:1");
    const error = await createClient({ baseUrl: "https://api.test", retry: 0, fetch: async () => { throw thrown; } }).get("r").catch((e: unknown) => e);
    expect((error as NetworkError).cause).toBe(thrown);
    expect((error as Error).message).toContain("ECONNREFUSED");
  });

  it("TimeoutError is a TierfetchError with code ERR_TIMEOUT", async () => {
    server.use(http.get("https://api.test/r", () => hang()));
    const error = await createClient({ baseUrl: "https://api.test", retry: 0 }).get("r", { timeout: 15 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toBeInstanceOf(TierfetchError);
    expect(error).toMatchObject({ name: "TimeoutError", code: "ERR_TIMEOUT", timeout: 15, attempts: 1 });
  });
});

describe("HttpError message and body", () => {
  it("holds the method, the URL, the status and the first 200 characters of the body", async () => {
    const body = `${"a".repeat(200)}${"Z".repeat(100)}`;
    server.use(http.post("https://api.test/things", () => new HttpResponse(body, { status: 422 })));
    const error = (await createClient({ baseUrl: "https://api.test" }).post("things", { json: {} }).catch((e: unknown) => e)) as HttpError;
    expect(error.message).toContain("POST");
    expect(error.message).toContain("https://api.test/things");
    expect(error.message).toContain("422");
    expect(error.message).toContain("a".repeat(200));
    expect(error.message).not.toContain("Z");
  });

  it("holds a short body whole", async () => {
    server.use(http.get("https://api.test/r", () => HttpResponse.json({ error: "no such user" }, { status: 404 })));
    const error = (await createClient({ baseUrl: "https://api.test" }).get("r").catch((e: unknown) => e)) as HttpError;
    expect(error.message).toContain('{"error":"no such user"}');
  });

  it("counts characters, not bytes, in the excerpt", async () => {
    const body = `${"é".repeat(200)}${"Z".repeat(10)}`;
    server.use(http.get("https://api.test/r", () => new HttpResponse(body, { status: 400 })));
    const error = (await createClient({ baseUrl: "https://api.test" }).get("r").catch((e: unknown) => e)) as HttpError;
    expect(error.message).toContain("é".repeat(200));
    expect(error.message).not.toContain("Z");
  });

  it("leaves the whole body readable from error.response", async () => {
    const body = `${"x".repeat(300)}end`;
    server.use(http.get("https://api.test/r", () => new HttpResponse(body, { status: 500 })));
    const error = (await createClient({ baseUrl: "https://api.test", retry: 0 }).get("r").catch((e: unknown) => e)) as HttpError;
    expect(await error.response.text()).toBe(body);
  });

  it("leaves a large body readable in full from error.response", async () => {
    const body = "0123456789".repeat(20_000);
    server.use(http.get("https://api.test/r", () => new HttpResponse(body, { status: 400 })));
    const error = (await createClient({ baseUrl: "https://api.test" }).get("r").catch((e: unknown) => e)) as HttpError;
    expect(await error.response.text()).toBe(body);
  });

  it("leaves a JSON error body parseable from error.response", async () => {
    server.use(http.get("https://api.test/r", () => HttpResponse.json({ code: "E42" }, { status: 400 })));
    const error = (await createClient({ baseUrl: "https://api.test" }).get("r").json().catch((e: unknown) => e)) as HttpError;
    expect(await error.response.json()).toEqual({ code: "E42" });
  });
});

describe("guards work across realms and copies (a plain object with the brand)", () => {
  const brand = Symbol.for("tierfetch.error");
  const plain = (code: string) => ({ [brand]: true, code, message: "from another copy" });

  it("isTierfetchError accepts any branded object", () => {
    expect(isTierfetchError(plain("ERR_CLOSED"))).toBe(true);
  });

  it("isHttpError, isTimeoutError and isNetworkError read the code", () => {
    expect(isHttpError(plain("ERR_HTTP"))).toBe(true);
    expect(isTimeoutError(plain("ERR_TIMEOUT"))).toBe(true);
    expect(isNetworkError(plain("ERR_NETWORK"))).toBe(true);
    expect(isHttpError(plain("ERR_TIMEOUT"))).toBe(false);
    expect(isTimeoutError(plain("ERR_NETWORK"))).toBe(false);
    expect(isNetworkError(plain("ERR_HTTP"))).toBe(false);
  });

  it("reject look-alikes without the brand", () => {
    const fake = Object.assign(new Error("x"), { code: "ERR_HTTP", status: 500 });
    for (const value of [fake, { code: "ERR_HTTP" }, null, undefined, "ERR_HTTP", 42]) {
      expect(isTierfetchError(value)).toBe(false);
      expect(isHttpError(value)).toBe(false);
    }
  });

  it("accept the real classes", () => {
    expect(isTierfetchError(new TierfetchError("closed", "ERR_CLOSED"))).toBe(true);
    expect(isTimeoutError(new TimeoutError(5, "short", "attempt"))).toBe(true);
    expect(isNetworkError(new NetworkError(new TypeError("x")))).toBe(true);
  });
});

describe("no secret in any message, toString(), toJSON(), util.inspect or JSON.stringify", () => {
  const TOKEN = "tok_live_7Hq2ZpV9";
  const SECRETS = {
    authorization: "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ",
    cookie: "sid=cookie-9f8e7d",
    "proxy-authorization": "Bearer proxy-4c3b2a",
    "x-api-key": "apikey-1a2b3c",
    "x-auth-token": "authtoken-5d6e7f",
    "x-client-secret": "clientsecret-8g9h0i",
    "my-api-key": "myapikey-2j3k4l",
    "x-refresh-token": "refresh-5m6n7o",
  };
  const QUERY = { api_key: "query-apikey-11", access_token: "query-token-22", client_secret: "query-secret-33" };
  const ALL = [TOKEN, ...Object.values(SECRETS), ...Object.values(QUERY)];

  /** Every way an error or a context is commonly shown. */
  function renderings(value: unknown): Record<string, string> {
    const out: Record<string, string> = {
      "String()": String(value),
      "JSON.stringify": JSON.stringify(value) ?? "",
      "util.inspect": inspect(value),
      "util.inspect (showHidden, depth ∞)": inspect(value, { showHidden: true, depth: Infinity }),
    };
    if (value instanceof Error) {
      out.message = value.message;
      out.stack = value.stack ?? "";
      out["toString()"] = value.toString();
    }
    const toJSON = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof toJSON === "function") out["toJSON()"] = JSON.stringify(toJSON.call(value));
    return out;
  }

  function expectNoSecret(value: unknown, what: string): void {
    for (const [how, text] of Object.entries(renderings(value))) {
      for (const secret of ALL) expect(text, `${what} via ${how} shows ${secret}`).not.toContain(secret);
    }
  }

  const tokenClient = (extra: ClientOptions = {}) => createClient({ baseUrl: "https://api.test", token: TOKEN, ...extra });
  const headerClient = (extra: ClientOptions = {}) => createClient({ baseUrl: "https://api.test", headers: SECRETS, ...extra });

  it("HttpError (with the token, and with secret headers)", async () => {
    server.use(http.get("https://api.test/r", () => new HttpResponse("denied", { status: 401, headers: { "set-cookie": "session=cookie-9f8e7d" } })));
    expectNoSecret(await tokenClient().get("r", { query: QUERY }).catch((e: unknown) => e), "HttpError");
    expectNoSecret(await headerClient().get("r", { query: QUERY }).catch((e: unknown) => e), "HttpError");
  });

  it("the HttpError message still shows the URL with secret query values masked", async () => {
    server.use(http.get("https://api.test/r", replies(404)));
    const error = (await tokenClient().get("r", { query: { ...QUERY, page: 2 } }).catch((e: unknown) => e)) as HttpError;
    expect(error.message).toContain("https://api.test/r?");
    expect(error.message).toContain("page=2");
    expect(error.message).toContain("api_key=");
  });

  it("TimeoutError", async () => {
    server.use(http.get("https://api.test/r", () => hang()));
    expectNoSecret(await tokenClient({ retry: 0 }).get("r", { timeout: 10, query: QUERY, headers: SECRETS }).catch((e: unknown) => e), "TimeoutError");
  });

  it("NetworkError, also when the runtime's message holds the URL", async () => {
    const fetch = async (input: Request | string) => {
      throw new TypeError(`request to ${typeof input === "string" ? input : input.url} failed, reason: ECONNRESET`);
    };
    const error = await tokenClient({ retry: 0, fetch }).get("r", { query: QUERY, headers: SECRETS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expectNoSecret(error, "NetworkError");
  });

  it("an ERR_CLOSED error", async () => {
    server.use(http.get("https://api.test/r", () => hang()));
    const api = tokenClient();
    const pending = api.get("r", { query: QUERY, headers: SECRETS }).catch((e: unknown) => e);
    await waitForRequests(seen, 1);
    await api.close();
    const error = await pending;
    expect((error as TierfetchError).code).toBe("ERR_CLOSED");
    expectNoSecret(error, "ERR_CLOSED");
  });

  it("an error whose retry budget was spent", async () => {
    server.use(http.get("https://api.test/r", replies(503)));
    const api = tokenClient({ retry: { minDelay: 1, maxDelay: 1, budget: { ratio: 0, minPerSecond: 0 } } });
    const error = await api.get("r", { query: QUERY, headers: SECRETS }).catch((e: unknown) => e);
    expect((error as TierfetchError).budgetExhausted).toBe(true);
    expectNoSecret(error, "budget error");
  });

  it("the context every hook receives", async () => {
    server.use(http.get("https://api.test/r", replies(503, 404)));
    const contexts: [string, unknown][] = [];
    const api = tokenClient({
      retry: { minDelay: 1, maxDelay: 1 },
      hooks: {
        beforeRequest: [(ctx) => void contexts.push(["beforeRequest", ctx])],
        afterResponse: [(ctx) => void contexts.push(["afterResponse", ctx])],
        beforeRetry: [(ctx) => void contexts.push(["beforeRetry", ctx])],
        beforeError: [(error, ctx) => void contexts.push(["beforeError error", error], ["beforeError", ctx])],
      },
    });
    await api.get("r", { query: QUERY, headers: { cookie: SECRETS.cookie, "x-api-key": SECRETS["x-api-key"] } }).catch(() => {});
    expect(contexts.map(([name]) => name)).toEqual(expect.arrayContaining(["beforeRequest", "afterResponse", "beforeRetry", "beforeError"]));
    for (const [name, ctx] of contexts) expectNoSecret(ctx, name);
  });

  it("stats", async () => {
    server.use(http.get("https://api.test/r", replies(429, 200)));
    const api = tokenClient({ retry: { minDelay: 1, maxDelay: 1 } });
    await api.get("r", { query: QUERY, headers: SECRETS });
    expectNoSecret(api.stats, "stats");
  });
});
