// Secrets scan: for every way a request can fail, with a token, secret headers and a secret
// query value in play, none of the secret values appears in what an app would log: the error's
// message, String(error), JSON.stringify(error), util.inspect(error) (and console's %o), the
// stats, or the hook contexts. `error.request` is the real Request (it holds Authorization,
// which makes it useful) but is non-enumerable: the scan is of the serialised/inspected forms.
import { format, inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { createClient, type ClientOptions, type RequestOptions } from "../../../src/index.js";

const TOKEN = "tok-SECRET-123";
const HEADER_SECRETS = {
  authorization: "Basic AUTH-SECRET-1",
  cookie: "sid=COOKIE-SECRET-2",
  "proxy-authorization": "Basic PROXY-SECRET-3",
  "x-api-key": "APIKEY-SECRET-4",
  "x-auth-token": "AUTHTOKEN-SECRET-5",
  "x-client-secret": "CLIENT-SECRET-6",
};
const QUERY_SECRET = "QSECRET";
const SECRETS: Record<string, string> = {
  token: TOKEN,
  ...HEADER_SECRETS,
  // The distinctive part of each value too, in case a value is shown cut or re-quoted.
  "authorization (core)": "AUTH-SECRET-1",
  "cookie (core)": "COOKIE-SECRET-2",
  "proxy-authorization (core)": "PROXY-SECRET-3",
  "query api_key": QUERY_SECRET,
};

const BASE = "https://api.example.com/v2/";
const PATH = `items?api_key=${QUERY_SECRET}`;

/** The two ways secrets reach a request: the token as Bearer, or an explicit Authorization header (the token then stays home). */
const SETUPS = {
  "token as Bearer": {
    client: { token: TOKEN, headers: { cookie: HEADER_SECRETS.cookie, "x-api-key": HEADER_SECRETS["x-api-key"] } },
    request: { headers: { "proxy-authorization": HEADER_SECRETS["proxy-authorization"], "x-auth-token": HEADER_SECRETS["x-auth-token"], "x-client-secret": HEADER_SECRETS["x-client-secret"] } },
    sentAuthorization: `Bearer ${TOKEN}`,
  },
  "explicit Authorization": {
    client: { token: TOKEN, headers: { ...HEADER_SECRETS } },
    request: {},
    sentAuthorization: HEADER_SECRETS.authorization,
  },
} satisfies Record<string, { client: ClientOptions; request: RequestOptions; sentAuthorization: string }>;

type Setup = (typeof SETUPS)[keyof typeof SETUPS];

/** What one scenario's fetch does. */
type Behaviour = (input: Request | string, init: RequestInit | undefined, signal: AbortSignal | undefined) => Promise<Response>;

const status = (code: number, body: string): Behaviour => async () => new Response(body, { status: code, headers: { "content-type": "text/plain" } });
const hang: Behaviour = (_i, _init, signal) =>
  new Promise((_, reject) => {
    if (signal?.aborted) reject(signal.reason);
    signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
  });

interface Outcome {
  error: unknown;
  forms: Record<string, string>;
  sent: { authorization: string | null; apiKey: string | null; url: string }[];
}

/** Runs one failing request and gathers every string an app might log. */
async function run(setup: Setup, behaviour: Behaviour, extra: ClientOptions, request: RequestOptions = {}, { hooks = true, after }: { hooks?: boolean; after?: (api: ReturnType<typeof createClient>, p: Promise<unknown>) => Promise<void> } = {}): Promise<Outcome> {
  const forms: Record<string, string> = {};
  const sent: Outcome["sent"] = [];
  const snap = (name: string, ctx: unknown) => {
    forms[`${name}: util.inspect(ctx)`] = inspect(ctx, { depth: 10 });
    forms[`${name}: JSON.stringify(ctx)`] = JSON.stringify(ctx) ?? "";
    forms[`${name}: console %o of ctx`] = format("%o", ctx);
  };
  const api = createClient({
    baseUrl: BASE,
    retry: false,
    ...setup.client,
    ...extra,
    headers: { ...setup.client.headers, ...(extra.headers as object) },
    fetch: async (input: Request | string, init?: RequestInit) => {
      const headers = new Headers(init?.headers ?? (typeof input === "string" ? undefined : input.headers));
      sent.push({ authorization: headers.get("authorization"), apiKey: headers.get("x-api-key"), url: typeof input === "string" ? input : input.url });
      const signal = init?.signal ?? (typeof input === "string" ? undefined : input.signal) ?? undefined;
      return behaviour(input, init, signal);
    },
    hooks: hooks
      ? {
          beforeRequest: [(ctx) => void snap("beforeRequest", ctx)],
          afterResponse: [(ctx) => void snap("afterResponse", ctx)],
          beforeRetry: [(ctx) => void snap("beforeRetry", ctx)],
          beforeError: [(error, ctx) => void (snap("beforeError", ctx), (forms["beforeError: util.inspect(error)"] = inspect(error, { depth: 10 })))],
        }
      : undefined,
  });
  const base: RequestOptions = setup.request;
  const promise = api.get(PATH, { ...base, ...request, headers: { ...(base.headers as object), ...(request.headers as object) } }).json();
  if (after) await after(api, promise);
  const error = await promise.then(
    () => {
      throw new Error("the request succeeded; the scenario must fail");
    },
    (e: unknown) => e,
  );
  const e = error as Error;
  forms["error.message"] = String(e?.message);
  forms["String(error)"] = String(error);
  forms["JSON.stringify(error)"] = JSON.stringify(error) ?? "";
  forms["util.inspect(error, depth 10)"] = inspect(error, { depth: 10 });
  forms["util.inspect(error, showHidden)"] = inspect(error, { depth: 10, showHidden: true });
  forms["console %o of error"] = format("%o", error);
  forms["console %s of error"] = format("%s", error);
  forms["JSON.stringify(api.stats)"] = JSON.stringify(api.stats);
  forms["util.inspect(api.stats)"] = inspect(api.stats, { depth: 10 });
  return { error, forms, sent };
}

/** Every (form, secret) pair where a secret shows. */
function leaks(forms: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [form, text] of Object.entries(forms)) {
    for (const [name, secret] of Object.entries(SECRETS)) {
      if (text.includes(secret)) out.push(`${form} shows ${name}: …${text.slice(Math.max(0, text.indexOf(secret) - 60), text.indexOf(secret) + secret.length + 20)}…`);
    }
  }
  return out;
}

/** The failing paths that reach fetch. */
const SCENARIOS: Record<string, { behaviour: Behaviour; extra?: ClientOptions; request?: RequestOptions; code: string; status?: number; after?: (api: ReturnType<typeof createClient>, p: Promise<unknown>) => Promise<void>; check?: (error: any, o: Outcome) => void }> = {
  "HttpError 404": { behaviour: status(404, "no such item"), code: "ERR_HTTP", status: 404 },
  "HttpError 401 (string token: no refresh)": { behaviour: status(401, "unauthorized"), code: "ERR_HTTP", status: 401 },
  "HttpError 500 after a retry": {
    behaviour: status(500, "internal error"),
    extra: { retry: { maxRetries: 1, minDelay: 0, budget: false } },
    code: "ERR_HTTP",
    status: 500,
    check: (e, o) => {
      expect(e.attempts).toBe(2);
      expect(Object.keys(o.forms).some((f) => f.startsWith("beforeRetry")) || o.sent.length === 2).toBe(true);
    },
  },
  TimeoutError: { behaviour: hang, extra: { timeout: 20 }, code: "ERR_TIMEOUT" },
  "NetworkError (fetch rejects, its message holds the URL)": {
    behaviour: async (input) => {
      const url = typeof input === "string" ? input : input.url;
      throw new TypeError(`error sending request for url (${url}): connection refused`);
    },
    code: "ERR_NETWORK",
  },
  "NetworkError (body breaks midway)": {
    behaviour: async () =>
      new Response(
        new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode('{"partial":'));
            c.error(new TypeError("terminated"));
          },
        }),
        { status: 200 },
      ),
    code: "ERR_NETWORK",
  },
  "ERR_CLOSED (close() during the request)": {
    behaviour: hang,
    code: "ERR_CLOSED",
    after: async (api) => {
      await new Promise((r) => setTimeout(r, 5));
      await api.close();
    },
  },
  "budget exhausted": {
    behaviour: status(503, "busy"),
    extra: { retry: { maxRetries: 3, minDelay: 0, budget: { ratio: 0, minPerSecond: 0 } } },
    code: "ERR_HTTP",
    status: 503,
    check: (e, o) => {
      expect(e.budgetExhausted).toBe(true);
      expect(o.forms["JSON.stringify(api.stats)"]).toContain('"budgetExhausted":1');
    },
  },
};

describe.each(Object.entries(SETUPS))("secrets scan — %s", (_name, setup) => {
  describe.each([true, false])("hooks: %s", (hooks) => {
    it.each(Object.entries(SCENARIOS))("%s: no secret in the error, the stats or the hook contexts", async (_s, scenario) => {
      const outcome = await run(setup, scenario.behaviour, scenario.extra ?? {}, scenario.request, { hooks, after: scenario.after });
      const e = outcome.error as any;
      expect(e?.code).toBe(scenario.code);
      if (scenario.status) expect(e.status).toBe(scenario.status);
      scenario.check?.(e, outcome);
      // The secrets really were sent (else the scan proves nothing)...
      expect(outcome.sent.length).toBeGreaterThan(0);
      expect(outcome.sent[0]!.authorization).toBe(setup.sentAuthorization);
      expect(outcome.sent[0]!.apiKey).toBe(HEADER_SECRETS["x-api-key"]);
      expect(outcome.sent[0]!.url).toContain(QUERY_SECRET);
      // ...the error keeps the real request for whoever needs it, out of sight...
      expect(e.request).toBeInstanceOf(Request);
      expect(Object.keys(e)).not.toContain("request");
      if (hooks) expect(Object.keys(outcome.forms).some((f) => f.startsWith("before") || f.startsWith("after"))).toBe(true);
      // ...and no logged form shows any of them.
      expect(leaks(outcome.forms)).toEqual([]);
    });
  });
});

describe("secrets scan — errors raised before sending", () => {
  /** Validation errors: each must reject (TypeError or ERR_CLOSED), send nothing and show no secret. */
  const CASES: Record<string, { client?: ClientOptions; url?: string; request?: RequestOptions; close?: boolean; type?: "TypeError" | "ERR_CLOSED" }> = {
    "secret header value with CR/LF": { request: { headers: { "x-api-key": `${HEADER_SECRETS["x-api-key"]}\r\nx-evil: 1` } } },
    "Authorization value with NUL": { request: { headers: { authorization: `${HEADER_SECRETS.authorization}\0` } } },
    "invalid header name carrying a secret value": { request: { headers: { "x client secret": HEADER_SECRETS["x-client-secret"] } } },
    "token with a newline": { client: { token: `${TOKEN}\n` } },
    "token function returning a bad token": { client: { token: () => `${TOKEN}\r\nx: y` } },
    "json and body together": { request: { json: {}, body: "x" } as RequestOptions },
    "unknown tier": { request: { timeout: "forever" as never } },
    "bad duration": { request: { timeout: "5 parsecs" } },
    "json that cannot be serialised (BigInt)": { request: { json: { secret: 1n } } as RequestOptions },
    "a '..' segment in a path with a secret query": { url: `../admin?api_key=${QUERY_SECRET}` },
    "an invalid absolute URL with a secret query": { url: `https://[bad/items?api_key=${QUERY_SECRET}` },
    "a relative URL with a secret query and no baseUrl": { client: { baseUrl: undefined } },
    "the token over plain http to a remote host": { url: `http://api.example.com/v2/items?api_key=${QUERY_SECRET}`, client: { baseUrl: "http://api.example.com/v2/" } },
    "a request after close()": { close: true, type: "ERR_CLOSED" },
  };

  it.each(Object.entries(CASES))("%s", async (_name, c) => {
    const sent: string[] = [];
    const api = createClient({
      baseUrl: BASE,
      retry: { maxRetries: 2, minDelay: 0 },
      token: TOKEN,
      headers: { cookie: HEADER_SECRETS.cookie },
      ...c.client,
      fetch: async (input: Request | string) => {
        sent.push(String(input));
        return new Response("{}");
      },
    });
    if (c.close) await api.close();
    const method = c.request && ("json" in c.request || "body" in c.request) ? "post" : "get";
    const error = await api[method](c.url ?? PATH, c.request).then(
      () => {
        throw new Error("the request was sent instead of rejected");
      },
      (e: unknown) => e,
    );
    expect(sent).toEqual([]);
    if (c.type === "ERR_CLOSED") expect((error as { code?: string }).code).toBe("ERR_CLOSED");
    else expect((error as Error).constructor).toBe(TypeError);
    const forms: Record<string, string> = {
      "error.message": String((error as Error).message),
      "String(error)": String(error),
      "JSON.stringify(error)": JSON.stringify(error) ?? "",
      "util.inspect(error, depth 10)": inspect(error, { depth: 10 }),
      "console %o of error": format("%o", error),
      "JSON.stringify(api.stats)": JSON.stringify(api.stats),
    };
    expect(leaks(forms)).toEqual([]);
  });
});
