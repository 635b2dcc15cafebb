/**
 * Bugs found attacking the core/full client split and the credential rules (2026-12-01), each
 * fixed in src/ and kept here as it was written before the fix: integrity mismatch retried as a
 * network error (attempt.ts), request options read through their prototype (plan.ts), a
 * request's `authorization: undefined` still sending the token, secret-named default headers and
 * query parameters of a client going to another origin.
 */
import { describe, expect, test } from "vitest";
import { readBody, rejection, useClients, useServers } from "./support/harness.js";

const servers = useServers(1);
const client = useClients();
const RETRY = { maxRetries: 3, minDelay: 1, maxDelay: 2, budget: false } as const;


describe("core-client-errors (refusals fetch makes after sending)", () => {
  // Deterministic refusals are classified as NetworkErrors and retried (4 requests): with
  // redirect "error" a 3xx fails in fetch ("unexpected redirect"), an integrity mismatch fails
  // after the body. src/pipeline/attempt.ts:316 refusedByFetch only catches what `new Request()` refuses.
  test.each([
    ["integrity that does not match", { integrity: "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" }, (res: import("node:http").ServerResponse) => res.writeHead(200).end("data")],
  ])("%s: not retried", async (_label, init, answer) => {
    const [s] = servers();
    s!.route("/x", (_req, res) => answer(res));
    const api = client({ baseUrl: s!.url, retry: RETRY });
    await rejection(api.get("/x", init as never).text());
    expect(s!.hits).toHaveLength(1);
  });
});

describe("core-extend-origin (the per-request side of the credential rules, plan.ts)", () => {
  // Two loopback origins: the client's base (a) and another (b); the token is sent over loopback http.
  const two = useServers(2);
  const ok = (...list: ReturnType<typeof two>) => list.forEach((s) => s.route("/r", (_req, res) => res.end("ok")));

  // src/pipeline/plan.ts:142 `headerEntries(o.headers)` reads the request's headers through the
  // options' prototype, while resolveShared (eachOption) reads own properties only: an options
  // object whose prototype names x-api-key keeps the client's own default key for another origin.
  // Fix: `Object.hasOwn(o, "headers") ? o.headers : undefined` there, or call config.ts's exported
  // withoutDefaultSecrets(shared.headers, config.headers, ownHeaders) (same rule, one copy).
  test("headers inherited by a request's options object do not keep the client's secret header for another origin", async () => {
    const [a, b] = two();
    ok(a!, b!);
    const api = client({ baseUrl: a!.url, headers: { "x-api-key": "ak-DEFAULT-KEY" } });
    await api.get(`${b!.url}/r`, Object.create({ headers: { "x-api-key": "ignored" } }));
    expect(b!.hits[0]!.headers["x-api-key"]).toBeUndefined();
  });

  // src/pipeline/plan.ts:81 `headers.authorization === undefined ? config.token`: a request's
  // `headers: { authorization: undefined }` ("an undefined header removes a default") still sends
  // the token, which is the default Authorization. extend() already drops it (config.ts
  // removesAuthorization). Fix: no token when the request's own headers give authorization as
  // undefined/null (headerEntries(o.headers) has the key with a nullish value).
  test("headers: { authorization: undefined } on a request sends no Authorization", async () => {
    const [a] = two();
    ok(a!);
    const api = client({ baseUrl: a!.url, token: "sk-TOKEN-1" });
    await api.get("/r", { headers: { authorization: undefined } });
    expect(a!.hits[0]!.headers.authorization).toBeUndefined();
  });

  // A secret-named default query parameter (`api_key`, one of the names redaction masks) is a
  // credential given for the base origin as much as an x-api-key header, but it goes to every
  // origin: src/pipeline/plan.ts:69 resolveUrl(config, input, shared.query) appends the client's
  // query for any origin (and config.ts keeps it for an extend() child on another origin).
  // Proposed: drop the client's secret-named default parameters (isSecretParam-style check of
  // src/security/redact.ts) for another origin unless the request gives them, in both places.
  test("a client's secret-named default query parameter goes only to the base origin", async () => {
    const [a, b] = two();
    ok(a!, b!);
    const api = client({ baseUrl: a!.url, query: { api_key: "QK-SECRET", page: 1 } });
    await api.get(`${b!.url}/r`);
    await api.extend({ baseUrl: b!.url }).get("/r");
    expect(b!.hits.map((h) => h.target)).toEqual(["/r?page=1", "/r?page=1"]);
  });
});

describe("core-options (request options are read as own properties only, as README says)", () => {
  // src/pipeline/plan.ts:63 `const { json, body, signal, idempotencyKey, onUploadProgress } = o`
  // reads through the options' prototype, while every other option goes through eachOption (own
  // properties only). `Object.assign({}, JSON.parse(text))` with a "__proto__" key sets the
  // prototype, so a JSON-sourced options object smuggles a body and an idempotency key in (the
  // POST is then retried as idempotent). Fix that keeps the fast path for plain objects: when
  // Object.getPrototypeOf(o) is neither Object.prototype nor null, read from `{ ...o }` instead
  // (own enumerable properties only). config.ts does the same for client options (own()).
  test("a body and an idempotency key on the options' prototype are not sent", async () => {
    const [s] = servers();
    s!.route("/p", (req, res) => void readBody(req).then((body) => res.end(body)));
    const api = client({ baseUrl: s!.url, retry: RETRY });
    const options = Object.assign({}, JSON.parse('{"__proto__": {"json": {"smuggled": 1}, "idempotencyKey": "k-1"}}'));
    expect(await api.post("/p", options).text()).toBe("");
    expect(s!.hits[0]!.headers["idempotency-key"]).toBeUndefined();
  });
});
