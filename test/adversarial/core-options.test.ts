/**
 * Options from untrusted JSON and plain mistakes: an own "__proto__" key cannot smuggle a body,
 * a method or headers past the checks; every option is validated with a TypeError naming it;
 * a typo gets a "did you mean". Requests reject (never throw synchronously), nothing is sent.
 */
import { describe, expect, test } from "vitest";
import { createClient, type RequestOptions } from "../../src/index.js";
import { rejection, useClients, useServers, type TestServer } from "./support/harness.js";

const servers = useServers(1);
const client = useClients();

function recording(s: TestServer) {
  const seen: { method: string; body: string; headers: Record<string, unknown> }[] = [];
  s.route("/x", async (req, res) => {
    let body = "";
    for await (const c of req) body += c;
    seen.push({ method: req.method!, body, headers: req.headers });
    res.writeHead(200).end("ok");
  });
  return seen;
}

/** Sends a request with `options`: its TypeError, with what the server saw (must be nothing). */
async function refused(options: unknown, method = "POST"): Promise<{ error: TypeError; seen: unknown[] }> {
  const [s] = servers();
  const seen = recording(s!);
  const api = client({ baseUrl: s!.url, retry: { maxRetries: 2, minDelay: 1, budget: false } });
  let call: Promise<unknown> | undefined;
  expect(() => (call = api.request(method, "/x", options as RequestOptions))).not.toThrow();
  const error = await rejection(call!);
  expect(error).toBeInstanceOf(TypeError);
  await new Promise((r) => setTimeout(r, 10));
  expect(seen).toEqual([]);
  return { error, seen };
}

describe("an own __proto__ key from JSON.parse", () => {
  test.each([
    '{"__proto__": {"body": "smuggled"}}',
    '{"__proto__": {"method": "DELETE", "headers": {"authorization": "Bearer stolen"}}}',
    '{"json": {"a": 1}, "__proto__": {"body": "smuggled", "json": null}}',
    '{"__proto__": {"init": {"body": "smuggled"}}}',
  ])("request options %s: TypeError naming __proto__, nothing sent", async (text) => {
    const { error } = await refused(JSON.parse(text));
    expect(error.message).toContain("__proto__");
  });

  test.each(['{"__proto__": {"baseUrl": "http://evil.example"}}', '{"__proto__": {"allowHttp": true}}', '{"headers": {}, "__proto__": {"token": "x"}}'])(
    "client options %s: TypeError naming __proto__",
    (text) => {
      expect(() => createClient(JSON.parse(text))).toThrow(/__proto__/);
    },
  );

  test.each([
    ["retry", '{"retry": {"__proto__": {"maxRetries": 100}}}'],
    ["hooks", '{"hooks": {"__proto__": []}}'],
    ["timeouts", '{"timeouts": {"__proto__": {"medium": 1}}}'],
  ])("nested in %s: TypeError", (_name, text) => {
    expect(() => createClient(JSON.parse(text))).toThrow(TypeError);
  });

  test("nested in headers: no header is smuggled in", async () => {
    const [s] = servers();
    const seen = recording(s!);
    const api = client({ baseUrl: s!.url, retry: false });
    await api
      .get("/x", JSON.parse('{"headers": {"__proto__": {"authorization": "Bearer stolen", "x-evil": "1"}}}'))
      .catch((e: unknown) => expect(e).toBeInstanceOf(TypeError));
    for (const hit of seen) {
      expect(hit.headers.authorization).toBeUndefined();
      expect(hit.headers["x-evil"]).toBeUndefined();
    }
  });
});

describe("hooks", () => {
  test.each([
    ["{ toString: [] }", { toString: [] }],
    ["{ constructor: [] }", { constructor: [] }],
    ["{ beforeRequets: [] }", { beforeRequets: [] }],
    ["an array", []],
    ["a function", () => {}],
  ])("hooks: %s → TypeError naming hooks", async (_label, hooks) => {
    const { error } = await refused({ hooks });
    expect(error.message).toMatch(/"hooks/);
    expect(error.message).not.toMatch(/not iterable/);
    expect(() => createClient({ hooks: hooks as never })).toThrow(/"hooks/);
  });

  test.each([
    ["a string", "fn"],
    ["an array with a number", [1]],
    ["an object", { a: 1 }],
  ])("hooks.beforeRequest as %s → TypeError naming hooks.beforeRequest", async (_label, list) => {
    const { error } = await refused({ hooks: { beforeRequest: list } });
    expect(error.message).toContain("hooks.beforeRequest");
  });
});

describe("retry.budget", () => {
  test.each([
    ["ratio: -1", { ratio: -1 }, "retry.budget.ratio"],
    ['ratio: "x"', { ratio: "x" }, "retry.budget.ratio"],
    ["ratio: NaN", { ratio: NaN }, "retry.budget.ratio"],
    ["ratio: Infinity", { ratio: Infinity }, "retry.budget.ratio"],
    ["minPerSecond: -1", { minPerSecond: -1 }, "retry.budget.minPerSecond"],
    ['window: "bogus"', { window: "bogus" }, "retry.budget.window"],
    ["window: 0", { window: 0 }, "retry.budget.window"],
    ["window: -5", { window: -5 }, "retry.budget.window"],
    ['a typo: windw: "1s"', { windw: "1s" }, "retry.budget.windw"],
    ["budget: true", true, "retry.budget"],
    ['budget: "off"', "off", "retry.budget"],
    ["budget: null", null, "retry.budget"],
  ])("createClient retry.budget %s → TypeError naming %s", (_label, budget, name) => {
    expect(() => createClient({ retry: { budget: budget as never } })).toThrow(new RegExp(`"${name.replace(/\./g, "\\.")}"`));
  });
});

describe("every other option is validated, naming it", () => {
  test.each([
    ["signal: {}", { signal: {} }, "signal"],
    ['signal: "abort"', { signal: "abort" }, "signal"],
    ["signal: an AbortController", { signal: new AbortController() }, "signal"],
    ['throwHttpErrors: "no"', { throwHttpErrors: "no" }, "throwHttpErrors"],
    ["throwHttpErrors: 0", { throwHttpErrors: 0 }, "throwHttpErrors"],
    ['timeout: "fast"', { timeout: "fast" }, "timeout"],
    ["timeout: -5", { timeout: -5 }, "timeout"],
    ["timeout: NaN", { timeout: NaN }, "timeout"],
    ['idleTimeout: "soon"', { idleTimeout: "soon" }, "idleTimeout"],
    ["retry: true", { retry: true }, "retry"],
    ['retry: "3"', { retry: "3" }, "retry"],
    ["retry: -1", { retry: -1 }, "retry.maxRetries"],
    ["retry: 1.5", { retry: 1.5 }, "retry.maxRetries"],
    ["retry.maxRetries: Infinity", { retry: { maxRetries: Infinity } }, "retry.maxRetries"],
    ["retry.factor: 0.5", { retry: { factor: 0.5 } }, "retry.factor"],
    ["retry.statuses: [200, 99]", { retry: { statuses: [200, 99] } }, "retry.statuses"],
    ['retry.deadline: "forever"', { retry: { deadline: "forever" } }, "retry.deadline"],
    ['retry.shouldRetry: "yes"', { retry: { shouldRetry: "yes" } }, "retry.shouldRetry"],
    ["retry.retries: 3 (a typo)", { retry: { retries: 3 } }, "retry.retries"],
    ['idempotencyKey: ""', { idempotencyKey: "" }, "idempotencyKey"],
    ["idempotencyKey: 42", { idempotencyKey: 42 }, "idempotencyKey"],
    ['onDownloadProgress: "x"', { onDownloadProgress: "x" }, "onDownloadProgress"],
    ['onUploadProgress: "x"', { onUploadProgress: "x" }, "onUploadProgress"],
    ["headers: 42", { headers: 42 }, "headers"],
    ['headers: [["a"]]', { headers: [["a"]] }, "headers"],
    ['query: "a=1"', { query: "a=1" }, "query"],
    ["query with an Invalid Date", { query: { at: new Date(NaN) } }, "query"],
    ['init: "x"', { init: "x" }, "init"],
    ["json and body together", { json: { a: 1 }, body: "x" }, "json"],
    ["json: a BigInt", { json: { n: 1n } }, "json"],
    ["a client option in a request: baseUrl", { baseUrl: "http://127.0.0.1:1" }, "baseUrl"],
    ["a client option in a request: token", { token: "t" }, "token"],
    ["a client option in a request: allowHttp", { allowHttp: true }, "allowHttp"],
  ])("request %s → TypeError naming %s, nothing sent", async (_label, options, name) => {
    const { error } = await refused(options);
    expect(error.message).toContain(`"${name}"`);
  });

  test("a self-referencing json body: TypeError naming json", async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect((await refused({ json: cyclic })).error.message).toContain('"json"');
  });

  test.each([
    ["allowHttp: 1", { allowHttp: 1 }, "allowHttp"],
    ['allowHttp: "true"', { allowHttp: "true" }, "allowHttp"],
    ['throwHttpErrors: "no"', { throwHttpErrors: "no" }, "throwHttpErrors"],
    ["token: 42", { token: 42 }, "token"],
    ['fetch: "fetch"', { fetch: "fetch" }, "fetch"],
    ['baseUrl: "not a url"', { baseUrl: "not a url" }, "baseUrl"],
    ['baseUrl: "ftp://h/"', { baseUrl: "ftp://h/" }, "baseUrl"],
    ['timeouts: { medium: "x" }', { timeouts: { medium: "x" } }, "timeouts.medium"],
    ['timeouts: { huge: "1s" }', { timeouts: { huge: "1s" } }, "timeouts"],
    ["a request option in a client: json", { json: {} }, "json"],
    ["a request option in a client: signal", { signal: new AbortController().signal }, "signal"],
  ])("createClient %s → TypeError naming %s", (_label, options, name) => {
    expect(() => createClient(options as never)).toThrow(`"${name}"`);
  });
});

describe("typos get a did-you-mean", () => {
  test.each([
    // { retires: 0 }, the case from issue 12, gets no suggestion yet: core-bugs.pending.ts.
    ["timeot", "timeout"],
    ["header", "headers"],
    ["Retry", "retry"],
    ["idempotency_key", "idempotencyKey"],
    ["throwHttpError", "throwHttpErrors"],
  ])("{ %s: … } → did you mean %s", async (typo, meant) => {
    const { error } = await refused({ [typo]: 0 });
    expect(error.message).toContain(`"${typo}"`);
    expect(error.message).toContain(`did you mean "${meant}"`);
    expect(() => createClient({ [typo]: 0 } as never)).toThrow(`did you mean "${meant}"`);
  });

  test("a 1 MB option name: a short message, quickly", async () => {
    const started = performance.now();
    const { error } = await refused({ ["x".repeat(1_000_000)]: 1 });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error.message.length).toBeLessThan(300);
  });
});
